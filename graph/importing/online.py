"""Importing a dataset folder (../shared/contract/import.md): check it all, stage it, switch it in.

Pass one (graph/importing/checks.py) finds every problem; with any, nothing is written
and `ImportRejected` lists them. Pass two reads the files again, converts the records
to rows and stages them in batches beside the graph (graph/importing/runs.py): readers
never see staged rows, and a run killed while staging resumes where it stopped. The
switch then writes every staged batch in dependency order, as `UNWIND $rows` statements
that MERGE on keys (so a second import of the same dataset leaves the same graph), and
for `--replace` removes the records the dataset no longer holds, all in one transaction:
readers see the graph before or after, never half of it. Into an empty graph there is
nothing served to keep whole, and one transaction holding a city would exhaust Neo4j's
heap: the records are *loaded* instead, straight from the files, each batch in a
transaction of its own, resumable, readiness saying not ready until the last. A link
that places a record (a region's parent, a household's building …) is structure, not
history: a re-import that moves the record replaces it. Case histories and the access
log are history: a replace keeps them and appends the dataset's new events. Resident ID
and phone numbers are stored (and staged) only as keyed hashes and masks, phones also
sealed (DESIGN §6); clear values stored before are converted first.
"""

import asyncio
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from neo4j.exceptions import ClientError

from graph.case_machine import CaseChain
from graph.cases import EVENTS_APPEND, FACTS_WRITE, event_row, facts_row, record_keyed, reseal
from graph.core.db import NOT_BOOKKEEPING, Database, OutOfMemory, Row, Transaction
from graph.core.errors import BadUserInput, Unavailable
from graph.core.model import ROLE_RULES, HolderKind, HouseholdKind, TargetKind
from graph.evaluations import evaluation_id
from graph.importing import runs
from graph.importing.checks import CasePlan, Checked, assignment_id, validate
from graph.importing.csv_files import FILES, SPECS, FileReading, Problems, Record
from graph.importing.runs import ImportRun, ImportUnfinished, dataset_digest
from graph.kept import coverage
from graph.kept.tally import Tally
from graph.people import seal_clear_values
from graph.projects import event_props
from graph.security import personal_data
from graph.security.sealing import PiiKeys
from graph.store.migrations import indexes_online, lucene_indexes_dropped, migrate

BATCH = 5000
Progress = Callable[[str, int, int], None]


class ImportRejected(BadUserInput):
    """The dataset has problems; nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: list[str]) -> None:
        errors = [personal_data.redact(error) for error in errors]  # a number in a wrong column
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        super().__init__(
            f"Nothing was imported; fix the {count} below and import again:\n" + "\n".join(errors)
        )
        self.errors = errors


class SwitchRefused(BadUserInput):
    """The database refused the switch (a constraint the checks missed); nothing changed."""


class TooLarge(Unavailable):
    """The database has not the memory for the switch, or a batch loaded; the run is kept."""


_KEPT = "The run is kept (govgraph import --status): run the same import again"


@dataclass(frozen=True)
class ImportReport:
    """Records loaded per file present, in the order the files are imported."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def import_dataset(
    db: Database,
    folder: Path,
    *,
    pii_keys: PiiKeys,
    replace: bool = False,
    abandon: bool = False,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `folder`, or complete its unfinished run; `abandon` drops another's first."""
    require_dataset(folder)
    report = progress or (lambda file, done, total: None)
    dataset = dataset_digest(folder, replace)
    other = await runs.unfinished(db)
    if other and other.dataset != dataset and not abandon:
        raise ImportUnfinished(other.describe() + runs.REFUSED)  # before the long checks
    if other and other.loading and abandon:
        await runs.abandon(db)  # first: what it loaded is not a graph to check against
    chain = CaseChain.of(pii_keys)
    await reseal(db, chain)  # before stored histories are read and followed
    checked = await validate(db, folder, replace=replace, chain=chain)
    if checked.problems:
        raise ImportRejected(checked.problems)
    await migrate(db)
    await seal_clear_values(db, pii_keys)
    if abandon:
        await runs.abandon(db)
    run, staged = await runs.begin(db, folder, dataset, replace=replace)
    if run.loading or (await db.read(_NOTHING_SERVED))[0]["empty"]:
        # Into an empty graph the search indexes are made afterwards from the whole graph:
        # far cheaper than updating them for every node written.
        await lucene_indexes_dropped(db)
        try:
            await _load(
                db, run, folder=folder, checked=checked, batch=batch, pii_keys=pii_keys,
                chain=chain, progress=report,
            )  # fmt: skip
        except ClientError as refused:
            await migrate(db)  # the indexes back
            raise _refused(refused, loading=True) from None
        except OutOfMemory as error:
            raise TooLarge(
                f"Neo4j has not the memory to load a batch of {batch:,} records (its "
                f"transactions together may hold {error.limit}); the graph holds the "
                f"batches loaded before it. {_KEPT} with smaller batches "
                "(GOVGRAPH_IMPORT_BATCH) or a larger heap (GOVGRAPH_NEO4J_HEAP), or abandon "
                "it (govgraph import --abandon)."
            ) from None
        await migrate(db, report)  # the indexes made again, the coverage computed
    else:
        for spec in FILES:
            if spec.name in STAGED and spec.name in checked.counts:
                await _stage(
                    db,
                    run,
                    folder,
                    file=spec.name,
                    total=checked.counts[spec.name],
                    staged=staged.get(spec.name, runs.Staged(0, 0)),
                    batch=batch,
                    pii_keys=pii_keys,
                    progress=report,
                )
        await runs.staged_all(db, run)
        # Into a graph whose coverage is kept whole, an import that replaces nothing
        # recounts only around where its records stand: a district's file, not the city.
        partial = not run.replace and not await coverage.missing(db)
        try:
            touched = await db.write_transaction(
                lambda tx: _switch(tx, run, checked, chain=chain, progress=report, track=partial)
            )
        except ClientError as refused:
            raise _refused(refused, loading=False) from None
        except OutOfMemory as error:  # rolled back: nothing changed
            raise TooLarge(
                "Neo4j has not the memory to switch this import in as one transaction (its "
                f"transactions together may hold {error.limit}), so none of it is served. "
                f"{_KEPT} on a larger heap (GOVGRAPH_NEO4J_HEAP; then `govgraph neo4j stop` "
                "and `start`), or abandon it (govgraph import --abandon)."
            ) from None
        # Households, buildings and assignments moved, added or changed: coverage recounted.
        await coverage.rebuild(db, report, around=touched)
    await indexes_online(db)
    return ImportReport(dict(checked.counts))


