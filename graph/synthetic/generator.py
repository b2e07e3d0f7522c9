"""A synthetic city in the import format (contract/import.md), for loads and benchmarks.

At scale 1 it is Xiangyang as DESIGN describes it (`XIANGYANG`): 12 county-level units,
114 townships and streets, 2,700 communities and villages, 5,260,951 people in
1,880,568 households, with their grids, party organisations, duties, service points
and a year of cases. A smaller scale keeps the shape and shrinks the numbers: fewer
counties, townships and places (at least one of each), each of a realistic size.

Rows are streamed to the files: the city is planned county by county and written place
by place (a community or a village), so memory holds one county's plan and one place's
residents whatever the scale. Each place draws from its own generator, seeded with the
seed and the place's code, so a (scale, seed) gives byte-identical files.
"""

import csv
import random
from array import array
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, TextIO

from graph.case_machine import CaseChain, CaseFacts, advance, report
from graph.core.clock import CITY_ZONE
from graph.core.model import (
    CaseAction,
    CaseCategory,
    GovernanceLevel,
    GridKind,
    HouseholdKind,
    MembershipKind,
    OrganisationKind,
    PartyOrgLevel,
    RegionLevel,
    Role,
    StationKind,
)
from graph.importing.csv_files import FILES
from graph.security.personal_data import id_check_character

PRIMARY = MembershipKind.PRIMARY

Progress = Callable[[int, int], None]  # households written, households in all

# The city at scale 1: Xiangyang's figures (7th census, DESIGN). A scale gets each figure
# times the scale, exactly, but for the last ones: they come out of the habits below
# (building shapes, house-yards, who joins the party), and are what scale 1 gives.
XIANGYANG: dict[str, int] = {
    "people": 5_260_951,
    "households": 1_880_568,
    "counties": 12,
    "townships": 114,
    "communities": 650,
    "villages": 2_050,
    "compounds": 4_500,
    "dual_reporters": 100_000,
    "red_stations": 1_519,
    "canteens": 120,
    "cases": 38_000,
    "building_groups": 23_000,  # buildings that a BUILDING_GROUP party group covers now
    "central_households": 38_000,
    "grids": 46_500,  # compounds, a few BASIC grids and the villages' house-yards
    "party_members": 324_000,
}
MIN_SCALE, MAX_SCALE = 0.0001, 10.0

TODAY = date(2026, 11, 30)  # the data's today, as in the demo dataset
YEAR_START = datetime(2026, 1, 1, tzinfo=CITY_ZONE)
CUTOFF = datetime(2026, 11, 30, tzinfo=CITY_ZONE)  # no event after it: later ones are yet to come
# Events are folded here for their facts only: the files hold no seals, the import makes them.
UNKEPT_SEALS = CaseChain(b"synthetic")
REPORT_DAYS = 333  # cases are reported from 2026-01-01 to 2026-11-29
LAST_BIRTH = date(2026, 6, 30)
FIRST_BIRTH = date(1925, 1, 1)


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

# ------------------------------------------------------------------ names


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付"
    "方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Rough frequencies (per ten thousand) of the surnames above, most common first.
SURNAME_WEIGHTS = (
    (710, 700, 670, 540, 450, 310, 220, 200, 200, 190, 150, 150, 130, 130, 130, 120, 120)
    + (110, 110, 100, 100, 90, 80, 80, 80, 70, 70, 70, 70, 70, 60, 60, 60, 60, 60)
    + (50,) * 10 + (40,) * 8 + (30,) * 14 + (20,) * (len(SURNAMES) - 67)
)  # fmt: skip
SURNAME_CUMULATIVE = list(accumulate(SURNAME_WEIGHTS))
MALE_NAMES = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞斌波宇浩凯健俊帆"
    "旭宁龙林阳峰建国志文博轩睿泽晨航诚成家海东新兵亮德"
)
FEMALE_NAMES = "芳娜敏静丽艳娟霞秀玲桂英燕红梅琳雪婷慧颖倩洁欣怡萱涵雨诗梦佳琪悦思可馨月晴兰凤云瑶"
URBAN_STEMS = words(
    "凤鸣 锦绣 汉水 滨江 檀溪 春园 长虹 人民 鼓楼 中原 晨光 清河 紫薇 丽江 书香 盛世 "
    "幸福 和谐 阳光 金源 世纪 东方 御景 翰林 绿洲 香榭 江山 米公 卧龙 隆中 岘山 襄江 "
    "荆山 汉江 樊西 大庆 建设 团结 胜利 光明 友谊 前进 新华 解放 红光 朝阳 华侨 桃园 "
    "梨园 枫林 银杏 桂花 梧桐 翠湖 碧水 紫荆 玉兰 月湖 春晖 天元 永安"
)
COMPOUND_SUFFIXES = words("小区 花园 苑 家园 新村 公馆 名都 佳园 宿舍 雅居 府 城")
ROADS = words(
    "凤鸣路 檀溪路 长虹路 人民路 春园路 中原路 解放路 建设路 胜利街 前进路 汉江路 "
    "襄阳大道 卧龙大道 长征路 大庆路 丹江路 清河路 荆州街 北街 南街 环城东路 航空路 "
    "追日路 邓城大道"
)
PLACE_FIRST = "东西南北前后大小新老长高黄白青红金石马牛杨柳桃李上下中"
PLACE_SECOND = "河湖山岭坡岗湾桥园庄店集坪塘堰港冲寨洲埠铺畈沟垭台"
PLACE_NAMES = tuple(first + second for first in PLACE_FIRST for second in PLACE_SECOND)
TOWNSHIP_NAMES = URBAN_STEMS + PLACE_NAMES
WORKPLACES = words(
    "住房和城乡建设局 教育局 卫生健康局 财政局 公安分局 税务局 人民医院 中医医院 "
    "第一中学 第二中学 实验小学 交通运输局 水利局 农业农村局 自然资源和规划局 "
    "生态环境分局 民政局 人力资源和社会保障局 市场监督管理局 应急管理局 文化和旅游局 "
    "审计局 统计局 司法局 城市管理执法局 商务局 发展和改革局 经济和信息化局 供电公司 "
    "自来水公司 烟草专卖局 邮政分公司 农商银行"
)
PHONE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 177 180 181 182 183 185 186 187 188 189 198 199"
)

