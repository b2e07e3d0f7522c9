"""One place (a community or a village) as it is planned in memory: its grids,
buildings, households and residents, and what the planning of each concern shares."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from graph.core.model import GridKind, HouseholdKind, RegionLevel
from graph.synthetic.figures import TODAY

if TYPE_CHECKING:
    from graph.synthetic.files import Sink
    from graph.synthetic.generator import City
    from graph.synthetic.places import County, PlannedPlace, PlannedTownship


@dataclass(frozen=True)
class PlaceContext:
    county: "County"
    township: "PlannedTownship"
    place: "PlannedPlace"
    township_staff: list[str]
    county_staff: list[str]
    workplaces: int  # party branches PO-<county>-W001 … of the county


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

    def __init__(
        self, number: int, id: str, building: "PlannedBuilding", *, door: str | None
    ) -> None:
        self.number = number
        self.id = id
        self.building = building
        self.door = door
        self.kind = HouseholdKind.FAMILY
        self.members: list[Resident] = []


@dataclass(eq=False)
class PlannedBuilding:
    code: str
    name: str
    address: str
    grid: "PlannedGrid"
    stairwells: list[list[Home]] = field(default_factory=list)
    group: str | None = None  # the party group that covers it now, and since when
    group_since: date | None = None


@dataclass(eq=False)
class PlannedGrid:
    code: str
    name: str
    kind: GridKind
    buildings: list[PlannedBuilding] = field(default_factory=list)
    branch: str = ""  # the party organisation members living here belong to
    group: str | None = None  # a house-yard's villager group, and since when
    group_since: date | None = None
    workers: list[tuple[str, date, date | None]] = field(default_factory=list)

    def homes(self) -> Iterator[Home]:
        for building in self.buildings:
            for stairwell in building.stairwells:
                yield from stairwell


@dataclass(frozen=True)
class PlannedMembership:
    """A member's PRIMARY memberships: a branch, and a party group from a date."""

    branch: str
    group: str | None
    group_since: date | None


class Site:
    """A community or a village being written: what its planning by concern (places,
    people, party, cases) reads and adds to."""

    def __init__(self, city: "City", context: PlaceContext) -> None:
        self.city = city
        self.sink: Sink = city.sink
        self.context = context
        self.place = context.place
        self.rng = city.rng(self.place.code)
        self.grids: list[PlannedGrid] = []
        self.homes: list[Home] = []
        self.staff: list[Resident] = []
        self.taken: set[str] = set()  # residents who hold a duty already
        self.committee = f"PO-{self.place.code}"  # the place's top party organisation
        self.members: dict[str, PlannedMembership] = {}  # by resident id
        self.assignment_count = 0
        self.urban = self.place.level is RegionLevel.COMMUNITY
        township = f"{context.township.name}{context.township.level_name}"
        self.address = f"{context.county.name}{township}{self.place.name}"

    def pick(
        self, homes: Sequence[Home], ages: tuple[int, int], taken: set[str]
    ) -> Resident | None:
        """A resident of `homes` aged within `ages` (youngest, oldest) and not in `taken`
        (who is then added), if a few tries find one."""
        youngest, oldest = ages
        for _ in range(12):
            home = self.rng.choice(homes)
            fitting = [m for m in home.members if youngest <= m.age <= oldest and m.id not in taken]
            if fitting:
                chosen = self.rng.choice(fitting)
                taken.add(chosen.id)
                return chosen
        return None
