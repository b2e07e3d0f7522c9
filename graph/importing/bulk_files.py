"""A checked dataset written as the input files of `neo4j-admin database import full`.

The rows come from the online import's own row functions (graph/importing/online.py) and
case fold (graph/importing/checks.py, graph/case_machine.py), so personal data is hashed
and masked and case facts and event hashes are computed exactly as there; this module only
lays the rows out as the offline importer reads them: one node file per label (its key
the ID column, in an ID space named after the label) and one relationship file per
type and pair of ID spaces, with the coverage kept of the dataset tallied from the same
rows (graph/kept/tally.py). Files are written row by row; what stays in memory is the
tally's (a key per household, the assignments' intervals) and the grids and regions,
written last with their kept figures. `people.csv` is written by a second process.
"""

import csv
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from graph.cases import event_row
from graph.core.errors import GovgraphError
from graph.importing.checks import CasePlan, Checked
from graph.importing.csv_files import FILES
from graph.importing.online import (
    BATCH,
    ROWS,
    Progress,
    Row,
    case_row,
    evaluation_row,
    reread,
)
from graph.kept import coverage
from graph.kept.tally import Tally
from graph.security.sealing import PiiKeys

# The column type of every property that is not a string (neo4j-admin's default).
TYPES = {
    "birthYear": "long",
    "seq": "long",
    "lastSeq": "long",
    "since": "date",
    "until": "date",
    "at": "datetime",
    "reportedAt": "datetime",
    "closedAt": "datetime",
    "levelSince": "datetime",
    "services": "string[]",
    "targetGroups": "string[]",
    "moneyYuan": "long",
    "labourDays": "long",
    "proposedAt": "datetime",
    # The coverage kept (graph/kept/coverage.py).
    "coveredSince": "date[]",
    "coveredUntil": "date[]",
    **dict.fromkeys(coverage.TIMELINES, "date[]"),
    **dict.fromkeys(coverage.PROPERTIES.values(), "long[]"),
    **dict.fromkeys(coverage.COUNTS.values(), "long"),
}
PYTHON_TYPES: dict[str, type] = {
    "string": str,
    "long": int,
    "date": date,
    "datetime": datetime,
    "string[]": list,
    "date[]": list,
    "long[]": list,
}
PROGRESS_SECONDS = 0.5  # how often the second process's progress is shown, waiting for it
ARRAY_DELIMITER = ";"  # neo4j-admin's default; the import splits list cells on it


@dataclass(frozen=True)
class To:
    """A link from the row's node to the `label` node keyed by row[field] (none when null)."""

    rel: str
    label: str
    field: str


@dataclass(frozen=True)
class NodeFile:
    label: str
    key: str | None  # the key property, stored from the ID column; None stores no ID
    links: tuple[To, ...] = ()


@dataclass(frozen=True)
class DatedFile:
    """A person's time-bounded link (DESIGN §2); the row's other fields are its properties."""

    rel: str
    label: str


# The same nodes and links as the importer's NODE_WRITES, CASE_WRITE and EVENTS_APPEND.
NODES = {
    "regions.csv": NodeFile("Region", "code", (To("PART_OF", "Region", "parent"),)),
    "grids.csv": NodeFile("Grid", "code", (To("IN", "Region", "region"),)),
    "buildings.csv": NodeFile("Building", "code", (To("IN", "Grid", "grid"),)),
    "households.csv": NodeFile("Household", "id", (To("IN", "Building", "building"),)),
    "people.csv": NodeFile("Person", "id", (To("LIVES_IN", "Household", "household"),)),
    "party_orgs.csv": NodeFile("PartyOrganization", "id", (
        To("UNDER", "PartyOrganization", "parent"), To("BELONGS_TO", "Region", "region"),
    )),
    "assignments.csv": NodeFile("Assignment", "id", (
        To("HELD_BY", "Person", "holderPerson"),
        To("HELD_BY", "PartyOrganization", "holderOrganization"),
        To("TARGETS", "Grid", "targetGrid"),
        To("TARGETS", "Building", "targetBuilding"),
        To("TARGETS", "Household", "targetHousehold"),
    )),
    "centers.csv": NodeFile("GovernanceCenter", "id", (To("SERVES", "Region", "region"),)),
    "stations.csv": NodeFile("ServiceStation", "id", (
        To("IN", "Region", "region"), To("IN", "Grid", "grid"),
    )),
    "organisations.csv": NodeFile("Organisation", "id", (
        To("BASED_IN", "Region", "region"), To("BASED_IN", "Grid", "grid"),
        To("STATIONED_AT", "GovernanceCenter", "center"),
    )),
    "visits.csv": NodeFile("Visit", "id", (
        To("TO", "Household", "household"), To("BY", "Person", "visitor"),
        To("FOR", "PartyOrganization", "org"),
    )),
    "meetings.csv": NodeFile("Meeting", "id", (
        To("IN", "Grid", "grid"), To("AT", "Building", "building"),
    )),
}  # fmt: skip
DATED = {
    "memberships.csv": DatedFile("MEMBER_OF", "PartyOrganization"),
    "volunteers.csv": DatedFile("VOLUNTEERS_IN", "Organisation"),
}
CASES = NodeFile(
    "Case", "caseNo", (To("REPORTED_IN", "Grid", "grid"), To("REPORTED_BY", "Person", "reporter"))
)
EVALUATIONS = NodeFile(
    "Evaluation", "id", (To("OF", "Case", "case"), To("BY", "Household", "household"))
)
# Projects, their events, meetings' matters and projects' ratings come after the cases.
PROJECTS = NodeFile("Project", "id", (
    To("IN", "Grid", "grid"), To("CAME_FROM", "Case", "case"),
    To("CAME_FROM", "Meeting", "meeting"),
))  # fmt: skip
PROJECT_EVENTS = NodeFile("ProjectEvent", None, (To("BY", "Person", "actor"),))
MATTERS = NodeFile(
    "Matter", "id", (To("BECAME", "Case", "case"), To("BECAME", "Project", "project"))
)
PROJECT_EVALUATIONS = NodeFile(
    "Evaluation", "id", (To("OF", "Project", "project"), To("BY", "Household", "household"))
)
ATTENDED = {"person": "Person", "org": "Organisation", "partyOrg": "PartyOrganization"}
EVENTS = NodeFile(
    "CaseEvent", None, (To("BY", "Person", "actor"), To("AT", "GovernanceCenter", "center"))
)


