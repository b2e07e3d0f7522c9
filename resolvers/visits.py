"""Visits to households: records, the lists over a period, the unvisited, the write."""

from datetime import date

from graph import visits
from graph.core.clock import now
from graph.core.errors import BadUserInput
from graph.party import PartyOrganization
from graph.people import Person
from graph.places import Household
from graph.security import scope
from graph.visits import NewVisit, Visit
from loaders.batching import load_optional
from resolvers.context import Context
from resolvers.paging import Page, walk_page


def period(first: date | None, last: date | None) -> dict[str, object]:
    """The parameters of the days first..last, refused when they run backwards."""
    if first and last and first > last:
        raise BadUserInput(f"`from` ({first}) is after `to` ({last}).")
    return visits.period(first, last)


async def household_visits(ctx: Context, household: Household) -> list[Visit]:
    return await ctx.loaders.visits.household_visits.load(household.id)


async def person_visits(
    ctx: Context,
    person: Person,
    first_day: date | None,
    *,
    last_day: date | None,
    first: int | None,
    after: str | None,
) -> Page[Visit]:
    walk = ctx.loaders.visits.person_visits.on(**period(first_day, last_day))
    return await walk_page(walk, person.id, first, after=after, key_of=lambda v: v.id)


async def organization_visits(
    ctx: Context,
    org: PartyOrganization,
    first_day: date | None,
    *,
    last_day: date | None,
    first: int | None,
    after: str | None,
) -> Page[Visit]:
    walk = ctx.loaders.visits.organization_visits.on(**period(first_day, last_day))
    return await walk_page(walk, org.id, first, after=after, key_of=lambda v: v.id)


async def visits_within(
    ctx: Context,
    within: str,
    first_day: date | None,
    *,
    last_day: date | None,
    first: int | None,
    after: str | None,
) -> Page[Visit]:
    params = period(first_day, last_day)
    await scope.require(ctx.db, within)
    walk = ctx.loaders.visits.visits_within.on(**params)
    return await walk_page(walk, within, first, after=after, key_of=lambda v: v.id)


async def unvisited_households(
    ctx: Context,
    within: str,
    days: int,
    *,
    as_of: date | None,
    first: int | None,
    after: str | None,
) -> Page[Household]:
    params = visits.unvisited_period(as_of or ctx.today(), days)
    await scope.require(ctx.db, within)
    walk = ctx.loaders.visits.unvisited_within.on(**params)
    return await walk_page(walk, within, first, after=after, key_of=lambda h: h.id)


async def visit_household(ctx: Context, visit: Visit) -> Household:
    found = await ctx.loaders.places.household.load(visit.household_id)
    assert found is not None, "a visit is seen only where its household is"
    return found


async def visit_visitor(ctx: Context, visit: Visit) -> Person | None:
    return await load_optional(ctx.loaders.people.person, visit.visitor_id)


async def visit_branch(ctx: Context, visit: Visit) -> PartyOrganization | None:
    return await load_optional(ctx.loaders.party.organization, visit.branch_id)


async def record_visit(ctx: Context, new: NewVisit) -> Visit:
    if new.at > now():
        raise BadUserInput("A visit is recorded once it has taken place: `at` is in the future.")
    return await visits.record_visit(ctx.db, new)
