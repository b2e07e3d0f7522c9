"""Import runs: an import is staged beside the graph, then switched in by one transaction.

While a run stages, each batch of converted rows is kept in the database as an
`ImportBatch` node (JSON of the rows, which hold only the protected form of personal
data), in the same transaction as the run's progress (`ImportRun`: which file, how
far). No reader matches these labels, so the API keeps serving the graph as it was.
The switch applies every staged batch, removes what a `--replace` no longer holds
and ends the run in one transaction: readers see the old graph or the new one, and
a run killed at any moment is either finished or still staged. Into an empty graph the
run is *loading* instead, with nothing staged: each batch is written into the graph in a
transaction of its own with the run's progress, so a killed run resumes after the last
batch written, and abandoning it empties the graph again. At most one run is unfinished
(the one `ImportLog` node is OPEN to it): the same dataset resumes it, another is refused
until it is abandoned.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from graph.core.clock import now
from graph.core.db import NOT_BOOKKEEPING, Database, Row, Transaction
from graph.core.errors import Conflict
from graph.importing.csv_files import FILES
from graph.store.migrations import migrate


@dataclass(frozen=True)
class ImportRun:
    """An unfinished run: what it imports, and how far its staging got."""

    id: str
    folder: str
    dataset: str  # the files' digest and the mode: the same import resumes the run
    replace: bool
    started_at: datetime
    file: str | None  # the file last staged from, and its rows staged of its total
    done: int
    total: int
    staged: bool  # every file staged: only the switch is left
    loading: bool = False  # loading an empty graph: `file`, `done` and `total` loaded

    def describe(self) -> str:
        mode = " --replace" if self.replace else ""
        began = (
            f"An import is unfinished: run {self.id}, `govgraph import {self.folder}{mode}` "
            f"started {self.started_at.isoformat(timespec='seconds')}, "
        )
        if self.loading:
            where = (
                f"{self.file}: {self.done:,} of {self.total:,} records loaded"
                if self.file
                else "nothing loaded yet"
            )
            return began + (
                f"loading the graph, which was empty before it ({where}). The graph is not "
                "whole until it ends. Run the same import again to complete it, or "
                "`govgraph import --abandon` to empty the graph again."
            )
        where = (
            "every file staged, not yet switched in"
            if self.staged
            else f"{self.file}: {self.done:,} of {self.total:,} records staged"
            if self.file
            else "nothing staged yet"
        )
        return began + (
            f"{where}. The graph is served as it was before it. Run the same import again "
            "to complete it, or `govgraph import --abandon` to drop it."
        )


REFUSED = (
    " A different import cannot start over it: complete that one, or add --abandon to "
    "drop it and import this one."
)


class ImportUnfinished(Conflict):
    """Another import is unfinished; this one would mix with it."""


def dataset_digest(folder: Path, replace: bool) -> str:
    """The files the import reads, byte for byte, and the mode."""
    digest = hashlib.sha256(b"replace" if replace else b"merge")
    for spec in FILES:
        path = folder / spec.name
        if path.is_file():
            digest.update(spec.name.encode() + b"\0")
            with path.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\0")
    return digest.hexdigest()


_RUN = """
MATCH (:ImportLog {name: 'import'})-[:OPEN]->(r:ImportRun)
RETURN r {.*} AS run
"""


async def unfinished(db: Database) -> ImportRun | None:
    """The unfinished import, if any: for `govgraph import --status` and readiness probes."""
    rows = await db.read(_RUN)
    return _run(rows[0]["run"]) if rows else None


def _run(props: Row) -> ImportRun:
    return ImportRun(
        id=props["id"],
        folder=props["folder"],
        dataset=props["dataset"],
        replace=props["replace"],
        started_at=props["startedAt"],
        file=props.get("file"),
        done=props.get("done", 0),
        total=props.get("total", 0),
        staged=props.get("staged", False),
        loading=props.get("loading", False),
    )


# The log's write lock first, held until commit: two imports starting at once queue here.
_BEGIN_LOCK = "MERGE (log:ImportLog {name: 'import'}) SET log.locked = true REMOVE log.locked"
_BEGIN = """
MATCH (log:ImportLog {name: 'import'})
CREATE (log)-[:OPEN]->(r:ImportRun {id: $id, folder: $folder, dataset: $dataset,
                                    replace: $replace, startedAt: $at, done: 0, total: 0})
