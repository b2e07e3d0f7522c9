"""The party: organisations of each place, members and their memberships, dual reporters,
and the duties (assignments) that cover grids, buildings, house-yards and households."""

from collections.abc import Iterator
from datetime import date, timedelta

from graph.core.model import GridKind, MembershipKind, PartyOrgLevel, RegionLevel, Role
from graph.synthetic.figures import TODAY, day_between, month_start, text
from graph.synthetic.people import join_date
from graph.synthetic.places import CITY_NAME
from graph.synthetic.site import PlannedBuilding, PlannedGrid, PlannedMembership, Resident, Site

PRIMARY = MembershipKind.PRIMARY

# Coverage: what share of things nobody covers (the gaps planners should find) or whose
# holder changed (history).
BUILDING_WITHOUT_GROUP = 0.035
BUILDING_GROUP_ENDED = 0.01
STAIRWELL_WITHOUT_CENTRAL_HOUSEHOLD = 0.02
HOUSEYARD_WITHOUT_LEADER = 0.02
HOUSEYARD_LEADER_ENDED = 0.02
GRID_WITHOUT_WORKER = 0.03
HANDED_OVER = 0.06  # a duty that changed hands during 2025-2026
MOVED_BRANCH = 0.03
CHANGED_WORKPLACE = 0.04
MEMBER_SHARE = {RegionLevel.COMMUNITY: 0.03, RegionLevel.VILLAGE: 0.04}  # of other adults


def org(site: Site, id: str, name: str, *, level: PartyOrgLevel, parent: str | None) -> str:
    site.sink.row("party_orgs.csv", id, name, level.value, site.place.code, parent)
    return id


def assign(
    site: Site, role: Role, holder: str, *, target: str, since: date, until: date | None = None
) -> None:
    site.assignment_count += 1
    site.sink.row(
        "assignments.csv",
        f"A{site.place.code}{site.assignment_count:05d}",
        role.value,
        holder,
        target,
        since.isoformat(),
        text(until),
    )


def join(site: Site, resident: Resident) -> None:
    """Make the resident a member of the branch where they live, and of the party group
    of their building (in a town) or of their villager group (in a village)."""
    building = resident.home.building
    holder = building if site.urban else building.grid
    membership = PlannedMembership(building.grid.branch, holder.group, holder.group_since)
    site.members.setdefault(resident.id, membership)


def committee_name(site: Site) -> str:
    context = site.context
    township = f"{context.township.name}{context.township.level_name}"
    return f"中共{CITY_NAME}{context.county.name}{township}{site.place.name}"


def write_community_party(site: Site) -> None:
    rng, place = site.rng, site.place
    big = place.households >= 800
    committee = org(
        site,
        site.committee,
        committee_name(site) + ("委员会" if big else "总支部委员会"),
        level=PartyOrgLevel.COMMUNITY_COMMITTEE if big else PartyOrgLevel.GENERAL_BRANCH,
        parent=None,
    )
    for grid in site.grids:
        if grid.kind is GridKind.COMPOUND:
            joint = rng.random() < 0.3
            grid.branch = org(
                site,
                f"PO-{grid.code}",
                f"{grid.name}“双报到”联合党支部" if joint else f"{grid.name}党支部",
                level=PartyOrgLevel.COMPOUND_BRANCH,
                parent=committee,
            )
            assign(
                site,
                Role.GRID_BRANCH,
                grid.branch,
                target=grid.code,
                since=month_start(rng, 2019, 2023),
            )
        else:
            grid.branch = committee
        for building in grid.buildings:
            write_building_group(site, grid, building)
        for building in grid.buildings:
            write_central_households(site, grid, building)
    write_dual_reporters(site)
    add_other_members(site, MEMBER_SHARE[RegionLevel.COMMUNITY])


def write_building_group(site: Site, grid: PlannedGrid, building: PlannedBuilding) -> None:
    rng = site.rng
    chance = rng.random()
    if chance < BUILDING_WITHOUT_GROUP:
        return
    group = org(
        site,
        f"PO-{building.code}",
        f"{building.name}党小组",
        level=PartyOrgLevel.BUILDING_GROUP,
        parent=grid.branch,
    )
    since = month_start(rng, 2020, 2024)
    if chance < BUILDING_WITHOUT_GROUP + BUILDING_GROUP_ENDED:
        # The group lapsed this year: the building is a gap now, covered before.
        lapsed = day_between(rng, date(2026, 1, 1), TODAY - timedelta(days=1))
        assign(site, Role.BUILDING_GROUP, group, target=building.code, since=since, until=lapsed)
        return
    assign(site, Role.BUILDING_GROUP, group, target=building.code, since=since)
    building.group, building.group_since = group, since