class _OutFile:
    """One input file: its header written on opening, its property columns fixed by it."""

    def __init__(self, path: Path, fixed: list[str], properties: Iterable[str]) -> None:
        self.path = path
        self.properties = list(properties)
        self.stream: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.stream)
        self.writer.writerow([*fixed, *map(_column, self.properties)])


def _column(name: str) -> str:
    kind = TYPES.get(name)
    return f"{name}:{kind}" if kind else name


class AdminInput:
    """The input files written into `folder`, and the arguments that name them to neo4j-admin."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, _OutFile] = {}
        self.arguments: list[str] = []
        self.multiline = False  # a value holds a line break: the importer must be told

    def node(self, label: str, key: str | None, node_id: str, *, props: Mapping[str, Any]) -> None:
        header = [f"{key or ''}:ID({label})"]
        self._write(f"--nodes={label}=", f"nodes-{label}.csv", header, ids=[node_id], props=props)

    def relationship(
        self, rel: str, start: tuple[str, str], end: tuple[str, str], *, props: Mapping[str, Any]
    ) -> None:
        """From `start` to `end`, each an (ID space, ID) pair."""
        header = [f":START_ID({start[0]})", f":END_ID({end[0]})"]
        name = f"rels-{rel}-{start[0]}-{end[0]}.csv"
        self._write(f"--relationships={rel}=", name, header, ids=[start[1], end[1]], props=props)

    def include(self, written: "Written") -> None:
        """The files another AdminInput wrote into the same folder."""
        self.arguments += written.arguments
        self.multiline = self.multiline or written.multiline

    def close(self) -> None:
        for out in self.files.values():
            out.stream.close()

    def _write(
        self, option: str, name: str, header: list[str], *, ids: list[str], props: Mapping[str, Any]
    ) -> None:
        out = self.files.get(name)
        if out is None:
            out = self.files[name] = _OutFile(self.folder / name, header, props)
            self.arguments.append(f"{option}{out.path}")
        cells = [self._text(value) for value in ids]
        cells += [self._cell(column, props[column]) for column in out.properties]
        out.writer.writerow(cells)

    def _cell(self, name: str, value: Any) -> str:
        if value is None:
            return ""  # an empty unquoted field: no property, as a null in `SET n += props`
        kind = TYPES.get(name, "string")
        if type(value) is not PYTHON_TYPES[kind]:
            raise TypeError(f"property {name} holds a {type(value).__name__}; add it to TYPES")
        if kind == "string[]":
            return self._text(ARRAY_DELIMITER.join(value))
        if kind in ("date[]", "long[]"):
            # An empty list is an empty field, so no property: read back as no interval.
            return ARRAY_DELIMITER.join(map(str, value))
        return value.isoformat() if kind in ("date", "datetime") else self._text(str(value))

    def _text(self, value: str) -> str:
        if not self.multiline and ("\n" in value or "\r" in value):
            self.multiline = True
        return value


# Their nodes are written last, once the whole dataset is tallied.
HELD_BACK = ("regions.csv", "grids.csv")
# The assignments first: buildings and households take their intervals from them.
ORDER = sorted(FILES, key=lambda spec: spec.name != "assignments.csv")


def write_input(
    dataset: Path,
    checked: Checked,
    pii_keys: PiiKeys,
    *,
    out: AdminInput,
    apart: "Apart",
    progress: Progress,
) -> None:
    """Every record of the checked `dataset`, with the coverage kept of it; APART's are
    written by `apart` meanwhile."""
    tally = Tally()
    held: dict[str, list[Row]] = {name: [] for name in HELD_BACK}
    apart.total = checked.counts.get(APART, 0)
    for spec in ORDER:
        if spec.name == APART:
            continue  # the second process's
        total = checked.counts.get(spec.name, 0)
        records = reread(dataset, spec.name) if total else ()
        if spec.name in NODES:
            write = _node_writer(out, NODES[spec.name])
        elif spec.name in DATED:
            write = _dated_writer(out, DATED[spec.name])
        else:
            continue  # cases come from the fold below
        for done, record in enumerate(records, start=1):
            row = ROWS[spec.name](record, pii_keys)
            tally.take(spec.name, row)
            if spec.name in held:
                held[spec.name].append(row)
            else:
                write(row)
            if done % BATCH == 0 or done == total:
                progress(spec.name, done, total)
                apart.report(progress)
    _write_cases(out, checked.cases, tally, progress=progress)
    if total := checked.counts.get("evaluations.csv", 0):
        write = _node_writer(out, EVALUATIONS)
        for done, record in enumerate(reread(dataset, "evaluations.csv"), start=1):
            write(evaluation_row(record, pii_keys))
            if done % BATCH == 0 or done == total:
                progress("evaluations.csv", done, total)
    _write_meetings_and_projects(out, dataset, pii_keys, progress=progress)
    written = apart.written(progress)
    out.include(written)
    for household, people in written.people.items():
        tally.person(household, count=people)
    kept = tally.grid_and_region_properties()
    for name, rows in held.items():
        write = _node_writer(out, NODES[name])
        for row in rows:
            write({**row, "props": {**row["props"], **kept[row["key"]]}})


class BulkConversionFailed(GovgraphError):
    """The second process converting the dataset stopped without finishing."""


# Written by a second process while this one checks the dataset and writes the rest:
# people.csv is most of the conversion (each person's ID number and phone hashed, the
# phone sealed), and the machine has a core for it. It counts where its people live, for
# this one's tally, which so never reads the file again.
APART = "people.csv"


class Written(NamedTuple):
    """What the second process wrote: the arguments naming its files, whether a value in
    them holds a line break, and how many people live in each household."""

    arguments: list[str]
    multiline: bool
    people: Counter[str | None]


def _write_apart(
    dataset: Path, pii_keys: PiiKeys, *, folder: Path, count: Any, sender: Any
) -> None:
    """In the second process: APART's files; sends what it wrote (or what failed), and
    counts the people written in `count` as it goes."""
    parent = os.getppid()
    try:
        out = AdminInput(folder)
        people: Counter[str | None] = Counter()
        try:
            write = _node_writer(out, NODES[APART])
            for done, record in enumerate(reread(dataset, APART), start=1):
                row = ROWS[APART](record, pii_keys)
                write(row)
                people[row["household"]] += 1
                if done % BATCH == 0:
                    count.value = done
                    if os.getppid() != parent:  # the import was killed: nobody waits
                        raise SystemExit(1)
        finally:
            out.close()
        sender.send(Written(out.arguments, out.multiline, people))
    except BaseException as failure:
        sender.send(failure)
        raise


class Apart:
    """APART written by a second process from entering until `written`; leaving before (a
    failure in this one, the dataset refused) stops it. It needs nothing the checks find,
    so it begins with them: a dataset they refuse is never imported."""

    def __init__(self, dataset: Path, pii_keys: PiiKeys, *, folder: Path) -> None:
        self.started = (dataset / APART).is_file()
        self.total = 0  # its records, set once the checks have counted them
        # Forked: spawning would run the caller's main module again (a script without
        # the `__main__` guard would start the whole import over in the second process).
        context = multiprocessing.get_context("fork")
        self.count = context.Value("q", 0, lock=False)
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_write_apart,
            args=(dataset, pii_keys),
            kwargs={"folder": folder, "count": self.count, "sender": sender},
            daemon=True,
        )
        if self.started:
            self.process.start()
        sender.close()

    def __enter__(self) -> "Apart":
        return self

    def __exit__(self, *failed: object) -> None:
        if self.started:
            self.process.terminate()  # when this one failed first; else it is ending anyway
            self.process.join()
        self.receiver.close()

    def report(self, progress: Progress) -> None:
        if self.total:
            progress(APART, min(self.count.value, self.total), self.total)

    def written(self, progress: Progress) -> Written:
        """What the second process wrote, once it is done."""
        if not self.total:
            return Written([], False, Counter())
        while not self.receiver.poll(PROGRESS_SECONDS):
            self.report(progress)
        try:
            outcome = self.receiver.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            raise BulkConversionFailed(
                f"The process writing {APART} for neo4j-admin stopped "
                f"(exit code {self.process.exitcode}); nothing was imported."
            ) from None
        if isinstance(outcome, BaseException):
            raise outcome
        progress(APART, self.total, self.total)
        return outcome


def _write_meetings_and_projects(
    out: AdminInput, dataset: Path, pii_keys: PiiKeys, *, progress: Progress
) -> None:
    """What the online switch writes of meetings and projects: attendees as links, each
    project with the state, last seq and proposal time its events give it."""

    def rows(file: str) -> list[Row]:
        if not (dataset / file).is_file():
            return []
        return [ROWS[file](record, pii_keys) for record in reread(dataset, file)]

    for row in rows("meeting_attendees.csv"):
        for field, label in ATTENDED.items():
            if row[field] is not None:
                meeting = ("Meeting", row["meeting"])
                out.relationship("ATTENDED_BY", meeting, (label, row[field]), props={})
    events = sorted(rows("project_events.csv"), key=lambda row: row["props"]["seq"])
    facts: dict[str, dict[str, Any]] = {}
    for event in events:
        seen = facts.setdefault(event["project"], {"proposedAt": event["props"]["at"]})
        seen.update(state=event["props"]["toState"], lastSeq=event["props"]["seq"])
    write_project = _node_writer(out, PROJECTS)
    for row in rows("projects.csv"):
        write_project({**row, "props": {**row["props"], **facts[row["key"]]}})
        for person in row["supervisors"]:
            out.relationship("SUPERVISED_BY", ("Project", row["key"]), ("Person", person), props={})
    write_event = _node_writer(out, PROJECT_EVENTS)
    for event in events:
        key = f"{event['project']}#{event['props']['seq']}"
        write_event({**event, "key": key})
        out.relationship(
            "HAS_EVENT", ("Project", event["project"]), ("ProjectEvent", key), props={}
        )
    write_matter = _node_writer(out, MATTERS)
    for row in rows("meeting_matters.csv"):
        write_matter(row)
        out.relationship("RAISED", ("Meeting", row["meeting"]), ("Matter", row["key"]), props={})
    write_rating = _node_writer(out, PROJECT_EVALUATIONS)
    for row in rows("project_evaluations.csv"):
        write_rating(row)
    progress("projects.csv", len(facts), len(facts))


def _node_writer(out: AdminInput, spec: NodeFile) -> Callable[[Row], None]:
    def write(row: Row) -> None:
        out.node(spec.label, spec.key, row["key"], props=row["props"])
        for link in spec.links:
            if (end := row[link.field]) is not None:
                out.relationship(link.rel, (spec.label, row["key"]), (link.label, end), props={})

    return write


def _dated_writer(out: AdminInput, spec: DatedFile) -> Callable[[Row], None]:
    def write(row: Row) -> None:
        props = {name: value for name, value in row.items() if name not in ("person", "org")}
        out.relationship(spec.rel, ("Person", row["person"]), (spec.label, row["org"]), props=props)

    return write


def _write_cases(
    out: AdminInput, plans: list[CasePlan], tally: Tally, *, progress: Progress
) -> None:
    """Each case with its events, numbered in one ID space: a case's events are
    consecutive, so an event's predecessor (NEXT) is the number before its own."""
    write_case, write_event = _node_writer(out, CASES), _node_writer(out, EVENTS)
    total_events = sum(len(plan.new_events) for plan in plans)
    number = 0
    for done, plan in enumerate(plans, start=1):
        case = case_row(plan)
        write_case(case)
        tally.case(case.get("grid"))
        for event in plan.new_events:
            number += 1
            row = event_row(event)
            event_id = str(number)
            props = {"caseNo": row["caseNo"], "seq": row["seq"], **row["props"]}
            write_event({**row, "key": event_id, "props": props})
            out.relationship("HAS_EVENT", ("Case", plan.case_no), ("CaseEvent", event_id), props={})
            if event.seq > 1:
                previous = ("CaseEvent", str(number - 1))
                out.relationship("NEXT", previous, ("CaseEvent", event_id), props={})
        if done % BATCH == 0 or done == len(plans):
            progress("cases.csv", done, len(plans))
            progress("case_events.csv", number, total_events)
