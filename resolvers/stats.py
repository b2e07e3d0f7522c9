from datetime import date

from graph import stats
from resolvers.context import Context


async def stats_within(ctx: Context, within: str | None, as_of: date | None) -> stats.Stats:
    return await stats.stats(ctx.db, within, as_of or ctx.today())
