"""DataLoaders over the statement shapes of graph.core.batch: one statement per batch."""

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from graph.core import batch
from graph.core.batch import Lookup, Walk
from graph.core.db import Database

R = TypeVar("R")
L = TypeVar("L")
K = TypeVar("K", bound=Hashable)

# A page request: (parent key, after key or None, limit).
PageKey = tuple[Hashable, Any, int]


def lookup_loader(db: Database, lookup: Lookup[R]) -> DataLoader[Hashable, R | None]:
    async def load(keys: Sequence[Hashable]) -> list[R | None]:
        found = await batch.by_keys(db, lookup, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


async def load_optional(loader: DataLoader[K, R | None], key: K | None) -> R | None:
    """What an optional reference (a visit's visitor, a matter's case …) names, if any."""
    return None if key is None else await loader.load(key)


def list_loader(
    db: Database, walk: Walk[R], params: Mapping[str, Any] | None = None
) -> DataLoader[Hashable, list[R]]:
    async def load(parents: Sequence[Hashable]) -> list[list[R]]:
        found = await batch.lists(db, walk, parents, params=params)
        return [found.get(parent, []) for parent in parents]

    return DataLoader(load_fn=load)


@dataclass
class PagedWalk(Generic[R]):
    """Pages of a walk, and counts of it only when `totalCount` asks."""

    pages: DataLoader[PageKey, list[R]]
    counts: DataLoader[Hashable, int]


def paged_walk(
    db: Database, walk: Walk[R], params: Mapping[str, Any] | None = None
) -> PagedWalk[R]:
    async def load_pages(keys: Sequence[PageKey]) -> list[list[R]]:
        # Sibling fields usually ask for the same page window: one statement each.
        windows: dict[tuple[Any, int], list[Hashable]] = defaultdict(list)
        for parent, after, limit in keys:
            windows[after, limit].append(parent)
        found: dict[PageKey, list[R]] = {}
        for (after, limit), parents in windows.items():
            rows = await batch.pages(db, walk, parents, after=after, limit=limit, params=params)
            for parent in parents:
                found[parent, after, limit] = rows.get(parent, [])
        return [found[key] for key in keys]

    return PagedWalk(DataLoader(load_fn=load_pages), count_loader(db, walk, params))


def count_loader(
    db: Database, walk: Walk[Any], params: Mapping[str, Any] | None = None
) -> DataLoader[Hashable, int]:
    async def load(parents: Sequence[Hashable]) -> list[int]:
        found = await batch.counts(db, walk, parents, params=params)
        return [found.get(parent, 0) for parent in parents]

    return DataLoader(load_fn=load)


class Parameterised(Generic[L]):
    """Loaders of a walk that takes parameters (`asOf`, ...): one per set of values."""

    def __init__(self, make: Callable[[dict[str, Any]], L]) -> None:
        self._make = make
        self._made: dict[tuple[tuple[str, Any], ...], L] = {}

    def on(self, **params: Any) -> L:
        key = tuple(sorted(params.items()))
        if key not in self._made:
            self._made[key] = self._make(params)
        return self._made[key]