"""
_STAGED = """
MATCH (b:ImportBatch {run: $run})
RETURN b.file AS file, count(b) AS batches, max(b.done) AS records
"""


@dataclass(frozen=True)
class Staged:
    """How much of a file a run staged: batches, and the records they hold."""

    batches: int
    records: int


async def begin(
    db: Database, folder: Path, dataset: str, *, replace: bool
) -> tuple[ImportRun, dict[str, Staged]]:
    """This import's run, resumed when it is the unfinished one, and the batches it
    staged per file; refused when another import is unfinished."""

    async def work(tx: Transaction) -> ImportRun:
        await tx.run(_BEGIN_LOCK)
        rows = await tx.run(_RUN)
        if rows:
            run = _run(rows[0]["run"])
            if run.dataset != dataset:
                raise ImportUnfinished(run.describe() + REFUSED)
            return run
        params = {
            "id": uuid4().hex[:12],
            "folder": str(folder),
            "dataset": dataset,
            "replace": replace,
            "at": now(),
        }
        await tx.run(_BEGIN, params)
        return _run({**params, "startedAt": params["at"]})

    run = await db.write_transaction(work)
    rows = await db.read(_STAGED, {"run": run.id})
    return run, {row["file"]: Staged(row["batches"], row["records"]) for row in rows}


_STAGE = """
MATCH (r:ImportRun {id: $run})
CREATE (:ImportBatch {run: $run, file: $file, seq: $seq, done: $done, rows: $rows})
SET r.file = $file, r.done = $done, r.total = $total
"""


async def stage(
    db: Database, run: ImportRun, file: str, *, seq: int, rows: list[Row], done: int, total: int
) -> None:
    """One batch of `file`, number `seq` from 0, kept with the run's progress."""
    params = {"run": run.id, "file": file, "seq": seq, "rows": _encode(rows)}
    await db.write(_STAGE, {**params, "done": done, "total": total})


async def staged_all(db: Database, run: ImportRun) -> None:
    await db.write("MATCH (r:ImportRun {id: $run}) SET r.staged = true", {"run": run.id})


_BATCHES = "MATCH (b:ImportBatch {run: $run, file: $file}) RETURN b.seq AS seq ORDER BY seq"
_BATCH = "MATCH (b:ImportBatch {run: $run, file: $file, seq: $seq}) RETURN b.rows AS rows"


async def batch_numbers(tx: Transaction, run: ImportRun, file: str) -> list[int]:
    return [row["seq"] for row in await tx.run(_BATCHES, {"run": run.id, "file": file})]


async def staged_rows(tx: Transaction, run: ImportRun, file: str, *, seq: int) -> list[Row]:
    rows = await tx.run(_BATCH, {"run": run.id, "file": file, "seq": seq})
    return _decode(rows[0]["rows"])


# A run that staged before (into a graph that has since been emptied) loads from the start.
_LOADING = """
MATCH (r:ImportRun {id: $run})
FOREACH (_ IN CASE WHEN r.loading THEN [] ELSE [1] END |
  SET r.loading = true, r.file = null, r.done = 0, r.total = 0)
RETURN r {.*} AS run
"""
_LOADED = "MATCH (r:ImportRun {id: $run}) SET r.file = $file, r.done = $done, r.total = $total"


async def begin_loading(tx: Transaction, run: ImportRun) -> ImportRun:
    """The run loads the empty graph from now on, and so when resumed: as it stands."""
    rows = await tx.run(_LOADING, {"run": run.id})
    return _run(rows[0]["run"])


async def loaded(tx: Transaction, run: ImportRun, file: str, *, done: int, total: int) -> None:
    """`done` records of `file` are loaded: in the transaction that loads the last of them."""
    await tx.run(_LOADED, {"run": run.id, "file": file, "done": done, "total": total})


# A run that ends leaves nothing behind: the graph is the record of what was imported.
_FINISH = """
MATCH (log:ImportLog {name: 'import'})-[:OPEN]->(r:ImportRun {id: $run})
OPTIONAL MATCH (b:ImportBatch {run: r.id})
DETACH DELETE log, r, b
"""


async def finish(tx: Transaction, run: ImportRun) -> None:
    """The run ended as switched in, inside the switch's transaction."""
    await tx.run(_FINISH, {"run": run.id})


# What a loading run wrote into the empty graph: everything but bookkeeping, the runs' own
# nodes and the access log (history, never removed: reads may have logged meanwhile).
_LOADED_DELETE = f"""
MATCH (n) WHERE {NOT_BOOKKEEPING} AND NOT n:ImportLog AND NOT n:ImportRun
  AND NOT n:ImportBatch AND NOT n:AccessLog AND NOT n:AccessRecord
CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS
"""


async def abandon(db: Database) -> ImportRun | None:
    """Drop the unfinished run's staged batches; the graph is the one it never touched,
    or, when it was loading the empty graph, emptied again."""
    run = await unfinished(db)
    if run is None:
        return None
    if run.loading:  # the run is kept until the graph is empty: abandoning again ends it
        await db.run_autocommit(_LOADED_DELETE)
    await db.write(_FINISH, {"run": run.id})
    if run.loading:
        await migrate(db)  # the search indexes dropped for the loading made again
    return run


# Staged rows are JSON; dates and datetimes tagged so that they come back as they went.
def _encode(rows: list[Row]) -> str:
    return json.dumps(rows, default=_tag, ensure_ascii=False, separators=(",", ":"))


def _tag(value: Any) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"a staged row holds a {type(value).__name__}")


def _decode(text: str) -> list[Row]:
    return json.loads(text, object_hook=_untag)


def _untag(value: dict[str, Any]) -> Any:
    if len(value) == 1:
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value
