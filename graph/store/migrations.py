"""Constraints and indexes of DESIGN §2, created idempotently at start-up and by the import.

A server's start runs them under a lock in the database (`prepare`), so that of several
workers or machines starting at once one does the work and the others wait for it, and
marks the graph with their version, which `/readyz` checks."""

import asyncio
import hashlib
import re
import uuid
from collections.abc import Awaitable, Callable

from graph.core.clock import now
from graph.core.db import Database
from graph.kept import coverage
from graph.search import index_statements

UNIQUE_KEYS = {
    "Region": ("code",),
    "Grid": ("code",),
    "Building": ("code",),
    "Household": ("id",),
    "Person": ("id",),
    "PartyOrganization": ("id",),
    "Assignment": ("id",),
    "GovernanceCenter": ("id",),
    "ServiceStation": ("id",),
    "Organisation": ("id",),
    "Case": ("caseNo",),
    "CaseEvent": ("caseNo", "seq"),
    "CaseCounter": ("year",),  # the last case number generated per year
    "AccessLog": ("name",),  # the head of the access log: its last seq and hash
    "AccessRecord": ("seq",),
    "ImportLog": ("name",),  # the head of the import runs: OPEN to the unfinished one
    "ImportRun": ("id",),
    "ImportBatch": ("run", "file", "seq"),  # rows staged by a run, until its switch
    "PersistedOperation": ("sha256",),  # registered GraphQL operations
    "Visit": ("id",),
    "Evaluation": ("id",),
    "Project": ("id",),
    "ProjectEvent": ("project", "seq"),
    "Meeting": ("id",),
    "Matter": ("id",),
}

# Unique where set: the client's idempotency key of reportCase (graph.cases.report).
UNIQUE_WHEN_SET = {"Case": "requestId"}

# Properties that scoped questions filter on.
INDEXES = {
    "Region": "level",
    "Grid": "kind",
    "Assignment": "role",
    "Person": "idNumberHash",
    "Case": "reportedAt",
    "AccessRecord": "gridCode",
    "Visit": "at",
    "Meeting": "at",
}


def statements() -> list[str]:
    found = []
    for label, keys in UNIQUE_KEYS.items():
        properties = ", ".join(f"n.{key}" for key in keys)
        name = f"{label.lower()}_{'_'.join(key.lower() for key in keys)}_unique"
        found.append(
            f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE ({properties}) IS UNIQUE"
        )
    for label, key in UNIQUE_WHEN_SET.items():
        found.append(
            f"CREATE CONSTRAINT {label.lower()}_{key.lower()}_unique IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
        )
    for label, key in INDEXES.items():
        found.append(
            f"CREATE INDEX {label.lower()}_{key.lower()} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"
        )
    return [*found, *index_statements()]  # search by name


# Properties added after data was stored, filled in where missing (no-ops afterwards).
BACKFILLS = (
    # When a case reached its current level (levels only rise): overdue cases need it.
    "MATCH (c:Case) WHERE c.levelSince IS NULL "
    "SET c.levelSince = COLLECT { MATCH (c)-[:HAS_EVENT]->(e:CaseEvent {level: c.level}) "
    "RETURN e.at ORDER BY e.seq LIMIT 1 }[0]",
)


Progress = Callable[[str, int, int], None]

# Cases hung off their grid by IN, as buildings do, until each got a relationship of its
# own, REPORTED_IN: a case question within a place then no longer expands every building
# of its grids. Moved in batches of cases in caseNo order, each its own transaction: a
# move killed half-way leaves the rest to the next start, and a case moved is not moved
# again. A Migration node records the moves (graph.cases.reseal records itself the same
# way); a database without old links is only read.
CASE_GRIDS_MIGRATION = "cases REPORTED_IN their grid"
MOVE_BATCH = 10_000
_CASE_GRIDS_TO_MOVE = "MATCH (c:Case) WHERE EXISTS { (c)-[:IN]->(:Grid) } RETURN count(c) AS cases"
_CASE_GRIDS_MOVE = """
    MATCH (c:Case) WHERE c.caseNo > $after
    WITH c ORDER BY c.caseNo LIMIT $limit
    CALL (c) {
      MATCH (c)-[old:IN]->(g:Grid)
      MERGE (c)-[:REPORTED_IN]->(g)
      DELETE old
      RETURN count(old) AS moved
    }
    RETURN max(c.caseNo) AS last, count(c) AS cases, sum(moved) AS moved"""
_CASE_GRIDS_MOVED = """
    MERGE (m:Migration {name: $name})
    ON CREATE SET m.at = $at, m.cases = $cases
    ON MATCH SET m.cases = m.cases + $cases"""


