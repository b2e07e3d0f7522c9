"""The access log of personal data: who read whose phone in clear, when, and why."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.access_log import AccessRecord
from resolvers import access_log as resolve
from resolvers.access import ACCESS_LOG
from schema.access import type_roles
from schema.context import Info

if TYPE_CHECKING:
    from schema.people import Person
    from schema.places import Grid

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]


@type_roles(ACCESS_LOG)
@strawberry.type(
    description="One clear read of personal data. No API edits or deletes one, and an edit "
    "made in the database breaks the log's hash chain (govgraph audit access-log)."
)
class AccessLogEntry:
    seq: int = strawberry.field(description="1, 2, 3 … in the order of the reads.")
    at: datetime
    reader_id: strawberry.ID = strawberry.field(description="Who read: a person id.")
    person_id: strawberry.ID = strawberry.field(description="Whose data was read.")
    field: str = strawberry.field(description="Which field was read in clear, such as phone.")
    purpose: str
    grid_code: str = strawberry.field(description="The person's grid when it was read.")

    @strawberry.field
    async def reader(self, info: Info, entry: strawberry.Parent[AccessRecord]) -> PersonType | None:
        return await resolve.record_reader(info.context, entry)

    @strawberry.field
    async def person(self, info: Info, entry: strawberry.Parent[AccessRecord]) -> PersonType | None:
        return await resolve.record_person(info.context, entry)

    @strawberry.field
    async def grid(self, info: Info, entry: strawberry.Parent[AccessRecord]) -> GridType | None:
        return await resolve.record_grid(info.context, entry)
