from dataclasses import replace
from datetime import date

from graph import cases
from graph.case_machine import CaseChain, Event
from graph.cases import (
    Case,
    CaseFilter,
    CaseStats,
    NewCase,
    OverdueRule,
    Step,
    StoredEvent,
    Unreadable,
)
from graph.core.clock import optional_city_time
from graph.core.errors import BadUserInput, Forbidden, GovgraphError
from graph.core.model import CaseAction
from graph.people import Person
from graph.places import Grid
from graph.security import scope
from graph.services import GovernanceCenter
from loaders.batching import load_optional
from resolvers.access import seen
from resolvers.context import Context
from resolvers.paging import Page, make_page, window

MAX_REQUEST_ID = 100


async def case(ctx: Context, case_no: str) -> Case | None:
    return seen(ctx, case_no, await ctx.loaders.cases.case.load(case_no))


async def case_list(
    ctx: Context, case_filter: CaseFilter, first: int | None, *, after: str | None
) -> Page[Case]:
    after_key, size = window(first, after)
    if case_filter.within is not None:
        await scope.require(ctx.db, case_filter.within)
    case_filter = replace(
        case_filter,
        reported_from=optional_city_time(case_filter.reported_from),
        reported_to=optional_city_time(case_filter.reported_to),
    )
    overdue = OverdueRule(ctx.overdue_days, cases.now())
    rows = await cases.page(ctx.db, case_filter, after=after_key, limit=size + 1, overdue=overdue)
    return make_page(
        rows, size, lambda c: c.case_no, count=lambda: cases.count(ctx.db, case_filter, overdue)
    )


async def case_stats(
    ctx: Context, within: str, first: date | None, *, last: date | None
) -> CaseStats:
    if first is not None and last is not None and first > last:
        raise BadUserInput(f"`from` ({first}) is after `to` ({last}).")
    await scope.require(ctx.db, within)
    return await cases.stats(ctx.db, within, first=first, last=last)


async def report_case(ctx: Context, new: NewCase) -> Case:
    title = new.title.strip()
    if not title:
        raise BadUserInput("A case needs a title that says what it is about.")
    if new.case_no is not None and not new.case_no.strip():
        raise BadUserInput("`caseNo` is blank; leave it out to get a new case number.")
    if new.request_id is not None and not 0 < len(new.request_id.strip()) <= MAX_REQUEST_ID:
        raise BadUserInput(
            f"`requestId` must hold 1 to {MAX_REQUEST_ID} characters (a UUID does); leave it "
            "out when the report need not be sent again safely."
        )
    if new.case_no is not None and ctx.db.scope is not None:
        # Whether a number is taken would tell of cases outside the scope.
        raise Forbidden(
            "A token limited to a scope cannot choose the case number; leave `caseNo` out "
            "and one is drawn."
        )
    new = replace(new, title=title, at=optional_city_time(new.at))
    return await cases.report(ctx.db, new, CaseChain.of(ctx.keys))


async def advance_case(ctx: Context, step: Step) -> Case:
    if step.action is CaseAction.REPORT:
        raise BadUserInput("REPORT opens a case (reportCase); advanceCase takes any other action.")
    step = replace(step, at=optional_city_time(step.at))
    return await cases.advance(ctx.db, step, CaseChain.of(ctx.keys))


async def case_events(ctx: Context, parent: Case) -> list[Event]:
    events = []
    for event in await _stored_events(ctx, parent):
        if isinstance(event, Unreadable):
            # GraphQL cannot show a value outside its enums; the audit names it.
            raise GovgraphError(
                f"Event {event.seq} of case {parent.case_no} holds a value that no event can "
                "have: it was changed in the database (`govgraph audit verify` lists such events)."
            )
        events.append(event)
    return events


async def history_intact(ctx: Context, parent: Case) -> bool:
    stored = await _stored_events(ctx, parent)
    return cases.history_break(parent, stored, CaseChain.of(ctx.keys)) is None


async def escalations(ctx: Context, parent: Case) -> int:
    events = await _stored_events(ctx, parent)
    return sum(1 for e in events if isinstance(e, Event) and e.action is CaseAction.ESCALATE)


async def _stored_events(ctx: Context, parent: Case) -> list[StoredEvent]:
    return await ctx.loaders.cases.case_events.load(parent.case_no)


async def case_grid(ctx: Context, parent: Case) -> Grid:
    found = await ctx.loaders.places.grid.load(parent.grid_code)
    assert found is not None, "every case lies in a grid"
    return found


async def reporter(ctx: Context, parent: Case) -> Person | None:
    return await load_optional(ctx.loaders.people.person, parent.reported_by_id)


async def event_actor(ctx: Context, event: Event) -> Person | None:
    return await load_optional(ctx.loaders.people.person, event.actor_id)


async def event_center(ctx: Context, event: Event) -> GovernanceCenter | None:
    return await load_optional(ctx.loaders.services.center, event.center_id)