def write_central_households(site: Site, grid: PlannedGrid, building: PlannedBuilding) -> None:
    """A party member's household in each stairwell links the others there. Each
    central household's own household is linked by the next stairwell's, so it is
    left out only in a building of one stairwell."""
    rng = site.rng
    holders: list[tuple[Resident, date]] = []
    for stairwell in building.stairwells:
        if rng.random() < STAIRWELL_WITHOUT_CENTRAL_HOUSEHOLD:
            continue
        holder = site.pick(stairwell, (25, 85), site.taken)
        if holder is None:
            continue
        since = month_start(rng, 2021, 2024)
        neighbours = [home.id for home in stairwell if home is not holder.home]
        if rng.random() < HANDED_OVER and (former := site.pick(stairwell, (28, 85), site.taken)):
            handover = day_between(rng, date(2025, 1, 1), date(2026, 10, 31))
            for target in neighbours:
                if target != former.home.id:
                    assign(
                        site,
                        Role.CENTRAL_HOUSEHOLD,
                        former.id,
                        target=target,
                        since=since,
                        until=handover,
                    )
            join(site, former)
            since = handover
        for target in neighbours:
            assign(site, Role.CENTRAL_HOUSEHOLD, holder.id, target=target, since=since)
        join(site, holder)
        holders.append((holder, since))
    if len(holders) > 1:
        for (holder, since), (neighbour, _) in zip(
            holders, holders[-1:] + holders[:-1], strict=True
        ):
            assign(site, Role.CENTRAL_HOUSEHOLD, holder.id, target=neighbour.home.id, since=since)
    # A building leader is another party member than its central households (in Zhakou
    # community 68 building leaders beside 58 central households).
    homes = [home for stairwell in building.stairwells for home in stairwell]
    if building.group_since and (leader := site.pick(homes, (25, 80), site.taken)):
        assign(
            site, Role.BUILDING_LEADER, leader.id, target=building.code, since=building.group_since
        )
        join(site, leader)


def write_dual_reporters(site: Site) -> None:
    """Party members whose branch is at their workplace report to the community they
    live in (双报到): PRIMARY there, DUAL_REPORT here."""
    rng = site.rng
    quota = site.city.dual_reporters.take(site.place.households)
    working = [
        m
        for home in site.homes
        for m in home.members
        if 23 <= m.age <= 60 and m.id not in site.taken
    ]
    for resident in rng.sample(working, min(quota, len(working))):
        site.taken.add(resident.id)
        joined = join_date(rng, resident)
        if rng.random() < CHANGED_WORKPLACE:
            changed = day_between(rng, max(joined, date(2020, 1, 1)), date(2026, 10, 31))
            if joined < changed:
                write_membership(
                    site, resident.id, workplace(site), kind=PRIMARY, since=joined, until=changed
                )
                joined = changed
        write_membership(site, resident.id, workplace(site), kind=PRIMARY, since=joined)
        reported = day_between(rng, date(2019, 3, 1), date(2025, 12, 31))
        write_membership(
            site, resident.id, site.committee, kind=MembershipKind.DUAL_REPORT, since=reported
        )
        branch = resident.home.building.grid.branch
        if branch != site.committee and rng.random() < 0.35:
            write_membership(
                site, resident.id, branch, kind=MembershipKind.DUAL_REPORT, since=reported
            )


def workplace(site: Site) -> str:
    number = site.rng.randint(1, site.context.workplaces)
    return f"PO-{site.context.county.code}-W{number:03d}"


def add_other_members(site: Site, share: float) -> None:
    rng = site.rng
    for home in site.homes:
        for resident in home.members:
            if resident.age >= 20 and rng.random() < share and resident.id not in site.taken:
                site.taken.add(resident.id)
                join(site, resident)


