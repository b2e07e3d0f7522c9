"""The root mutation: case workflow and assignments."""

from datetime import date

import strawberry

from resolvers.pending import pending
from schema.cases import AdvanceCaseInput, Case, ReportCaseInput
from schema.party import AssignInput, Assignment


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def report_case(self, input: ReportCaseInput) -> Case:
        pending("reportCase (cases)")

    @strawberry.mutation
    async def advance_case(self, input: AdvanceCaseInput) -> Case:
        pending("advanceCase (cases)")

    @strawberry.mutation
    async def assign(self, input: AssignInput) -> Assignment:
        pending("assign (coverage)")

    @strawberry.mutation(description="`until` defaults to today.")
    async def end_assignment(self, id: strawberry.ID, until: date | None = None) -> Assignment:
        pending("endAssignment (coverage)")
