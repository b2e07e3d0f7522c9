from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from graph import search
from graph.core.db import Database
from graph.search import SearchKind, SearchResult


@dataclass(frozen=True)
class SearchRequest:
    text: str
    kinds: tuple[SearchKind, ...]
    within: str | None
    offset: int
    limit: int


class SearchLoaders:
    def __init__(self, db: Database) -> None:
        async def load(requests: Sequence[SearchRequest]) -> list[SearchResult]:
            # One statement per distinct search: each is ranked and cut on its own.
            return [
                await search.search(
                    db, r.text, r.kinds, within=r.within, offset=r.offset, limit=r.limit
                )
                for r in requests
            ]

        self.hits = DataLoader(load_fn=load)