def _refused(refused: ClientError, *, loading: bool) -> SwitchRefused:
    """A rule of the database that the checks do not know, said without personal data."""
    served = (
        "only the part loaded before it is in the graph, which was empty before this import"
        if loading
        else "none of it is served"
    )
    return SwitchRefused(
        f"Neo4j refused the import, so {served}: "
        f"{personal_data.redact(refused.message or str(refused))}. The run is kept "
        "(govgraph import --status): fix the cause and run the same import again, or "
        "abandon it (govgraph import --abandon)."
    )


async def _stage(
    db: Database,
    run: ImportRun,
    folder: Path,
    *,
    file: str,
    total: int,
    staged: runs.Staged,
    batch: int,
    pii_keys: PiiKeys,
    progress: Progress,
) -> None:
    """The rows of `file` past those a killed run staged already, batch by batch."""
    progress(file, staged.records, total)
    seq, rows = staged.batches, []
    for index, record in enumerate(reread(folder, file)):
        if index < staged.records:
            continue
        rows.append(ROWS[file](record, pii_keys))
        if len(rows) == batch or index + 1 == total:
            await runs.stage(db, run, file, seq=seq, rows=rows, done=index + 1, total=total)
            progress(file, index + 1, total)
            seq, rows = seq + 1, []


# Whether the graph holds nothing but bookkeeping: an import's staging included. The
# first node found answers, however large the graph.
_NOTHING_SERVED = f"""
RETURN NOT EXISTS {{
  MATCH (n) WHERE {NOT_BOOKKEEPING} AND NOT n:ImportLog AND NOT n:ImportRun AND NOT n:ImportBatch
}} AS empty
"""

SWITCH = "switching the graph to the import"  # the step named to `progress` meanwhile


