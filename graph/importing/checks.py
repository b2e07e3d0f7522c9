"""Pass one of the import: every check of ../shared/contract/import.md, before anything is written.

Each file is streamed once, in dependency order, keeping only what later checks
need: the keys each file defines (with their line, for duplicates), region levels,
grid kinds, parent links and the cases. A reference to a key the dataset does not
hold is looked up in the database afterwards, in one statement per label. Cases are
then folded through the state machine (graph/case_machine.py), after whatever
history the database already holds for them.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graph.case_machine import CaseChain, CaseFacts, Event, advance, report
from graph.core.db import Database
from graph.core.errors import BadUserInput, InvalidTransition
from graph.core.model import (
    PROJECT_NEXT,
    REGION_RANK,
    ROLE_RULES,
    CaseAction,
    CaseCategory,
    CaseSource,
    CaseState,
    GovernanceLevel,
    GridKind,
    ProjectOrigin,
    ProjectState,
    RegionLevel,
    Role,
    role_rule_text,
)
from graph.importing.csv_files import (
    FILES,
    SPECS,
    WHOLE_FILE,
    FileReading,
    FileSpec,
    Problems,
    Record,
)


@dataclass(frozen=True)
class Kind:
    """A kind of record that others refer to: its label, key property, file and name."""

    label: str
    key: str
    file: str
    noun: str


KINDS = {
    kind.label: kind
    for kind in (
        Kind("Region", "code", "regions.csv", "region"),
        Kind("Grid", "code", "grids.csv", "grid"),
        Kind("Building", "code", "buildings.csv", "building"),
        Kind("Household", "id", "households.csv", "household"),
        Kind("Person", "id", "people.csv", "person"),
        Kind("PartyOrganization", "id", "party_orgs.csv", "party organisation"),
        Kind("GovernanceCenter", "id", "centers.csv", "governance centre"),
        Kind("Organisation", "id", "organisations.csv", "organisation"),
        Kind("Case", "caseNo", "cases.csv", "case"),
        Kind("Meeting", "id", "meetings.csv", "meeting"),
        Kind("Project", "id", "projects.csv", "project"),
    )
}
LABEL_OF_FILE = {kind.file: kind.label for kind in KINDS.values()}

# What a look-up returns besides the key, for the checks that need it. Party
# organisations bring their ancestry as (child, parent) pairs, for the cycle check.
LOOKUP_INFO = {
    "Region": "n.level",
    "Grid": "n.kind",
    "PartyOrganization": "[(n)-[:UNDER*0..]->(a)-[:UNDER]->(b) | [a.id, b.id]]",
}
INFO_FROM_DATABASE: dict[str, Callable[[Any], Any]] = {
    "Region": lambda level: RegionLevel.__members__.get(level),
    "Grid": lambda kind: GridKind.__members__.get(kind),
}

STORED_CASES = """
UNWIND $keys AS k
MATCH (c:Case {caseNo: k})-[:HAS_EVENT]->(e:CaseEvent)
WITH c, e ORDER BY e.seq
RETURN c.caseNo AS key, c.closedAt AS closedAt, c.resolvedLevel AS resolvedLevel,
       collect(e {.seq, .at, .action, .toState, .level, .hash}) AS events
