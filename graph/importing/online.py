"""Importing a dataset folder (../shared/contract/import.md): check it all, then write it all.

Pass one (graph/import_checks.py) finds every problem; with any, nothing is written
and `ImportRejected` lists them. Pass two reads the files again and writes them in
dependency order, in batches of `UNWIND $rows` statements that MERGE on keys, so a
second import of the same dataset leaves the same graph. A link that places a record
(a region's parent, a household's building …) is structure, not history: a re-import
that moves the record replaces it. Resident ID and phone numbers are stored only as
keyed hashes and masks,
phones also sealed (DESIGN §6); clear values stored before are converted first.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.cases import EVENTS_APPEND, FACTS_WRITE, event_row, facts_row
from graph.core.db import Database, Row
from graph.core.errors import BadUserInput
from graph.core.model import ROLE_RULES, HolderKind, HouseholdKind, TargetKind
from graph.evaluations import evaluation_id
from graph.importing.checks import CasePlan, Checked, assignment_id, validate
from graph.importing.csv_files import FILES, SPECS, FileReading, Problems, Record
from graph.kept import coverage
from graph.people import seal_clear_values
from graph.security import personal_data
from graph.security.sealing import PiiKeys
from graph.store.migrations import migrate

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
    progress: Progress | None = None,
) -> ImportReport:
    require_dataset(folder)
    checked = await validate(db, folder, replace=replace)
    if checked.problems:
        raise ImportRejected(checked.problems)
    await migrate(db)
    await seal_clear_values(db, pii_keys)
    if replace:
        await db.empty()
    writer = Writer(db, progress or (lambda file, done, total: None))
    for spec in FILES:
        if spec.name in NODE_WRITES and spec.name in checked.counts:
            rows = (ROWS[spec.name](record, pii_keys) for record in reread(folder, spec.name))
            await writer.write(spec.name, NODE_WRITES[spec.name], rows, checked.counts[spec.name])
    await _write_cases(writer, checked)
    # Ratings link to cases, which are written just above.
    if checked.counts.get("evaluations.csv"):
        rows = (evaluation_row(record, pii_keys) for record in reread(folder, "evaluations.csv"))
        await writer.write(
            "evaluations.csv", EVALUATION_WRITE, rows, checked.counts["evaluations.csv"]
        )
    # Households, buildings and assignments moved, added or changed: coverage recomputed.
    await coverage.rebuild(db, progress)
    return ImportReport(dict(checked.counts))


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


class Writer:
    def __init__(self, db: Database, progress: Progress) -> None:
        self.db = db
        self.progress = progress

    async def write(self, file: str | None, cypher: str, rows: Iterable[Row], total: int) -> None:
        """In batches, reporting the progress of `file` after each (none when None)."""
        done = 0
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                done = await self._flush(file, cypher, batch, done, total)
                batch = []
        if batch:
            await self._flush(file, cypher, batch, done, total)

    async def _flush(
        self, file: str | None, cypher: str, batch: list[Row], done: int, total: int
    ) -> int:
        await self.db.write(cypher, {"rows": batch})
        if file is not None:
            self.progress(file, done + len(batch), total)
        return done + len(batch)


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
}  # fmt: skip

EVALUATION_WRITE = node_write(
    "Evaluation", "id",
    Link("OF", "Case", "caseNo", "case"), Link("BY", "Household", "id", "household"),
)  # fmt: skip

CASE_WRITE = node_write(
    "Case", "caseNo",
    Link("IN", "Grid", "code", "grid"), Link("REPORTED_BY", "Person", "id", "reporter"),
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
        **personal_data.stored_form(pii_keys, record["id"], record["id_number"], record["phone"]),
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
    key = record["id"] or assignment_id(role, holder, target, record["since"])
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
}


# ------------------------------------------------------------------ cases


async def _write_cases(writer: Writer, checked: Checked) -> None:
    """Cases from pass one's fold: cases.csv rows in full, the facts of cases that only
    gained events, then the new events (after their cases, which they link to). The
    progress of case_events.csv counts the new events, the reports among them."""
    full = [plan for plan in checked.cases if plan.row]
    facts_only = [plan for plan in checked.cases if not plan.row and plan.new_events]
    events = [event for plan in checked.cases for event in plan.new_events]
    if full:
        await writer.write("cases.csv", CASE_WRITE, [case_row(plan) for plan in full], len(full))
    if facts_only:
        rows = [facts_row(plan.facts) for plan in facts_only]
        await writer.write(None, FACTS_WRITE, rows, len(rows))
    if events:
        rows = [event_row(event) for event in events]
        await writer.write("case_events.csv", EVENTS_APPEND, rows, len(rows))


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
