from datetime import date

from graph.party import PartyOrganization
from graph.people import Person
from graph.places import Household, Region
from resolvers.context import Context
from resolvers.paging import Page, walk_page


async def organization(ctx: Context, id: str) -> PartyOrganization | None:
    return await ctx.loaders.party.organization.load(id)


async def organization_parent(ctx: Context, child: PartyOrganization) -> PartyOrganization | None:
    return await organization(ctx, child.parent_id) if child.parent_id else None


async def organization_children(ctx: Context, parent: PartyOrganization) -> list[PartyOrganization]:
    return await ctx.loaders.party.organization_children.load(parent.id)


async def organization_region(ctx: Context, organization: PartyOrganization) -> Region:
    found = await ctx.loaders.places.region.load(organization.region_code)
    assert found is not None, "every party organisation belongs to a region"
    return found


async def covered_households(
    ctx: Context, holder: Person, as_of: date | None, first: int | None, after: str | None
) -> Page[Household]:
    walk = ctx.loaders.party.covered_households.on(as_of or ctx.today())
    return await walk_page(walk, holder.id, first, after, lambda h: h.id)