async def _switch(
    tx: Transaction,
    run: ImportRun,
    checked: Checked,
    *,
    chain: CaseChain,
    progress: Progress,
    track: bool,
) -> set[str] | None:
    """Every staged batch written, what a replace no longer holds removed, cases written
    and the run ended: one transaction, so readers see the graph before or after. If
    `track`, the grids and regions where what was written stood before and after."""
    numbers = {file: await runs.batch_numbers(tx, run, file) for file in STAGED}
    total, done = sum(map(len, numbers.values())), 0
    kept: dict[str, set[str]] = {file: set() for file in KEYED}
    touched: set[str] | None = set() if track else None

    async def write(file: str, cypher: str) -> None:
        nonlocal done
        for seq in numbers[file]:
            rows = await runs.staged_rows(tx, run, file, seq=seq)
            await _write_rows(tx, cypher, rows, file=file, touched=touched)
            if file in kept:
                kept[file].update(row["key"] for row in rows)
            done += 1
            progress(SWITCH, done, total)

    for file, cypher in NODE_WRITES.items():
        if run.replace and file in DATED:  # the dataset's links are all there is
            await tx.run(f"MATCH ()-[m:{DATED[file]}]->() DELETE m")
        await write(file, cypher)
    if run.replace:
        for file, (label, key) in KEYED.items():
            await tx.run(
                f"MATCH (n:{label}) WHERE NOT n.{key} IN $keys DETACH DELETE n",
                {"keys": list(kept[file])},
            )
    await _write_cases(tx, checked, progress, touched=touched)
    for file, cypher in AFTER_CASES.items():
        await write(file, cypher)
    if checked.cases:
        await record_keyed(tx, chain)
    await tx.run(coverage.MARK_STALE)  # recomputed next; by the next start if killed first
    await runs.finish(tx, run)
    return touched


async def _load(
    db: Database,
    run: ImportRun,
    *,
    folder: Path,
    checked: Checked,
    batch: int,
    pii_keys: PiiKeys,
    chain: CaseChain,
    progress: Progress,
) -> None:
    """Into an empty graph there is no served graph to keep whole, and one transaction
    holding a city would exhaust Neo4j's heap: the records are written straight from the
    files, file after file in the switch's order, each batch in a transaction of its own
    with the run's progress, the next batch converted meanwhile. A killed run resumes
    after the last batch written (the cases, written between, are planned again from the
    graph by the checks). Readiness says not ready until the run ends."""
    run = await db.write_transaction(lambda tx: runs.begin_loading(tx, run))
    # The coverage kept is tallied from the rows as they load, as the bulk import does,
    # and not recounted from the graph after; a resumed run has not seen them all.
    tally = _tally(folder, checked, pii_keys) if run.file is None else None
    order = list(STAGED)
    resumed = order.index(run.file) if run.file in order else -1
    for index, (file, cypher) in enumerate(STAGED.items()):
        if file == next(iter(AFTER_CASES)) and index > resumed:  # the cases, before these
            await _load_cases(db, checked, chain=chain, tally=tally, progress=progress)
        if index >= resumed and file in checked.counts:
            await _load_file(
                db, run, file,
                folder=folder, cypher=cypher, loaded=run.done if index == resumed else 0,
                total=checked.counts[file], batch=batch, pii_keys=pii_keys, tally=tally,
                progress=progress,
            )  # fmt: skip
    if tally is not None:
        kept = tally.grid_and_region_properties()
        await coverage.keep(db, kept, grids=tally.grid_region, progress=progress)

    async def end(tx: Transaction) -> None:
        if tally is None:  # recounted next; by the next start if killed first
            await tx.run(coverage.MARK_STALE)
        await runs.finish(tx, run)

    await db.write_transaction(end)


def _tally(folder: Path, checked: Checked, pii_keys: PiiKeys) -> Tally:
    """A tally that has taken the dataset's assignments: the buildings and households take
    their covered intervals from them as they pass, before the assignments load."""
    tally = Tally()
    if "assignments.csv" in checked.counts:
        for record in reread(folder, "assignments.csv"):
            tally.assignment(assignment_row(record, pii_keys))
    return tally


async def _load_file(
    db: Database,
    run: ImportRun,
    file: str,
    *,
    folder: Path,
    cypher: str,
    loaded: int,
    total: int,
    batch: int,
    pii_keys: PiiKeys,
    tally: Tally | None,
    progress: Progress,
) -> None:
    """The records of `file` past the `loaded` first, batch by batch: each converted (and
    tallied) in a thread while the one before it is written, so Python and Neo4j work at
    once."""
    records = islice(reread(folder, file), loaded, None)

    def converted() -> list[Row]:
        rows = [ROWS[file](record, pii_keys) for record in islice(records, batch)]
        for row in rows if tally is not None else ():
            if file == "people.csv":
                tally.person(row["household"])
            elif file != "assignments.csv":  # taken before the buildings and households
                tally.take(file, row)
        return rows

    async def write(tx: Transaction, rows: list[Row], done: int) -> None:
        await tx.run(cypher, {"rows": rows})
        await runs.loaded(tx, run, file, done=done, total=total)

    progress(file, loaded, total)
    rows = await asyncio.to_thread(converted)
    while rows:
        loaded += len(rows)
        writing = asyncio.create_task(
            db.write_transaction(lambda tx, rows=rows, done=loaded: write(tx, rows, done))
        )
        try:
            rows = await asyncio.to_thread(converted)
        finally:
            await writing
        progress(file, loaded, total)


