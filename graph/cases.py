"""Cases and their events: records, look-ups, the filtered list, the figures, the audit,
and the two writes (report, advance), which fold through graph/case_machine.py as the
import does and share its Cypher for writing events and facts.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from neo4j.exceptions import ConstraintError

from graph import case_machine
from graph.case_machine import Break, CaseChain, CaseFacts, Event
from graph.core import batch
from graph.core.batch import Lookup, Walk
from graph.core.clock import CITY_ZONE, city_time, now
from graph.core.db import Database, Row, Transaction, native, write_lock
from graph.core.errors import Conflict, NotFound
from graph.core.model import (
    CaseAction,
    CaseCategory,
    CaseSource,
    CaseState,
    GovernanceLevel,
)
from graph.core.records import record
from graph.evaluations import RATING_COUNTS, RATING_ENTRIES, Satisfaction, rating_sums
from graph.kept import coverage
from graph.people import PEOPLE
from graph.security import scope
from graph.services import CENTERS

CASE_NO_PREFIX = "XY"  # Xiangyang, as the city's own case numbers begin
DEFAULT_OVERDUE_DAYS = 30  # the usual term for mediation
# No longer waiting for anyone: never overdue.
SETTLED = (CaseState.CLOSED, CaseState.VOIDED, CaseState.REFERRED)


@dataclass(frozen=True)
class Case:
    case_no: str
    title: str
    category: CaseCategory
    state: CaseState
    level: GovernanceLevel
    grid_code: str
    reported_by_id: str | None
    reported_at: datetime
    closed_at: datetime | None
    resolved_level: GovernanceLevel | None
    last_seq: int
    last_hash: str
    level_since: datetime
    source: CaseSource = CaseSource.REPORTED

    def after(self, facts: CaseFacts) -> "Case":
        """This case once `facts` hold."""
        return replace(
            self,
            state=facts.state,
            level=facts.level,
            closed_at=facts.closed_at,
            resolved_level=facts.resolved_level,
            last_seq=facts.last_seq,
            last_hash=facts.last_hash,
            level_since=facts.level_since,
        )


@dataclass(frozen=True)
class CaseFilter:
    within: str | None = None
    state: CaseState | None = None
    category: CaseCategory | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None
    overdue: bool | None = None
    level: GovernanceLevel | None = None


@dataclass(frozen=True)
class OverdueRule:
    """An open case is overdue once it has been at its level for longer than its category's
    limit in days (DEFAULT_OVERDUE_DAYS for a category without one), counted to `now`."""

    days: Mapping[CaseCategory, int]
    now: datetime

    def cutoffs(self) -> dict[str, datetime]:
        """Per category, the time before which reaching the level makes a case overdue."""
        return {
            category.value: self.now - timedelta(days=self.days.get(category, DEFAULT_OVERDUE_DAYS))
            for category in CaseCategory
        }


@dataclass(frozen=True)
class NewCase:
    """What reportCase asks for; `at` None means now. `request_id`, the client's idempotency
    key, is kept on the case: the same report sent again returns that case."""

    case_no: str | None
    title: str
    category: CaseCategory
    grid_code: str
    reported_by: str | None
    at: datetime | None
    note: str | None
    request_id: str | None = None
    source: CaseSource = CaseSource.REPORTED

    def same_report(self, case: "Case") -> bool:
        return (case.title, case.category, case.grid_code, case.reported_by_id) == (
            self.title, self.category, self.grid_code, self.reported_by,
        )  # fmt: skip


@dataclass(frozen=True)
class Step:
    """What advanceCase asks for; `at` None means now, taken once the case is locked."""

    case_no: str
    action: CaseAction
    expected_seq: int | None
    actor_id: str | None
    center_id: str | None
    at: datetime | None
    note: str | None


@dataclass(frozen=True)
class Unreadable:
    """A stored event holding a value that no event can have: it was edited in the database.
    Kept, not dropped, so that the audit names it and the history shows it as stored."""

    seq: int
    row: Row


StoredEvent = Event | Unreadable


def event_from_row(row: Row) -> StoredEvent:
    at = row["at"]
    if not (isinstance(at, datetime) and at.tzinfo is not None):
        return Unreadable(row["seq"], row)
    try:
        return record(Event, row)
    except ValueError:
        return Unreadable(row["seq"], row)


def history_break(case: Case, stored: Sequence[StoredEvent], chain: CaseChain) -> Break | None:
    """The first broken event of a case's stored history, or None when it is intact."""
    return _break(
        case.case_no, stored, last_seq=case.last_seq, last_hash=case.last_hash, chain=chain
    )


