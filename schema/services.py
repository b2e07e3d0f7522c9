"""Governance centres and service stations."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import services as resolve
from resolvers.access import EVERYONE
from schema.access import type_roles
from schema.context import Info
from schema.enums import GovernanceLevel, StationKind

if TYPE_CHECKING:
    from schema.places import Grid, Region

RegionType = Annotated["Region", strawberry.lazy("schema.places")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]


@type_roles(EVERYONE)
@strawberry.type
class GovernanceCenter:
    id: strawberry.ID
    name: str
    level: GovernanceLevel

    @strawberry.field
    async def region(self, info: Info) -> RegionType:
        return await resolve.served_region(info.context, self)


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
