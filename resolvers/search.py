from collections.abc import Sequence

from graph.core.errors import BadUserInput, Forbidden
from graph.search import SearchHit, SearchKind
from loaders.search import SearchRequest
from resolvers.access import PERSON_IDS, named
from resolvers.context import Context
from resolvers.paging import Edge, Page, PageInfo, encode_cursor, window

MAX_TEXT = 100


def allowed_kinds(ctx: Context) -> list[SearchKind]:
    """People are found by their id, which only the roles that may read `Person.id` see."""
    if ctx.principal.has(*PERSON_IDS):
        return list(SearchKind)
    return [kind for kind in SearchKind if kind is not SearchKind.PERSON]


async def search(
    ctx: Context,
    text: str,
    *,
    within: str | None,
    kinds: Sequence[SearchKind] | None,
    first: int | None,
    after: str | None,
) -> Page[SearchHit]:
    text = text.strip()
    if not text:
        raise BadUserInput("Type a name, or part of one, to search for.")
    if len(text) > MAX_TEXT:
        raise BadUserInput(f"Search for at most {MAX_TEXT} characters; this text has {len(text)}.")
    allowed = allowed_kinds(ctx)
    if kinds is not None:
        if not kinds:
            raise BadUserInput("`kinds` names no kind: leave it out to search every kind.")
        if SearchKind.PERSON in kinds and SearchKind.PERSON not in allowed:
            raise Forbidden(
                f"Only {named(PERSON_IDS)} may search people; leave PERSON out of `kinds`."
            )
        allowed = [kind for kind in allowed if kind in kinds]
    offset, size = window(first, after)
    offset = offset or 0
    if not isinstance(offset, int) or offset < 0:
        raise BadUserInput("`after` must be a cursor this list returned.")
    request = SearchRequest(text, tuple(allowed), within, offset, size)
    result = await ctx.loaders.search.hits.load(request)

    async def total() -> int:
        return result.total

    # A ranked list has no key to resume after: the cursor holds the next hit's rank.
    edges = [Edge(encode_cursor(offset + n), hit) for n, hit in enumerate(result.hits, 1)]
    end = edges[-1].cursor if edges else None
    return Page(edges, PageInfo(offset + len(edges) < result.total, end), total)


async def hit_object(ctx: Context, hit: SearchHit, kind: SearchKind) -> object | None:
    """The object a hit names, when it is of `kind`, as its own look-up sees it."""
    if hit.kind is not kind:
        return None
    loaders = ctx.loaders
    found = {
        SearchKind.PERSON: loaders.people.person,
        SearchKind.BUILDING: loaders.places.building,
        SearchKind.GRID: loaders.places.grid,
        SearchKind.REGION: loaders.places.region,
        SearchKind.PARTY_ORGANIZATION: loaders.party.organization,
        SearchKind.CENTER: loaders.services.center,
        SearchKind.STATION: loaders.services.station,
    }[kind]
    return await found.load(hit.key)
