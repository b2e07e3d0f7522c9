"""Party organisations, memberships, assignments and coverage, at a date (DESIGN §3)."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from graph import party
from graph.core.model import HolderKind, MembershipKind, TargetKind
from graph.party import (
    Assignment,
    Coverage,
    HomeServices,
    Membership,
    NewAssignment,
    PartyOrganization,
)
from graph.people import Person
from graph.places import Building, Grid, Household, Region
from graph.security import scope
from loaders.batching import PagedWalk, Parameterised, load_optional
from resolvers.access import seen
from resolvers.context import Context
from resolvers.paging import Page, make_page, walk_page, window
from resolvers.visits import period

T = TypeVar("T")


async def organization(ctx: Context, id: str) -> PartyOrganization | None:
    return seen(ctx, id, await ctx.loaders.party.organization.load(id))


async def region_organizations(ctx: Context, region: Region) -> list[PartyOrganization]:
    return await ctx.loaders.party.region_organizations.load(region.code)


async def organization_parent(ctx: Context, child: PartyOrganization) -> PartyOrganization | None:
    return await load_optional(ctx.loaders.party.organization, child.parent_id)


async def organization_children(ctx: Context, parent: PartyOrganization) -> list[PartyOrganization]:
    return await ctx.loaders.party.organization_children.load(parent.id)


async def organization_region(ctx: Context, organization: PartyOrganization) -> Region:
    found = await ctx.loaders.places.region.load(organization.region_code)
    assert found is not None, "every party organisation belongs to a region"
    return found


async def organization_members(
    ctx: Context,
    org: PartyOrganization,
    as_of: date | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[Person]:
    walk = ctx.loaders.party.organization_members.on(asOf=as_of or ctx.today())
    return await walk_page(walk, org.id, first, after=after, key_of=lambda p: p.id)


async def organization_assignments(
    ctx: Context, org: PartyOrganization, as_of: date | None, *, history: bool
) -> list[Assignment]:
    loader = ctx.loaders.party.organization_assignments.on(
        asOf=as_of or ctx.today(), history=history
    )
    return await loader.load(org.id)


async def person_memberships(
    ctx: Context, member: Person, as_of: date | None, *, history: bool
) -> list[Membership]:
    loader = ctx.loaders.party.person_memberships.on(asOf=as_of or ctx.today(), history=history)
    return await loader.load(member.id)


async def person_assignments(
    ctx: Context, holder: Person, as_of: date | None, *, history: bool
) -> list[Assignment]:
    loader = ctx.loaders.party.person_assignments.on(asOf=as_of or ctx.today(), history=history)
    return await loader.load(holder.id)


async def covered_households(
    ctx: Context, holder: Person, as_of: date | None, *, first: int | None, after: str | None
) -> Page[Household]:
    walk = ctx.loaders.party.covered_households.on(asOf=as_of or ctx.today())
    return await walk_page(walk, holder.id, first, after=after, key_of=lambda h: h.id)


async def grid_workers(ctx: Context, grid: Grid, as_of: date | None) -> list[Person]:
    return await ctx.loaders.party.grid_workers.on(asOf=as_of or ctx.today()).load(grid.code)


async def grid_branches(ctx: Context, grid: Grid, as_of: date | None) -> list[PartyOrganization]:
    return await ctx.loaders.party.grid_branches.on(asOf=as_of or ctx.today()).load(grid.code)


async def building_leaders(ctx: Context, building: Building, as_of: date | None) -> list[Person]:
    loader = ctx.loaders.party.building_leaders.on(asOf=as_of or ctx.today())
    return await loader.load(building.code)


async def building_groups(
    ctx: Context, building: Building, as_of: date | None
) -> list[PartyOrganization]:
    loader = ctx.loaders.party.building_groups.on(asOf=as_of or ctx.today())
    return await loader.load(building.code)


async def building_covered(ctx: Context, building: Building, as_of: date | None) -> bool:
    loader = ctx.loaders.party.building_group_counts.on(asOf=as_of or ctx.today())
    return await loader.load(building.code) > 0


async def household_covered_by(
    ctx: Context, household: Household, as_of: date | None
) -> list[Person]:
    loader = ctx.loaders.party.household_covered_by.on(asOf=as_of or ctx.today())
    return await loader.load(household.id)


async def household_covered(ctx: Context, household: Household, as_of: date | None) -> bool:
    loader = ctx.loaders.party.household_covered_by_counts.on(asOf=as_of or ctx.today())
    return await loader.load(household.id) > 0


async def membership_person(ctx: Context, membership: Membership) -> Person:
    found = await ctx.loaders.people.person.load(membership.person_id)
    assert found is not None, "a membership has a member"
    return found


async def membership_organization(ctx: Context, membership: Membership) -> PartyOrganization:
    found = await ctx.loaders.party.organization.load(membership.organization_id)
    assert found is not None, "a membership has an organisation"
    return found


async def holder_person(ctx: Context, assignment: Assignment) -> Person | None:
    if assignment.holder_kind is not HolderKind.PERSON:
        return None
    return await ctx.loaders.people.person.load(assignment.holder_id)


async def holder_organization(ctx: Context, assignment: Assignment) -> PartyOrganization | None:
    if assignment.holder_kind is not HolderKind.ORGANIZATION:
        return None
    return await ctx.loaders.party.organization.load(assignment.holder_id)


async def target_grid(ctx: Context, assignment: Assignment) -> Grid | None:
    if assignment.target_kind is not TargetKind.GRID:
        return None
    return await ctx.loaders.places.grid.load(assignment.target_id)


async def target_building(ctx: Context, assignment: Assignment) -> Building | None:
    if assignment.target_kind is not TargetKind.BUILDING:
        return None
    return await ctx.loaders.places.building.load(assignment.target_id)


async def target_household(ctx: Context, assignment: Assignment) -> Household | None:
    if assignment.target_kind is not TargetKind.HOUSEHOLD:
        return None
    return await ctx.loaders.places.household.load(assignment.target_id)


async def party_members(
    ctx: Context,
    within: str,
    as_of: date | None,
    *,
    first: int | None,
    after: str | None,
    kind: MembershipKind | None = None,
) -> Page[Person]:
    if kind is None:
        lists = ctx.loaders.party.party_members_within
        return await _within(
            ctx, lists, within, as_of=as_of, first=first, after=after, key_of=lambda p: p.id
        )
    await scope.require(ctx.db, within)
    walk = ctx.loaders.party.party_members_of_kind.on(asOf=as_of or ctx.today(), kind=kind.value)
    return await walk_page(walk, within, first, after=after, key_of=lambda p: p.id)


async def grid_dual_report_units(
    ctx: Context, grid: Grid, as_of: date | None, *, history: bool
) -> list[Assignment]:
    loader = ctx.loaders.party.grid_dual_report_units.on(asOf=as_of or ctx.today(), history=history)
    return await loader.load(grid.code)


async def uncovered_buildings(
    ctx: Context, within: str, as_of: date | None, *, first: int | None, after: str | None
) -> Page[Building]:
    read = party.uncovered_buildings
    return await _uncovered(
        ctx, read, within, as_of=as_of, first=first, after=after, key_of=lambda b: b.code
    )


async def uncovered_households(
    ctx: Context, within: str, as_of: date | None, *, first: int | None, after: str | None
) -> Page[Household]:
    read = party.uncovered_households
    return await _uncovered(
        ctx, read, within, as_of=as_of, first=first, after=after, key_of=lambda h: h.id
    )


async def _uncovered(
    ctx: Context,
    read: Callable[..., Awaitable[tuple[list[T], int]]],
    within: str,
    *,
    as_of: date | None,
    first: int | None,
    after: str | None,
    key_of: Callable[[T], Any],
) -> Page[T]:
    """A page of what is uncovered and the total, both from the page's one statement."""
    after_key, size = window(first, after)
    day = as_of or ctx.today()
    rows, total = await read(ctx.db, within, day, after=after_key, limit=size + 1)
    return make_page(rows, size, key_of, count=_known(total))