def _break(
    case_no: str,
    stored: Sequence[StoredEvent],
    *,
    last_seq: int | None,
    last_hash: str | None,
    chain: CaseChain,
) -> Break | None:
    events: list[Event] = []
    for item in stored:
        if isinstance(item, Unreadable):
            earlier = case_machine.chain_break(case_no, events, chain=chain)
            return earlier or Break(item.seq, "holds a value that no event can have")
        events.append(item)
    return case_machine.verify(case_no, events, last_seq=last_seq, last_hash=last_hash, chain=chain)


# What the read planner reads of a case (`{}`) for historyIntact, before its events.
INTACT_FACTS = "[{}.caseNo, {}.lastSeq, {}.lastHash]"


def intact(facts: Sequence[Any], event_rows: Sequence[Row], chain: CaseChain) -> bool:
    """historyIntact from INTACT_FACTS and the rows of CASE_EVENTS, as the planner's
    statement reads them (temporal values the driver's own)."""
    case_no, last_seq, last_hash = facts
    stored = [event_from_row(native(row)) for row in event_rows]
    return _break(case_no, stored, last_seq=last_seq, last_hash=last_hash, chain=chain) is None


CASE = (
    "case_no: n.caseNo, .title, .category, .state, .level, reported_at: n.reportedAt, "
    "closed_at: n.closedAt, resolved_level: n.resolvedLevel, last_seq: n.lastSeq, "
    "last_hash: n.lastHash, level_since: n.levelSince, "
    "grid_code: head([(n)-[:REPORTED_IN]->(g:Grid) | g.code]), "
    "reported_by_id: head([(n)-[:REPORTED_BY]->(p:Person) | p.id]), "
    "source: coalesce(n.source, 'REPORTED')"
)
EVENT = (
    "case_no: n.caseNo, .seq, .at, .action, from_state: n.fromState, to_state: n.toState, "
    ".level, .note, .hash, actor_id: head([(n)-[:BY]->(p:Person) | p.id]), "
    "center_id: head([(n)-[:AT]->(c:GovernanceCenter) | c.id])"
)

CASES = Lookup("Case", "caseNo", CASE, partial(record, Case), scope.case_in_scope("n"))
CASE_EVENTS = Walk(
    "MATCH (:Case {caseNo: parent})-[:HAS_EVENT]->(n:CaseEvent)", "seq", EVENT, event_from_row
)


# ------------------------------------------------------------------ the list

_FILTERS = f"""
    WHERE ($state IS NULL OR n.state = $state)
      AND ($category IS NULL OR n.category = $category)
      AND ($level IS NULL OR n.level = $level)
      AND ($reportedFrom IS NULL OR n.reportedAt >= $reportedFrom)
      AND ($reportedTo IS NULL OR n.reportedAt <= $reportedTo)
      AND ($overdue IS NULL OR $overdue = coalesce(
        NOT (n.state IN $settled) AND n.levelSince < $overdueBefore[n.category], false))
      AND {scope.case_in_scope("n")}"""


def matching(case_filter: CaseFilter) -> str:
    """Cypher binding `n` to the cases that pass the filter (and the reader's scope), with
    the parameters of `list_params`."""
    if case_filter.within is None:
        return f"MATCH (n:Case) {_FILTERS}"
    return f"{scope.GRIDS_WITHIN} MATCH (n:Case)-[:REPORTED_IN]->(g) {_FILTERS}"


