"""Search by name: ranked hits of every kind, each with the object it names."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import search
from resolvers import search as resolve
from resolvers.access import EVERYONE, PERSON_IDS
from schema.access import roles, type_roles
from schema.context import Info

if TYPE_CHECKING:
    from schema.party import PartyOrganization
    from schema.people import Person
    from schema.places import Building, Grid, Region
    from schema.services import GovernanceCenter, ServiceStation

SearchKind = strawberry.enum(search.SearchKind)


@type_roles(EVERYONE)
@strawberry.type(
    description="One thing found: its kind, its key (a code or an id), its name, how well it "
    "matches (higher is better), and the object itself in the field of its kind."
)
class SearchHit:
    kind: SearchKind
    key: str
    name: str
    score: float

    @strawberry.field(metadata=roles(PERSON_IDS))
    async def person(
        self, info: Info
    ) -> Annotated["Person", strawberry.lazy("schema.people")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.PERSON)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def building(
        self, info: Info
    ) -> Annotated["Building", strawberry.lazy("schema.places")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.BUILDING)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def grid(self, info: Info) -> Annotated["Grid", strawberry.lazy("schema.places")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.GRID)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def region(
        self, info: Info
    ) -> Annotated["Region", strawberry.lazy("schema.places")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.REGION)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def party_organization(
        self, info: Info
    ) -> Annotated["PartyOrganization", strawberry.lazy("schema.party")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.PARTY_ORGANIZATION)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def center(
        self, info: Info
    ) -> Annotated["GovernanceCenter", strawberry.lazy("schema.services")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.CENTER)  # type: ignore[return-value, arg-type]

    @strawberry.field
    async def station(
        self, info: Info
    ) -> Annotated["ServiceStation", strawberry.lazy("schema.services")] | None:
        return await resolve.hit_object(info.context, self, search.SearchKind.STATION)  # type: ignore[return-value, arg-type]
