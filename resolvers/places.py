from graph import places
from graph.places import Building, Grid, Household, Region
from graph.security import scope
from loaders.batching import load_optional
from resolvers.access import seen
from resolvers.context import Context
from resolvers.paging import Page, walk_page


async def region(ctx: Context, code: str) -> Region | None:
    if ctx.db.scope is not None:
        # The regions above the scope show as a grid's parents, but are not looked up.
        await scope.require(ctx.db, code)
    return seen(ctx, code, await ctx.loaders.places.region.load(code))


async def grid(ctx: Context, code: str) -> Grid | None:
    return seen(ctx, code, await ctx.loaders.places.grid.load(code))


async def building(ctx: Context, code: str) -> Building | None:
    return seen(ctx, code, await ctx.loaders.places.building.load(code))


async def household(ctx: Context, id: str) -> Household | None:
    return seen(ctx, id, await ctx.loaders.places.household.load(id))


async def top_regions(ctx: Context) -> list[Region]:
    return await places.top_regions(ctx.db)


async def region_parent(ctx: Context, child: Region) -> Region | None:
    return await load_optional(ctx.loaders.places.region, child.parent_code)


async def region_children(
    ctx: Context, parent: Region, first: int | None, *, after: str | None
) -> Page[Region]:
    walk = ctx.loaders.places.region_children
    return await walk_page(walk, parent.code, first, after=after, key_of=lambda r: r.code)


async def region_grids(
    ctx: Context, parent: Region, first: int | None, *, after: str | None
) -> Page[Grid]:
    walk = ctx.loaders.places.region_grids
    return await walk_page(walk, parent.code, first, after=after, key_of=lambda g: g.code)


async def grid_region(ctx: Context, child: Grid) -> Region:
    found = await ctx.loaders.places.region.load(child.region_code)
    assert found is not None, "every grid lies in a region"
    return found


async def grid_buildings(
    ctx: Context, parent: Grid, first: int | None, *, after: str | None
) -> Page[Building]:
    walk = ctx.loaders.places.grid_buildings
    return await walk_page(walk, parent.code, first, after=after, key_of=lambda b: b.code)


async def building_grid(ctx: Context, child: Building) -> Grid:
    found = await ctx.loaders.places.grid.load(child.grid_code)
    assert found is not None, "every building lies in a grid"
    return found


async def building_households(
    ctx: Context, parent: Building, first: int | None, *, after: str | None
) -> Page[Household]:
    walk = ctx.loaders.places.building_households
    return await walk_page(walk, parent.code, first, after=after, key_of=lambda h: h.id)


async def household_building(ctx: Context, child: Household) -> Building:
    found = await ctx.loaders.places.building.load(child.building_code)
    assert found is not None, "every household lies in a building"
    return found