async def _load_cases(
    db: Database, checked: Checked, *, chain: CaseChain, tally: Tally | None, progress: Progress
) -> None:
    for plan in checked.cases if tally is not None else ():
        tally.case(plan.row.grid_code if plan.row else None)
    for case in _case_batches(checked):

        async def write(tx: Transaction, case: CaseBatch = case) -> None:
            await tx.run(case.cypher, {"rows": case.rows})
            await record_keyed(tx, chain)  # with the cases, as the switch does

        await db.write_transaction(write)
        if case.file is not None:
            progress(case.file, case.done, case.total)


async def _write_rows(
    tx: Transaction, cypher: str, rows: list[Row], *, file: str | None, touched: set[str] | None
) -> None:
    """`rows` written by `cypher`; where those of `file` stand, before and after, added to
    `touched` when it is kept."""
    where = STANDS_IN.get(file or "")
    if touched is None or where is None:
        await tx.run(cypher, {"rows": rows})
        return
    before = await tx.run(where, {"rows": rows})
    await tx.run(cypher, {"rows": rows})
    after = await tx.run(where, {"rows": rows})
    touched.update(before[0]["places"], after[0]["places"])


def require_dataset(folder: Path) -> None:
    """Refuse what cannot be a dataset before anything is read."""
    if not folder.is_dir():
        raise ImportRejected([f"{folder}: is not a folder"])
    if not any((folder / spec.name).is_file() for spec in FILES):
        names = ", ".join(spec.name for spec in FILES)
        raise ImportRejected([f"{folder}: holds none of the files the import reads: {names}"])


def reread(folder: Path, file: str) -> Iterator[Record]:
    """The records of a file that pass one found right (so no problems arise now)."""
    return FileReading(SPECS[file], folder / file, Problems()).records()


# ------------------------------------------------------------------ Cypher


@dataclass(frozen=True)
class Link:
    """`(n)-[rel]->(:label {key: row[field]})`, the one such link of n (none when null)."""

    rel: str
    label: str
    key: str
    field: str

    def cypher(self) -> str:
        # The end exists (pass one saw to it) or comes later in the same file, which then
        # fills in the node that MERGE makes here.
        end = f"row.{self.field}"
        return (
            "WITH n, row\n"
            f"CALL (n, row) {{ OPTIONAL MATCH (n)-[old:{self.rel}]->(x:{self.label}) "
            f"WHERE {end} IS NULL OR x.{self.key} <> {end} DELETE old }}\n"
            f"FOREACH (k IN CASE WHEN {end} IS NULL THEN [] ELSE [{end}] END |\n"
            f"  MERGE (end:{self.label} {{{self.key}: k}}) MERGE (n)-[:{self.rel}]->(end))\n"
        )


def node_write(label: str, key: str, *links: Link, sealed: str | None = None) -> str:
    """Rows of {key, props, <link fields>}: the node MERGEd on its key, its properties set
    (a null removes one), its links made to match the row. The sealed value of the field
    `sealed` is kept while the field's hash stays the same: sealing draws a new nonce each
    time, and a second import of the same dataset must leave the same graph."""
    merge = f"UNWIND $rows AS row\nMERGE (n:{label} {{{key}: row.key}})\n"
    if sealed:
        hashed, stored = f"{sealed}Hash", f"{sealed}Sealed"
        merge += (
            f"WITH n, row, CASE WHEN n.{hashed} = row.props.{hashed} "
            f"THEN coalesce(n.{stored}, row.props.{stored}) ELSE row.props.{stored} END AS kept\n"
            f"SET n += row.props\nSET n.{stored} = kept\n"
        )
    else:
        merge += "SET n += row.props\n"
    return merge + "".join(link.cypher() for link in links)


