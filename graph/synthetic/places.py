"""Places: the counties a scale takes, their townships, communities and villages, and in
each place its grids, buildings and service points."""

import random
from dataclasses import dataclass
from datetime import timedelta

from graph.core.model import GridKind, OrganisationKind, RegionLevel, StationKind
from graph.synthetic.figures import TODAY, apportion, day_between, month_start, scaled, text
from graph.synthetic.names import (
    COMPOUND_SUFFIXES,
    ROADS,
    TOWNSHIP_NAMES,
    URBAN_STEMS,
    distinct_names,
    village_name,
)
from graph.synthetic.people import household_id
from graph.synthetic.site import Home, PlannedBuilding, PlannedGrid, Site

# ------------------------------------------------------------------ the counties


@dataclass(frozen=True)
class County:
    code: str
    name: str
    population: int  # thousands; weighs the county's share
    urban: float  # share of its households that live in communities
    townships: int


# In the order that small scales take them: urban and rural alternate.
COUNTIES = (
    County("420602", "襄城区", 430, 0.80, 7),
    County("420624", "南漳县", 440, 0.40, 10),
    County("420606", "樊城区", 800, 0.92, 11),
    County("420683", "枣阳市", 850, 0.45, 18),
    County("420607", "襄州区", 820, 0.45, 16),
    County("420625", "谷城县", 490, 0.42, 10),
    County("420682", "老河口市", 410, 0.50, 10),
    County("420684", "宜城市", 450, 0.45, 10),
    County("420626", "保康县", 220, 0.35, 11),
    County("420671", "襄阳高新区", 250, 0.75, 6),
    County("420672", "东津新区", 80, 0.40, 3),
    County("420673", "鱼梁洲", 20, 0.50, 2),
)
CITY_CODE, CITY_NAME = "420600", "襄阳市"
# City-wide, so that a small scale keeps the city's mix whichever counties it takes.
URBAN_SHARE = sum(c.population * c.urban for c in COUNTIES) / sum(c.population for c in COUNTIES)
URBAN_HOUSEHOLD_SIZE = 2.65  # rural households are larger: they take the other people


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class CountyShare:
    county: County
    townships: int
    communities: int
    villages: int
    urban_households: int
    rural_households: int
    urban_people: int
    rural_people: int


@dataclass(frozen=True)
class PlannedPlace:
    code: str
    name: str
    level: RegionLevel  # COMMUNITY or VILLAGE
    households: int
    people: int


@dataclass(frozen=True)
class PlannedTownship:
    code: str
    name: str
    places: list[PlannedPlace]

    @property
    def level_name(self) -> str:
        return "街道" if all(p.level is RegionLevel.COMMUNITY for p in self.places) else "镇"


def plan_counties(scale: float) -> list[CountyShare]:
    """The counties a scale takes and what each holds; every total is the city's figure
    times the scale."""
    counties = COUNTIES[: scaled("counties", scale)]
    households, people = scaled("households", scale), scaled("people", scale)
    urban_households = int(households * URBAN_SHARE + 0.5)
    urban_people = int(urban_households * URBAN_HOUSEHOLD_SIZE + 0.5)
    communities = apportion(
        scaled("communities", scale), [c.population * c.urban for c in counties]
    )
    villages = apportion(
        scaled("villages", scale), [c.population * (1 - c.urban) for c in counties]
    )
    townships = apportion(
        max(len(counties), scaled("townships", scale)), [c.townships for c in counties], 1
    )
    urban = apportion(urban_households, communities)
    rural = apportion(households - urban_households, villages)
    shares = [
        CountyShare(county, min(t, c + v), c, v, uh, rh, up, rp)
        for county, t, c, v, uh, rh, up, rp in zip(
            counties,
            townships,
            communities,
            villages,
            urban,
            rural,
            apportion(urban_people, urban),
            apportion(people - urban_people, rural),
            strict=True,
        )
    ]
    if any(share.townships == 0 for share in shares):
        raise ValueError(f"scale {scale} leaves a county without a place; take a larger scale")
    return shares


