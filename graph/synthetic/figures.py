"""The city's figures at scale 1, the data's dates, and how totals are shared out."""

import random
from collections.abc import Sequence
from datetime import date, datetime

from graph.core.clock import CITY_ZONE

# The city at scale 1: Xiangyang's figures (7th census, DESIGN). A scale gets each figure
# times the scale, exactly, but for the last ones: they come out of the habits of places.py,
# people.py and party.py (building shapes, house-yards, who joins the party), and are what
# scale 1 gives.
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
    # 38,000 disputes found and settled a year, 45% of the case mix (graph/synthetic/cases.py),
    # with service requests, hazards and proposals on top.
    "cases": 84_444,
    "volunteers": 1_000_000,  # people volunteering in a team (志愿者), about 1 million
    "social_organisations": 3_000,
    "building_groups": 23_000,  # buildings that a BUILDING_GROUP party group covers now
    "central_households": 38_000,
    "grids": 46_500,  # compounds, a few BASIC grids and the villages' house-yards
    "party_members": 324_000,
}
MIN_SCALE, MAX_SCALE = 0.0001, 10.0

TODAY = date(2026, 11, 30)  # the data's today, as in the demo dataset
YEAR_START = datetime(2026, 1, 1, tzinfo=CITY_ZONE)
CUTOFF = datetime(2026, 11, 30, tzinfo=CITY_ZONE)  # no event after it: later ones are yet to come
REPORT_DAYS = 333  # cases are reported from 2026-01-01 to 2026-11-29
LAST_BIRTH = date(2026, 6, 30)
FIRST_BIRTH = date(1925, 1, 1)


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


def month_start(rng: random.Random, first: int, last: int) -> date:
    """The first day of a month from January of `first` to December of `last`."""
    return date(rng.randint(first, last), rng.randint(1, 12), 1)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def text(value: date | None) -> str | None:
    return value.isoformat() if value else None