def dated_link(rel: str, end: str, *identity: str) -> str:
    """A time-bounded link of a person (DESIGN §2): never overwritten, so one is found by
    its identity (ends, `identity` properties and since) and only its until is set."""
    same = " AND ".join(f"m.{name} = row.{name}" for name in identity)
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (p:Person {{id: row.person}}), (o:{end} {{id: row.org}})\n"
        f"WITH p, o, row, [(p)-[m:{rel}]->(o) WHERE {same + ' AND ' if same else ''}"
        "(m.since = row.since OR (m.since IS NULL AND row.since IS NULL)) | m] AS found\n"
        "FOREACH (m IN found | SET m.until = row.until)\n"
        "FOREACH (_ IN CASE WHEN size(found) = 0 THEN [1] ELSE [] END |\n"
        f"  CREATE (p)-[:{rel} {{{''.join(f'{name}: row.{name}, ' for name in identity)}"
        "since: row.since, until: row.until}]->(o))\n"
    )


NODE_WRITES = {
    "regions.csv": node_write("Region", "code", Link("PART_OF", "Region", "code", "parent")),
    "grids.csv": node_write("Grid", "code", Link("IN", "Region", "code", "region")),
    "buildings.csv": node_write("Building", "code", Link("IN", "Grid", "code", "grid")),
    "households.csv": node_write("Household", "id", Link("IN", "Building", "code", "building")),
    "people.csv": node_write(
        "Person", "id", Link("LIVES_IN", "Household", "id", "household"), sealed="phone"
    ),
    "party_orgs.csv": node_write(
        "PartyOrganization", "id",
        Link("UNDER", "PartyOrganization", "id", "parent"),
        Link("BELONGS_TO", "Region", "code", "region"),
    ),
    "memberships.csv": dated_link("MEMBER_OF", "PartyOrganization", "kind"),
    "assignments.csv": node_write(
        "Assignment", "id",
        # One field per possible end label, the others null, so a changed kind of holder
        # or target also drops the old link.
        Link("HELD_BY", "Person", "id", "holderPerson"),
        Link("HELD_BY", "PartyOrganization", "id", "holderOrganization"),
        Link("TARGETS", "Grid", "code", "targetGrid"),
        Link("TARGETS", "Building", "code", "targetBuilding"),
        Link("TARGETS", "Household", "id", "targetHousehold"),
    ),
    "centers.csv": node_write("GovernanceCenter", "id", Link("SERVES", "Region", "code", "region")),
    "stations.csv": node_write(
        "ServiceStation", "id",
        Link("IN", "Region", "code", "region"), Link("IN", "Grid", "code", "grid"),
    ),
    "organisations.csv": node_write(
        "Organisation", "id",
        Link("BASED_IN", "Region", "code", "region"),
        Link("BASED_IN", "Grid", "code", "grid"),
        Link("STATIONED_AT", "GovernanceCenter", "id", "center"),
    ),
    "volunteers.csv": dated_link("VOLUNTEERS_IN", "Organisation"),
    "visits.csv": node_write(
        "Visit", "id",
        Link("TO", "Household", "id", "household"), Link("BY", "Person", "id", "visitor"),
        Link("FOR", "PartyOrganization", "id", "org"),
    ),
    "meetings.csv": node_write(
        "Meeting", "id",
        Link("IN", "Grid", "code", "grid"), Link("AT", "Building", "code", "building"),
    ),
    "meeting_attendees.csv": """UNWIND $rows AS row
        MATCH (m:Meeting {id: row.meeting})
        CALL (m, row) { MATCH (x:Person {id: row.person}) MERGE (m)-[:ATTENDED_BY]->(x) }
        CALL (m, row) { MATCH (x:Organisation {id: row.org}) MERGE (m)-[:ATTENDED_BY]->(x) }
        CALL (m, row) {
          MATCH (x:PartyOrganization {id: row.partyOrg}) MERGE (m)-[:ATTENDED_BY]->(x)
        }""",
}  # fmt: skip


def _stands_in(node: str, places: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (n:{node}) "
        f"UNWIND {places} AS place RETURN collect(DISTINCT place) AS places"
    )


