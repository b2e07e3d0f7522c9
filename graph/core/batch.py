"""The statement shapes that every batched read takes (DESIGN §8).

Each runs once for a whole batch of keys: look-ups by key, a keyset page of
children for many parents, all children of many parents, and children counts.
Domain modules declare what to look up (`Lookup`) and which relationship to walk
(`Walk`) as constants; nothing here ever holds user input in Cypher text. Each may
name a predicate of graph.security.scope that keeps what the reader may not see out of every
row and count (true for an unrestricted reader).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graph.core.db import Database, Row

R = TypeVar("R")


@dataclass(frozen=True)
class Lookup(Generic[R]):
    label: str
    key: str
    projection: str  # a map projection of `n`
    build: Callable[[Row], R]
    visible: str = "true"  # a predicate on `n` (graph.security.scope)


@dataclass(frozen=True)
class Walk(Generic[R]):
    match: str  # binds `n`, the children, from `parent`, a key value (and `$asOf`, if dated)
    order_key: str  # a property of `n`, unique among the children
    projection: str
    build: Callable[[Row], R]
    # A predicate on `n` (graph.security.scope), for walks that may reach past the reader's scope.
    visible: str = "true"


async def by_keys(db: Database, lookup: Lookup[R], keys: Sequence[Any]) -> dict[Any, R]:
    statement = (
        f"UNWIND $keys AS key MATCH (n:{lookup.label} {{{lookup.key}: key}}) "
        f"WHERE {lookup.visible} RETURN key, n {{{lookup.projection}}} AS row"
    )
    rows = await db.read(statement, {"keys": list(keys)})
    return {row["key"]: lookup.build(row["row"]) for row in rows}


async def pages(
    db: Database,
    walk: Walk[R],
    parents: Sequence[Any],
    *,
    after: Any | None,
    limit: int,
    params: Mapping[str, Any] | None = None,
) -> dict[Any, list[R]]:
    """Up to `limit` children of each parent whose order key follows `after`."""
    statement = f"""
        UNWIND $parents AS parent
        CALL (parent) {{
          {walk.match}
          WITH DISTINCT n WHERE ($after IS NULL OR n.{walk.order_key} > $after)
            AND {walk.visible}
          WITH n ORDER BY n.{walk.order_key} LIMIT $limit
          RETURN collect(n {{{walk.projection}}}) AS rows
        }}
        RETURN parent, rows"""
    values = {**(params or {}), "parents": list(parents), "after": after, "limit": limit}
    found = await db.read(statement, values)
    return {row["parent"]: [walk.build(item) for item in row["rows"]] for row in found}


async def lists(
    db: Database,
    walk: Walk[R],
    parents: Sequence[Any],
    *,
    params: Mapping[str, Any] | None = None,
) -> dict[Any, list[R]]:
    """Every child of each parent, in order."""
    statement = f"""
        UNWIND $parents AS parent
        CALL (parent) {{
          {walk.match}
          WITH DISTINCT n WHERE {walk.visible}
          WITH n ORDER BY n.{walk.order_key}
          RETURN collect(n {{{walk.projection}}}) AS rows
        }}
        RETURN parent, rows"""
    found = await db.read(statement, {**(params or {}), "parents": list(parents)})
    return {row["parent"]: [walk.build(item) for item in row["rows"]] for row in found}


async def counts(
    db: Database,
    walk: Walk[Any],
    parents: Sequence[Any],
    *,
    params: Mapping[str, Any] | None = None,
) -> dict[Any, int]:
    statement = f"""
        UNWIND $parents AS parent
        CALL (parent) {{
          {walk.match}
          WITH DISTINCT n WHERE {walk.visible}
          RETURN count(n) AS total
        }}
        RETURN parent, total"""
    found = await db.read(statement, {**(params or {}), "parents": list(parents)})
    return {row["parent"]: row["total"] for row in found}