def list_params(case_filter: CaseFilter, overdue: OverdueRule | None) -> dict[str, object]:
    if case_filter.overdue is not None and overdue is None:
        raise ValueError("the overdue filter needs an OverdueRule")
    return {
        "within": case_filter.within,
        "state": case_filter.state.value if case_filter.state else None,
        "category": case_filter.category.value if case_filter.category else None,
        "level": case_filter.level.value if case_filter.level else None,
        "reportedFrom": case_filter.reported_from,
        "reportedTo": case_filter.reported_to,
        "overdue": case_filter.overdue,
        "settled": [state.value for state in SETTLED],
        "overdueBefore": overdue.cutoffs() if overdue else {},
    }


async def page(
    db: Database,
    case_filter: CaseFilter,
    *,
    after: str | None,
    limit: int,
    overdue: OverdueRule | None = None,
) -> list[Case]:
    statement = f"""
        {matching(case_filter)}
          AND ($after IS NULL OR n.caseNo > $after)
        RETURN n {{{CASE}}} AS row ORDER BY n.caseNo LIMIT $limit"""
    params = {**list_params(case_filter, overdue), "after": after, "limit": limit}
    return [record(Case, row["row"]) for row in await db.read(statement, params)]


async def count(db: Database, case_filter: CaseFilter, overdue: OverdueRule | None = None) -> int:
    statement = f"{matching(case_filter)} RETURN count(n) AS total"
    rows = await db.read(statement, list_params(case_filter, overdue))
    return rows[0]["total"]


# ------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class LevelCount:
    level: GovernanceLevel
    count: int


@dataclass(frozen=True, kw_only=True)
class CaseStats(Satisfaction):
    """With residents' ratings of those cases, earlier closings' included."""

    reported: int
    closed: int
    resolved_at: list[LevelCount]  # every level, lowest first
    resolved_locally_ratio: float  # GRID or COMMUNITY
    resolved_in_township_ratio: float  # at or below TOWNSHIP


# The cases counted (`n`, from $within's grids, reported in [$from, $until)), and what
# each row of the figures says: closed or not, at which level, how many.
CASE_STATS_MATCH = f"""
    {scope.GRIDS_WITHIN}
    MATCH (n:Case)-[:REPORTED_IN]->(g)
    WHERE ($from IS NULL OR n.reportedAt >= $from) AND ($until IS NULL OR n.reportedAt < $until)
      AND {scope.grid_in_scope("g")}"""
_STATS_ROWS = "n.state = 'CLOSED' AS closed, n.resolvedLevel AS level, count(n) AS cases"


def stats_rows(*, ratings: bool) -> str:
    """The columns of each row of the figures; residents' ratings only when they are asked
    for (they cost three look-ups per case)."""
    return f"{_STATS_ROWS}, {RATING_COUNTS}" if ratings else _STATS_ROWS


def stats_figures(*, ratings: bool) -> str:
    """Each row of stats_rows as a map, for a statement that collects them."""
    entries = "closed: closed, level: level, cases: cases"
    return f"{{{entries}, {RATING_ENTRIES}}}" if ratings else f"{{{entries}}}"


_CASE_STATS = f"{CASE_STATS_MATCH} RETURN {stats_rows(ratings=True)}"


def stats_params(within: str, *, first: date | None, last: date | None) -> Row:
    """The parameters of CASE_STATS_MATCH for the days first..last in Asia/Shanghai."""

    def midnight(day: date) -> datetime:
        return city_time(datetime.combine(day, time()))

    return {
        "within": within,
        "from": midnight(first) if first else None,
        "until": midnight(last + timedelta(days=1)) if last else None,
    }


async def stats(db: Database, within: str, *, first: date | None, last: date | None) -> CaseStats:
    """Cases reported within the scope on the days first..last in Asia/Shanghai (either open)."""
    return stats_of(await db.read(_CASE_STATS, stats_params(within, first=first, last=last)))