_BASED = "[(n)-[:BASED_IN]->(p) WHERE p:Grid OR p:Region | p.code]"
_ORG_REGION = "[(n)-[:BELONGS_TO]->(p:Region) | p.code]"
# Where each file's records count in the coverage kept (graph/kept/coverage.py): the grids
# and regions whose figures they change. The other files change none.
STANDS_IN = {
    "regions.csv": _stands_in(
        "Region {code: row.key}", "[n.code] + [(n)-[:PART_OF]->(p:Region) | p.code]"
    ),
    "grids.csv": _stands_in("Grid {code: row.key}", "[(n)-[:IN]->(p:Region) | p.code]"),
    "buildings.csv": _stands_in("Building {code: row.key}", "[(n)-[:IN]->(p:Grid) | p.code]"),
    "households.csv": _stands_in(
        "Household {id: row.key}", "[(n)-[:IN]->(:Building)-[:IN]->(p:Grid) | p.code]"
    ),
    "people.csv": _stands_in(
        "Person {id: row.key}",
        "[(n)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)-[:IN]->(p:Grid) | p.code]",
    ),
    "party_orgs.csv": _stands_in("PartyOrganization {id: row.key}", _ORG_REGION),
    "memberships.csv": _stands_in("PartyOrganization {id: row.org}", _ORG_REGION),
    "assignments.csv": _stands_in(
        "Assignment {id: row.key}", "[(n)-[:TARGETS]->()-[:IN*0..2]->(p:Grid) | p.code]"
    ),
    "stations.csv": _stands_in(
        "ServiceStation {id: row.key}", "[(n)-[:IN]->(p) WHERE p:Grid OR p:Region | p.code]"
    ),
    "organisations.csv": _stands_in("Organisation {id: row.key}", _BASED),
    "volunteers.csv": _stands_in("Organisation {id: row.org}", _BASED),
    "cases.csv": _stands_in("Case {caseNo: row.key}", "[(n)-[:REPORTED_IN]->(p:Grid) | p.code]"),
}

# What a --replace keeps only as far as the dataset holds it: each file's label and key.
KEYED = {
    "regions.csv": ("Region", "code"),
    "grids.csv": ("Grid", "code"),
    "buildings.csv": ("Building", "code"),
    "households.csv": ("Household", "id"),
    "people.csv": ("Person", "id"),
    "party_orgs.csv": ("PartyOrganization", "id"),
    "assignments.csv": ("Assignment", "id"),
    "centers.csv": ("GovernanceCenter", "id"),
    "stations.csv": ("ServiceStation", "id"),
    "organisations.csv": ("Organisation", "id"),
    "visits.csv": ("Visit", "id"),
    # Meetings are records replaced with the dataset, as visits; their matters are written
    # after the cases (the switch removes them all first and writes the dataset's).
    "meetings.csv": ("Meeting", "id"),
    "meeting_matters.csv": ("Matter", "id"),
}
DATED = {
    "memberships.csv": "MEMBER_OF",
    "volunteers.csv": "VOLUNTEERS_IN",
    "meeting_attendees.csv": "ATTENDED_BY",
}

# Residents' ratings name cases, which the switch writes after every file above.
AFTER_CASES = {
    "evaluations.csv": node_write(
        "Evaluation", "id",
        Link("OF", "Case", "caseNo", "case"), Link("BY", "Household", "id", "household"),
    ),
    # Projects name cases, and keep their history as cases do: a replace keeps them.
    "projects.csv": node_write(
        "Project", "id",
        Link("IN", "Grid", "code", "grid"), Link("CAME_FROM", "Case", "caseNo", "case"),
        Link("CAME_FROM", "Meeting", "id", "meeting"),
    ) + """WITH n, row
        CALL (n) { MATCH (n)-[old:SUPERVISED_BY]->() DELETE old }
        FOREACH (k IN row.supervisors |
          MERGE (p:Person {id: k}) MERGE (n)-[:SUPERVISED_BY]->(p))""",
    # Events are history: one stored is never changed (ON CREATE); the project's state,
    # last seq and proposal time follow from all its events.
    "project_events.csv": """UNWIND $rows AS row
        MATCH (p:Project {id: row.project})
        MERGE (e:ProjectEvent {project: row.project, seq: row.props.seq})
        ON CREATE SET e += row.props
        MERGE (p)-[:HAS_EVENT]->(e)
        WITH p, e, row
        CALL (e, row) {
          WITH e, row WHERE NOT EXISTS { (e)-[:BY]->() }
          MATCH (a:Person {id: row.actor}) CREATE (e)-[:BY]->(a)
        }
        WITH DISTINCT p
        CALL (p) {
          MATCH (p)-[:HAS_EVENT]->(e:ProjectEvent)
          WITH e ORDER BY e.seq RETURN collect(e) AS events
        }
        SET p.state = last(events).toState, p.lastSeq = last(events).seq,
            p.proposedAt = head(events).at""",
    "meeting_matters.csv": node_write(
        "Matter", "id",
        Link("BECAME", "Case", "caseNo", "case"), Link("BECAME", "Project", "id", "project"),
    ) + """WITH n, row
        MATCH (m:Meeting {id: row.meeting}) MERGE (m)-[:RAISED]->(n)""",
    "project_evaluations.csv": node_write(
        "Evaluation", "id",
        Link("OF", "Project", "id", "project"), Link("BY", "Household", "id", "household"),
    ),
}  # fmt: skip
STAGED = {**NODE_WRITES, **AFTER_CASES}

