"""The root mutation: case workflow and assignments."""

from datetime import date

import strawberry

from resolvers import cases, evaluations, meetings, party, projects, visits
from resolvers.access import ADMIN_ONLY, CASE_WORK, PROJECT_WORK, VISIT_WORK
from schema.access import roles
from schema.cases import AdvanceCaseInput, Case, ReportCaseInput, new_case, step
from schema.context import Info
from schema.evaluations import EvaluateCaseInput, Evaluation, new_evaluation
from schema.meetings import Meeting, RecordMeetingInput, new_meeting
from schema.party import AssignInput, Assignment, new_assignment
from schema.projects import (
    AdvanceProjectInput,
    EvaluateProjectInput,
    Project,
    ProposeProjectInput,
    new_project,
    new_project_evaluation,
    project_step,
)
from schema.visits import RecordVisitInput, Visit, new_visit


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Open a case: its REPORT event (seq 1) at GRID level. NOT_FOUND for an "
        "unknown grid or reporter; CONFLICT for a caseNo already taken.",
        metadata=roles(CASE_WORK),
    )
    async def report_case(self, info: Info, input: ReportCaseInput) -> Case:
        return await cases.report_case(info.context, new_case(input))

    @strawberry.mutation(
        description="Take the next step of a case (DESIGN §4). INVALID_TRANSITION names the "
        "case's state and the actions it allows; CONFLICT when `expectedSeq` is no longer "
        "its last seq. Concurrent steps are applied one after the other.",
        metadata=roles(CASE_WORK),
    )
    async def advance_case(self, info: Info, input: AdvanceCaseInput) -> Case:
        return await cases.advance_case(info.context, step(input))

    @strawberry.mutation(
        description="Give a holder a role toward a target from `since`; an identical "
        "assignment already active then is returned, not duplicated.",
        metadata=roles(ADMIN_ONLY),
    )
    async def assign(self, info: Info, input: AssignInput) -> Assignment:
        return await party.assign(info.context, new_assignment(input))

    @strawberry.mutation(
        description="End an active assignment on `until` (default today); it stays in history.",
        metadata=roles(ADMIN_ONLY),
    )
    async def end_assignment(
        self, info: Info, id: strawberry.ID, until: date | None = None
    ) -> Assignment:
        return await party.end_assignment(info.context, id, until)

    @strawberry.mutation(
        description="Record a visit to a household once it has taken place (入户走访). "
        "NOT_FOUND for an unknown household, visitor or branch (FORBIDDEN outside the "
        "reader's scope).",
        metadata=roles(VISIT_WORK),
    )
    async def record_visit(self, info: Info, input: RecordVisitInput) -> Visit:
        return await visits.record_visit(info.context, new_visit(input))

    @strawberry.mutation(
        description="Record a household's rating of a CLOSED case (效果共评): "
        "INVALID_TRANSITION for a case that is not closed, CONFLICT when the household has "
        "rated this closing already (a reopened case is rated anew once closed again).",
        metadata=roles(CASE_WORK),
    )
    async def evaluate_case(self, info: Info, input: EvaluateCaseInput) -> Evaluation:
        return await evaluations.evaluate_case(info.context, new_evaluation(input))

    @strawberry.mutation(
        description="Propose a project of joint creation (共谋) in a grid or red house-yard: "
        "its event seq 1, PROPOSED. FORBIDDEN for a grid outside the writer's scope; "
        "NOT_FOUND for a grid, case, meeting or person that is not there.",
        metadata=roles(PROJECT_WORK),
    )
    async def propose_project(self, info: Info, input: ProposeProjectInput) -> Project:
        return await projects.propose_project(info.context, new_project(input))

    @strawberry.mutation(
        description="Move a project to its next state (PROPOSED → PLANNED → BUILDING → DONE), "
        "appending an event: INVALID_TRANSITION for any other state (EVALUATED comes from "
        "evaluateProject), CONFLICT when expectedState or expectedSeq no longer hold.",
        metadata=roles(PROJECT_WORK),
    )
    async def advance_project(self, info: Info, input: AdvanceProjectInput) -> Project:
        return await projects.advance_project(info.context, project_step(input))

    @strawberry.mutation(
        description="Record a rating of a DONE project by a household of its grid (效果共评); "
        "the first moves it to EVALUATED. INVALID_TRANSITION before DONE, CONFLICT when the "
        "household rated it already.",
        metadata=roles(PROJECT_WORK),
    )
    async def evaluate_project(self, info: Info, input: EvaluateProjectInput) -> Evaluation:
        return await projects.evaluate_project(info.context, new_project_evaluation(input))

    @strawberry.mutation(
        description="Record a meeting once held (恳谈会, 夜话, 岗哨 …) with who attended and the "
        "matters raised and commitments made, each linked to the case or project it became. "
        "FORBIDDEN for a place outside the writer's scope.",
        metadata=roles(PROJECT_WORK),
    )
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> Meeting:
        return await meetings.record_meeting(info.context, new_meeting(input))
