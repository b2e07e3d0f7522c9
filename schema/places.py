"""Regions, grids, buildings and households."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import places as resolve
from resolvers import services as resolve_services
from resolvers.pending import pending
from resolvers.people import household_members
from schema.context import Info
from schema.enums import GridKind, HouseholdKind, RegionLevel
from schema.paging import Connection

if TYPE_CHECKING:
    from schema.party import PartyOrganization
    from schema.people import Person
    from schema.services import GovernanceCenter, ServiceStation

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
OrganizationType = Annotated["PartyOrganization", strawberry.lazy("schema.party")]
CenterType = Annotated["GovernanceCenter", strawberry.lazy("schema.services")]
StationType = Annotated["ServiceStation", strawberry.lazy("schema.services")]


@strawberry.type
class Region:
    code: str
    name: str
    level: RegionLevel

    @strawberry.field
    async def parent(self, info: Info) -> "Region | None":
        return await resolve.region_parent(info.context, self)

    @strawberry.field(description="Ordered by code.")
    async def children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Region"]:
        return await resolve.region_children(info.context, self, first, after)

    @strawberry.field(description="All grids below, ordered by code.")
    async def grids(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Grid"]:
        return await resolve.region_grids(info.context, self, first, after)

    @strawberry.field
    async def centers(self, info: Info) -> list[CenterType]:
        return await resolve_services.region_centers(info.context, self)


@strawberry.type
class Grid:
    code: str
    name: str
    kind: GridKind

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return await resolve.grid_region(info.context, self)

    @strawberry.field(description="Ordered by code.")
    async def buildings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Building"]:
        return await resolve.grid_buildings(info.context, self, first, after)

    @strawberry.field(description="Active GRID_WORKERs.")
    async def workers(self, as_of: date | None = None) -> list[PersonType]:
        pending("Grid.workers (coverage)")

    @strawberry.field(description="Active GRID_BRANCH holders.")
    async def branches(self, as_of: date | None = None) -> list[OrganizationType]:
        pending("Grid.branches (coverage)")

    @strawberry.field
    async def stations(self, info: Info) -> list[StationType]:
        return await resolve_services.grid_stations(info.context, self)


@strawberry.type
class Building:
    code: str
    name: str | None
    address: str | None

    @strawberry.field
    async def grid(self, info: Info) -> Grid:
        return await resolve.building_grid(info.context, self)

    @strawberry.field(description="Ordered by id.")
    async def households(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Household"]:
        return await resolve.building_households(info.context, self, first, after)

    @strawberry.field(description="Active BUILDING_GROUP holders.")
    async def party_groups(self, as_of: date | None = None) -> list[OrganizationType]:
        pending("Building.partyGroups (coverage)")

    @strawberry.field(description="Active BUILDING_LEADERs.")
    async def leaders(self, as_of: date | None = None) -> list[PersonType]:
        pending("Building.leaders (coverage)")

    @strawberry.field(description="DESIGN §3.")
    async def covered(self, as_of: date | None = None) -> bool:
        pending("Building.covered (coverage)")


@strawberry.type
class Household:
    id: strawberry.ID
    door: str | None
    kind: HouseholdKind

    @strawberry.field
    async def building(self, info: Info) -> Building:
        return await resolve.household_building(info.context, self)

    @strawberry.field(description="Ordered by id.")
    async def members(self, info: Info) -> list[PersonType]:
        return await household_members(info.context, self)

    @strawberry.field(description="DESIGN §3, ordered by id.")
    async def covered_by(self, as_of: date | None = None) -> list[PersonType]:
        pending("Household.coveredBy (coverage)")

    @strawberry.field
    async def covered(self, as_of: date | None = None) -> bool:
        pending("Household.covered (coverage)")