CASE_WRITE = node_write(
    "Case", "caseNo",
    Link("REPORTED_IN", "Grid", "code", "grid"), Link("REPORTED_BY", "Person", "id", "reporter"),
)  # fmt: skip


# ------------------------------------------------------------------ rows


def _name(value: Any) -> str | None:
    return value.value if value is not None else None


def region_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "level": _name(record["level"])}
    return {"key": record["code"], "props": props, "parent": record["parent_code"]}


def grid_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "kind": _name(record["kind"])}
    return {"key": record["code"], "props": props, "region": record["region_code"]}


def building_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "address": record["address"]}
    return {"key": record["code"], "props": props, "grid": record["grid_code"]}


def household_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"door": record["door"], "kind": (record["kind"] or HouseholdKind.FAMILY).value}
    return {"key": record["id"], "props": props, "building": record["building_code"]}


def person_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {
        "name": record["name"],
        "gender": record["gender"],
        "birthYear": record["birth_year"],
        **personal_data.stored_form(
            pii_keys, record["id"], record["id_number"], phone=record["phone"]
        ),
    }
    return {"key": record["id"], "props": props, "household": record["household_id"]}


def party_org_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "level": _name(record["level"])}
    return {
        "key": record["id"],
        "props": props,
        "parent": record["parent_id"],
        "region": record["region_code"],
    }


def membership_row(record: Record, pii_keys: PiiKeys) -> Row:
    return {
        "person": record["person_id"],
        "org": record["org_id"],
        "kind": _name(record["kind"]),
        "since": record["since"],
        "until": record["until"],
    }


def assignment_row(record: Record, pii_keys: PiiKeys) -> Row:
    role, holder, target = record["role"], record["holder"], record["target"]
    holder_kind, target_kind = ROLE_RULES[role]
    key = record["id"] or assignment_id(role, holder, target, since=record["since"])
    props = {"role": role.value, "since": record["since"], "until": record["until"]}
    return {
        "key": key,
        "props": props,
        "holderPerson": holder if holder_kind is HolderKind.PERSON else None,
        "holderOrganization": holder if holder_kind is HolderKind.ORGANIZATION else None,
        "targetGrid": target if target_kind is TargetKind.GRID else None,
        "targetBuilding": target if target_kind is TargetKind.BUILDING else None,
        "targetHousehold": target if target_kind is TargetKind.HOUSEHOLD else None,
    }


def center_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "level": _name(record["level"])}
    return {"key": record["id"], "props": props, "region": record["region_code"]}


def station_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {
        "name": record["name"],
        "kind": _name(record["kind"]),
        "address": record["address"],
        "services": record["services"] or None,
        "targetGroups": record["target_groups"] or None,
    }
    return {
        "key": record["id"],
        "props": props,
        "region": record["region_code"],
        "grid": record["grid_code"],
    }


def organisation_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"name": record["name"], "kind": _name(record["kind"])}
    return {
        "key": record["id"],
        "props": props,
        "region": record["region_code"],
        "grid": record["grid_code"],
        "center": record["center_id"],
    }


def volunteer_row(record: Record, pii_keys: PiiKeys) -> Row:
    return {
        "person": record["person_id"],
        "org": record["org_id"],
        "since": record["since"],
        "until": record["until"],
    }


def visit_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"at": record["at"], "purpose": _name(record["purpose"]), "outcome": record["outcome"]}
    return {
        "key": record["id"],
        "props": props,
        "household": record["household_id"],
        "visitor": record["visitor_id"],
        "org": record["org_id"],
    }


def evaluation_row(record: Record, pii_keys: PiiKeys) -> Row:
    case_no, household, at = record["case_no"], record["household_id"], record["at"]
    props = {"at": at, "rating": _name(record["rating"]), "comment": record["comment"]}
    return {
        "key": evaluation_id(case_no, household, at),
        "props": props,
        "case": case_no,
        "household": household,
    }


def meeting_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {"at": record["at"], "kind": _name(record["kind"]), "title": record["title"]}
    return {
        "key": record["id"],
        "props": props,
        "grid": record["grid_code"],
        "building": record["building_code"],
    }


def attendee_row(record: Record, pii_keys: PiiKeys) -> Row:
    return {
        "meeting": record["meeting_id"],
        "person": record["person_id"],
        "org": record["org_id"],
        "partyOrg": record["party_org_id"],
    }