def plan_townships(share: CountyShare, rng: random.Random) -> list[PlannedTownship]:
    """The county's places, communities first, in runs of about equal length per
    township; a township of communities only is a street (街道), the others towns (镇)."""
    places: list[tuple[RegionLevel, int, int]] = []
    for level, count, households, people in (
        (RegionLevel.COMMUNITY, share.communities, share.urban_households, share.urban_people),
        (RegionLevel.VILLAGE, share.villages, share.rural_households, share.rural_people),
    ):
        sizes = apportion(households, [rng.uniform(0.5, 1.5) for _ in range(count)], 20)
        places += zip([level] * count, sizes, apportion(people, sizes), strict=True)
    county = share.county.code
    township_names = distinct_names(rng, share.townships, lambda: rng.choice(TOWNSHIP_NAMES))
    townships = []
    streets = towns = start = 0
    for index, length in enumerate(apportion(len(places), [1] * share.townships)):
        run = places[start : start + length]
        start += length
        if all(level is RegionLevel.COMMUNITY for level, _, _ in run):
            streets += 1
            code = f"{county}{streets:03d}000"
        else:
            towns += 1
            code = f"{county}{100 + towns:03d}000"
        names = iter(distinct_names(rng, len(run), lambda: rng.choice(URBAN_STEMS)))
        numbers = {RegionLevel.COMMUNITY: 0, RegionLevel.VILLAGE: 200}
        members = []
        for level, households, people in run:
            numbers[level] += 1
            if level is RegionLevel.COMMUNITY:
                name = f"{next(names)}社区"
            else:
                name = f"{village_name(rng)}村"
            place_code = f"{code[:9]}{numbers[level]:03d}"
            members.append(PlannedPlace(place_code, name, level, households, people))
        townships.append(PlannedTownship(code, township_names[index], members))
    return townships


# ------------------------------------------------------------------ one place's layout

# Urban buildings: stairwells (单元) side by side, two doors a floor.
STAIRWELLS = (1, 1, 1, 2, 2, 2, 3)
FLOORS = (6, 6, 7, 7, 11, 11, 18, 18, 18, 26, 26, 33)