def stats_of(rows: Sequence[Row]) -> CaseStats:
    """The figures from the rows of stats_rows (ratings 0 where not counted)."""
    closed_at = dict.fromkeys(GovernanceLevel, 0)
    for row in rows:
        if row["closed"]:
            closed_at[GovernanceLevel(row["level"])] += row["cases"]
    closed = sum(closed_at.values())
    levels = list(GovernanceLevel)

    def share_up_to(highest: GovernanceLevel) -> float:
        settled = sum(closed_at[level] for level in levels[: levels.index(highest) + 1])
        return settled / closed if closed else 1.0

    return CaseStats(
        reported=sum(row["cases"] for row in rows),
        closed=closed,
        resolved_at=[LevelCount(level, closed_at[level]) for level in levels],
        resolved_locally_ratio=share_up_to(GovernanceLevel.COMMUNITY),
        resolved_in_township_ratio=share_up_to(GovernanceLevel.TOWNSHIP),
        **rating_sums(rows),
    )


# ------------------------------------------------------------------ writes

# Shared with the import (graph/importer.py): events are only ever created, never merged
# into or edited, so a clash with a stored event fails on the (caseNo, seq) key instead of
# rewriting history. Rows come from `event_row`.
EVENTS_APPEND = """
UNWIND $rows AS row
MATCH (c:Case {caseNo: row.caseNo})
CREATE (c)-[:HAS_EVENT]->(n:CaseEvent {caseNo: row.caseNo, seq: row.seq})
SET n += row.props
WITH n, row
CALL (n, row) { MATCH (p:CaseEvent {caseNo: row.caseNo, seq: row.seq - 1}) CREATE (p)-[:NEXT]->(n) }
CALL (n, row) { MATCH (p:Person {id: row.actor}) CREATE (n)-[:BY]->(p) }
CALL (n, row) { MATCH (c:GovernanceCenter {id: row.center}) CREATE (n)-[:AT]->(c) }
"""
# Shared with the import: a case's facts after its last event. Rows come from `facts_row`.
FACTS_WRITE = "UNWIND $rows AS row MATCH (n:Case {caseNo: row.key}) SET n += row.props"


def event_row(event: Event) -> Row:
    props = {
        "at": event.at,
        "action": event.action.value,
        "fromState": _value(event.from_state),
        "toState": event.to_state.value,
        "level": event.level.value,
        "note": event.note,
        "hash": event.hash,
    }
    return {
        "caseNo": event.case_no,
        "seq": event.seq,
        "props": props,
        "actor": event.actor_id,
        "center": event.center_id,
    }


def facts_row(facts: CaseFacts) -> Row:
    props = {
        "state": facts.state.value,
        "level": facts.level.value,
        "closedAt": facts.closed_at,
        "resolvedLevel": _value(facts.resolved_level),
        "lastSeq": facts.last_seq,
        "lastHash": facts.last_hash,
        "levelSince": facts.level_since,
    }
    return {"key": facts.case_no, "props": props}


def _value(member: CaseState | GovernanceLevel | None) -> str | None:
    return member.value if member is not None else None


# Only a grid and a reporter the reader may see are found.
_REPORT_REFERENCES = f"""
    OPTIONAL MATCH (grid:Grid {{code: $gridCode}}) WHERE {scope.grid_in_scope("grid")}
    OPTIONAL MATCH (reporter:Person {{id: $reporterId}}) WHERE {scope.person_visible("reporter")}
    RETURN grid IS NOT NULL AS gridFound,
           $reporterId IS NULL OR reporter IS NOT NULL AS reporterFound,
           EXISTS {{ (:Case {{caseNo: $caseNo}}) }} AS taken"""
# The counter's write lock first, held until commit: concurrent reports draw one after the
# other. The number follows both the counter and the highest number of the year stored
# (imported cases may hold numbers of this form); a refused report gives its number back.
_DRAW_NUMBER = f"""
    MERGE (k:CaseCounter {{year: $year}})
    {write_lock("k")}
    WITH k, COLLECT {{
      MATCH (c:Case) WHERE c.caseNo STARTS WITH $prefix AND c.caseNo =~ $pattern
      RETURN toInteger(substring(c.caseNo, size($prefix))) ORDER BY c.caseNo DESC LIMIT 1
    }} AS highest
    SET k.last = reduce(last = coalesce(k.last, 0), n IN highest |
                        CASE WHEN n > last THEN n ELSE last END) + 1
    RETURN k.last AS number"""
