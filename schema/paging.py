"""Connections of the contract (`RegionConnection`, ...) as views over resolvers.paging.Page."""

from typing import Generic, TypeVar

import strawberry

from resolvers.access import EVERYONE
from resolvers.paging import Page
from schema.access import type_roles

T = TypeVar("T")


@type_roles(EVERYONE)
@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@type_roles(EVERYONE)
@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@type_roles(EVERYONE)
@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo

    @strawberry.field(description="Counted only when selected, in a statement of its own.")
    async def total_count(self, page: strawberry.Parent[Page[T]]) -> int:
        return await page.count()
