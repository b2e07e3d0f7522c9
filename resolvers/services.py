from datetime import date

from graph.core.model import OrganisationKind, StationKind
from graph.people import Person
from graph.places import Grid, Region
from graph.security import scope
from graph.services import GovernanceCenter, Organisation, ServiceStation, Volunteering
from loaders.batching import load_optional
from resolvers.access import seen
from resolvers.context import Context
from resolvers.paging import Page, walk_page


async def region_centers(ctx: Context, region: Region) -> list[GovernanceCenter]:
    return await ctx.loaders.services.region_centers.load(region.code)


async def region_stations(ctx: Context, region: Region) -> list[ServiceStation]:
    return await ctx.loaders.services.region_stations.load(region.code)


async def grid_stations(ctx: Context, grid: Grid) -> list[ServiceStation]:
    return await ctx.loaders.services.grid_stations.load(grid.code)


async def served_region(
    ctx: Context, place: GovernanceCenter | ServiceStation | Organisation
) -> Region:
    found = await ctx.loaders.places.region.load(place.region_code)
    assert found is not None, "every centre, station and organisation lies in a region"
    return found


async def station_grid(ctx: Context, station: ServiceStation | Organisation) -> Grid | None:
    return await load_optional(ctx.loaders.places.grid, station.grid_code)


async def stations(
    ctx: Context, within: str, kind: StationKind | None, *, first: int | None, after: str | None
) -> Page[ServiceStation]:
    """The stations of a region or grid and of all below it (DESIGN §5), with or without
    a grid of their own."""
    await scope.require(ctx.db, within)
    walk = ctx.loaders.services.stations_within.on(kind=kind.value if kind else None)
    return await walk_page(walk, within, first, after=after, key_of=lambda s: s.id)


async def organisation(ctx: Context, id: str) -> Organisation | None:
    return seen(ctx, id, await ctx.loaders.services.organisation.load(id))


async def organisations(
    ctx: Context,
    within: str,
    kind: OrganisationKind | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[Organisation]:
    await scope.require(ctx.db, within)
    walk = ctx.loaders.services.organisations_within.on(kind=kind.value if kind else None)
    return await walk_page(walk, within, first, after=after, key_of=lambda o: o.id)


async def region_organisations(ctx: Context, region: Region) -> list[Organisation]:
    return await ctx.loaders.services.region_organisations.load(region.code)


async def grid_organisations(ctx: Context, grid: Grid) -> list[Organisation]:
    return await ctx.loaders.services.grid_organisations.load(grid.code)


async def center_organisations(ctx: Context, center: GovernanceCenter) -> list[Organisation]:
    return await ctx.loaders.services.center_organisations.load(center.id)


async def stationed_at(ctx: Context, organisation: Organisation) -> GovernanceCenter | None:
    return await load_optional(ctx.loaders.services.center, organisation.center_id)


async def organisation_volunteers(
    ctx: Context,
    organisation: Organisation,
    as_of: date | None,
    *,
    history: bool,
    first: int | None,
    after: str | None,
) -> Page[Person]:
    walk = ctx.loaders.services.organisation_volunteers.on(
        asOf=as_of or ctx.today(), history=history
    )
    return await walk_page(walk, organisation.id, first, after=after, key_of=lambda p: p.id)


async def person_volunteering(
    ctx: Context, person: Person, as_of: date | None, *, history: bool
) -> list[Volunteering]:
    loader = ctx.loaders.services.person_volunteering.on(asOf=as_of or ctx.today(), history=history)
    return await loader.load(person.id)


async def volunteering_person(ctx: Context, volunteering: Volunteering) -> Person:
    found = await ctx.loaders.people.person.load(volunteering.person_id)
    assert found is not None, "a volunteer is shown only when she may be seen"
    return found


async def volunteering_organisation(ctx: Context, volunteering: Volunteering) -> Organisation:
    found = await ctx.loaders.services.organisation.load(volunteering.organisation_id)
    assert found is not None, "the walk keeps only organisations the reader may see"
    return found
