"""Cases, their events, and the inputs that report and advance them."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import cases as graph_cases
from graph.core.records import from_input
from resolvers import cases as resolve
from resolvers import evaluations as resolve_evaluations
from resolvers import projects as resolve_projects
from resolvers.access import CASE_FIGURES, CASES, PROJECTS, RATINGS
from schema.access import roles, type_roles
from schema.context import Info
from schema.enums import CaseAction, CaseCategory, CaseSource, CaseState, GovernanceLevel

if TYPE_CHECKING:
    from schema.evaluations import Evaluation
    from schema.people import Person
    from schema.places import Grid
    from schema.projects import Project
    from schema.services import GovernanceCenter

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
EvaluationType = Annotated["Evaluation", strawberry.lazy("schema.evaluations")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]
CenterType = Annotated["GovernanceCenter", strawberry.lazy("schema.services")]
ProjectType = Annotated["Project", strawberry.lazy("schema.projects")]


@type_roles(CASES)
@strawberry.type
class CaseEvent:
    seq: int = strawberry.field(description="1, 2, 3 … within its case; 1 is always REPORT.")
    at: datetime
    action: CaseAction
    from_state: CaseState | None = strawberry.field(description="Null for REPORT.")
    to_state: CaseState
    level: GovernanceLevel = strawberry.field(
        description="The level handling the case after this event."
    )
    note: str | None

    @strawberry.field
    async def actor(self, info: Info) -> PersonType | None:
        return await resolve.event_actor(info.context, self)

    @strawberry.field
    async def center(self, info: Info) -> CenterType | None:
        return await resolve.event_center(info.context, self)


@type_roles(CASES)
@strawberry.type
class Case:
    case_no: str
    title: str
    category: CaseCategory
    state: CaseState
    level: GovernanceLevel
    reported_at: datetime
    closed_at: datetime | None
    resolved_level: GovernanceLevel | None = strawberry.field(
        description="Level of the RESOLVE that the last CLOSE confirmed."
    )
    source: CaseSource = strawberry.field(
        description="Reported, or found by the proactive search (排查)."
    )

    @strawberry.field
    async def grid(self, info: Info) -> GridType:
        return await resolve.case_grid(info.context, self)

    @strawberry.field
    async def reported_by(self, info: Info) -> PersonType | None:
        return await resolve.reporter(info.context, self)

    @strawberry.field(description="The whole history, ordered by seq.")
    async def events(self, info: Info) -> list[CaseEvent]:
        return await resolve.case_events(info.context, self)

    @strawberry.field(
        description="Whether the history still verifies: each event is what the state machine "
        "makes of the ones before it, its hash chains to theirs, and none is missing. False "
        "once an event was edited in the database (`govgraph audit verify` names it)."
    )
    async def history_intact(self, info: Info) -> bool:
        return await resolve.history_intact(info.context, self)

    @strawberry.field(
        description="Residents' ratings of its closings, ordered by id; AUDITOR and the "
        "community's workers (GRID_WORKER, CASE_HANDLER), not VIEWER.",
        metadata=roles(RATINGS),
    )
    async def evaluations(self, info: Info) -> list[EvaluationType]:
        return await resolve_evaluations.case_evaluations(info.context, self)

    @strawberry.field(
        description="The project of joint creation that came from the case, if any.",
        metadata=roles(PROJECTS),
    )
    async def project(self, info: Info) -> ProjectType | None:
        return await resolve_projects.case_project(info.context, self)

    @strawberry.field(description="How many times the case was escalated (ESCALATE events).")
    async def escalations(self, info: Info) -> int:
        return await resolve.escalations(info.context, self)


@type_roles(CASE_FIGURES)
@strawberry.type
class LevelCount:
    level: GovernanceLevel
    count: int


@type_roles(CASE_FIGURES)
@strawberry.type
class CaseStats:
    reported: int = strawberry.field(
        description="Cases reported in [from, to], days in Asia/Shanghai."
    )
    closed: int = strawberry.field(description="Of those, now CLOSED.")
    resolved_at: list[LevelCount] = strawberry.field(
        description="Closed ones by resolvedLevel, every level listed, GRID first."
    )
    resolved_locally_ratio: float = strawberry.field(
        description="Closed with resolvedLevel GRID or COMMUNITY / closed (1.0 when none)."
    )
    resolved_in_township_ratio: float = strawberry.field(
        description="Closed with resolvedLevel at or below TOWNSHIP / closed (1.0 when none)."
    )
    evaluations: int = strawberry.field(
        description="Residents' ratings of those cases (效果共评), a reopened case's earlier "
        "ratings included."
    )
    satisfied: int
    basically_satisfied: int
    not_satisfied: int
    satisfaction_ratio: float = strawberry.field(
        description="Satisfied or basically satisfied / evaluations (1.0 when none)."
    )


@strawberry.input
class CaseFilter:
    within: str | None = strawberry.field(default=None, description="A region or grid code.")
    state: CaseState | None = None
    category: CaseCategory | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None
    overdue: bool | None = strawberry.field(
        default=None,
        description="Only cases still open (not CLOSED, VOIDED or REFERRED) that reached their "
        "level longer ago than their category's limit (GOVGRAPH_OVERDUE_DAYS, 30 days by "
        "default); false: only the others.",
    )
    level: GovernanceLevel | None = strawberry.field(
        default=None, description="The level handling the case now."
    )


@strawberry.input
class ReportCaseInput:
    case_no: str | None = strawberry.field(default=None, description="Generated when absent.")
    title: str
    category: CaseCategory
    grid_code: str
    reported_by: strawberry.ID | None = None
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")
    note: str | None = None
    request_id: str | None = strawberry.field(
        default=None,
        description="The client's own key for this report (a UUID), kept on the case. Sent "
        "again with the same report (after an UNAVAILABLE, say), it returns the case the first "
        "one made instead of making a second; with another report, CONFLICT.",
    )
    source: CaseSource | None = strawberry.field(
        default=None,
        description="REPORTED when absent; PROACTIVE_SEARCH for a matter found by 排查.",
    )


@strawberry.input
class AdvanceCaseInput:
    case_no: str
    action: CaseAction = strawberry.field(description="Any but REPORT.")
    expected_seq: int | None = strawberry.field(
        default=None, description="When given, the case's last seq must equal it, else CONFLICT."
    )
    actor_id: strawberry.ID | None = None
    center_id: strawberry.ID | None = None
    at: datetime | None = strawberry.field(
        default=None, description="Now when absent; never before the last event."
    )
    note: str | None = None


# ------------------------------------------------------------------ inputs as graph records


def case_filter(given: CaseFilter | None) -> graph_cases.CaseFilter:
    return graph_cases.CaseFilter() if given is None else from_input(graph_cases.CaseFilter, given)


def new_case(given: ReportCaseInput) -> graph_cases.NewCase:
    return from_input(graph_cases.NewCase, given, source=given.source or CaseSource.REPORTED)


def step(given: AdvanceCaseInput) -> graph_cases.Step:
    return from_input(graph_cases.Step, given)
