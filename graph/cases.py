"""Cases and their events: records, look-ups and the filtered case list."""

from dataclasses import dataclass
from datetime import datetime

from graph import scope
from graph.batch import Lookup, Walk
from graph.case_machine import Event
from graph.db import Database, Row
from graph.model import CaseAction, CaseCategory, CaseState, GovernanceLevel


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

    @classmethod
    def from_row(cls, row: Row) -> "Case":
        resolved = row["resolvedLevel"]
        return cls(
            row["caseNo"],
            row["title"],
            CaseCategory(row["category"]),
            CaseState(row["state"]),
            GovernanceLevel(row["level"]),
            row["gridCode"],
            row["reportedById"],
            row["reportedAt"],
            row["closedAt"],
            GovernanceLevel(resolved) if resolved else None,
            row["lastSeq"],
        )


@dataclass(frozen=True)
class CaseFilter:
    within: str | None = None
    state: CaseState | None = None
    category: CaseCategory | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None


def event_from_row(row: Row) -> Event:
    return Event(
        row["caseNo"],
        row["seq"],
        row["at"],
        CaseAction(row["action"]),
        CaseState(row["fromState"]) if row["fromState"] else None,
        CaseState(row["toState"]),
        GovernanceLevel(row["level"]),
        row["actorId"],
        row["centerId"],
        row["note"],
        row["hash"],
    )


CASE = (
    ".caseNo, .title, .category, .state, .level, .reportedAt, .closedAt, .resolvedLevel, "
    ".lastSeq, gridCode: head([(n)-[:IN]->(g:Grid) | g.code]), "
    "reportedById: head([(n)-[:REPORTED_BY]->(p:Person) | p.id])"
)
EVENT = (
    ".caseNo, .seq, .at, .action, .fromState, .toState, .level, .note, .hash, "
    "actorId: head([(n)-[:BY]->(p:Person) | p.id]), "
    "centerId: head([(n)-[:AT]->(c:GovernanceCenter) | c.id])"
)

CASES = Lookup("Case", "caseNo", CASE, Case.from_row)
CASE_EVENTS = Walk(
    "MATCH (:Case {caseNo: parent})-[:HAS_EVENT]->(n:CaseEvent)", "seq", EVENT, event_from_row
)

_FILTERS = """
    WHERE ($state IS NULL OR n.state = $state)
      AND ($category IS NULL OR n.category = $category)
      AND ($reportedFrom IS NULL OR n.reportedAt >= $reportedFrom)
      AND ($reportedTo IS NULL OR n.reportedAt <= $reportedTo)"""


def _matching(case_filter: CaseFilter) -> str:
    if case_filter.within is None:
        return f"MATCH (n:Case) {_FILTERS}"
    return f"{scope.GRIDS_WITHIN} MATCH (n:Case)-[:IN]->(g) {_FILTERS}"


def _params(case_filter: CaseFilter) -> dict[str, object]:
    return {
        "within": case_filter.within,
        "state": case_filter.state.value if case_filter.state else None,
        "category": case_filter.category.value if case_filter.category else None,
        "reportedFrom": case_filter.reported_from,
        "reportedTo": case_filter.reported_to,
    }


async def page(db: Database, case_filter: CaseFilter, after: str | None, limit: int) -> list[Case]:
    statement = f"""
        {_matching(case_filter)}
          AND ($after IS NULL OR n.caseNo > $after)
        RETURN n {{{CASE}}} AS row ORDER BY n.caseNo LIMIT $limit"""
    params = {**_params(case_filter), "after": after, "limit": limit}
    return [Case.from_row(row["row"]) for row in await db.read(statement, params)]


async def count(db: Database, case_filter: CaseFilter) -> int:
    statement = f"{_matching(case_filter)} RETURN count(n) AS total"
    rows = await db.read(statement, _params(case_filter))
    return rows[0]["total"]
