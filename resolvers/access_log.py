from datetime import datetime

from graph import access_log
from graph.access_log import AccessRecord, LogFilter
from graph.core.clock import optional_city_time
from graph.core.errors import BadUserInput, Forbidden
from graph.people import Person
from graph.places import Grid
from graph.security import scope
from graph.security.principal import AccessRole
from resolvers.context import Context
from resolvers.paging import Page, make_page, window


async def access_log_page(
    ctx: Context,
    within: str,
    start: datetime | None,
    *,
    end: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[AccessRecord]:
    """For AUDITOR and ADMIN: the records of grids within `within` and the reader's scope."""
    if not ctx.principal.has(AccessRole.AUDITOR):
        raise Forbidden("Only auditors and administrators read the access log.")
    after_seq, size = window(first, after)
    if after_seq is not None and not isinstance(after_seq, int):
        raise BadUserInput("`after` must be a cursor this list returned.")
    start, end = optional_city_time(start), optional_city_time(end)
    if start is not None and end is not None and start > end:
        raise BadUserInput("`from` is after `to`.")
    await scope.require(ctx.db, within)
    where = LogFilter(within, ctx.principal.scope, start, end)
    rows = await access_log.page(ctx.db, where, after=after_seq, limit=size + 1)
    return make_page(rows, size, lambda r: r.seq, count=lambda: access_log.count(ctx.db, where))


async def record_person(ctx: Context, record: AccessRecord) -> Person | None:
    return await ctx.loaders.people.person.load(record.person_id)


async def record_reader(ctx: Context, record: AccessRecord) -> Person | None:
    return await ctx.loaders.people.person.load(record.reader_id)


async def record_grid(ctx: Context, record: AccessRecord) -> Grid | None:
    return await ctx.loaders.places.grid.load(record.grid_code)