# Household sizes (people: share), before they are evened out to the place's total.
URBAN_SIZES = ((1, 22), (2, 30), (3, 27), (4, 12), (5, 6), (6, 3))
RURAL_SIZES = ((1, 16), (2, 27), (3, 22), (4, 17), (5, 11), (6, 5), (7, 2))
LARGEST_FAMILY = 9

# Urban buildings: stairwells (单元) side by side, two doors a floor.
STAIRWELLS = (1, 1, 1, 2, 2, 2, 3)
FLOORS = (6, 6, 7, 7, 11, 11, 18, 18, 18, 26, 26, 33)

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


# ------------------------------------------------------------------ sharing out


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights` by largest remainders, each at least
    `minimum`; the parts always add up to `total`."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"{total} cannot give {minimum} to each of {len(weights)}")
    whole = sum(weights)
    shares = [rest * weight / whole for weight in weights]
    counts = [minimum + int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Quota:
    """`total` things handed out along a stream of weights that add up to `weight_total`:
    each weight gets its share, rounded so that the running sum stays exact."""

    def __init__(self, total: int, weight_total: int) -> None:
        self.total = total
        self.weight_total = weight_total
        self.weight = 0
        self.given = 0

    def take(self, weight: int) -> int:
        self.weight += weight
        due = self.total * self.weight // self.weight_total
        share, self.given = due - self.given, due
        return share


def scaled(figure: str, scale: float) -> int:
    return max(1, int(XIANGYANG[figure] * scale + 0.5))


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
class Place:
    code: str
    name: str
    level: RegionLevel  # COMMUNITY or VILLAGE
    households: int
    people: int


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    places: list[Place]

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


def plan_townships(share: CountyShare, rng: random.Random) -> list[Township]:
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
    township_names = _names(rng, share.townships, lambda: rng.choice(TOWNSHIP_NAMES))
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
        names = iter(_names(rng, len(run), lambda: rng.choice(URBAN_STEMS)))
        numbers = {RegionLevel.COMMUNITY: 0, RegionLevel.VILLAGE: 200}
        members = []
        for level, households, people in run:
            numbers[level] += 1
            if level is RegionLevel.COMMUNITY:
                name = f"{next(names)}社区"
            else:
                name = f"{_village_name(rng)}村"
            place_code = f"{code[:9]}{numbers[level]:03d}"
            members.append(Place(place_code, name, level, households, people))
        townships.append(Township(code, township_names[index], members))
    return townships


def _names(rng: random.Random, count: int, draw: Callable[[], str]) -> list[str]:
    """`count` names from `draw`, different while the draws allow."""
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(count):
        name = draw()
        for _ in range(20):
            if name not in seen:
                break
            name = draw()
        seen.add(name)
        names.append(name)
    return names


def _village_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES[:40])}家{rng.choice(PLACE_SECOND)}"
    return rng.choice(PLACE_NAMES)


# ------------------------------------------------------------------ the files


class Sink:
    """A CSV writer per file of the format, with its header; rows come in the column order
    of graph/csv_files.py, and are counted."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.counts = {spec.name: 0 for spec in FILES}
        self._widths = {spec.name: len(spec.columns) for spec in FILES}
        self._streams: list[TextIO] = []
        self._writers: dict[str, Any] = {}
        for spec in FILES:
            stream = (out / spec.name).open("w", encoding="utf-8", newline="")
            self._streams.append(stream)
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow([column.name for column in spec.columns])
            self._writers[spec.name] = writer

    def row(self, file: str, *cells: object) -> None:
        if len(cells) != self._widths[file]:
            raise ValueError(f"{file} takes {self._widths[file]} cells, not {len(cells)}")
        self._writers[file].writerow(cells)
        self.counts[file] += 1

    def close(self) -> None:
        for stream in self._streams:
            stream.close()


# ------------------------------------------------------------------ the generator


def generate(
    scale: float, seed: int, out: Path, progress: Progress | None = None
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


def month_start(rng: random.Random, first: int, last: int) -> date:
    """The first day of a month from January of `first` to December of `last`."""
    return date(rng.randint(first, last), rng.randint(1, 12), 1)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def text(value: date | None) -> str | None:
    return value.isoformat() if value else None


class Identities:
    """Resident ID numbers of one county. Each (birth date, sex) counts its sequence
    numbers up from its own start, so no number repeats (up to 500 a day, far more than
    a county at scale 10 needs). GB 11643: odd sequence for men, even for women."""

    def __init__(self, area: str) -> None:
        self.area = area
        days = LAST_BIRTH.toordinal() - FIRST_BIRTH.toordinal() + 1
        self.issued = array("H", [0]) * (2 * days)

    def number(self, born: date, male: bool) -> str:
        day = born.toordinal() - FIRST_BIRTH.toordinal()
        slot = 2 * day + male
        issued = self.issued[slot]
        self.issued[slot] = issued + 1
        sequence = 2 * ((day * 37 + issued) % 500) + male
        first17 = f"{self.area}{born.year:04d}{born.month:02d}{born.day:02d}{sequence:03d}"
        return first17 + id_check_character(first17)


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
        county_staff = _staff(townships[0].places[0].code, (4, 5, 6))
        for township in townships:
            self.write_township(county, township)
            staff = _staff(township.places[0].code, (1, 2, 3))
            for place in township.places:
                context = Context(county, township, place, staff, county_staff, workplaces)
                PlaceWriter(self, context).write()
                self.households_done += place.households
                self.progress(self.households_done, self.households_total)

    def write_township(self, county: County, township: Township) -> None:
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
        )
        sink.row(
            "organisations.csv",
            f"O-{township.code}-J",
            f"{county.name}司法局{township.name}司法所",
            OrganisationKind.DEPARTMENT.value,
            township.code,
            center,
        )


def _staff(place: str, households: tuple[int, ...]) -> list[str]:
    return [person_id(place, household, 1) for household in households]


def household_id(place: str, number: int) -> str:
    return f"H{place}{number:05d}"


def person_id(place: str, household: int, member: int) -> str:
    return f"P{place}{household:05d}{member:02d}"


@dataclass(frozen=True)
class Context:
    county: County
    township: Township
    place: Place
    township_staff: list[str]
    county_staff: list[str]
    workplaces: int  # party branches PO-<county>-W001 … of the county


# ------------------------------------------------------------------ one place


class Resident:
    __slots__ = ("age", "born", "home", "id")

    def __init__(self, id: str, born: date, home: "Home") -> None:
        self.id = id
        self.born = born
        self.age = TODAY.year - born.year
        self.home = home


class Home:
    """A household and where it lives."""

    __slots__ = ("building", "door", "id", "kind", "members", "number")

    def __init__(self, number: int, id: str, building: "Building", door: str | None) -> None:
        self.number = number
        self.id = id
        self.building = building
        self.door = door
        self.kind = HouseholdKind.FAMILY
        self.members: list[Resident] = []


@dataclass(eq=False)
class Building:
    code: str
    name: str
    address: str
    grid: "Grid"
    stairwells: list[list[Home]] = field(default_factory=list)
    group: str | None = None  # the party group that covers it now, and since when
    group_since: date | None = None


@dataclass(eq=False)
class Grid:
    code: str
    name: str
    kind: GridKind
    buildings: list[Building] = field(default_factory=list)
    branch: str = ""  # the party organisation members living here belong to
    group: str | None = None  # a house-yard's villager group, and since when
    group_since: date | None = None
    workers: list[tuple[str, date, date | None]] = field(default_factory=list)

    def homes(self) -> Iterator[Home]:
        for building in self.buildings:
            for stairwell in building.stairwells:
                yield from stairwell


@dataclass(frozen=True)
class Membership:
    """A member's PRIMARY memberships: a branch, and a party group from a date."""

    branch: str
    group: str | None
    group_since: date | None


class PlaceWriter:
    """A community or a village: its grids, buildings, households, people, party
    organisations, duties, services and cases."""

    def __init__(self, city: City, context: Context) -> None:
        self.city = city
        self.sink = city.sink
        self.context = context
        self.place = context.place
        self.rng = city.rng(self.place.code)
        self.grids: list[Grid] = []
        self.homes: list[Home] = []
        self.staff: list[Resident] = []
        self.taken: set[str] = set()  # residents who hold a duty already
        self.committee = f"PO-{self.place.code}"  # the place's top party organisation
        self.members: dict[str, Membership] = {}  # by resident id
        self.assignment_count = 0
        self.urban = self.place.level is RegionLevel.COMMUNITY
        township = f"{context.township.name}{context.township.level_name}"
        self.address = f"{context.county.name}{township}{self.place.name}"

    def write(self) -> None:
        place, sink = self.place, self.sink
        sink.row(
            "regions.csv", place.code, place.name, place.level.value, self.context.township.code
        )
        sink.row(
            "centers.csv",
            f"C-{place.code}",
            f"{place.name}党群服务中心（社会治理服务站）",
            GovernanceLevel.COMMUNITY.value,
            place.code,
        )
        if self.urban:
            self.lay_out_compounds()
        else:
            self.lay_out_houseyards()
        self.write_places()
        self.write_people()
        self.choose_staff()
        if self.urban:
            self.write_community_party()
        else:
            self.write_village_party()
        self.write_grid_workers()
        self.write_memberships()
        self.write_services()
        self.write_cases()
        self.release()

    def release(self) -> None:
        """Unlink the place's records, which point at each other (a household at its
        building and back), so that they are freed now rather than whenever the cyclic
        collector runs: memory holds one place at a time."""
        for grid in self.grids:
            for building in grid.buildings:
                for stairwell in building.stairwells:
                    for home in stairwell:
                        home.members.clear()
                building.stairwells.clear()
            grid.buildings.clear()

    # ------------------------------------------------------------ layout

    def lay_out_compounds(self) -> None:
        rng, place = self.rng, self.place
        households = place.households
        compounds = max(1, self.city.compounds.take(households))
        parts: list[tuple[GridKind, int]] = []
        if rng.random() < 0.25:  # a street-front grid of shops with flats above
            basic = max(1, households // 30)
            parts.append((GridKind.BASIC, basic))
            households -= basic
        weights = [rng.uniform(0.4, 1.8) for _ in range(compounds)]
        parts += [(GridKind.COMPOUND, size) for size in apportion(households, weights)]
        names = iter(_names(rng, len(parts), lambda: rng.choice(URBAN_STEMS)))
        for number, (kind, size) in enumerate(parts, start=1):
            road = rng.choice(ROADS)
            if kind is GridKind.BASIC:
                name = f"{road}沿街网格"
            else:
                name = f"{next(names)}{rng.choice(COMPOUND_SUFFIXES)}"
            grid = Grid(f"{place.code}-G{number:02d}", name, kind)
            self.grids.append(grid)
            street = f"{self.context.county.name}{road}{rng.randint(1, 399)}号{name}"
            self.fill_buildings(grid, size, street, basic=kind is GridKind.BASIC)

    def fill_buildings(self, grid: Grid, households: int, street: str, basic: bool) -> None:
        """Buildings of stairwells, floors and two doors a floor until `households` live
        in the grid; the last building may stand half empty."""
        rng = self.rng
        while households > 0:
            number = len(grid.buildings) + 1
            name = f"{grid.name}{number}栋"
            building = Building(f"{grid.code}-B{number:02d}", name, f"{street}{number}栋", grid)
            grid.buildings.append(building)
            stairwells = 1 if basic else rng.choice(STAIRWELLS)
            floors = rng.randint(2, 4) if basic else rng.choice(FLOORS)
            for stairwell in range(1, stairwells + 1):
                homes: list[Home] = []
                for floor in range(1, floors + 1):
                    for door in (1, 2):
                        if households > 0:
                            homes.append(self.new_home(building, f"{stairwell}-{floor}{door:02d}"))
                            households -= 1
                if homes:
                    building.stairwells.append(homes)

    def lay_out_houseyards(self) -> None:
        """Red house-yards of 10 to 30 households, in houses of one or two households;
        a few yards make a villager group."""
        rng, place = self.rng, self.place
        sizes: list[int] = []
        households = place.households
        while households > 0:
            size = min(households, rng.randint(10, 30))
            if sizes and size < 10:
                sizes[-1] += size
            else:
                sizes.append(size)
            households -= size
        names = _names(rng, len(sizes), lambda: _village_name(rng))
        for number, (size, name) in enumerate(zip(sizes, names, strict=True), start=1):
            grid = Grid(f"{place.code}-G{number:02d}", f"{name}红色院落", GridKind.HOUSEYARD)
            self.grids.append(grid)
            while size > 0:
                house = len(grid.buildings) + 1
                building = Building(
                    f"{grid.code}-B{house:02d}",
                    f"{name}{house}号",
                    f"{self.address}{name}{house}号",
                    grid,
                )
                grid.buildings.append(building)
                homes = [self.new_home(building, None)]
                if size > 1 and rng.random() < 0.25:
                    homes.append(self.new_home(building, None))
                building.stairwells.append(homes)
                size -= len(homes)

    def new_home(self, building: Building, door: str | None) -> Home:
        number = len(self.homes) + 1
        home = Home(number, household_id(self.place.code, number), building, door)
        self.homes.append(home)
        return home

    def write_places(self) -> None:
        sink, place = self.sink, self.place
        for grid in self.grids:
            sink.row("grids.csv", grid.code, grid.name, place.code, grid.kind.value)
            for building in grid.buildings:
                sink.row("buildings.csv", building.code, grid.code, building.name, building.address)

    # ------------------------------------------------------------ people

    def write_people(self) -> None:
        rng, sink = self.rng, self.sink
        draw = rng.random  # the loop over people draws with random() alone: it is cheaper
        sizes = household_sizes(rng, len(self.homes), self.place.people, self.urban)
        identities = self.city.identities
        for home, size in zip(self.homes, sizes, strict=True):
            if size > LARGEST_FAMILY:
                home.kind = HouseholdKind.COLLECTIVE
            sink.row("households.csv", home.id, home.building.code, home.door, home.kind.value)
            members = (
                [(rng.randint(18, 60), rng.random() < 0.6, False) for _ in range(size)]
                if home.kind is HouseholdKind.COLLECTIVE
                else family(rng, size)
            )
            family_name = surname(draw)
            for number, (age, male, kin) in enumerate(members, start=1):
                born = birth_date(draw, age)
                resident = Resident(person_id(self.place.code, home.number, number), born, home)
                home.members.append(resident)
                name = (family_name if kin else surname(draw)) + given_name(draw, male)
                phone = mobile(draw) if 14 <= resident.age <= 80 and draw() < 0.93 else None
                sink.row(
                    "people.csv",
                    resident.id,
                    name,
                    home.id,
                    "M" if male else "F",
                    born.year,
                    identities.number(born, male),
                    phone,
                )

    def pick(
        self, homes: Sequence[Home], youngest: int, oldest: int, taken: set[str]
    ) -> Resident | None:
        """A resident of `homes` of that age and not in `taken` (who is then added), if a
        few tries find one."""
        for _ in range(12):
            home = self.rng.choice(homes)
            fitting = [m for m in home.members if youngest <= m.age <= oldest and m.id not in taken]
            if fitting:
                chosen = self.rng.choice(fitting)
                taken.add(chosen.id)
                return chosen
        return None

    def choose_staff(self) -> None:
        """Two residents who staff the place's centre and sit in its party committee."""
        for _ in range(2):
            if resident := self.pick(self.homes, 25, 58, self.taken):
                self.staff.append(resident)
                self.members[resident.id] = Membership(self.committee, None, None)

    # ------------------------------------------------------------ party

    def org(self, id: str, name: str, level: PartyOrgLevel, parent: str | None) -> str:
        self.sink.row("party_orgs.csv", id, name, level.value, self.place.code, parent)
        return id

    def assign(
        self, role: Role, holder: str, target: str, since: date, until: date | None = None
    ) -> None:
        self.assignment_count += 1
        self.sink.row(
            "assignments.csv",
            f"A{self.place.code}{self.assignment_count:05d}",
            role.value,
            holder,
            target,
            since.isoformat(),
            text(until),
        )

    def join(self, resident: Resident) -> None:
        """Make the resident a member of the branch where they live, and of the party group
        of their building (in a town) or of their villager group (in a village)."""
        building = resident.home.building
        holder = building if self.urban else building.grid
        membership = Membership(building.grid.branch, holder.group, holder.group_since)
        self.members.setdefault(resident.id, membership)

    def committee_name(self) -> str:
        context = self.context
        township = f"{context.township.name}{context.township.level_name}"
        return f"中共{CITY_NAME}{context.county.name}{township}{self.place.name}"

    def write_community_party(self) -> None:
        rng, place = self.rng, self.place
        big = place.households >= 800
        committee = self.org(
            self.committee,
            self.committee_name() + ("委员会" if big else "总支部委员会"),
            PartyOrgLevel.COMMUNITY_COMMITTEE if big else PartyOrgLevel.GENERAL_BRANCH,
            None,
        )
        for grid in self.grids:
            if grid.kind is GridKind.COMPOUND:
                joint = rng.random() < 0.3
                grid.branch = self.org(
                    f"PO-{grid.code}",
                    f"{grid.name}“双报到”联合党支部" if joint else f"{grid.name}党支部",
                    PartyOrgLevel.COMPOUND_BRANCH,
                    committee,
                )
                self.assign(Role.GRID_BRANCH, grid.branch, grid.code, month_start(rng, 2019, 2023))
            else:
                grid.branch = committee
            for building in grid.buildings:
                self.write_building_group(grid, building)
            for building in grid.buildings:
                self.write_central_households(grid, building)
        self.write_dual_reporters()
        self.add_other_members(MEMBER_SHARE[RegionLevel.COMMUNITY])

    def write_building_group(self, grid: Grid, building: Building) -> None:
        rng = self.rng
        chance = rng.random()
        if chance < BUILDING_WITHOUT_GROUP:
            return
        group = self.org(
            f"PO-{building.code}",
            f"{building.name}党小组",
            PartyOrgLevel.BUILDING_GROUP,
            grid.branch,
        )
        since = month_start(rng, 2020, 2024)
        if chance < BUILDING_WITHOUT_GROUP + BUILDING_GROUP_ENDED:
            # The group lapsed this year: the building is a gap now, covered before.
            lapsed = day_between(rng, date(2026, 1, 1), TODAY - timedelta(days=1))
            self.assign(Role.BUILDING_GROUP, group, building.code, since, lapsed)
            return
        self.assign(Role.BUILDING_GROUP, group, building.code, since)
        building.group, building.group_since = group, since

    def write_central_households(self, grid: Grid, building: Building) -> None:
        """A party member's household in each stairwell links the others there. Each
        central household's own household is linked by the next stairwell's, so it is
        left out only in a building of one stairwell."""
        rng = self.rng
        holders: list[tuple[Resident, date]] = []
        for stairwell in building.stairwells:
            if rng.random() < STAIRWELL_WITHOUT_CENTRAL_HOUSEHOLD:
                continue
            holder = self.pick(stairwell, 25, 85, self.taken)
            if holder is None:
                continue
            since = month_start(rng, 2021, 2024)
            neighbours = [home.id for home in stairwell if home is not holder.home]
            if rng.random() < HANDED_OVER and (former := self.pick(stairwell, 28, 85, self.taken)):
                handover = day_between(rng, date(2025, 1, 1), date(2026, 10, 31))
                for target in neighbours:
                    if target != former.home.id:
                        self.assign(Role.CENTRAL_HOUSEHOLD, former.id, target, since, handover)
                self.join(former)
                since = handover
            for target in neighbours:
                self.assign(Role.CENTRAL_HOUSEHOLD, holder.id, target, since)
            self.join(holder)
            holders.append((holder, since))
        if len(holders) > 1:
            for (holder, since), (neighbour, _) in zip(
                holders, holders[-1:] + holders[:-1], strict=True
            ):
                self.assign(Role.CENTRAL_HOUSEHOLD, holder.id, neighbour.home.id, since)
        if building.group_since and holders:
            self.assign(Role.BUILDING_LEADER, holders[0][0].id, building.code, building.group_since)

    def write_dual_reporters(self) -> None:
        """Party members whose branch is at their workplace report to the community they
        live in (双报到): PRIMARY there, DUAL_REPORT here."""
        rng = self.rng
        quota = self.city.dual_reporters.take(self.place.households)
        working = [
            m
            for home in self.homes
            for m in home.members
            if 23 <= m.age <= 60 and m.id not in self.taken
        ]
        for resident in rng.sample(working, min(quota, len(working))):
            self.taken.add(resident.id)
            joined = join_date(rng, resident)
            if rng.random() < CHANGED_WORKPLACE:
                changed = day_between(rng, max(joined, date(2020, 1, 1)), date(2026, 10, 31))
                if joined < changed:
                    self.membership(resident.id, self.workplace(), PRIMARY, joined, changed)
                    joined = changed
            self.membership(resident.id, self.workplace(), PRIMARY, joined)
            reported = day_between(rng, date(2019, 3, 1), date(2025, 12, 31))
            self.membership(resident.id, self.committee, MembershipKind.DUAL_REPORT, reported)
            branch = resident.home.building.grid.branch
            if branch != self.committee and rng.random() < 0.35:
                self.membership(resident.id, branch, MembershipKind.DUAL_REPORT, reported)

    def workplace(self) -> str:
        number = self.rng.randint(1, self.context.workplaces)
        return f"PO-{self.context.county.code}-W{number:03d}"

    def add_other_members(self, share: float) -> None:
        rng = self.rng
        for home in self.homes:
            for resident in home.members:
                if resident.age >= 20 and rng.random() < share and resident.id not in self.taken:
                    self.taken.add(resident.id)
                    self.join(resident)

    def write_village_party(self) -> None:
        rng, place = self.rng, self.place
        branch = self.org(
            self.committee, self.committee_name() + "支部委员会", PartyOrgLevel.VILLAGE_BRANCH, None
        )
        yards = self.grids
        sizes = []
        while sum(sizes) < len(yards):
            sizes.append(rng.randint(2, 6))
        start = 0
        for number, size in enumerate(sizes, start=1):
            group = self.org(
                f"PO-{place.code}-Z{number:02d}",
                f"{place.name}{number}组党小组",
                PartyOrgLevel.VILLAGER_GROUP_GROUP,
                branch,
            )
            since = month_start(rng, 2020, 2023)
            for yard in yards[start : start + size]:
                yard.branch, yard.group, yard.group_since = branch, group, since
                self.assign(Role.GRID_BRANCH, group, yard.code, since)
                # The houses of a yard that nobody leads now are left uncovered too.
                if self.write_houseyard_leader(yard):
                    for house in yard.buildings:
                        self.assign(Role.BUILDING_GROUP, group, house.code, since)
            start += size
        self.add_other_members(MEMBER_SHARE[RegionLevel.VILLAGE])

    def write_houseyard_leader(self, yard: Grid) -> bool:
        """A party member living in the yard leads it; True when someone leads it now."""
        rng = self.rng
        chance = rng.random()
        if chance < HOUSEYARD_WITHOUT_LEADER:
            return False
        homes = list(yard.homes())
        leader = self.pick(homes, 30, 75, self.taken)
        if leader is None:
            return False
        since = month_start(rng, 2020, 2023)
        self.join(leader)
        if chance < HOUSEYARD_WITHOUT_LEADER + HOUSEYARD_LEADER_ENDED:
            ended = day_between(rng, date(2026, 1, 1), TODAY - timedelta(days=1))
            self.assign(Role.HOUSEYARD_LEADER, leader.id, yard.code, since, ended)
            return False
        if rng.random() < HANDED_OVER and (successor := self.pick(homes, 30, 75, self.taken)):
            handover = day_between(rng, date(2025, 1, 1), date(2026, 10, 31))
            self.assign(Role.HOUSEYARD_LEADER, leader.id, yard.code, since, handover)
            self.join(successor)
            leader, since = successor, handover
        self.assign(Role.HOUSEYARD_LEADER, leader.id, yard.code, since)
        return True

    def membership(
        self,
        person: str,
        org: str,
        kind: MembershipKind,
        since: date | None,
        until: date | None = None,
    ) -> None:
        self.sink.row("memberships.csv", person, org, kind.value, text(since), text(until))

    def write_memberships(self) -> None:
        """Each member's PRIMARY memberships; a few moved here from another branch."""
        rng = self.rng
        branches = sorted({grid.branch for grid in self.grids if grid.branch != self.committee})
        for resident in self.residents(self.members):
            membership = self.members[resident.id]
            joined = join_date(rng, resident)
            if rng.random() < MOVED_BRANCH and len(branches) > 1:
                earlier = rng.choice([b for b in branches if b != membership.branch])
                moved = day_between(rng, max(joined, date(2018, 1, 1)), date(2026, 10, 31))
                if joined < moved:
                    self.membership(resident.id, earlier, PRIMARY, joined, moved)
                    joined = moved
            self.membership(resident.id, membership.branch, PRIMARY, joined)
            if membership.group and membership.group_since:
                since = max(joined, membership.group_since)
                self.membership(resident.id, membership.group, PRIMARY, since)

    def residents(self, ids: dict[str, Membership]) -> Iterator[Resident]:
        """The residents with these ids, in the order they live in the place."""
        for home in self.homes:
            for resident in home.members:
                if resident.id in ids:
                    yield resident

    # ------------------------------------------------------------ grid workers

    def write_grid_workers(self) -> None:
        """A grid worker serves two compounds, or a few house-yards; a few grids have none
        at the moment, and some changed hands."""
        rng = self.rng
        per_worker = 2 if self.urban else rng.randint(3, 6)
        for start in range(0, len(self.grids), per_worker):
            grids = self.grids[start : start + per_worker]
            if rng.random() < GRID_WITHOUT_WORKER:
                continue
            worker = self.pick(self.homes, 22, 55, self.taken)
            if worker is None:
                continue
            since = month_start(rng, 2019, 2024)
            shifts: list[tuple[str, date, date | None]] = [(worker.id, since, None)]
            if rng.random() < HANDED_OVER and (
                successor := self.pick(self.homes, 22, 55, self.taken)
            ):
                handover = day_between(rng, date(2025, 6, 1), date(2026, 10, 31))
                shifts = [(worker.id, since, handover), (successor.id, handover, None)]
            for grid in grids:
                grid.workers = shifts
                for holder, first, last in shifts:
                    self.assign(Role.GRID_WORKER, holder, grid.code, first, last)

    # ------------------------------------------------------------ services

    def write_services(self) -> None:
        rng, place, sink = self.rng, self.place, self.sink
        center = f"C-{place.code}"
        for number in range(1, self.city.red_stations.take(place.households) + 1):
            grid = rng.choice(self.grids)
            name = f"{grid.name}红色驿站" if self.urban else f"{place.name}红色驿站"
            sink.row(
                "stations.csv",
                f"S{place.code}-R{number}",
                name,
                StationKind.RED_STATION.value,
                place.code,
                grid.code if self.urban or rng.random() < 0.5 else None,
                f"{self.address}{grid.name}",
            )
        for number in range(1, self.city.canteens.take(place.households) + 1):
            sink.row(
                "stations.csv",
                f"S{place.code}-C{number}",
                f"{place.name}{'老年食堂' if self.urban else '幸福食堂'}",
                StationKind.CANTEEN.value,
                place.code,
                None,
                f"{self.address}党群服务中心旁",
            )
        sink.row(
            "organisations.csv",
            f"O-{place.code}-M",
            f"{place.name}人民调解委员会",
            OrganisationKind.MEDIATION_COMMITTEE.value,
            place.code,
            center,
        )
        if self.urban or rng.random() < 0.4:
            team = f"O-{place.code}-V"
            name = "“红马甲”志愿服务队" if self.urban else "乡贤志愿服务队"
            sink.row(
                "organisations.csv",
                team,
                f"{place.name}{name}",
                OrganisationKind.VOLUNTEER_TEAM.value,
                place.code,
                center if self.urban else None,
            )
            volunteers: set[str] = set()
            for _ in range(rng.randint(8, 30)):
                if volunteer := self.pick(self.homes, 18, 75, volunteers):
                    since = month_start(rng, 2018, 2025)
                    until = None
                    if rng.random() < 0.1:
                        until = day_between(rng, since + timedelta(days=30), TODAY)
                    sink.row("volunteers.csv", volunteer.id, team, since.isoformat(), text(until))

    # ------------------------------------------------------------ cases

    def write_cases(self) -> None:
        for _ in range(self.city.cases.take(self.place.people)):
            self.city.case_count += 1
            self.write_case(f"XY-2026-{self.city.case_count:06d}")

    def write_case(self, case_no: str) -> None:
        rng, sink = self.rng, self.sink
        home = rng.choice(self.homes)
        grid = home.building.grid
        adults = [m for m in home.members if m.age >= 18]
        reporter = rng.choice(adults).id if adults and rng.random() < 0.88 else None
        category = CATEGORIES[bisect(CATEGORY_CUMULATIVE, rng.randrange(CATEGORY_CUMULATIVE[-1]))]
        title, note = rng.choice((URBAN_TOPICS if self.urban else RURAL_TOPICS)[category])
        reported = YEAR_START + timedelta(
            days=rng.randrange(REPORT_DAYS),
            hours=rng.choice(REPORT_HOURS),
            minutes=rng.randrange(60),
        )
        sink.row(
            "cases.csv",
            case_no,
            title,
            category.value,
            grid.code,
            reported.isoformat(),
            reporter,
            note,
        )
        facts, _ = report(case_no, reported, reporter, note, chain=UNKEPT_SEALS)
        for action, hours in case_steps(rng):
            at = facts.last_at + timedelta(minutes=max(1, int(hours * 60)))
            if at >= CUTOFF:
                break
            facts = self.write_event(facts, action, at, grid)

    def write_event(
        self, facts: CaseFacts, action: CaseAction, at: datetime, grid: Grid
    ) -> CaseFacts:
        """The event, folded through the state machine so that the history is valid. An
        escalation is made by the level that hands the case up, at the centre that takes it."""
        level = LEVELS.index(facts.level)
        actor = self.actor(level, grid, at)
        center = self.center(level + 1 if action is CaseAction.ESCALATE else level)
        notes = EVENT_NOTES.get(action)
        note = self.rng.choice(notes) if notes and self.rng.random() < 0.7 else None
        facts, _ = advance(facts, action, at, actor, center, note, chain=UNKEPT_SEALS)
        self.sink.row(
            "case_events.csv", facts.case_no, at.isoformat(), action.value, actor, center, note
        )
        return facts

    def actor(self, level: int, grid: Grid, at: datetime) -> str | None:
        if level == 0:
            day = at.date()
            for worker, since, until in grid.workers:
                if since <= day and (until is None or day < until):
                    return worker
            level = 1  # a grid without a worker is looked after by the centre's staff
        staff = {
            1: [resident.id for resident in self.staff],
            2: self.context.township_staff,
            3: self.context.county_staff,
        }[level]
        return self.rng.choice(staff) if staff else None

    def center(self, level: int) -> str | None:
        codes = {1: self.place.code, 2: self.context.township.code, 3: self.context.county.code}
        return f"C-{codes[level]}" if level else None


LEVELS = list(GovernanceLevel)


# ------------------------------------------------------------------ households and people


def household_sizes(rng: random.Random, households: int, people: int, urban: bool) -> list[int]:
    """Sizes drawn from the census-like shares, then evened out to add up to `people`; a
    few urban households are collective (a dormitory), larger than any family."""
    table = URBAN_SIZES if urban else RURAL_SIZES
    cumulative = list(accumulate(share for _, share in table))
    sizes = [table[bisect(cumulative, rng.randrange(cumulative[-1]))][0] for _ in range(households)]
    if urban:
        for i in range(households):
            if rng.random() < 0.003:
                sizes[i] = rng.randint(LARGEST_FAMILY + 1, 16)
    difference = people - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        i = rng.randrange(households)
        if 1 <= sizes[i] + step <= LARGEST_FAMILY:
            sizes[i] += step
            difference -= step
    return sizes


def family(rng: random.Random, size: int) -> list[tuple[int, bool, bool]]:
    """(age, male, takes the family name) of each member: a head, a spouse, then children,
    or for an older head a grown child and grandchildren, sometimes a parent of the head."""
    if size == 1:
        return [(rng.randint(20, 90), rng.random() < 0.5, True)]
    head = rng.randint(24, 82)
    male = rng.random() < 0.72
    members = [
        (head, male, male),
        (min(95, max(20, head + rng.randint(-4, 3))), not male, not male),
    ]
    rest = size - 2
    if rest >= 3 and head <= 55 and rng.random() < 0.4:
        parent_male = rng.random() < 0.4
        members.append((min(95, head + rng.randint(24, 32)), parent_male, parent_male))
        rest -= 1
    if head >= 55 and rest:
        child = max(18, head - rng.randint(22, 32))
        members.append((child, rng.random() < 0.5, True))
        rest -= 1
        youngest, oldest = 0, max(0, child - 20)
    else:
        youngest, oldest = 0, max(0, min(head - 21, 30))
    members += [(rng.randint(youngest, oldest), rng.random() < 0.51, True) for _ in range(rest)]
    return members


Draw = Callable[[], float]  # a generator's random()


def one_of(draw: Draw, items: Sequence[str]) -> str:
    return items[int(draw() * len(items))]


def surname(draw: Draw) -> str:
    return SURNAMES[bisect(SURNAME_CUMULATIVE, draw() * SURNAME_CUMULATIVE[-1])]


def given_name(draw: Draw, male: bool) -> str:
    characters = MALE_NAMES if male else FEMALE_NAMES
    name = one_of(draw, characters)
    return name + one_of(draw, characters) if draw() < 0.65 else name


def mobile(draw: Draw) -> str:
    return f"{one_of(draw, PHONE_PREFIXES)}{int(draw() * 10**8):08d}"


def birth_date(draw: Draw, age: int) -> date:
    """A day of the year `age` years ago; this year's babies are born by LAST_BIRTH."""
    first = date(TODAY.year - age, 1, 1).toordinal()
    days = min(365, LAST_BIRTH.toordinal() - first + 1)
    return date.fromordinal(first + int(draw() * days))


def join_date(rng: random.Random, resident: Resident) -> date:
    """When a member joined the party: at 18 to 45, and not after 2025."""
    earliest = resident.born.year + 18
    year = min(2025, earliest + rng.randint(0, 27))
    return date(max(year, earliest), rng.randint(1, 12), 1)


# ------------------------------------------------------------------ cases

CATEGORY_SHARES = {
    CaseCategory.DISPUTE: 45,
    CaseCategory.SERVICE_REQUEST: 30,
    CaseCategory.HAZARD: 15,
    CaseCategory.PROPOSAL: 10,
}
CATEGORIES = list(CATEGORY_SHARES)
CATEGORY_CUMULATIVE = list(accumulate(CATEGORY_SHARES.values()))
REPORT_HOURS = (7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 21)
Topics = dict[CaseCategory, tuple[tuple[str, str], ...]]
URBAN_TOPICS: Topics = {
    CaseCategory.DISPUTE: (
        ("邻里噪音纠纷", "楼上住户夜间装修、跑跳，楼下老人无法休息"),
        ("楼上漏水致楼下墙面受损", "卫生间防水层老化渗水，楼下天花板发霉"),
        ("养犬扰民", "邻居家犬只夜间吠叫、未拴绳"),
        ("小区停车位纠纷", "业主与物业就地面车位收费和分配发生争执"),
        ("物业服务费争议", "物业拟上调物业费，部分业主不同意"),
        ("楼道占用纠纷", "住户在楼道堆放杂物、安装鞋柜引发邻里矛盾"),
        ("房屋租赁纠纷", "租客提前退租，房东拒绝退还押金"),
    ),
    CaseCategory.SERVICE_REQUEST: (
        ("路灯损坏夜间出行不便", "小区主干道路灯不亮"),
        ("下水道堵塞返臭", "一楼下水道返臭、污水外溢"),
        ("独居老人需上门助餐", "独居老人行动不便，希望老年食堂送餐上门"),
        ("申请办理居住证明", "外出务工需要居住证明"),
        ("咨询医保缴费", "不清楚城乡居民医保缴费方式"),
    ),
    CaseCategory.HAZARD: (
        ("楼道电动车充电隐患", "楼道飞线充电，存在火灾隐患"),
        ("高空抛物隐患", "楼下多次发现从高层抛下的杂物"),
        ("燃气管道老化隐患", "沿街餐饮店燃气软管老化"),
        ("消防通道堵塞", "私家车长期占用消防通道"),
    ),
    CaseCategory.PROPOSAL: (
        ("老旧小区加装电梯建议", "住户提议加装电梯，一楼住户担心采光和噪音"),
        ("建议增设电动车充电桩", "楼道飞线充电现象多，建议在空地增设充电棚"),
        ("建议增设健身器材", "小区老人多，希望增设健身器材"),
    ),
}
RURAL_TOPICS: Topics = {
    CaseCategory.DISPUTE: (
        ("宅基地界址纠纷", "两户翻建房屋时对院墙位置有争议"),
        ("农田灌溉用水纠纷", "上下游两户为抽水灌溉先后顺序争吵"),
        ("赡养老人纠纷", "兄弟对母亲赡养费分担有分歧"),
        ("土地承包经营权纠纷", "流转土地租金未按约支付"),
        ("务工工资拖欠", "村民在外务工，年底工资被拖欠"),
    ),
    CaseCategory.SERVICE_REQUEST: (
        ("申请临时救助", "家中老人住院，医疗费用困难"),
        ("村道路灯维修", "村道路灯损坏，夜间出行不便"),
        ("咨询养老保险", "不清楚城乡居民养老保险缴费档次"),
    ),
    CaseCategory.HAZARD: (
        ("河沟垃圾堆积", "沟渠垃圾堆积，雨季易堵塞"),
        ("村道边坡塌方隐患", "连续降雨后村道边坡出现裂缝"),
        ("危房安全隐患", "独居老人住房墙体开裂"),
    ),
    CaseCategory.PROPOSAL: (
        ("建议开设老年助餐点", "留守老人多，建议开设助餐点"),
        ("建议硬化入户道路", "雨天道路泥泞，出行不便"),
    ),
}
EVENT_NOTES: dict[CaseAction, tuple[str, ...]] = {
    CaseAction.ACCEPT: ("网格员受理", "登记受理", "院落长登记情况"),
    CaseAction.START: ("上门了解情况", "组织双方协商", "联系物业和住户", "现场查看"),
    CaseAction.ESCALATE: ("涉及人数多，上报", "双方分歧大，提请上级调解", "需相关部门协调"),
    CaseAction.NOTE: ("双报到党员参与调解", "法律顾问提供意见", "回访当事人"),
    CaseAction.RESOLVE: ("双方达成调解协议", "问题已处理", "签订人民调解协议书"),
    CaseAction.REJECT: ("回访发现问题未解决，核验不通过",),
    CaseAction.CLOSE: ("回访满意", "复核通过"),
    CaseAction.REOPEN: ("问题复发，重新处理",),
    CaseAction.REFER: ("引导当事人申请仲裁", "引导当事人诉讼", "转信访渠道"),
    CaseAction.VOID: ("重复上报", "不属于受理范围"),
}
# Where cases end (with VOID 4% before): settled at GRID, COMMUNITY, TOWNSHIP, COUNTY, or
# referred out, in percent of the cases accepted.
SETTLED_AT = (58.0, 85.0, 94.5, 96.5)
VOIDED = 0.04
# Hours a level takes to resolve a case, from and to.
RESOLVING = ((2, 96), (24, 360), (72, 720), (240, 1440))


def case_steps(rng: random.Random) -> Iterator[tuple[CaseAction, float]]:
    """A case's actions after its report, each with the hours since the previous one;
    `advance` checks them, and the caller stops at the cutoff (the case stays open)."""
    a = CaseAction
    if rng.random() < VOIDED:
        yield a.VOID, rng.uniform(1, 30)
        return
    yield a.ACCEPT, rng.uniform(0.2, 12)
    outcome = rng.uniform(0, 100)
    top = bisect(SETTLED_AT, outcome)
    referred = top == len(SETTLED_AT)
    if referred:
        top = rng.choice((1, 1, 2))
    for level in range(top):
        if rng.random() < 0.5:
            yield a.START, rng.uniform(0.5, 24)
        yield a.ESCALATE, rng.uniform(2, 24 * (level + 2))
    yield a.START, rng.uniform(0.5, 24)
    if rng.random() < 0.15:
        yield a.NOTE, rng.uniform(1, 48)
    if referred:
        yield a.REFER, rng.uniform(24, 240)
        return
    yield a.RESOLVE, rng.uniform(*RESOLVING[top])
    if rng.random() < 0.04:
        yield a.REJECT, rng.uniform(12, 72)
        yield a.RESOLVE, rng.uniform(*RESOLVING[top]) / 2
    yield a.CLOSE, rng.uniform(4, 72)
    if rng.random() < 0.015:
        yield a.REOPEN, rng.uniform(120, 720)
        yield a.RESOLVE, rng.uniform(*RESOLVING[top])
        yield a.CLOSE, rng.uniform(4, 72)