"""

LATER_EVENTS_UNCHECKED = " (the case's later events are checked once this one is right)"

# Where stored records lie, for the places the dataset does not say itself.
STORED_PLACES = {
    "Household": "UNWIND $keys AS k MATCH (:Household {id: k})-[:IN]->(n:Building) "
    "RETURN k AS key, n.code AS place",
    "Building": "UNWIND $keys AS k MATCH (:Building {code: k})-[:IN]->(n:Grid) "
    "RETURN k AS key, n.code AS place",
    "Project": "UNWIND $keys AS k MATCH (:Project {id: k})-[:IN]->(n:Grid) "
    "RETURN k AS key, n.code AS place",
}
# The file and column that say where a record of the dataset lies.
PLACE_COLUMN = {
    "Household": ("households.csv", "building_code"),
    "Building": ("buildings.csv", "grid_code"),
}


@dataclass(frozen=True)
class Where:
    file: str
    line: int
    column: str


# Given what is known of a referenced record (a region's level, a grid's kind), what
# is wrong with referring to it, if anything.
Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Reference:
    label: str
    key: str
    where: Where
    check: Check | None = None
    hint: str | None = None


@dataclass(frozen=True)
class CaseRow:
    line: int
    title: str | None
    category: CaseCategory | None
    grid_code: str | None
    reported_at: datetime
    reported_by: str | None
    note: str | None
    source: CaseSource | None = None


@dataclass(frozen=True)
class EventRow:
    line: int
    at: datetime
    action: CaseAction
    actor_id: str | None
    center_id: str | None
    note: str | None


@dataclass(frozen=True)
class EvaluationRow:
    line: int
    case_no: str
    household_id: str | None
    at: datetime


@dataclass(frozen=True)
class Placement:
    """A record that names a grid (its own, or its project's) and a building or household
    that must lie in that grid, as the API requires when the record is written there."""

    where: Where
    grid: str | None  # given in the record, or else the project's
    project: str | None
    building: str | None
    household: str | None
    owner: str  # whose grid it must be, for the message: "the meeting's", "project J1's"
    rule: str

    def problem(self, *, expected: str, found: str) -> str:
        subject = f"building {self.building}" if self.building else f"household {self.household}"
        return f"{subject} is in grid {found}, not in {self.owner} grid {expected}; {self.rule}"


@dataclass(frozen=True)
class StoredCase:
    facts: CaseFacts
    history: list[tuple[CaseAction, datetime]]  # by seq, from 1


@dataclass(frozen=True)
class CasePlan:
    """What the import does to one case: its facts after the fold and the events to add."""

    case_no: str
    row: CaseRow | None  # None when the dataset only adds events to a stored case
    facts: CaseFacts
    new_events: list[Event]


@dataclass
class Checked:
    problems: list[str]
    counts: dict[str, int]  # records per file read, in file order
    cases: list[CasePlan] = field(default_factory=list)


def assignment_id(role: Role, holder: str, target: str, *, since: date | None) -> str:
    """The id of an assignment given without one: the same row gets the same id on every
    import, so importing twice does not duplicate it."""
    identity = f"{role.value}|{holder}|{target}|{since.isoformat() if since else ''}"
    return "A-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


async def validate(db: Database, folder: Path, *, replace: bool, chain: CaseChain) -> Checked:
    return await Validation(folder, replace, chain).run(db)


class Validation:
    def __init__(self, folder: Path, replace: bool, chain: CaseChain) -> None:
        self.folder = folder
        # Then the dataset is all the records there will be, and only it counts; but a
        # replace keeps case histories, which the dataset's cases may continue.
        self.replace = replace
        self.chain = chain  # seals the events folded
        self.problems = Problems()
        self.counts: dict[str, int] = {}
        self.lines: dict[str, dict[str, int]] = {label: {} for label in KINDS}
        self.info: dict[str, dict[str, Any]] = {"Region": {}, "Grid": {}}
        self.unreadable: set[str] = set()  # labels whose file could not be read whole
        self.pending: list[Reference] = []
        self.found: dict[str, dict[str, Any]] = {}  # looked up in the database
        self.region_parents: dict[str, tuple[str, int]] = {}  # code -> (parent, line)
        self.org_parents: dict[str, tuple[str, int]] = {}
        self.case_rows: dict[str, CaseRow] = {}
        self.events: dict[str, list[EventRow]] = {}
        self.unfoldable: set[str] = set()  # cases with a bad time or action: no fold
        self.evaluations: list[EvaluationRow] = []
        self.yard_of_building: dict[str, str] = {}  # buildings of the dataset's house-yards
        self.project_lines: dict[str, int] = {}  # projects.csv: id -> line
        self.project_history: dict[str, list[tuple[int, datetime, ProjectState]]] = {}
        self.project_grids: dict[str, str] = {}  # projects.csv: id -> grid_code
        self.placements: list[Placement] = []

    async def run(self, db: Database) -> Checked:
        for spec, path in self._files():
            reading = FileReading(spec, path, self.problems)
            CHECKS[spec.name](self, reading.records())
            self.counts[spec.name] = reading.count
            if not reading.complete and spec.name in LABEL_OF_FILE:
                self.unreadable.add(LABEL_OF_FILE[spec.name])
        await self._look_up(db)
        self._resolve_pending()
        self._check_org_cycles()
        plans = self._fold_cases()
        self._check_evaluations(plans)
        check_project_histories(self)
        await self._check_placements(db)
        return Checked(self.problems.messages(), self.counts, plans)

    def _files(self) -> Iterator[tuple[FileSpec, Path]]:
        known = {spec.name for spec in FILES}
        for path in sorted(self.folder.glob("*.csv")):
            if path.name not in known:
                self.problems.add(
                    path.name,
                    1,
                    WHOLE_FILE,
                    text=f"not a file the import reads; the files are: {', '.join(sorted(known))}",
                )
        for spec in FILES:
            path = self.folder / spec.name
            if path.is_file():
                yield spec, path

    # ---------------------------------------------------------- keys and references

    def define(self, label: str, key: str | None, where: Where, *, info: Any = None) -> bool:
        """Record a key the file defines; False (and a problem) when it is a duplicate."""
        if not self.unique(self.lines[label], key, where, what=where.column):
            return False
        if label in self.info:
            self.info[label][key] = info
        return True

    def unique(self, lines: dict[Any, int], identity: Any, where: Where, *, what: str) -> bool:
        """Remember where `identity` is first met; False (and a problem) on a repeat.
        None is no identity: a cell it needs was empty or wrong, reported already."""
        if identity is None:
            return False
        if identity in lines:
            self.problems.add(
                where.file,
                where.line,
                where.column,
                text=f"the same {what} as line {lines[identity]}; each appears once",
            )
            return False
        lines[identity] = where.line
        return True

    def refer(
        self,
        label: str,
        key: str | None,
        where: Where,
        *,
        check: Check | None = None,
        hint: str | None = None,
    ) -> None:
        if key is None or label in self.unreadable:
            return  # nothing to look for, or the file that would say was unreadable
        if key in self.lines[label]:  # the common case, kept cheap: millions of them
            if check is not None:
                info = self.info.get(label, {}).get(key)
                self._check(Reference(label, key, where, check, hint), info)
        elif self.replace and label != "Case":
            self._missing(Reference(label, key, where, check, hint))
        else:
            self.pending.append(Reference(label, key, where, check, hint))

    def _check(self, reference: Reference, info: Any) -> None:
        if reference.check and info is not None and (problem := reference.check(info)):
            where = reference.where
            self.problems.add(where.file, where.line, where.column, text=problem)

    def _missing(self, reference: Reference) -> None:
        kind = KINDS[reference.label]
        where = reference.where
        elsewhere = "" if self.replace and reference.label != "Case" else " or in the database"
        text = f"no {kind.noun} {reference.key} in {kind.file}{elsewhere}"
        if reference.hint:
            text += f"; {reference.hint}"
        self.problems.add(where.file, where.line, where.column, text=text)

    async def _look_up(self, db: Database) -> None:
        wanted: dict[str, set[str]] = {}
        for reference in self.pending:  # only cases when replacing
            wanted.setdefault(reference.label, set()).add(reference.key)
        # Cases in cases.csv may hold history already, which the fold continues.
        wanted.setdefault("Case", set()).update(self.case_rows)
        for label, keys in wanted.items():
            if not keys:
                continue
            if label == "Case":
                rows = await db.read(STORED_CASES, {"keys": sorted(keys)})
                self.found[label] = {row["key"]: stored_case(row) for row in rows}
                continue
            kind = KINDS[label]
            info = LOOKUP_INFO.get(label, "null")
            rows = await db.read(
                f"UNWIND $keys AS k MATCH (n:{label} {{{kind.key}: k}}) "
                f"RETURN k AS key, {info} AS info",
                {"keys": sorted(keys)},
            )
            convert = INFO_FROM_DATABASE.get(label, lambda info: info)
            self.found[label] = {row["key"]: convert(row["info"]) for row in rows}

    def _resolve_pending(self) -> None:
        for reference in self.pending:
            found = self.found.get(reference.label, {})
            if reference.key in found:
                self._check(reference, found[reference.key])
            else:
                self._missing(reference)

    def check_period(self, record: Record, file: str) -> None:
        since, until = record["since"], record["until"]
        if since and until and not since < until:
            self.problems.add(
                file,
                record.line,
                "until",
                text=f"{until} is not after since {since}; a period ends after it begins",
            )

    def _check_evaluations(self, plans: list[CasePlan]) -> None:
        """A rating judges a closing: the case's last event (NOTEs aside) at or before the
        rating is a CLOSE; a household rates one closing once."""
        stored: dict[str, StoredCase] = self.found.get("Case", {})
        histories: dict[str, list[tuple[CaseAction, datetime]]] = {}
        for plan in plans:
            old = stored.get(plan.case_no)
            # The stored events, then those this import adds after them.
            before = old.history if old else []
            histories[plan.case_no] = [*before, *((e.action, e.at) for e in plan.new_events)]
        rated: dict[tuple[str, str | None, int], int] = {}
        for row in self.evaluations:
            history = histories.get(row.case_no)
            if history is None and row.case_no in stored:
                history = stored[row.case_no].history
            if history is None:
                continue  # the case is missing or could not be folded: reported already
            steps = [
                (seq, action)
                for seq, (action, at) in enumerate(history, start=1)
                if at <= row.at and action is not CaseAction.NOTE
            ]
            where = Where("evaluations.csv", row.line, "at")
            if not steps or steps[-1][1] is not CaseAction.CLOSE:
                text = (
                    f"case {row.case_no} is not CLOSED at this time; residents rate a closed case"
                )
                self.problems.add(where.file, where.line, where.column, text=text)
                continue
            what = "household_id and closing of the case (one rating of each closing)"
            self.unique(rated, (row.case_no, row.household_id, steps[-1][0]), where, what=what)

    # ---------------------------------------------------------- places

    async def _check_placements(self, db: Database) -> None:
        """Each placement's building or household lies in its grid. Only the few records
        the placements name are looked for: read again from the dataset's files, or looked
        up in the database, one statement per kind."""
        if not self.placements:
            return
        households = {p.household for p in self.placements if p.household}
        building_of = await self._places(db, "Household", households)
        buildings = {p.building for p in self.placements if p.building}
        grid_of = await self._places(db, "Building", buildings | set(building_of.values()))
        projects = {p.project for p in self.placements if p.project}
        stored_projects = projects - self.project_grids.keys()
        grid_of_project = {
            **await self._places(db, "Project", stored_projects),
            **self.project_grids,
        }
        for placement in self.placements:
            expected = placement.grid or grid_of_project.get(placement.project or "")
            building = placement.building or building_of.get(placement.household or "")
            found = grid_of.get(building or "")
            if expected and found and found != expected:
                where = placement.where
                text = placement.problem(expected=expected, found=found)
                self.problems.add(where.file, where.line, where.column, text=text)

    async def _places(self, db: Database, label: str, keys: set[str]) -> dict[str, str]:
        """Where each key lies (a household's building, a building's or project's grid):
        from the dataset's file for its keys, from the database for the others. A key in
        neither is missing, which its reference has reported already."""
        places: dict[str, str] = {}
        in_dataset = {key for key in keys if key in self.lines.get(label, {})}
        if in_dataset and label in PLACE_COLUMN and label not in self.unreadable:
            file, column = PLACE_COLUMN[label]
            key = KINDS[label].key
            for record in FileReading(SPECS[file], self.folder / file, Problems()).records():
                if record[key] in in_dataset and record[column] is not None:
                    places[record[key]] = record[column]
        stored = keys - in_dataset
        if stored and not self.replace:  # when replacing, the dataset is all there is
            rows = await db.read(STORED_PLACES[label], {"keys": sorted(stored)})
            places.update((row["key"], row["place"]) for row in rows)
        return places

    # ---------------------------------------------------------- parents and cycles

    def check_region_parents(self) -> None:
        """A parent exists and is of a higher level, which rules out cycles through the
        database too; a cycle within the file is named as such."""
        in_cycle = self._report_cycles("regions.csv", "parent_code", self.region_parents, stored={})
        for code, (parent, line) in self.region_parents.items():
            where = Where("regions.csv", line, "parent_code")
            level = self.info["Region"].get(code)
            check = None if code in in_cycle or level is None else _above(level)
            self.refer("Region", parent, where, check=check)

    def _check_org_cycles(self) -> None:
        """Through the dataset's parents and, beyond them, the database's."""
        stored: dict[str, str] = {}
        for pairs in self.found.get("PartyOrganization", {}).values():
            stored.update((child, parent) for child, parent in pairs or [])
        self._report_cycles("party_orgs.csv", "parent_id", self.org_parents, stored=stored)

    def _report_cycles(
        self, file: str, column: str, parents: dict[str, tuple[str, int]], *, stored: dict[str, str]
    ) -> set[str]:
        def parent_of(key: str) -> str | None:
            return parents[key][0] if key in parents else stored.get(key)

        in_cycle: set[str] = set()
        for cycle in cycles(parent_of, parents):
            chain = " → ".join([*cycle, cycle[0]])
            for key in cycle:
                if key in parents:
                    in_cycle.add(key)
                    self.problems.add(
                        file,
                        parents[key][1],
                        column,
                        text=f"the parents form a cycle: {chain}; one must be the top",
                    )
        return in_cycle

    # ---------------------------------------------------------- cases

    def _fold_cases(self) -> list[CasePlan]:
        stored: dict[str, StoredCase] = self.found.get("Case", {})
        plans = []
        only_events = [case_no for case_no in self.events if case_no not in self.case_rows]
        for case_no in [*self.case_rows, *only_events]:
            if case_no in self.unfoldable:
                continue
            if plan := self._fold(case_no, self.case_rows.get(case_no), stored.get(case_no)):
                plans.append(plan)
        return plans

    def _fold(self, case_no: str, row: CaseRow | None, old: StoredCase | None) -> CasePlan | None:
        # Per case, events are applied in time order; sorted() keeps file order for ties.
        events = sorted(self.events.get(case_no, []), key=lambda event: event.at)
        new_events: list[Event] = []
        if old is not None:
            first_seq = 1 if row else 2
            mine = [(CaseAction.REPORT, row.reported_at, row.line)] if row else []
            mine += [(event.action, event.at, event.line) for event in events]
            for seq, (action, at, line) in enumerate(mine, start=first_seq):
                if seq <= len(old.history) and (action, at) != old.history[seq - 1]:
                    self._contradiction(
                        case_no, row, seq, held=old.history[seq - 1], given=(action, at, line)
                    )
                    return None
            facts = old.facts
            events = events[
                max(0, len(old.history) - 1) :
            ]  # those after the stored (seq 1: the report)
        elif row is not None:
            facts, opening = report(
                case_no,
                row.reported_at,
                actor_id=row.reported_by,
                note=row.note,
                chain=self.chain,
            )
            new_events.append(opening)
        else:
            return None  # a case in neither the dataset nor the database, reported already
        for event in events:
            try:
                facts, made = advance(
                    facts,
                    event.action,
                    event.at,
                    actor_id=event.actor_id,
                    center_id=event.center_id,
                    note=event.note,
                    chain=self.chain,
                )
            except InvalidTransition as refused:
                self.problems.add(
                    "case_events.csv",
                    event.line,
                    "action",
                    text=refused.message + LATER_EVENTS_UNCHECKED,
                )
                return None
            except BadUserInput as refused:
                self.problems.add(
                    "case_events.csv",
                    event.line,
                    "at",
                    text=refused.message + LATER_EVENTS_UNCHECKED,
                )
                return None
            new_events.append(made)
        return CasePlan(case_no, row, facts, new_events)

    def _contradiction(
        self,
        case_no: str,
        row: CaseRow | None,
        seq: int,
        *,
        held: tuple[CaseAction, datetime],
        given: tuple[Any, datetime, int],
    ) -> None:
        action, at, line = given
        source = "cases.csv" if seq == 1 else "case_events.csv"
        where = ("cases.csv", row.line) if row else ("case_events.csv", line)
        self.problems.add(
            *where,
            "case_no",
            text=f"the database already holds event {seq} of case {case_no} as {held[0].value} at "
            f"{held[1].isoformat()}, but {source} line {line} makes it {action.value} at "
            f"{at.isoformat()}; recorded events cannot be changed, only followed by new ones",
        )


def _above(level: RegionLevel) -> Check:
    def check(parent_level: RegionLevel) -> str | None:
        if REGION_RANK[parent_level] > REGION_RANK[level]:
            return None
        return (
            f"the parent is a {parent_level.value}, not above a {level.value}; a parent is of a "
            "higher level (CITY, then COUNTY, TOWNSHIP, then COMMUNITY or VILLAGE)"
        )

    return check


def cycles(parent_of: Callable[[str], str | None], starts: Iterable[str]) -> list[list[str]]:
    """Each cycle met walking up from `starts`, once, as the keys along it."""
    state: dict[str, bool] = {}  # False while on the walk being made, True once done
    found = []
    for start in starts:
        walk: list[str] = []
        key: str | None = start
        while key is not None and key not in state:
            state[key] = False
            walk.append(key)
            key = parent_of(key)
        if key is not None and state[key] is False:
            found.append(walk[walk.index(key) :])
        for visited in walk:
            state[visited] = True
    return found


def stored_case(row: dict[str, Any]) -> StoredCase:
    events = row["events"]
    last = events[-1]
    resolved = row["resolvedLevel"]
    facts = CaseFacts(
        case_no=row["key"],
        state=CaseState(last["toState"]),
        level=GovernanceLevel(last["level"]),
        last_seq=last["seq"],
        last_at=last["at"],
        last_hash=last["hash"],
        # Levels only rise, so the first event at the last one is when the case reached it.
        level_since=next(event["at"] for event in events if event["level"] == last["level"]),
        closed_at=row["closedAt"],
        resolved_level=GovernanceLevel(resolved) if resolved else None,
    )
    return StoredCase(facts, [(CaseAction(event["action"]), event["at"]) for event in events])


# -------------------------------------------------------------- one check per file

Records = Iterable[Record]


def check_regions(v: Validation, records: Records) -> None:
    for record in records:
        code, where = record["code"], Where("regions.csv", record.line, "code")
        if code is not None and (problem := region_code_problem(code)):
            v.problems.add(where.file, where.line, where.column, text=problem)
        if v.define("Region", code, where, info=record["level"]) and record["parent_code"]:
            v.region_parents[code] = (record["parent_code"], record.line)
    v.check_region_parents()


def region_code_problem(code: str) -> str | None:
    if code.isascii() and code.isdigit():
        if len(code) in (6, 12):
            return None
    elif code.isascii() and all(character.isalnum() or character == "-" for character in code):
        return None
    return (
        f"{code} is not a region code; use the 6-digit (GB/T 2260) or 12-digit official "
        "code, or a code of letters, digits and '-' with at least one letter"
    )


def check_grids(v: Validation, records: Records) -> None:
    for record in records:
        v.define(
            "Grid", record["code"], Where("grids.csv", record.line, "code"), info=record["kind"]
        )
        v.refer(
            "Region",
            record["region_code"],
            Where("grids.csv", record.line, "region_code"),
            check=_grid_region,
        )


def _grid_region(level: RegionLevel) -> str | None:
    if level in (RegionLevel.COMMUNITY, RegionLevel.VILLAGE):
        return None
    return f"the region is a {level.value}; a grid lies in a COMMUNITY or a VILLAGE"


def check_buildings(v: Validation, records: Records) -> None:
    for record in records:
        v.define("Building", record["code"], Where("buildings.csv", record.line, "code"))
        v.refer("Grid", record["grid_code"], Where("buildings.csv", record.line, "grid_code"))
        grid = record["grid_code"]
        if v.info["Grid"].get(grid) is GridKind.HOUSEYARD:
            v.yard_of_building[record["code"]] = grid


# A red house-yard (红色屋场) groups 10 to 30 households. Fewer is allowed (a small
# village's only yard); more is an error, counted over the dataset's households.
HOUSEYARD_MOST = 30


def check_households(v: Validation, records: Records) -> None:
    in_yard: dict[str, int] = {}
    for record in records:
        v.define("Household", record["id"], Where("households.csv", record.line, "id"))
        v.refer(
            "Building",
            record["building_code"],
            Where("households.csv", record.line, "building_code"),
        )
        if (yard := v.yard_of_building.get(record["building_code"])) is not None:
            in_yard[yard] = in_yard.get(yard, 0) + 1
            if in_yard[yard] == HOUSEYARD_MOST + 1:
                v.problems.add(
                    "households.csv",
                    record.line,
                    "building_code",
                    text=f"house-yard {yard} gets its {HOUSEYARD_MOST + 1}st household here; a red "
                    f"house-yard (红色屋场) holds 10 to {HOUSEYARD_MOST} households: split it",
                )


def check_people(v: Validation, records: Records) -> None:
    for record in records:
        v.define("Person", record["id"], Where("people.csv", record.line, "id"))
        v.refer(
            "Household", record["household_id"], Where("people.csv", record.line, "household_id")
        )


def check_party_orgs(v: Validation, records: Records) -> None:
    for record in records:
        org_id = record["id"]
        where = Where("party_orgs.csv", record.line, "id")
        if v.define("PartyOrganization", org_id, where) and record["parent_id"]:
            v.org_parents[org_id] = (record["parent_id"], record.line)
        v.refer(
            "Region", record["region_code"], Where("party_orgs.csv", record.line, "region_code")
        )
    for parent, line in v.org_parents.values():
        v.refer("PartyOrganization", parent, Where("party_orgs.csv", line, "parent_id"))


def check_memberships(v: Validation, records: Records) -> None:
    lines: dict[tuple[Any, ...], int] = {}
    for record in records:
        file, line = "memberships.csv", record.line
        identity = (record["person_id"], record["org_id"], record["kind"], record["since"])
        if None not in identity[:3]:
            what = "person_id, org_id, kind and since"
            v.unique(lines, identity, Where(file, line, "person_id"), what=what)
        v.refer("Person", record["person_id"], Where(file, line, "person_id"))
        v.refer("PartyOrganization", record["org_id"], Where(file, line, "org_id"))
        v.check_period(record, file)


def check_assignments(v: Validation, records: Records) -> None:
    lines: dict[str, int] = {}
    for record in records:
        file, line = "assignments.csv", record.line
        role, holder, target = record["role"], record["holder"], record["target"]
        if record["id"] is not None:
            v.unique(lines, record["id"], Where(file, line, "id"), what="id")
        elif role and holder and target:
            made = assignment_id(role, holder, target, since=record["since"])
            what = "role, holder, target and since (which identify a row without an id)"
            v.unique(lines, made, Where(file, line, "id"), what=what)
        if role is not None:
            holder_kind, target_kind = ROLE_RULES[role]
            rule = role_rule_text(role)
            check = _houseyard(rule) if role is Role.HOUSEYARD_LEADER else None
            v.refer(holder_kind.value, holder, Where(file, line, "holder"), hint=rule)
            v.refer(target_kind.value, target, Where(file, line, "target"), check=check, hint=rule)
        v.check_period(record, file)


def _houseyard(rule: str) -> Check:
    def check(kind: GridKind) -> str | None:
        return None if kind is GridKind.HOUSEYARD else f"the grid is a {kind.value} grid; {rule}"

    return check


def check_centers(v: Validation, records: Records) -> None:
    for record in records:
        v.define("GovernanceCenter", record["id"], Where("centers.csv", record.line, "id"))
        v.refer("Region", record["region_code"], Where("centers.csv", record.line, "region_code"))


def check_stations(v: Validation, records: Records) -> None:
    lines: dict[str, int] = {}
    for record in records:
        file, line = "stations.csv", record.line
        v.unique(lines, record["id"], Where(file, line, "id"), what="id")
        v.refer("Region", record["region_code"], Where(file, line, "region_code"))
        v.refer("Grid", record["grid_code"], Where(file, line, "grid_code"))


def check_organisations(v: Validation, records: Records) -> None:
    for record in records:
        file, line = "organisations.csv", record.line
        v.define("Organisation", record["id"], Where(file, line, "id"))
        v.refer("Region", record["region_code"], Where(file, line, "region_code"))
        v.refer("GovernanceCenter", record["center_id"], Where(file, line, "center_id"))
        v.refer("Grid", record["grid_code"], Where(file, line, "grid_code"))


def check_volunteers(v: Validation, records: Records) -> None:
    lines: dict[tuple[Any, ...], int] = {}
    for record in records:
        file, line = "volunteers.csv", record.line
        identity = (record["person_id"], record["org_id"], record["since"])
        if None not in identity[:2]:
            what = "person_id, org_id and since"
            v.unique(lines, identity, Where(file, line, "person_id"), what=what)
        v.refer("Person", record["person_id"], Where(file, line, "person_id"))
        v.refer("Organisation", record["org_id"], Where(file, line, "org_id"))
        v.check_period(record, file)


def check_cases(v: Validation, records: Records) -> None:
    for record in records:
        file, line, case_no = "cases.csv", record.line, record["case_no"]
        if v.define("Case", case_no, Where(file, line, "case_no")):
            if record["reported_at"] is None:
                v.unfoldable.add(case_no)
            else:
                v.case_rows[case_no] = CaseRow(
                    line,
                    record["title"],
                    record["category"],
                    record["grid_code"],
                    record["reported_at"],
                    record["reported_by"],
                    record["note"],
                    record["source"],
                )
        v.refer("Grid", record["grid_code"], Where(file, line, "grid_code"))
        v.refer("Person", record["reported_by"], Where(file, line, "reported_by"))


def check_case_events(v: Validation, records: Records) -> None:
    for record in records:
        file, line, case_no = "case_events.csv", record.line, record["case_no"]
        action = record["action"]
        if action is CaseAction.REPORT:
            v.problems.add(
                file,
                line,
                "action",
                text="REPORT is not an event of this file: a case's report is its row in cases.csv",
            )
        v.refer("Case", case_no, Where(file, line, "case_no"))
        v.refer("Person", record["actor_id"], Where(file, line, "actor_id"))
        v.refer("GovernanceCenter", record["center_id"], Where(file, line, "center_id"))
        if case_no is None:
            continue
        if action in (None, CaseAction.REPORT) or record["at"] is None:
            v.unfoldable.add(case_no)
            continue
        event = EventRow(
            line, record["at"], action, record["actor_id"], record["center_id"], record["note"]
        )
        v.events.setdefault(case_no, []).append(event)


def check_visits(v: Validation, records: Records) -> None:
    lines: dict[str, int] = {}
    for record in records:
        file, line = "visits.csv", record.line
        v.unique(lines, record["id"], Where(file, line, "id"), what="id")
        v.refer("Household", record["household_id"], Where(file, line, "household_id"))
        v.refer("Person", record["visitor_id"], Where(file, line, "visitor_id"))
        v.refer("PartyOrganization", record["org_id"], Where(file, line, "org_id"))
        if record["visitor_id"] is None and record["org_id"] is None:
            v.problems.add(
                file,
                line,
                "visitor_id",
                text="a visit is made by someone: give visitor_id, org_id or both",
            )


def check_evaluations(v: Validation, records: Records) -> None:
    for record in records:
        file, line = "evaluations.csv", record.line
        v.refer("Case", record["case_no"], Where(file, line, "case_no"))
        v.refer("Household", record["household_id"], Where(file, line, "household_id"))
        if record["case_no"] is not None and record["at"] is not None:
            row = EvaluationRow(line, record["case_no"], record["household_id"], record["at"])
            v.evaluations.append(row)


# ---------------------------------------------------------- meetings and projects


def check_meetings(v: Validation, records: Records) -> None:
    for record in records:
        file, line = "meetings.csv", record.line
        v.define("Meeting", record["id"], Where(file, line, "id"))
        v.refer("Grid", record["grid_code"], Where(file, line, "grid_code"))
        v.refer("Building", record["building_code"], Where(file, line, "building_code"))
        if record["building_code"] is not None:
            placement = Placement(
                Where(file, line, "building_code"),
                grid=record["grid_code"],
                project=None,
                building=record["building_code"],
                household=None,
                owner="the meeting's",
                rule="a meeting held at a building is held in that building's grid",
            )
            v.placements.append(placement)


ATTENDEE_COLUMNS = {
    "person_id": "Person",
    "org_id": "Organisation",
    "party_org_id": "PartyOrganization",
}


def check_meeting_attendees(v: Validation, records: Records) -> None:
    lines: dict[tuple[str, str, str], int] = {}
    for record in records:
        file, line = "meeting_attendees.csv", record.line
        v.refer("Meeting", record["meeting_id"], Where(file, line, "meeting_id"))
        given = [column for column in ATTENDEE_COLUMNS if record[column] is not None]
        if len(given) != 1:
            text = "an attendee is a person, an organisation or a party organisation: give one "
            v.problems.add(
                file, line, "person_id", text=text + "of person_id, org_id, party_org_id"
            )
            continue
        (column,) = given
        v.refer(ATTENDEE_COLUMNS[column], record[column], Where(file, line, column))
        if record["meeting_id"] is not None:
            identity = (record["meeting_id"], column, record[column])
            v.unique(lines, identity, Where(file, line, column), what=f"meeting_id and {column}")


def check_projects(v: Validation, records: Records) -> None:
    for record in records:
        file, line = "projects.csv", record.line
        if v.define("Project", record["id"], Where(file, line, "id")):
            v.project_lines[record["id"]] = line
            if record["grid_code"] is not None:
                v.project_grids[record["id"]] = record["grid_code"]
        v.refer("Grid", record["grid_code"], Where(file, line, "grid_code"))
        v.refer("Case", record["case_no"], Where(file, line, "case_no"))
        v.refer("Meeting", record["meeting_id"], Where(file, line, "meeting_id"))
        for person in record["supervisors"] or ():
            v.refer("Person", person, Where(file, line, "supervisors"))
        for origin, column, what in (
            (ProjectOrigin.CASE, "case_no", "case"),
            (ProjectOrigin.MEETING, "meeting_id", "meeting"),
        ):
            if record["origin"] is origin and record[column] is None:
                text = f"a project that came from a {what} names it: give {column}"
                v.problems.add(file, line, column, text=text)


def check_project_events(v: Validation, records: Records) -> None:
    """Each project's history runs seq 1, 2, 3 … without a gap, from PROPOSED one state on at
    each step (DESIGN's project machine, graph.core.model.PROJECT_NEXT), never back in time."""
    file = "project_events.csv"
    rows: dict[str, list[tuple[int, int, datetime, ProjectState]]] = {}
    for record in records:
        v.refer("Project", record["project_id"], Where(file, record.line, "project_id"))
        v.refer("Person", record["actor_id"], Where(file, record.line, "actor_id"))
        values = (record["seq"], record["at"], record["state"])
        if record["project_id"] is not None and None not in values:
            rows.setdefault(record["project_id"], []).append((record.line, *values))
    for project, events in rows.items():
        history: list[tuple[int, datetime, ProjectState]] = []
        for line, seq, at, state in sorted(events, key=lambda event: (event[1], event[0])):
            if seq != len(history) + 1:
                text = f"project {project}'s events run 1, 2, 3 … without a gap or a repeat; "
                v.problems.add(file, line, "seq", text=text + f"seq {len(history) + 1} is next")
                break
            before = history[-1][2] if history else None
            allowed = PROJECT_NEXT.get(before) if before else ProjectState.PROPOSED
            if state is not allowed:
                after = f"after {before.value}" if before else "first"
                next_state = allowed.value if allowed else "nothing (it is final)"
                text = f"{state.value} cannot come {after}; {next_state} does"
                v.problems.add(file, line, "state", text=text)
                break
            if history and at < history[-1][1]:
                text = f"{at.isoformat()} is before the event before it; history runs forward"
                v.problems.add(file, line, "at", text=text)
                break
            history.append((seq, at, state))
        v.project_history[project] = history


def check_project_histories(v: Validation) -> None:
    """Every project of projects.csv has its history in the dataset, from its proposal."""
    for project, line in v.project_lines.items():
        if project not in v.project_history:
            text = f"project {project} has no history: project_events.csv needs its PROPOSED event"
            v.problems.add("projects.csv", line, "id", text=text + " (seq 1)")


def check_meeting_matters(v: Validation, records: Records) -> None:
    lines: dict[tuple[str, int], int] = {}
    for record in records:
        file, line = "meeting_matters.csv", record.line
        v.refer("Meeting", record["meeting_id"], Where(file, line, "meeting_id"))
        v.refer("Case", record["case_no"], Where(file, line, "case_no"))
        v.refer("Project", record["project_id"], Where(file, line, "project_id"))
        if record["meeting_id"] is not None and record["seq"] is not None:
            identity = (record["meeting_id"], record["seq"])
            v.unique(lines, identity, Where(file, line, "seq"), what="meeting_id and seq")
        if record["case_no"] is not None and record["project_id"] is not None:
            text = "a matter became a case or a project, not both"
            v.problems.add(file, line, "project_id", text=text)


def check_project_evaluations(v: Validation, records: Records) -> None:
    """A household rates a project once, when the project's history has reached DONE."""
    lines: dict[tuple[str, str], int] = {}
    for record in records:
        file, line = "project_evaluations.csv", record.line
        project, at = record["project_id"], record["at"]
        v.refer("Project", project, Where(file, line, "project_id"))
        v.refer("Household", record["household_id"], Where(file, line, "household_id"))
        if project is not None and record["household_id"] is not None:
            identity = (project, record["household_id"])
            v.unique(
                lines,
                identity,
                Where(file, line, "household_id"),
                what="project_id and household_id",
            )
        if project is not None and (household := record["household_id"]) is not None:
            placement = Placement(
                Where(file, line, "household_id"),
                grid=None,
                project=project,
                building=None,
                household=household,
                owner=f"project {project}'s",
                rule="a project is rated by the households of its grid or house-yard",
            )
            v.placements.append(placement)
        history = v.project_history.get(project or "")
        if history and at is not None:
            done = [moment for _, moment, state in history if state is ProjectState.DONE]
            if not done or at < done[0]:
                text = (
                    f"project {project} is not DONE at this time; residents rate a finished project"
                )
                v.problems.add(file, line, "at", text=text)


CHECKS: dict[str, Callable[[Validation, Records], None]] = {
    "regions.csv": check_regions,
    "grids.csv": check_grids,
    "buildings.csv": check_buildings,
    "households.csv": check_households,
    "people.csv": check_people,
    "party_orgs.csv": check_party_orgs,
    "memberships.csv": check_memberships,
    "assignments.csv": check_assignments,
    "centers.csv": check_centers,
    "stations.csv": check_stations,
    "organisations.csv": check_organisations,
    "volunteers.csv": check_volunteers,
    "cases.csv": check_cases,
    "case_events.csv": check_case_events,
    "visits.csv": check_visits,
    "evaluations.csv": check_evaluations,
    "meetings.csv": check_meetings,
    "meeting_attendees.csv": check_meeting_attendees,
    "projects.csv": check_projects,
    "project_events.csv": check_project_events,
    "meeting_matters.csv": check_meeting_matters,
    "project_evaluations.csv": check_project_evaluations,
}
