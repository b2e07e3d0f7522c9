"""Governance centres, service stations, organisations and their volunteers."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.services import ServiceStation as StationRecord
from resolvers import services as resolve
from resolvers.access import EVERYONE, HOUSEHOLDS, PEOPLE
from schema.access import roles, type_roles
from schema.context import Info
from schema.enums import GovernanceLevel, OrganisationKind, StationKind
from schema.paging import Connection

if TYPE_CHECKING:
    from schema.people import Person
    from schema.places import Grid, Region

RegionType = Annotated["Region", strawberry.lazy("schema.places")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]
PersonType = Annotated["Person", strawberry.lazy("schema.people")]


@type_roles(EVERYONE)
@strawberry.type
class GovernanceCenter:
    id: strawberry.ID
    name: str
    level: GovernanceLevel

    @strawberry.field
    async def region(self, info: Info) -> RegionType:
        return await resolve.served_region(info.context, self)

    @strawberry.field(
        description="Organisations stationed at the centre (mediators, police, court, "
        "petitions, lawyers, psychologists …), by id."
    )
    async def stationed(self, info: Info) -> list["Organisation"]:
        return await resolve.center_organisations(info.context, self)


@type_roles(EVERYONE)
@strawberry.type
class ServiceStation:
    id: strawberry.ID
    name: str
    kind: StationKind
    address: str | None

    @strawberry.field
    async def region(self, info: Info) -> RegionType:
        return await resolve.served_region(info.context, self)

    @strawberry.field
    async def grid(self, info: Info) -> GridType | None:
        return await resolve.station_grid(info.context, self)

    @strawberry.field(description="What the station offers (a rest, water, charging, meals …).")
    def services(self, station: strawberry.Parent[StationRecord]) -> list[str]:
        return list(station.services)

    @strawberry.field(description="Whom it serves first (couriers, the elderly living alone, …).")
    def target_groups(self, station: strawberry.Parent[StationRecord]) -> list[str]:
        return list(station.target_groups)


@type_roles(EVERYONE)
@strawberry.type
class Organisation:
    """A social or mass organisation, a volunteer team, a mediation committee, a department
    or firm stationed at a centre."""

    id: strawberry.ID
    name: str
    kind: OrganisationKind

    @strawberry.field(description="The region it is based in.")
    async def region(self, info: Info) -> RegionType:
        return await resolve.served_region(info.context, self)

    @strawberry.field(description="The compound or house-yard it is placed at, if any.")
    async def grid(self, info: Info) -> GridType | None:
        return await resolve.station_grid(info.context, self)

    @strawberry.field(description="The governance centre it is stationed at, if any.")
    async def center(self, info: Info) -> GovernanceCenter | None:
        return await resolve.stationed_at(info.context, self)

    @strawberry.field(
        description="People volunteering in it at asOf (with history, ever); ordered by id.",
        metadata=roles(HOUSEHOLDS),
    )
    async def volunteers(
        self,
        info: Info,
        as_of: date | None = None,
        history: bool = False,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PersonType]:
        return await resolve.organisation_volunteers(
            info.context, self, as_of, history=history, first=first, after=after
        )


@type_roles(PEOPLE)
@strawberry.type
class Volunteering:
    """A person's time in an organisation (dated, never overwritten)."""

    since: date | None
    until: date | None

    @strawberry.field
    async def person(self, info: Info) -> PersonType:
        return await resolve.volunteering_person(info.context, self)

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation:
        return await resolve.volunteering_organisation(info.context, self)