_NEW_CASE = f"""
    CREATE (n:Case {{caseNo: $caseNo}})
    SET n += $props
    WITH n
    MATCH (g:Grid {{code: $gridCode}})
    CREATE (n)-[:REPORTED_IN]->(g)
    {coverage.case_added("g")}
    WITH n
    CALL (n) {{ MATCH (p:Person {{id: $reporterId}}) CREATE (n)-[:REPORTED_BY]->(p) }}"""


_REPORTED_BEFORE = f"""
    MATCH (n:Case {{requestId: $requestId}})
    RETURN n {{{CASE}}} AS row, {scope.case_in_scope("n")} AS visible"""


async def report(db: Database, new: NewCase, chain: CaseChain) -> Case:
    """A new case and its REPORT event, in one transaction; NOT_FOUND for a grid or reporter
    that does not exist, CONFLICT for a case number that does. A report whose `request_id` a
    case holds already returns that case (a client sending it again after an outage), or is
    CONFLICT when that case is another report."""
    at = new.at or now()
    year = at.astimezone(CITY_ZONE).year

    async def work(tx: Transaction) -> Case:
        if new.request_id is not None and (earlier := await _reported_before(tx, new)):
            return earlier
        case_no = new.case_no or await _draw_number(tx, year)
        params = {"gridCode": new.grid_code, "reporterId": new.reported_by, "caseNo": case_no}
        found = (await tx.run(_REPORT_REFERENCES, params))[0]
        if not found["gridFound"]:
            missing = NotFound(f"No grid has the code {new.grid_code!r}.")
            raise scope.unseen(tx, new.grid_code, missing)
        if not found["reporterFound"]:
            missing = NotFound(f"No person has the id {new.reported_by!r} (the reporter).")
            raise scope.unseen(tx, str(new.reported_by), missing)
        if found["taken"]:
            raise _number_taken(new.case_no)
        facts, opening = case_machine.report(
            case_no, at, actor_id=new.reported_by, note=new.note, chain=chain
        )
        case = Case(
            case_no=case_no,
            title=new.title,
            category=new.category,
            state=facts.state,
            level=facts.level,
            grid_code=new.grid_code,
            reported_by_id=new.reported_by,
            reported_at=at,
            closed_at=None,
            resolved_level=None,
            last_seq=facts.last_seq,
            last_hash=facts.last_hash,
            level_since=facts.level_since,
            source=new.source,
        )
        props = {
            **facts_row(facts)["props"],
            "title": case.title,
            "category": case.category.value,
            "reportedAt": at,
            "requestId": new.request_id,
            "source": new.source.value,
        }
        await tx.run(_NEW_CASE, {**params, "props": props})
        await tx.run(EVENTS_APPEND, {"rows": [event_row(opening)]})
        return case

    try:
        return await db.write_transaction(work)
    except ConstraintError:
        # The same report sent twice at once: the one that committed first made the case.
        if new.request_id is not None and (
            earlier := await db.write_transaction(lambda tx: _reported_before(tx, new))
        ):
            return earlier
        # Another writer took the number between our check and our write.
        raise _number_taken(new.case_no) from None


async def _reported_before(tx: Transaction, new: NewCase) -> Case | None:
    """The case made by an earlier report with the same request id, if there is one."""
    rows = await tx.run(_REPORTED_BEFORE, {"requestId": new.request_id})
    if not rows:
        return None
    earlier = record(Case, rows[0]["row"])
    if not (rows[0]["visible"] and new.same_report(earlier)):
        raise Conflict(
            f"The requestId {new.request_id!r} was given to another report; give each new "
            "report a requestId of its own, and the same one only when sending it again."
        )
    return earlier


