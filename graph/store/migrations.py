"""Constraints and indexes of DESIGN §2, created idempotently at start-up and by the import."""

from collections.abc import Callable

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
    "Visit": ("id",),
    "Evaluation": ("id",),
}

# Properties that scoped questions filter on.
INDEXES = {
    "Region": "level",
    "Grid": "kind",
    "Assignment": "role",
    "Person": "idNumberHash",
    "Case": "reportedAt",
    "AccessRecord": "gridCode",
    "Visit": "at",
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


async def migrate(db: Database, progress: Callable[[str, int, int], None] | None = None) -> None:
    """`progress(step, done, total)` hears of long work: the coverage of a graph written
    before it was kept (or by the bulk importer), computed once for every grid."""
    # Schema commands cannot share a transaction with each other or with writes.
    for statement in [*statements(), *BACKFILLS]:
        await db.write(statement)
    if await coverage.missing(db):
        await coverage.rebuild(db, progress)
    else:
        await coverage.prepare(db)
