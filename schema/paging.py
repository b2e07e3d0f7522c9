"""Connections of the contract (`RegionConnection`, ...) as views over resolvers.paging.Page."""

from typing import Generic, TypeVar

import strawberry

from resolvers.paging import Page

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo

    @strawberry.field(description="Counted only when selected, in a statement of its own.")
    async def total_count(self, page: strawberry.Parent[Page[T]]) -> int:
        return await page.count()
