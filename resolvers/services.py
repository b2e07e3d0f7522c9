from graph.places import Grid, Region
from graph.services import GovernanceCenter, ServiceStation
from resolvers.context import Context


async def region_centers(ctx: Context, region: Region) -> list[GovernanceCenter]:
    return await ctx.loaders.services.region_centers.load(region.code)


async def region_stations(ctx: Context, region: Region) -> list[ServiceStation]:
    return await ctx.loaders.services.region_stations.load(region.code)


async def grid_stations(ctx: Context, grid: Grid) -> list[ServiceStation]:
    return await ctx.loaders.services.grid_stations.load(grid.code)


async def served_region(ctx: Context, place: GovernanceCenter | ServiceStation) -> Region:
    found = await ctx.loaders.places.region.load(place.region_code)
    assert found is not None, "every centre and station lies in a region"
    return found


async def station_grid(ctx: Context, station: ServiceStation) -> Grid | None:
    if station.grid_code is None:
        return None
    return await ctx.loaders.places.grid.load(station.grid_code)
