from graph import cases, scope
from graph.case_machine import Event
from graph.cases import Case, CaseFilter
from graph.people import Person
from graph.places import Grid
from graph.services import GovernanceCenter
from resolvers.context import Context
from resolvers.paging import Page, make_page, window


async def case(ctx: Context, case_no: str) -> Case | None:
    return await ctx.loaders.cases.case.load(case_no)


async def case_list(
    ctx: Context, case_filter: CaseFilter, first: int | None, after: str | None
) -> Page[Case]:
    after_key, size = window(first, after)
    if case_filter.within is not None:
        await scope.require(ctx.db, case_filter.within)
    rows = await cases.page(ctx.db, case_filter, after_key, size + 1)
    return make_page(rows, size, lambda c: c.case_no, lambda: cases.count(ctx.db, case_filter))


async def case_events(ctx: Context, parent: Case) -> list[Event]:
    return await ctx.loaders.cases.case_events.load(parent.case_no)


async def case_grid(ctx: Context, parent: Case) -> Grid:
    found = await ctx.loaders.places.grid.load(parent.grid_code)
    assert found is not None, "every case lies in a grid"
    return found


async def reporter(ctx: Context, parent: Case) -> Person | None:
    if parent.reported_by_id is None:
        return None
    return await ctx.loaders.people.person.load(parent.reported_by_id)


async def event_actor(ctx: Context, event: Event) -> Person | None:
    if event.actor_id is None:
        return None
    return await ctx.loaders.people.person.load(event.actor_id)


async def event_center(ctx: Context, event: Event) -> GovernanceCenter | None:
    if event.center_id is None:
        return None
    return await ctx.loaders.services.center.load(event.center_id)