async def move_case_grids(db: Database, progress: Progress | None = None) -> int:
    """Every case linked to its grid by REPORTED_IN instead of IN; how many were moved."""
    report = progress or (lambda step, done, total: None)
    total = (await db.read(_CASE_GRIDS_TO_MOVE))[0]["cases"]
    if not total:
        return 0
    step = "cases linked to their grid"
    moved, after = 0, ""  # every case number sorts after ""
    report(step, 0, total)
    while True:
        (found,) = await db.write(_CASE_GRIDS_MOVE, {"after": after, "limit": MOVE_BATCH})
        if not found["cases"]:
            break
        moved, after = moved + found["moved"], found["last"]
        report(step, min(moved, total), total)
    done = {"name": CASE_GRIDS_MIGRATION, "at": now(), "cases": moved}
    await db.write(_CASE_GRIDS_MOVED, done)
    return moved


def version() -> str:
    """Of the statements above: a start finding it in the graph has nothing to create."""
    text = "\n".join([*statements(), *BACKFILLS, _CASE_GRIDS_MOVE])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def migrate(db: Database, progress: Progress | None = None) -> None:
    """`progress(step, done, total)` hears of long work: the cases' links to their grids
    moved, the coverage of a graph written before it was kept computed once for every grid
    (the bulk import writes it with the store: graph/kept/tally.py)."""
    # Schema commands cannot share a transaction with each other or with writes.
    for statement in [*statements(), *BACKFILLS]:
        await db.write(statement)
    await move_case_grids(db, progress)  # before the coverage kept counts cases by grid
    await keep_coverage(db, progress)
    # Marked last: a start that died before this point leaves the work to the next one.
    await db.write(
        "MERGE (m:GovgraphSchema {name: 'govgraph'}) SET m.version = $version, m.at = datetime()",
        {"version": version()},
    )


# The indexes Lucene keeps (full-text and text, for search by name): every node written
# updates them when its transaction commits, which is most of the commit of a first
# import's one-transaction switch (at scale 0.01, 80 s of it with them, 18 s without).
LUCENE_INDEXES = [
    match.group(1)
    for statement in index_statements()
    if (match := re.match(r"CREATE (?:FULLTEXT|TEXT) INDEX (\w+) ", statement))
]


async def lucene_indexes_dropped(db: Database) -> None:
    """Before the switch of an import into an empty graph, where nothing can be found by
    name anyway. The graph's version is cleared first, so that whichever comes next, the
    import's `migrate` after its switch or the next start, creates them again."""
    await db.write("MATCH (m:GovgraphSchema {name: 'govgraph'}) REMOVE m.version")
    for name in LUCENE_INDEXES:
        await db.write(f"DROP INDEX {name} IF EXISTS")


async def indexes_online(db: Database, *, seconds: int = 3600) -> None:
    """Every index populated: the first question after an import finds them ready."""
    await db.write("CALL db.awaitIndexes($seconds)", {"seconds": seconds})


async def keep_coverage(db: Database, progress: Progress | None = None) -> None:
    """The coverage kept for grids and regions that have none yet, else only its write
    statements planned ahead."""
    if await coverage.missing(db):
        await coverage.rebuild(db, progress)
    else:
        await coverage.prepare(db)


async def is_current(db: Database) -> bool:
    rows = await db.read(
        "OPTIONAL MATCH (m:GovgraphSchema {name: 'govgraph'}) RETURN m.version AS version"
    )
    return rows[0]["version"] == version()


LOCK = (
    "CREATE CONSTRAINT govgraphlock_name_unique IF NOT EXISTS "
    "FOR (n:GovgraphLock) REQUIRE n.name IS UNIQUE"
)
# Setting `claimedAt` first takes the node's write lock: the condition after it reads the
# holder that the last committed claim left, never one still in flight.
CLAIM = (
    "MERGE (l:GovgraphLock {name: 'start'}) SET l.claimedAt = datetime() WITH l "
    "WHERE l.until IS NULL OR l.until < datetime() "
    "SET l.holder = $holder, l.until = datetime() + duration({seconds: $seconds}) "
    "RETURN count(l) AS claimed"
)
RELEASE = "MATCH (l:GovgraphLock {name: 'start', holder: $holder}) SET l.until = null"
LEASE_SECONDS = 900  # a start that died holding the lock blocks the others this long at most


async def prepare(
    db: Database,
    then: Callable[[Database], Awaitable[object]],
    *,
    progress: Progress | None = None,
    poll: float = 0.5,
) -> bool:
    """Migrations when the graph's version is not current, then `then` (the conversion of
    clear values), by one start at a time; whether this start ran the migrations. A current
    graph still gets its kept coverage where it lacks it (an import's switch killed before
    the rebuild that follows it, a grid written by hand)."""
    await db.write(LOCK)
    holder = uuid.uuid4().hex
    while not (await db.write(CLAIM, {"holder": holder, "seconds": LEASE_SECONDS}))[0]["claimed"]:
        await asyncio.sleep(poll)  # another start holds it: it does the work meanwhile
    try:
        migrated = not await is_current(db)
        if migrated:
            await migrate(db, progress)
        else:
            await keep_coverage(db, progress)
        await then(db)
        return migrated
    finally:
        await db.write(RELEASE, {"holder": holder})
