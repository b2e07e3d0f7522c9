"""Projects of joint creation (共同缔造), their history and figures, and the inputs that
propose, advance and rate one."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import projects as graph_projects
from graph.core.clock import now, optional_city_time
from graph.core.records import from_input
from resolvers import projects as resolve
from resolvers.access import PROJECTS, RATINGS
from schema.access import roles, type_roles
from schema.context import Info
from schema.enums import ProjectKind, ProjectOrigin, ProjectState, Rating

if TYPE_CHECKING:
    from schema.cases import Case
    from schema.evaluations import Evaluation
    from schema.meetings import Meeting
    from schema.people import Person
    from schema.places import Grid

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]
CaseType = Annotated["Case", strawberry.lazy("schema.cases")]
MeetingType = Annotated["Meeting", strawberry.lazy("schema.meetings")]
EvaluationType = Annotated["Evaluation", strawberry.lazy("schema.evaluations")]


@type_roles(PROJECTS)
@strawberry.type
class ProjectEvent:
    seq: int = strawberry.field(description="1, 2, 3 … within its project; 1 is the proposal.")
    at: datetime
    from_state: ProjectState | None = strawberry.field(description="Null for the proposal.")
    to_state: ProjectState
    note: str | None

    @strawberry.field(description="Who took the step (null for a rating's step).")
    async def actor(self, info: Info) -> PersonType | None:
        return await resolve.event_actor(info.context, self)


@type_roles(PROJECTS)
@strawberry.type
class Project:
    """A project residents and cadres plan, build, look after and judge together."""

    id: strawberry.ID
    title: str
    kind: ProjectKind
    origin: ProjectOrigin = strawberry.field(
        description="A meeting, the residents' list of wishes, a case …"
    )
    state: ProjectState
    materials: str | None = strawberry.field(
        description="What the community or village provided, in words."
    )
    money_yuan: int | None = strawberry.field(
        description="Money the community or village provided, in yuan."
    )
    labour_days: int | None = strawberry.field(
        description="Days of work residents gave (投工投劳)."
    )
    proposed_at: datetime
    last_seq: int = strawberry.field(
        description="The seq of its last event: pass it as expectedSeq to advanceProject."
    )

    @strawberry.field(description="The grid or red house-yard where it is built.")
    async def grid(self, info: Info) -> GridType:
        return await resolve.project_grid(info.context, self)

    @strawberry.field(description="The case it came from, if any.")
    async def source_case(self, info: Info) -> CaseType | None:
        return await resolve.project_case(info.context, self)

    @strawberry.field(description="The meeting it came from, if any.")
    async def source_meeting(self, info: Info) -> MeetingType | None:
        return await resolve.project_meeting(info.context, self)

    @strawberry.field(description="The resident representatives who supervise it, by id.")
    async def supervisors(self, info: Info) -> list[PersonType]:
        return await resolve.supervisors(info.context, self)

    @strawberry.field(description="The whole history, ordered by seq; never edited.")
    async def events(self, info: Info) -> list[ProjectEvent]:
        return await resolve.project_events(info.context, self)

    @strawberry.field(
        description="Residents' ratings, ordered by id; AUDITOR and the community's workers "
        "(GRID_WORKER, CASE_HANDLER), not VIEWER.",
        metadata=roles(RATINGS),
    )
    async def evaluations(self, info: Info) -> list[EvaluationType]:
        return await resolve.project_evaluations(info.context, self)


@type_roles(PROJECTS)
@strawberry.type
class ProjectStateCount:
    state: ProjectState
    projects: int


@type_roles(PROJECTS)
@strawberry.type
class ProjectKindFigures:
    kind: ProjectKind
    projects: int
    evaluations: int
    satisfied: int
    basically_satisfied: int
    not_satisfied: int
    satisfaction_ratio: float = strawberry.field(
        description="Satisfied or basically satisfied / evaluations (1.0 when none)."
    )


@type_roles(PROJECTS)
@strawberry.type
class ProjectStats:
    projects: int = strawberry.field(description="Projects proposed in [from, to].")
    by_state: list[ProjectStateCount] = strawberry.field(
        description="Every state listed, PROPOSED first."
    )
    by_kind: list[ProjectKindFigures] = strawberry.field(
        description="Every kind listed, with its residents' ratings."
    )
    evaluations: int = strawberry.field(description="Residents' ratings of those projects.")
    satisfied: int
    basically_satisfied: int
    not_satisfied: int
    satisfaction_ratio: float = strawberry.field(
        description="Satisfied or basically satisfied / evaluations (1.0 when none)."
    )


@strawberry.input
class ProposeProjectInput:
    title: str
    kind: ProjectKind
    origin: ProjectOrigin
    grid_code: str = strawberry.field(description="The grid or red house-yard.")
    case_no: str | None = strawberry.field(default=None, description="The case it came from.")
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="The meeting it came from."
    )
    supervisor_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Resident representatives who supervise it."
    )
    materials: str | None = None
    money_yuan: int | None = None
    labour_days: int | None = None
    actor_id: strawberry.ID | None = None
    note: str | None = None
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")


@strawberry.input
class AdvanceProjectInput:
    project_id: strawberry.ID
    to_state: ProjectState = strawberry.field(description="The next state, and only it.")
    expected_state: ProjectState | None = strawberry.field(
        default=None, description="CONFLICT unless the project is in this state."
    )
    expected_seq: int | None = strawberry.field(
        default=None, description="CONFLICT unless its last event has this seq."
    )
    actor_id: strawberry.ID | None = None
    note: str | None = None
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")
    materials: str | None = strawberry.field(
        default=None, description="What the community or village provided, when it changed."
    )
    money_yuan: int | None = None
    labour_days: int | None = None


@strawberry.input
class EvaluateProjectInput:
    project_id: strawberry.ID
    household_id: strawberry.ID = strawberry.field(
        description="A household of the project's grid or house-yard."
    )
    rating: Rating
    comment: str | None = None
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")


def new_project(given: ProposeProjectInput) -> graph_projects.NewProject:
    return from_input(
        graph_projects.NewProject,
        given,
        title=given.title.strip(),
        supervisor_ids=[str(key) for key in given.supervisor_ids],
        at=optional_city_time(given.at) or now(),
    )


def project_step(given: AdvanceProjectInput) -> graph_projects.ProjectStep:
    return from_input(graph_projects.ProjectStep, given, at=optional_city_time(given.at) or now())


def new_project_evaluation(given: EvaluateProjectInput) -> graph_projects.NewProjectEvaluation:
    return from_input(
        graph_projects.NewProjectEvaluation, given, at=optional_city_time(given.at) or now()
    )
