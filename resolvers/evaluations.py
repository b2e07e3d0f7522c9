"""Residents' evaluations of closed cases."""

from graph import evaluations
from graph.cases import Case
from graph.core.clock import now
from graph.core.errors import BadUserInput
from graph.evaluations import Evaluation, NewEvaluation
from graph.places import Household
from resolvers.context import Context


async def case_evaluations(ctx: Context, case: Case) -> list[Evaluation]:
    return await ctx.loaders.evaluations.case_evaluations.load(case.case_no)


async def evaluation_household(ctx: Context, evaluation: Evaluation) -> Household | None:
    return await ctx.loaders.places.household.load(evaluation.household_id)


async def evaluate_case(ctx: Context, new: NewEvaluation) -> Evaluation:
    if new.at > now():
        raise BadUserInput("A rating is recorded once it is given: `at` is in the future.")
    if new.comment is not None and len(new.comment) > 500:
        raise BadUserInput("`comment` holds at most 500 characters.")
    return await evaluations.evaluate_case(ctx.db, new)
