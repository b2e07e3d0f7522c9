"""Party organisations, memberships, assignments and the coverage report."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import party as graph_party
from graph.core.records import from_input
from resolvers import party as resolve
from resolvers import visits as resolve_visits
from resolvers.access import EVERYONE, HISTORY, HOUSEHOLDS, PEOPLE, PLANNING
from schema.access import roles, type_roles
from schema.context import Info
from schema.enums import MembershipKind, PartyOrgLevel, Role
from schema.paging import Connection

if TYPE_CHECKING:
    from schema.people import Person
    from schema.places import Building, Grid, Household, Region
    from schema.visits import Visit

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
RegionType = Annotated["Region", strawberry.lazy("schema.places")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]
BuildingType = Annotated["Building", strawberry.lazy("schema.places")]
HouseholdType = Annotated["Household", strawberry.lazy("schema.places")]
VisitType = Annotated["Visit", strawberry.lazy("schema.visits")]


@type_roles(EVERYONE)
@strawberry.type
class PartyOrganization:
    id: strawberry.ID
    name: str
    level: PartyOrgLevel

    @strawberry.field
    async def parent(self, info: Info) -> "PartyOrganization | None":
        return await resolve.organization_parent(info.context, self)

    @strawberry.field(description="Ordered by id.")
    async def children(self, info: Info) -> list["PartyOrganization"]:
        return await resolve.organization_children(info.context, self)

    @strawberry.field
    async def region(self, info: Info) -> RegionType:
        return await resolve.organization_region(info.context, self)

    @strawberry.field(
        description="Persons with an active membership at asOf; ordered by id.",
        metadata=roles(HOUSEHOLDS),
    )
    async def members(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        *,
        after: str | None = None,
    ) -> Connection[PersonType]:
        return await resolve.organization_members(
            info.context, self, as_of, first=first, after=after
        )

    @strawberry.field(
        description="Visits made for the branch on the days from..to (Asia/Shanghai, either open); "
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
        return await resolve_visits.organization_visits(
            info.context, self, from_, last_day=to, first=first, after=after
        )

    @strawberry.field(
        description="Active at asOf; with history, every one ever held.", metadata=roles(HISTORY)
    )
    async def assignments(
        self, info: Info, as_of: date | None = None, history: bool = False
    ) -> list["Assignment"]:
        return await resolve.organization_assignments(info.context, self, as_of, history=history)


@type_roles(HOUSEHOLDS)
@strawberry.type(
    description="What a party member did in her home community over a period: the services "
    "dual reporting (双报到) asks of her."
)
class HomeServices:
    visits: int = strawberry.field(description="Visits she made to households of it.")
    mediations: int = strawberry.field(
        description="Its disputes she resolved (cases of category DISPUTE, her RESOLVE events)."
    )
    supervised_projects: int = strawberry.field(
        description="Its joint-creation projects proposed in the period that she supervises."
    )

    @strawberry.field(
        description="The community or village of her household; null when she has none."
    )
    async def community(
        self, info: Info, services: strawberry.Parent[graph_party.HomeServices]
    ) -> RegionType | None:
        return await resolve.home_community(info.context, services)


@type_roles(PEOPLE)
@strawberry.type
class PartyMembership:
    kind: MembershipKind
    since: date | None
    until: date | None

    @strawberry.field
    async def person(self, info: Info) -> PersonType:
        return await resolve.membership_person(info.context, self)

    @strawberry.field
    async def organization(self, info: Info) -> PartyOrganization:
        return await resolve.membership_organization(info.context, self)


@type_roles(HISTORY)
@strawberry.type(
    description="One holder (a person or a party organisation) in one role toward one target."
)
class Assignment:
    id: strawberry.ID
    role: Role
    since: date | None
    until: date | None

    @strawberry.field(description="Set for person roles.")
    async def holder_person(self, info: Info) -> PersonType | None:
        return await resolve.holder_person(info.context, self)

    @strawberry.field(description="Set for GRID_BRANCH and BUILDING_GROUP.")
    async def holder_organization(self, info: Info) -> PartyOrganization | None:
        return await resolve.holder_organization(info.context, self)

    @strawberry.field
    async def target_grid(self, info: Info) -> GridType | None:
        return await resolve.target_grid(info.context, self)

    @strawberry.field
    async def target_building(self, info: Info) -> BuildingType | None:
        return await resolve.target_building(info.context, self)

    @strawberry.field
    async def target_household(self, info: Info) -> HouseholdType | None:
        return await resolve.target_household(info.context, self)


@type_roles(PLANNING)
@strawberry.type(description="How far coverage reaches in a region or grid at a date (DESIGN §3).")
class CoverageReport:
    within: str
    name: str = strawberry.field(description="The region's or grid's name.")
    as_of: date
    buildings: int
    covered_buildings: int
    households: int
    covered_households: int
    grids: int
    grids_with_worker: int
    building_coverage: float = strawberry.field(
        description="coveredBuildings / buildings, 1.0 when there are none."
    )
    household_coverage: float = strawberry.field(
        description="coveredHouseholds / households, 1.0 when there are none."
    )

    @strawberry.field(
        description="One per child region (or per grid under a community/village), ordered by code."
    )
    async def children(self, info: Info) -> list["CoverageReport"]:
        return await resolve.coverage_children(info.context, self)


@strawberry.input
class AssignInput:
    role: Role
    holder: strawberry.ID = strawberry.field(
        description="Person id, or party organisation id for GRID_BRANCH / BUILDING_GROUP."
    )
    target: str = strawberry.field(
        description="Grid code, building code or household id, by role (DESIGN §3)."
    )
    since: date | None = strawberry.field(default=None, description="Today when absent.")


def new_assignment(given: AssignInput) -> graph_party.NewAssignment:
    return from_input(graph_party.NewAssignment, given)
