"""Keyset pagination (DESIGN §8): opaque cursors over a unique order key."""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graph.core.errors import BadUserInput
from loaders.batching import PagedWalk

T = TypeVar("T")

DEFAULT_FIRST = 50
MAX_FIRST = 500  # the default of GOVGRAPH_MAX_FIRST, which the schema's limits check


@dataclass(frozen=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True)
class Page(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: Callable[[], Awaitable[int]]  # run only when totalCount is selected

    @property
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([key]).encode()).decode()


def decode_cursor(cursor: str | None) -> Any:
    if cursor is None:
        return None
    try:
        (key,) = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        raise BadUserInput(
            f"`after` must be a cursor this list returned; {cursor!r} is not one."
        ) from None
    return key


def window(first: int | None, after: str | None) -> tuple[Any, int]:
    """The after-key and page size that `first` and `after` ask for, checked.

    A `first` above the maximum never gets here: the schema's limits refuse it first.
    """
    size = DEFAULT_FIRST if first is None else first
    if size < 0:
        raise BadUserInput(f"`first` may not be negative; it was {size}.")
    return decode_cursor(after), size


def make_page(
    rows: Sequence[T],
    size: int,
    key_of: Callable[[T], Any],
    *,
    count: Callable[[], Awaitable[int]],
) -> Page[T]:
    """`rows` were fetched with one row more than `size`, to tell whether more follow."""
    shown = rows[:size]
    edges = [Edge(encode_cursor(key_of(row)), row) for row in shown]
    end = edges[-1].cursor if edges else None
    return Page(edges, PageInfo(len(rows) > size, end), count)


async def walk_page(
    walk: PagedWalk[T],
    parent: Hashable,
    first: int | None,
    *,
    after: str | None,
    key_of: Callable[[T], Any],
) -> Page[T]:
    after_key, size = window(first, after)
    rows = await walk.pages.load((parent, after_key, size + 1))
    return make_page(rows, size, key_of, count=lambda: walk.counts.load(parent))