def _known(total: int) -> Callable[[], Awaitable[int]]:
    """A page's `totalCount` that the page's own statement already counted."""

    async def count() -> int:
        return total

    return count


async def _within(
    ctx: Context,
    lists: Parameterised[PagedWalk[T]],
    within: str,
    *,
    as_of: date | None,
    first: int | None,
    after: str | None,
    key_of: Callable[[T], Any],
) -> Page[T]:
    """A page of a list over a scope that must exist (DESIGN §5)."""
    await scope.require(ctx.db, within)
    walk = lists.on(asOf=as_of or ctx.today())
    return await walk_page(walk, within, first, after=after, key_of=key_of)


async def coverage(ctx: Context, within: str, as_of: date | None, *, depth: int) -> Coverage:
    """The report and its parts `depth` levels down (as many as the selection nests
    `children`): one statement."""
    return await party.coverage_tree(ctx.db, within, as_of or ctx.today(), depth=depth)


async def coverage_children(ctx: Context, report: Coverage) -> list[Coverage]:
    if report.children is None:  # only below the depth the root field was asked for
        report = await party.coverage_tree(ctx.db, report.within, report.as_of, depth=1)
    return list(report.children or ())


async def assign(ctx: Context, given: NewAssignment) -> Assignment:
    since = given.since or ctx.today()
    return await party.assign(
        ctx.db, given.role, holder=given.holder, target=given.target, since=since
    )


async def end_assignment(ctx: Context, id: str, until: date | None) -> Assignment:
    return await party.end_assignment(ctx.db, id, until or ctx.today())


async def home_services(
    ctx: Context, person: Person, first_day: date | None, *, last_day: date | None
) -> HomeServices:
    loader = ctx.loaders.party.home_services.on(**period(first_day, last_day))
    (found,) = await loader.load(person.id)  # the person was seen: her row is there
    return found


async def home_community(ctx: Context, services: HomeServices) -> Region | None:
    return await load_optional(ctx.loaders.places.region, services.community_code)
