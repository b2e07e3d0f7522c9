"""A synthetic city in the import format (../shared/contract/import.md), for loads and benchmarks.

At scale 1 it is Xiangyang as DESIGN describes it (`XIANGYANG`): 12 county-level units,
114 townships and streets, 2,700 communities and villages, 5,260,951 people in
1,880,568 households, with their grids, party organisations, duties, service points
and a year of cases. A smaller scale keeps the shape and shrinks the numbers: fewer
counties, townships and places (at least one of each), each of a realistic size.

Rows are streamed to the files: the city is planned county by county and written place
by place (a community or a village), so memory holds one county's plan and one place's
residents whatever the scale. Each place draws from its own generator, seeded with the
seed and the place's code, so a (scale, seed) gives byte-identical files.

Each concern is planned in its own module: places (counties, townships, places, their
layout and services), people, party, cases and names; site.py holds the place being
written, files.py the files.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.model import GovernanceLevel, OrganisationKind, PartyOrgLevel, RegionLevel
from graph.synthetic.cases import write_cases
from graph.synthetic.figures import MAX_SCALE, MIN_SCALE, Quota, scaled
from graph.synthetic.files import Sink
from graph.synthetic.names import WORKPLACES
from graph.synthetic.party import (
    write_community_party,
    write_grid_workers,
    write_memberships,
    write_village_party,
)
from graph.synthetic.people import Identities, choose_staff, staff_ids, write_people
from graph.synthetic.places import (
    CITY_CODE,
    CITY_NAME,
    County,
    CountyShare,
    PlannedTownship,
    lay_out_compounds,
    lay_out_houseyards,
    plan_counties,
    plan_townships,
    write_places,
    write_services,
)
from graph.synthetic.projects import write_projects
from graph.synthetic.site import PlaceContext, Site
from graph.synthetic.visits import write_visits

Progress = Callable[[int, int], None]  # households written, households in all


def generate(
    scale: float, seed: int, out: Path, *, progress: Progress | None = None
) -> dict[str, int]:
    """Write the city of this scale and seed into `out` (made if missing; the format's
    files in it are replaced). Returns the rows written per file."""
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ValueError(f"the scale is from {MIN_SCALE} to {MAX_SCALE}, not {scale}")
    shares = plan_counties(scale)
    households = sum(s.urban_households + s.rural_households for s in shares)
    people = sum(s.urban_people + s.rural_people for s in shares)
    urban = sum(s.urban_households for s in shares)
    city = City(
        Sink(out),
        seed,
        compounds=Quota(scaled("compounds", scale), urban),
        dual_reporters=Quota(scaled("dual_reporters", scale), urban),
        red_stations=Quota(scaled("red_stations", scale), households),
        canteens=Quota(scaled("canteens", scale), households),
        cases=Quota(scaled("cases", scale), people),
        volunteers=Quota(scaled("volunteers", scale), households),
        social_organisations=Quota(scaled("social_organisations", scale), households),
        households_total=households,
        progress=progress or (lambda done, total: None),
    )
    try:
        city.write_city()
        for share in shares:
            city.write_county(share)
    finally:
        city.sink.close()
    return dict(city.sink.counts)


@dataclass
class City:
    """What runs across all places: the files, the quotas shared out along the way, the
    case numbers and the ID numbers of the county being written."""

    sink: Sink
    seed: int
    compounds: Quota
    dual_reporters: Quota
    red_stations: Quota
    canteens: Quota
    cases: Quota
    volunteers: Quota
    social_organisations: Quota
    households_total: int
    progress: Progress
    households_done: int = 0
    case_count: int = 0
    identities: Identities = field(init=False)  # of the county being written

    def rng(self, code: str) -> random.Random:
        return random.Random(f"{self.seed}:{code}")

    def write_city(self) -> None:
        self.sink.row("regions.csv", CITY_CODE, CITY_NAME, RegionLevel.CITY.value, None)
        self.sink.row(
            "centers.csv",
            f"C-{CITY_CODE}",
            f"{CITY_NAME}社会治理综合服务中心",
            GovernanceLevel.CITY.value,
            CITY_CODE,
        )

    def write_county(self, share: CountyShare) -> None:
        county = share.county
        rng = self.rng(county.code)
        townships = plan_townships(share, rng)
        self.identities = Identities(county.code)
        sink = self.sink
        sink.row("regions.csv", county.code, county.name, RegionLevel.COUNTY.value, CITY_CODE)
        center = f"C-{county.code}"
        sink.row(
            "centers.csv",
            center,
            f"{county.name}社会治理综合服务中心",
            GovernanceLevel.COUNTY.value,
            county.code,
        )
        kind = OrganisationKind
        organisations = (
            ("RS", f"{county.name}人力资源和社会保障局劳动保障监察大队", kind.DEPARTMENT, center),
            ("SF", f"{county.name}司法局公共法律服务中心", kind.DEPARTMENT, center),
            ("L1", f"湖北{county.name[:2]}明理律师事务所", kind.LAW_FIRM, center),
            ("L2", f"湖北汉江{county.name[:2]}律师事务所", kind.LAW_FIRM, None),
            ("SH", f"{county.name}邻里和谐促进会", kind.SOCIAL_ORG, None),
        )
        for suffix, name, organisation_kind, at in organisations:
            sink.row(
                "organisations.csv",
                f"O-{county.code}-{suffix}",
                name,
                organisation_kind.value,
                county.code,
                at,
                None,
            )
        # Dual reporters belong to the party branches of the county's workplaces.
        workplaces = 4 * share.communities
        for number in range(1, workplaces + 1):
            workplace = WORKPLACES[(number - 1) % len(WORKPLACES)]
            sink.row(
                "party_orgs.csv",
                f"PO-{county.code}-W{number:03d}",
                f"{county.name}{workplace}第{(number - 1) // len(WORKPLACES) + 1}党支部",
                PartyOrgLevel.WORKPLACE_BRANCH.value,
                county.code,
                None,
            )
        # The staff of a township or the county are residents of its first place.
        county_staff = staff_ids(townships[0].places[0].code, (4, 5, 6))
        for township in townships:
            self.write_township(county, township)
            staff = staff_ids(township.places[0].code, (1, 2, 3))
            for place in township.places:
                context = PlaceContext(county, township, place, staff, county_staff, workplaces)
                write_place(Site(self, context))
                self.households_done += place.households
                self.progress(self.households_done, self.households_total)

    def write_township(self, county: County, township: PlannedTownship) -> None:
        sink = self.sink
        name = f"{township.name}{township.level_name}"
        sink.row("regions.csv", township.code, name, RegionLevel.TOWNSHIP.value, county.code)
        center = f"C-{township.code}"
        sink.row(
            "centers.csv",
            center,
            f"{name}社会治理综合服务中心",
            GovernanceLevel.TOWNSHIP.value,
            township.code,
        )
        sink.row(
            "organisations.csv",
            f"O-{township.code}-M",
            f"{name}人民调解委员会",
            OrganisationKind.MEDIATION_COMMITTEE.value,
            township.code,
            center,
            None,
        )
        sink.row(
            "organisations.csv",
            f"O-{township.code}-J",
            f"{county.name}司法局{township.name}司法所",
            OrganisationKind.DEPARTMENT.value,
            township.code,
            center,
            None,
        )


def write_place(site: Site) -> None:
    place, sink = site.place, site.sink
    sink.row("regions.csv", place.code, place.name, place.level.value, site.context.township.code)
    sink.row(
        "centers.csv",
        f"C-{place.code}",
        f"{place.name}党群服务中心（社会治理服务站）",
        GovernanceLevel.COMMUNITY.value,
        place.code,
    )
    if site.urban:
        lay_out_compounds(site)
    else:
        lay_out_houseyards(site)
    write_places(site)
    write_people(site)
    choose_staff(site)
    if site.urban:
        write_community_party(site)
    else:
        write_village_party(site)
    write_grid_workers(site)
    write_memberships(site)
    write_services(site)
    write_cases(site)
    write_visits(site)
    write_projects(site)
    release(site)


def release(site: Site) -> None:
    """Unlink the place's records, which point at each other (a household at its
    building and back), so that they are freed now rather than whenever the cyclic
    collector runs: memory holds one place at a time."""
    for grid in site.grids:
        for building in grid.buildings:
            for stairwell in building.stairwells:
                for home in stairwell:
                    home.members.clear()
            building.stairwells.clear()
        grid.buildings.clear()