async def _draw_number(tx: Transaction, year: int) -> str:
    prefix = f"{CASE_NO_PREFIX}-{year}-"
    params = {"year": year, "prefix": prefix, "pattern": re.escape(prefix) + r"\d{6}"}
    number = (await tx.run(_DRAW_NUMBER, params))[0]["number"]
    return f"{prefix}{number:06d}"


def _number_taken(given: str | None) -> Conflict:
    if given is None:  # only an import writing at the same moment can do that
        return Conflict("The case number drawn was taken meanwhile; report the case again.")
    return Conflict(f"A case numbered {given!r} exists already; leave caseNo out to get a new one.")


# The write lock first (any write takes it, held until commit; setting and removing a
# property leaves nothing behind), then the read: concurrent steps of one case queue
# here, and each reads the facts that the one before it committed.
# Only a case, actor and centre the reader may see are found; no other case is locked.
_LOCK_AND_READ = f"""
    MATCH (n:Case {{caseNo: $caseNo}}) WHERE {scope.case_in_scope("n")}
    {write_lock("n")}
    WITH n
    RETURN n {{{CASE}, lastAt: head([(n)-[:HAS_EVENT]->(e) WHERE e.seq = n.lastSeq | e.at])}}
             AS row,
           $actorId IS NULL OR EXISTS {{
             MATCH (a:Person {{id: $actorId}}) WHERE {scope.person_visible("a")}
           }} AS actorFound,
           $centerId IS NULL OR EXISTS {{
             MATCH (c:GovernanceCenter {{id: $centerId}}) WHERE {scope.center_visible("c")}
           }} AS centerFound"""


async def advance(db: Database, step: Step, chain: CaseChain) -> Case:
    """The case after `step`, in one write transaction. When it is run again after a
    transient failure (a deadlock), `take_step` runs again: it locks and reads anew."""
    try:
        return await db.write_transaction(lambda tx: take_step(tx, step, chain))
    except ConstraintError:
        # Only a writer that bypasses the lock (an import running meanwhile) gets here.
        raise Conflict(
            f"Case {step.case_no} changed while this step was written; reload it and try again."
        ) from None


async def take_step(tx: Transaction, step: Step, chain: CaseChain) -> Case:
    """Lock the case, read its facts, fold the step through the state machine against them,
    and write the event and the new facts; what `advance` runs, in the caller's transaction."""
    params = {"caseNo": step.case_no, "actorId": step.actor_id, "centerId": step.center_id}
    rows = await tx.run(_LOCK_AND_READ, params)
    if not rows:
        missing = NotFound(f"No case is numbered {step.case_no!r}.")
        raise scope.unseen(tx, step.case_no, missing)
    found = rows[0]
    if not found["actorFound"]:
        missing = NotFound(f"No person has the id {step.actor_id!r} (the actor).")
        raise scope.unseen(tx, str(step.actor_id), missing)
    if not found["centerFound"]:
        missing = NotFound(f"No governance centre has the id {step.center_id!r}.")
        raise scope.unseen(tx, str(step.center_id), missing)
    case = record(Case, found["row"])
    if step.expected_seq is not None and step.expected_seq != case.last_seq:
        raise Conflict(
            f"Case {case.case_no} has moved on: its last event is seq {case.last_seq}, not "
            f"{step.expected_seq}. Reload it and decide again."
        )
    facts = CaseFacts(
        case_no=case.case_no,
        state=case.state,
        level=case.level,
        last_seq=case.last_seq,
        last_at=found["row"]["lastAt"],
        last_hash=case.last_hash,
        level_since=case.level_since,
        closed_at=case.closed_at,
        resolved_level=case.resolved_level,
    )
    # Now, not before the lock: a step that waited must not predate the one it follows.
    facts, event = case_machine.advance(
        facts,
        step.action,
        step.at or now(),
        actor_id=step.actor_id,
        center_id=step.center_id,
        note=step.note,
        chain=chain,
    )
    await tx.run(EVENTS_APPEND, {"rows": [event_row(event)]})
    await tx.run(FACTS_WRITE, {"rows": [facts_row(facts)]})
    return case.after(facts)


