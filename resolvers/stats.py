from datetime import date

from graph import stats
from graph.security import scope
from resolvers.context import Context


async def stats_within(ctx: Context, within: str | None, as_of: date | None) -> stats.Stats:
    if within is not None:
        await scope.require(ctx.db, within)
    return await stats.stats(ctx.db, within, as_of or ctx.today())