def lay_out_compounds(site: Site) -> None:
    rng, place = site.rng, site.place
    households = place.households
    compounds = max(1, site.city.compounds.take(households))
    parts: list[tuple[GridKind, int]] = []
    if rng.random() < 0.25:  # a street-front grid of shops with flats above
        basic = max(1, households // 30)
        parts.append((GridKind.BASIC, basic))
        households -= basic
    weights = [rng.uniform(0.4, 1.8) for _ in range(compounds)]
    parts += [(GridKind.COMPOUND, size) for size in apportion(households, weights)]
    names = iter(distinct_names(rng, len(parts), lambda: rng.choice(URBAN_STEMS)))
    for number, (kind, size) in enumerate(parts, start=1):
        road = rng.choice(ROADS)
        if kind is GridKind.BASIC:
            name = f"{road}沿街网格"
        else:
            name = f"{next(names)}{rng.choice(COMPOUND_SUFFIXES)}"
        grid = PlannedGrid(f"{place.code}-G{number:02d}", name, kind)
        site.grids.append(grid)
        street = f"{site.context.county.name}{road}{rng.randint(1, 399)}号{name}"
        fill_buildings(site, grid, size, street=street, basic=kind is GridKind.BASIC)


def fill_buildings(
    site: Site, grid: PlannedGrid, households: int, *, street: str, basic: bool
) -> None:
    """Buildings of stairwells, floors and two doors a floor until `households` live
    in the grid; the last building may stand half empty."""
    rng = site.rng
    while households > 0:
        number = len(grid.buildings) + 1
        name = f"{grid.name}{number}栋"
        building = PlannedBuilding(f"{grid.code}-B{number:02d}", name, f"{street}{number}栋", grid)
        grid.buildings.append(building)
        stairwells = 1 if basic else rng.choice(STAIRWELLS)
        floors = rng.randint(2, 4) if basic else rng.choice(FLOORS)
        for stairwell in range(1, stairwells + 1):
            homes: list[Home] = []
            for floor in range(1, floors + 1):
                for door in (1, 2):
                    if households > 0:
                        homes.append(new_home(site, building, f"{stairwell}-{floor}{door:02d}"))
                        households -= 1
            if homes:
                building.stairwells.append(homes)


def lay_out_houseyards(site: Site) -> None:
    """Red house-yards of 10 to 30 households, in houses of one or two households;
    a few yards make a villager group."""
    rng, place = site.rng, site.place
    sizes: list[int] = []
    households = place.households
    while households > 0:
        size = min(households, rng.randint(10, 30))
        if sizes and size < 10:
            # The rest joins the last yard; past 30, the two share it out (15 to 20 each).
            together = sizes.pop() + size
            sizes += [together] if together <= 30 else [together // 2, together - together // 2]
        else:
            sizes.append(size)
        households -= size
    names = distinct_names(rng, len(sizes), lambda: village_name(rng))
    for number, (size, name) in enumerate(zip(sizes, names, strict=True), start=1):
        grid = PlannedGrid(f"{place.code}-G{number:02d}", f"{name}红色屋场", GridKind.HOUSEYARD)
        site.grids.append(grid)
        while size > 0:
            house = len(grid.buildings) + 1
            building = PlannedBuilding(
                f"{grid.code}-B{house:02d}",
                f"{name}{house}号",
                f"{site.address}{name}{house}号",
                grid,
            )
            grid.buildings.append(building)
            homes = [new_home(site, building, None)]
            if size > 1 and rng.random() < 0.25:
                homes.append(new_home(site, building, None))
            building.stairwells.append(homes)
            size -= len(homes)


def new_home(site: Site, building: PlannedBuilding, door: str | None) -> Home:
    number = len(site.homes) + 1
    home = Home(number, household_id(site.place.code, number), building, door=door)
    site.homes.append(home)
    return home


def write_places(site: Site) -> None:
    sink, place = site.sink, site.place
    for grid in site.grids:
        sink.row("grids.csv", grid.code, grid.name, place.code, grid.kind.value)
        for building in grid.buildings:
            sink.row("buildings.csv", building.code, grid.code, building.name, building.address)


# ------------------------------------------------------------------ services


# What red stations and canteens offer, and to whom first (stations.csv's own columns).
STATION_SERVICES = "休息;饮水;充电;热饭;应急药箱"
STATION_GROUPS = "快递员;外卖骑手;环卫工人"
CANTEEN_SERVICES = "助餐;送餐上门"
CANTEEN_GROUPS = "独居老人;高龄老人"
SOCIAL_ORGANISATIONS = ("邻里互助会", "老年协会", "文体队", "心理咨询服务社", "乡贤理事会")


def write_services(site: Site) -> None:
    rng, place, sink = site.rng, site.place, site.sink
    center = f"C-{place.code}"
    for number in range(1, site.city.red_stations.take(place.households) + 1):
        grid = rng.choice(site.grids)
        name = f"{grid.name}红色驿站" if site.urban else f"{place.name}红色驿站"
        sink.row(
            "stations.csv",
            f"S{place.code}-R{number}",
            name,
            StationKind.RED_STATION.value,
            place.code,
            grid.code if site.urban or rng.random() < 0.5 else None,
            f"{site.address}{grid.name}",
            STATION_SERVICES,
            STATION_GROUPS,
        )
    for number in range(1, site.city.canteens.take(place.households) + 1):
        sink.row(
            "stations.csv",
            f"S{place.code}-C{number}",
            f"{place.name}{'老年食堂' if site.urban else '幸福食堂'}",
            StationKind.CANTEEN.value,
            place.code,
            None,
            f"{site.address}党群服务中心旁",
            CANTEEN_SERVICES,
            CANTEEN_GROUPS,
        )
    sink.row(
        "organisations.csv",
        f"O-{place.code}-M",
        f"{place.name}人民调解委员会",
        OrganisationKind.MEDIATION_COMMITTEE.value,
        place.code,
        center,
        None,
    )
    # Volunteers in a team of every place its share of the city's reaches (about a
    # million at scale 1), and the place's social organisations (about 3,000).
    if wanted := site.city.volunteers.take(place.households):
        team = f"O-{place.code}-V"
        name = "“红马甲”志愿服务队" if site.urban else "乡贤志愿服务队"
        sink.row(
            "organisations.csv",
            team,
            f"{place.name}{name}",
            OrganisationKind.VOLUNTEER_TEAM.value,
            place.code,
            center if site.urban else None,
            None,
        )
        volunteers: set[str] = set()
        for _ in range(wanted):
            if volunteer := site.pick(site.homes, (18, 75), volunteers):
                since = month_start(rng, 2018, 2025)
                until = None
                if rng.random() < 0.1:
                    until = day_between(rng, since + timedelta(days=30), TODAY)
                sink.row("volunteers.csv", volunteer.id, team, since.isoformat(), text(until))
    for number in range(1, site.city.social_organisations.take(place.households) + 1):
        kind = SOCIAL_ORGANISATIONS[(number - 1) % len(SOCIAL_ORGANISATIONS)]
        sink.row(
            "organisations.csv",
            f"O-{place.code}-S{number}",
            f"{place.name}{kind}",
            OrganisationKind.SOCIAL_ORG.value,
            place.code,
            None,
            None,
        )