# ------------------------------------------------------------------ the audit

AUDIT_BATCH = 500


@dataclass(frozen=True)
class BrokenHistory:
    case_no: str
    where: Break
    event: StoredEvent | None  # the stored event at where.seq, if there is one


@dataclass(frozen=True)
class Audit:
    cases: int
    broken: list[BrokenHistory]  # by case number


async def audit(
    db: Database,
    within: str | None,
    chain: CaseChain,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Audit:
    """Every case's history within the scope (or everywhere) replayed and checked, in batches
    of AUDIT_BATCH cases; `progress` hears (cases done, cases in all) after each batch."""
    if within is not None:
        await scope.require(db, within)
    case_filter = CaseFilter(within=within)
    total = await count(db, case_filter)
    broken: list[BrokenHistory] = []
    done, after = 0, None
    while found := await page(db, case_filter, after=after, limit=AUDIT_BATCH):
        histories = await batch.lists(db, CASE_EVENTS, [case.case_no for case in found])
        for case in found:
            stored = histories.get(case.case_no, [])
            if where := history_break(case, stored, chain):
                event = next((item for item in stored if item.seq == where.seq), None)
                broken.append(BrokenHistory(case.case_no, where, event))
        done, after = done + len(found), found[-1].case_no
        if progress:
            progress(done, max(total, done))
    return Audit(done, broken)


# ------------------------------------------------------------------ one case's timeline


@dataclass(frozen=True)
class Timeline:
    case: Case
    events: list[StoredEvent]
    names: dict[str, str]  # person and centre ids to names

    def broken(self, chain: CaseChain) -> Break | None:
        return history_break(self.case, self.events, chain)


async def timeline(db: Database, case_no: str) -> Timeline | None:
    found = await batch.by_keys(db, CASES, [case_no])
    if case_no not in found:
        return None
    events = (await batch.lists(db, CASE_EVENTS, [case_no])).get(case_no, [])
    readable = [event for event in events if isinstance(event, Event)]
    people = await batch.by_keys(db, PEOPLE, sorted({e.actor_id for e in readable if e.actor_id}))
    centers = await batch.by_keys(
        db, CENTERS, sorted({e.center_id for e in readable if e.center_id})
    )
    names = {key: record.name for key, record in [*people.items(), *centers.items()]}
    return Timeline(found[case_no], events, names)


# ------------------------------------------------------------------ re-sealing old chains

# Histories written before the keyed chain hold unkeyed SHA-256 hashes (no key id).
_UNKEYED_PAGE = f"""
    MATCH (n:Case) WHERE NOT n.lastHash CONTAINS ':' AND ($after IS NULL OR n.caseNo > $after)
    RETURN n {{{CASE}}} AS row ORDER BY n.caseNo LIMIT $limit"""
# Each case's write lock, then whether its history is still the one read (another server
# process may have re-sealed it meanwhile).
_LOCK_UNCHANGED = """
    UNWIND $cases AS row
    MATCH (n:Case {caseNo: row.caseNo})
    SET n._LOCK_ = true REMOVE n._LOCK_
    WITH n, row WHERE n.lastHash = row.lastHash
    RETURN n.caseNo AS caseNo"""
_SEALS_WRITE = """
    UNWIND $rows AS row
    MATCH (n:CaseEvent {caseNo: row.caseNo, seq: row.seq})
    SET n.hash = row.hash"""
# Re-sealing runs once per database: afterwards an unkeyed chain can only be a rewrite (one
# made to pass for an old history), which must stay broken, not be sealed anew.
_RESEALED_ONCE = """
    RETURN EXISTS { MATCH (:Migration {name: $name}) } AS done, EXISTS { MATCH (:Case) } AS cases"""
_RESEALED_NOW = """
    MERGE (m:Migration {name: $name})
    ON CREATE SET m.at = $at, m.cases = $cases, m.keyId = $keyId"""
RESEAL_MIGRATION = "case histories sealed with a key"
RESEALED = (
    "History re-sealed (a system note): the events before this one were chained with unkeyed "
    "SHA-256 hashes, which verified, the last being {last}; they are now sealed with the "
    "key {kid}."
)


async def reseal(db: Database, chain: CaseChain) -> int:
    """Re-seal under `chain` every history still chained with unkeyed SHA-256 hashes (written
    before the keyed chain), and record that it was done as a NOTE event of its own, with no
    actor, that names the old chain's last hash. Only a chain that verifies as it was is
    re-sealed: one already broken stays as it is, and the audit names it. Done once per
    database, which a `Migration` node records. How many were re-sealed."""
    # A database without cases has nothing to re-seal, and is left untouched (an import
    # refused by its checks writes nothing): the first start or import that finds or
    # writes cases records it.
    (found,) = await db.read(_RESEALED_ONCE, {"name": RESEAL_MIGRATION})
    if found["done"] or not found["cases"]:
        return 0
    resealed, after = 0, None
    while found := [
        record(Case, row["row"])
        for row in await db.read(_UNKEYED_PAGE, {"after": after, "limit": AUDIT_BATCH})
    ]:
        histories = await batch.lists(db, CASE_EVENTS, [case.case_no for case in found])
        plans = [
            plan
            for case in found
            if (plan := _resealed(case, histories.get(case.case_no, []), chain)) is not None
        ]
        if plans:
            resealed += await db.write_transaction(lambda tx, plans=plans: _write_seals(tx, plans))
        after = found[-1].case_no
    done = {"name": RESEAL_MIGRATION, "at": now(), "cases": resealed, "keyId": chain.key_id}
    await db.write(_RESEALED_NOW, done)
    return resealed


async def record_keyed(tx: Transaction, chain: CaseChain) -> None:
    """Record, with the first cases an import writes, that the graph's histories are keyed:
    none will ever need re-sealing, and none may pass for an old one (a forger's unkeyed
    rewrite would otherwise be re-sealed by the next start)."""
    done = {"name": RESEAL_MIGRATION, "at": now(), "cases": 0, "keyId": chain.key_id}
    await tx.run(_RESEALED_NOW, done)


@dataclass(frozen=True)
class _Reseal:
    case: Case
    events: list[Event]  # every stored event sealed anew, and the note saying so
    facts: CaseFacts


def _resealed(case: Case, stored: Sequence[StoredEvent], chain: CaseChain) -> _Reseal | None:
    events = [event for event in stored if isinstance(event, Event)]
    unkeyed = case_machine.UNKEYED
    if len(events) < len(stored) or history_break(case, events, unkeyed) is not None:
        return None
    facts: CaseFacts | None = None
    sealed: list[Event] = []
    for event in events:
        facts, made = case_machine.refold(facts, event, chain=chain)
        sealed.append(made)
    assert facts is not None, "a verified history has its REPORT"
    note = RESEALED.format(last=case.last_hash, kid=chain.key_id)
    facts, made = case_machine.advance(
        facts, CaseAction.NOTE, max(now(), facts.last_at), note=note, chain=chain
    )
    return _Reseal(case, [*sealed, made], facts)


async def _write_seals(tx: Transaction, plans: list[_Reseal]) -> int:
    cases = [{"caseNo": plan.case.case_no, "lastHash": plan.case.last_hash} for plan in plans]
    unchanged = {row["caseNo"] for row in await tx.run(_LOCK_UNCHANGED, {"cases": cases})}
    plans = [plan for plan in plans if plan.case.case_no in unchanged]
    if not plans:
        return 0
    seals = [
        {"caseNo": event.case_no, "seq": event.seq, "hash": event.hash}
        for plan in plans
        for event in plan.events[:-1]
    ]
    await tx.run(_SEALS_WRITE, {"rows": seals})
    await tx.run(EVENTS_APPEND, {"rows": [event_row(plan.events[-1]) for plan in plans]})
    await tx.run(FACTS_WRITE, {"rows": [facts_row(plan.facts) for plan in plans]})
    return len(plans)
