"""Residents' evaluations (效果共评) and the input that records one."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import evaluations as graph_evaluations
from graph.core.clock import now, optional_city_time
from graph.core.records import from_input
from resolvers import evaluations as resolve
from resolvers.access import RATINGS
from schema.access import type_roles
from schema.context import Info
from schema.enums import Rating

if TYPE_CHECKING:
    from schema.places import Household

HouseholdType = Annotated["Household", strawberry.lazy("schema.places")]


@type_roles(RATINGS)
@strawberry.type
class Evaluation:
    """A household's rating of one closing of a case."""

    id: strawberry.ID
    at: datetime
    rating: Rating
    comment: str | None
    round: int | None = strawberry.field(
        description="The seq of the CLOSE event it judged: a reopened case's ratings of "
        "earlier closings stay."
    )

    @strawberry.field(description="The household that rated (null outside the reader's view).")
    async def household(self, info: Info) -> HouseholdType | None:
        return await resolve.evaluation_household(info.context, self)


@strawberry.input
class EvaluateCaseInput:
    case_no: str
    household_id: strawberry.ID
    rating: Rating
    comment: str | None = None
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")


def new_evaluation(given: EvaluateCaseInput) -> graph_evaluations.NewEvaluation:
    return from_input(
        graph_evaluations.NewEvaluation, given, at=optional_city_time(given.at) or now()
    )
