"""Registered GraphQL operations (persisted queries), by the sha256 of their text.

`govgraph operations register DIR` stores them; with GOVGRAPH_PERSISTED_ONLY the server
runs no others. Each is kept once registered: a client may still send its hash."""

from dataclasses import asdict, dataclass

from graph.core.db import Database


@dataclass(frozen=True)
class Operation:
    sha256: str
    name: str  # the file it came from, for people reading the list
    text: str


async def register(db: Database, operations: list[Operation]) -> int:
    """Store `operations`; how many were new."""
    rows = await db.write(
        "UNWIND $operations AS op "
        "MERGE (o:PersistedOperation {sha256: op.sha256}) "
        "ON CREATE SET o.name = op.name, o.text = op.text, o.registeredAt = datetime(), "
        "o.new = true "
        "WITH o, coalesce(o.new, false) AS new REMOVE o.new "
        "RETURN count(CASE WHEN new THEN 1 END) AS new",
        {"operations": [asdict(operation) for operation in operations]},
    )
    return rows[0]["new"]


async def text_of(db: Database, sha256: str) -> str | None:
    rows = await db.read(
        "MATCH (o:PersistedOperation {sha256: $sha256}) RETURN o.text AS text", {"sha256": sha256}
    )
    return rows[0]["text"] if rows else None
