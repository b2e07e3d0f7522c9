"""People, with personal data only in masked form (DESIGN §6)."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.people import Person as PersonRecord
from resolvers import party as resolve_party
from resolvers import people as resolve
from resolvers import services as resolve_services
from resolvers import visits as resolve_visits
from resolvers.access import EVERYONE, HISTORY, HOUSEHOLDS, PEOPLE, PERSON_IDS
from schema.access import roles, type_roles
from schema.context import Info
from schema.paging import Connection

if TYPE_CHECKING:
    from schema.party import Assignment, HomeServices, PartyMembership
    from schema.places import Household
    from schema.services import Volunteering
    from schema.visits import Visit

HouseholdType = Annotated["Household", strawberry.lazy("schema.places")]
VisitType = Annotated["Visit", strawberry.lazy("schema.visits")]
MembershipType = Annotated["PartyMembership", strawberry.lazy("schema.party")]
AssignmentType = Annotated["Assignment", strawberry.lazy("schema.party")]
HomeServicesType = Annotated["HomeServices", strawberry.lazy("schema.party")]
VolunteeringType = Annotated["Volunteering", strawberry.lazy("schema.services")]


@type_roles(PEOPLE)
@strawberry.type
class Person:
    id: strawberry.ID = strawberry.field(metadata=roles(PERSON_IDS))
    name: str = strawberry.field(metadata=roles(EVERYONE))
    gender: str | None
    birth_year: int | None

    @strawberry.field(description="Masked (DESIGN §6): never the stored clear value.")
    def id_number(self, person: strawberry.Parent[PersonRecord]) -> str | None:
        return person.id_number_masked

    @strawberry.field(description="Masked (DESIGN §6).")
    def phone(self, person: strawberry.Parent[PersonRecord]) -> str | None:
        return person.phone_masked

    @strawberry.field(
        description="The phone in clear, for a grid worker of this person's grid who calls her "
        "(only GRID_WORKER, with the person's grid in scope; not ADMIN). Every read is "
        "recorded in the access log, with `purpose`; null when the person has no phone.",
        metadata=roles(PEOPLE),
    )
    async def contact_phone(
        self, info: Info, person: strawberry.Parent[PersonRecord], purpose: str
    ) -> str | None:
        return await resolve.contact_phone(info.context, person, purpose)

    @strawberry.field
    async def household(self, info: Info) -> HouseholdType | None:
        return await resolve.person_household(info.context, self)

    @strawberry.field(description="Active at asOf; with history, every one ever held.")
    async def party_memberships(
        self, info: Info, as_of: date | None = None, history: bool = False
    ) -> list[MembershipType]:
        return await resolve_party.person_memberships(info.context, self, as_of, history=history)

    @strawberry.field(description="Volunteer teams and organisations at asOf; with history, all.")
    async def volunteering(
        self, info: Info, as_of: date | None = None, history: bool = False
    ) -> list[VolunteeringType]:
        return await resolve_services.person_volunteering(
            info.context, self, as_of, history=history
        )

    @strawberry.field(
        description="Active at asOf; with history, every one ever held.", metadata=roles(HISTORY)
    )
    async def assignments(
        self, info: Info, as_of: date | None = None, history: bool = False
    ) -> list[AssignmentType]:
        return await resolve_party.person_assignments(info.context, self, as_of, history=history)

    @strawberry.field(
        description="What she did in her home community on the days from..to (Asia/Shanghai, "
        "either open): visits, disputes resolved, projects supervised (双报到).",
        metadata=roles(HOUSEHOLDS),
    )
    async def services_at_home(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> HomeServicesType:
        return await resolve_party.home_services(info.context, self, from_, last_day=to)

    @strawberry.field(
        description="Visits made by the person on the days from..to (Asia/Shanghai, either open); "
        "ordered by id (by time).",
        metadata=roles(HOUSEHOLDS),
    )
    async def visits(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[VisitType]:
        return await resolve_visits.person_visits(
            info.context, self, from_, last_day=to, first=first, after=after
        )

    @strawberry.field(
        description="Households this person covers at asOf (DESIGN §3), ordered by id.",
        metadata=roles(HOUSEHOLDS),
    )
    async def covered_households(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        *,
        after: str | None = None,
    ) -> Connection[HouseholdType]:
        return await resolve_party.covered_households(
            info.context, self, as_of, first=first, after=after
        )