def project_row(record: Record, pii_keys: PiiKeys) -> Row:
    props = {
        "title": record["title"],
        "kind": _name(record["kind"]),
        "origin": _name(record["origin"]),
        "materials": record["materials"],
        "moneyYuan": record["money_yuan"],
        "labourDays": record["labour_days"],
    }
    return {
        "key": record["id"],
        "props": props,
        "grid": record["grid_code"],
        "case": record["case_no"],
        "meeting": record["meeting_id"],
        "supervisors": record["supervisors"] or [],
    }


def project_event_row(record: Record, pii_keys: PiiKeys) -> Row:
    project, seq = record["project_id"], record["seq"]
    props = event_props(project, seq, record["at"], to_state=record["state"], note=record["note"])
    return {"project": project, "props": props, "actor": record["actor_id"]}


def matter_row(record: Record, pii_keys: PiiKeys) -> Row:
    meeting, seq = record["meeting_id"], record["seq"]
    return {
        "key": f"{meeting}-{seq}",  # as recordMeeting numbers a meeting's matters
        "props": {"seq": seq, "kind": _name(record["kind"]), "text": record["text"]},
        "meeting": meeting,
        "case": record["case_no"],
        "project": record["project_id"],
    }


def project_evaluation_row(record: Record, pii_keys: PiiKeys) -> Row:
    project, household, at = record["project_id"], record["household_id"], record["at"]
    props = {"at": at, "rating": _name(record["rating"]), "comment": record["comment"]}
    return {
        "key": evaluation_id(project, household, at),
        "props": props,
        "project": project,
        "household": household,
    }


ROWS: dict[str, Callable[[Record, PiiKeys], Row]] = {
    "regions.csv": region_row,
    "grids.csv": grid_row,
    "buildings.csv": building_row,
    "households.csv": household_row,
    "people.csv": person_row,
    "party_orgs.csv": party_org_row,
    "memberships.csv": membership_row,
    "assignments.csv": assignment_row,
    "centers.csv": center_row,
    "stations.csv": station_row,
    "organisations.csv": organisation_row,
    "volunteers.csv": volunteer_row,
    "visits.csv": visit_row,
    "evaluations.csv": evaluation_row,
    "meetings.csv": meeting_row,
    "meeting_attendees.csv": attendee_row,
    "projects.csv": project_row,
    "project_events.csv": project_event_row,
    "meeting_matters.csv": matter_row,
    "project_evaluations.csv": project_evaluation_row,
}


# ------------------------------------------------------------------ cases


class CaseBatch(NamedTuple):
    """Rows of the cases written by `cypher`; `file`'s progress `done` of `total` after it."""

    cypher: str
    rows: list[Row]
    file: str | None
    done: int
    total: int


def _case_batches(checked: Checked) -> list[CaseBatch]:
    """Cases from pass one's fold, in the order they are written: cases.csv rows in full,
    the facts of cases that only gained events, then the new events (after their cases,
    which they link to). The progress of case_events.csv counts the new events, the
    reports among them."""
    full = [case_row(plan) for plan in checked.cases if plan.row]
    facts_only = [
        facts_row(plan.facts) for plan in checked.cases if not plan.row and plan.new_events
    ]
    events = [event_row(event) for plan in checked.cases for event in plan.new_events]
    return [
        CaseBatch(
            cypher=cypher,
            rows=rows[start : start + BATCH],
            file=file,
            done=min(start + BATCH, len(rows)),
            total=len(rows),
        )
        for file, cypher, rows in (
            ("cases.csv", CASE_WRITE, full),
            (None, FACTS_WRITE, facts_only),
            ("case_events.csv", EVENTS_APPEND, events),
        )
        for start in range(0, len(rows), BATCH)
    ]


async def _write_cases(
    tx: Transaction, checked: Checked, progress: Progress, *, touched: set[str] | None
) -> None:
    for batch in _case_batches(checked):
        await _write_rows(tx, batch.cypher, batch.rows, file=batch.file, touched=touched)
        if batch.file is not None:
            progress(batch.file, batch.done, batch.total)


def case_row(plan: CasePlan) -> Row:
    row = facts_row(plan.facts)
    if plan.row:
        case = plan.row
        row["props"].update(
            title=case.title,
            category=_name(case.category),
            reportedAt=case.reported_at,
            source=_name(case.source) or "REPORTED",
        )
        row.update(grid=case.grid_code, reporter=case.reported_by)
    return row