def write_village_party(site: Site) -> None:
    rng, place = site.rng, site.place
    branch = org(
        site,
        site.committee,
        committee_name(site) + "支部委员会",
        level=PartyOrgLevel.VILLAGE_BRANCH,
        parent=None,
    )
    yards = site.grids
    sizes = []
    while sum(sizes) < len(yards):
        sizes.append(rng.randint(2, 6))
    start = 0
    for number, size in enumerate(sizes, start=1):
        group = org(
            site,
            f"PO-{place.code}-Z{number:02d}",
            f"{place.name}{number}组党小组",
            level=PartyOrgLevel.VILLAGER_GROUP_GROUP,
            parent=branch,
        )
        since = month_start(rng, 2020, 2023)
        for yard in yards[start : start + size]:
            yard.branch, yard.group, yard.group_since = branch, group, since
            assign(site, Role.GRID_BRANCH, group, target=yard.code, since=since)
            # The houses of a yard that nobody leads now are left uncovered too.
            if write_houseyard_leader(site, yard):
                for house in yard.buildings:
                    assign(site, Role.BUILDING_GROUP, group, target=house.code, since=since)
        start += size
    add_other_members(site, MEMBER_SHARE[RegionLevel.VILLAGE])


def write_houseyard_leader(site: Site, yard: PlannedGrid) -> bool:
    """A party member living in the yard leads it; True when someone leads it now."""
    rng = site.rng
    chance = rng.random()
    if chance < HOUSEYARD_WITHOUT_LEADER:
        return False
    homes = list(yard.homes())
    leader = site.pick(homes, (30, 75), site.taken)
    if leader is None:
        return False
    since = month_start(rng, 2020, 2023)
    join(site, leader)
    if chance < HOUSEYARD_WITHOUT_LEADER + HOUSEYARD_LEADER_ENDED:
        ended = day_between(rng, date(2026, 1, 1), TODAY - timedelta(days=1))
        assign(site, Role.HOUSEYARD_LEADER, leader.id, target=yard.code, since=since, until=ended)
        return False
    if rng.random() < HANDED_OVER and (successor := site.pick(homes, (30, 75), site.taken)):
        handover = day_between(rng, date(2025, 1, 1), date(2026, 10, 31))
        assign(
            site, Role.HOUSEYARD_LEADER, leader.id, target=yard.code, since=since, until=handover
        )
        join(site, successor)
        leader, since = successor, handover
    assign(site, Role.HOUSEYARD_LEADER, leader.id, target=yard.code, since=since)
    return True


def write_membership(
    site: Site,
    person: str,
    org: str,
    *,
    kind: MembershipKind,
    since: date | None,
    until: date | None = None,
) -> None:
    site.sink.row("memberships.csv", person, org, kind.value, text(since), text(until))


def write_memberships(site: Site) -> None:
    """Each member's PRIMARY memberships; a few moved here from another branch."""
    rng = site.rng
    branches = sorted({grid.branch for grid in site.grids if grid.branch != site.committee})
    for resident in residents(site, site.members):
        membership = site.members[resident.id]
        joined = join_date(rng, resident)
        if rng.random() < MOVED_BRANCH and len(branches) > 1:
            earlier = rng.choice([b for b in branches if b != membership.branch])
            moved = day_between(rng, max(joined, date(2018, 1, 1)), date(2026, 10, 31))
            if joined < moved:
                write_membership(
                    site, resident.id, earlier, kind=PRIMARY, since=joined, until=moved
                )
                joined = moved
        write_membership(site, resident.id, membership.branch, kind=PRIMARY, since=joined)
        if membership.group and membership.group_since:
            since = max(joined, membership.group_since)
            write_membership(site, resident.id, membership.group, kind=PRIMARY, since=since)


def residents(site: Site, ids: dict[str, PlannedMembership]) -> Iterator[Resident]:
    """The residents with these ids, in the order they live in the place."""
    for home in site.homes:
        for resident in home.members:
            if resident.id in ids:
                yield resident


def write_grid_workers(site: Site) -> None:
    """A grid worker serves two compounds, or a few house-yards; a few grids have none
    at the moment, and some changed hands."""
    rng = site.rng
    per_worker = 2 if site.urban else rng.randint(3, 6)
    for start in range(0, len(site.grids), per_worker):
        grids = site.grids[start : start + per_worker]
        if rng.random() < GRID_WITHOUT_WORKER:
            continue
        worker = site.pick(site.homes, (22, 55), site.taken)
        if worker is None:
            continue
        since = month_start(rng, 2019, 2024)
        shifts: list[tuple[str, date, date | None]] = [(worker.id, since, None)]
        if rng.random() < HANDED_OVER and (
            successor := site.pick(site.homes, (22, 55), site.taken)
        ):
            handover = day_between(rng, date(2025, 6, 1), date(2026, 10, 31))
            shifts = [(worker.id, since, handover), (successor.id, handover, None)]
        for grid in grids:
            grid.workers = shifts
            for holder, first, last in shifts:
                assign(site, Role.GRID_WORKER, holder, target=grid.code, since=first, until=last)
