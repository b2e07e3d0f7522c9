"""People: household sizes, families, names, birth dates and ID numbers of the residents,
and the residents who staff a place's centre."""

import random
from array import array
from bisect import bisect
from datetime import date
from itertools import accumulate

from graph.core.model import HouseholdKind
from graph.security.personal_data import id_check_character
from graph.synthetic.figures import FIRST_BIRTH, LAST_BIRTH, TODAY
from graph.synthetic.names import Draw, given_name, mobile, surname
from graph.synthetic.site import PlannedMembership, Resident, Site

# Household sizes (people: share), before they are evened out to the place's total.
URBAN_SIZES = ((1, 22), (2, 30), (3, 27), (4, 12), (5, 6), (6, 3))
RURAL_SIZES = ((1, 16), (2, 27), (3, 22), (4, 17), (5, 11), (6, 5), (7, 2))
LARGEST_FAMILY = 9


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


def staff_ids(place: str, households: tuple[int, ...]) -> list[str]:
    return [person_id(place, household, 1) for household in households]


def household_id(place: str, number: int) -> str:
    return f"H{place}{number:05d}"


def person_id(place: str, household: int, member: int) -> str:
    return f"P{place}{household:05d}{member:02d}"


def household_sizes(rng: random.Random, households: int, *, people: int, urban: bool) -> list[int]:
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


def write_people(site: Site) -> None:
    rng, sink = site.rng, site.sink
    draw = rng.random  # the loop over people draws with random() alone: it is cheaper
    sizes = household_sizes(rng, len(site.homes), people=site.place.people, urban=site.urban)
    identities = site.city.identities
    for home, size in zip(site.homes, sizes, strict=True):
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
            resident = Resident(person_id(site.place.code, home.number, number), born, home)
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


def choose_staff(site: Site) -> None:
    """Two residents who staff the place's centre and sit in its party committee."""
    for _ in range(2):
        if resident := site.pick(site.homes, (25, 58), site.taken):
            site.staff.append(resident)
            site.members[resident.id] = PlannedMembership(site.committee, None, None)
