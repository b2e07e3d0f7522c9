"""The coverage kept of a dataset (graph/kept/coverage.py), tallied from its rows while
an import converts them: the bulk import's (graph/importing/bulk_files.py), so that the
store the offline importer writes has it, and an online first import's loading
(graph/importing/online.py); after either there is nothing to rebuild.

The same figures as `coverage.rebuild` reads from the graph, by the same functions
(`union`, `count_person`, `count_thing`, `kept_properties`). The rows come in the
conversion's order: the assignments first, then the places from the top down, the
people, then what stands in places. Buildings and households take their intervals as
they pass; grids and regions are complete only at the end (`grid_and_region_properties`).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from graph.core.model import GridKind, MembershipKind, Role
from graph.kept.coverage import (
    BUILDINGS,
    CENTRAL,
    COUNTS,
    COVERED_BUILDINGS,
    COVERED_HOUSEHOLDS,
    DUAL_REPORTERS,
    FIGURES,
    GRIDS,
    HOUSEHOLDS,
    MEMBERS,
    OPEN_SINCE,
    ORGANISATION_FIGURES,
    PEOPLE,
    STATION_FIGURES,
    VOLUNTEERS,
    WITH_WORKER,
    Span,
    add_changes,
    count_person,
    count_spans,
    count_thing,
    kept_properties,
    union,
)

Fact = tuple[date | None, date | None, str]  # since, until, where it stands (a code)


class Tally:
    """What the kept coverage of a dataset is counted from, as its rows pass by."""

    def __init__(self) -> None:
        # Interval of each assignment by role and target, until its target takes them.
        self.spans: dict[str, dict[str, list[tuple[date | None, date | None]]]] = {
            role.value: defaultdict(list) for role in Role
        }
        self.parent: dict[str, str | None] = {}  # region -> the region it is PART_OF
        self.grid_region: dict[str, str | None] = {}
        self.houseyard_leaders: dict[str, list[Span]] = {}  # house-yard grid -> its intervals
        self.building_grid: dict[str, str | None] = {}
        self.household_grid: dict[str, str | None] = {}
        self.party_region: dict[str, str | None] = {}
        self.organisation_places: dict[str, list[str]] = {}
        # Each person's facts of a DISTINCT figure; CENTRAL's stand in households for now.
        self.facts: dict[int, dict[str, list[Fact]]] = {
            figure: defaultdict(list) for figure in (CENTRAL, MEMBERS, DUAL_REPORTERS, VOLUNTEERS)
        }
        self.changes: dict[str, dict[date, list[int]]] = {}  # the grids' additive figures
        self.things: list[tuple[list[str], list[str]]] = []  # (figures, places)

    def take(self, file: str, row: dict[str, Any]) -> None:
        """A converted row of `file` (not people.csv: `person`): tallied, and a building's
        or household's props given its kept intervals; null, no property, on an uncovered
        one, as a recount leaves it."""
        if tallied := TALLIED.get(file):
            tallied(self, row)
        elif covered := COVERED.get(file):
            spans = covered(self, row)
            row["props"].update(spans if spans["coveredSince"] else dict.fromkeys(spans))

    def assignment(self, row: Mapping[str, Any]) -> None:
        role, since, until = row["props"]["role"], row["props"]["since"], row["props"]["until"]
        target = row["targetGrid"] or row["targetBuilding"] or row["targetHousehold"]
        self.spans[role][target].append((since, until))
        if role == Role.CENTRAL_HOUSEHOLD.value and row["holderPerson"] is not None:
            self.facts[CENTRAL][row["holderPerson"]].append((since, until, target))

    def region(self, row: Mapping[str, Any]) -> None:
        self.parent[row["key"]] = row["parent"]

    def grid(self, row: Mapping[str, Any]) -> None:
        code = row["key"]
        self.grid_region[code] = row["region"]
        changes = self.changes[code] = {OPEN_SINCE: [0] * len(FIGURES)}
        changes[OPEN_SINCE][GRIDS] += 1
        count_spans(changes, union(self.spans[Role.GRID_WORKER.value].pop(code, [])), WITH_WORKER)
        leaders = self.spans[Role.HOUSEYARD_LEADER.value].pop(code, [])
        if row["props"]["kind"] == GridKind.HOUSEYARD.value:
            self.houseyard_leaders[code] = union(leaders)

    def building(self, row: Mapping[str, Any]) -> dict[str, list[date]]:
        """The building's kept intervals, as properties; counted in its grid."""
        grid = self.building_grid[row["key"]] = row["grid"]
        spans = union(self.spans[Role.BUILDING_GROUP.value].pop(row["key"], []))
        return self._counted(grid, spans, total=BUILDINGS, covered=COVERED_BUILDINGS)

    def household(self, row: Mapping[str, Any]) -> dict[str, list[date]]:
        grid = self.household_grid[row["key"]] = self.building_grid.get(row["building"])
        central = self.spans[Role.CENTRAL_HOUSEHOLD.value].pop(row["key"], [])
        spans = union([*central, *self.houseyard_leaders.get(grid or "", [])])
        return self._counted(grid, spans, total=HOUSEHOLDS, covered=COVERED_HOUSEHOLDS)

    def _counted(
        self, grid: str | None, spans: list[Span], *, total: int, covered: int
    ) -> dict[str, list[date]]:
        if grid in self.changes:
            self.changes[grid][OPEN_SINCE][total] += 1
            count_spans(self.changes[grid], spans, covered)
        return {"coveredSince": [s for s, _ in spans], "coveredUntil": [u for _, u in spans]}

    def person(self, household: str | None, *, count: int = 1) -> None:
        """A person (or `count`) living in `household`."""
        grid = self.household_grid.get(household or "")
        if grid in self.changes:
            self.changes[grid][OPEN_SINCE][PEOPLE] += count

    def party_organisation(self, row: Mapping[str, Any]) -> None:
        self.party_region[row["key"]] = row["region"]

    def membership(self, row: Mapping[str, Any]) -> None:
        region = self.party_region.get(row["org"])
        if region is not None:
            fact = (row["since"], row["until"], region)
            self.facts[MEMBERS][row["person"]].append(fact)
            if row["kind"] == MembershipKind.DUAL_REPORT.value:
                self.facts[DUAL_REPORTERS][row["person"]].append(fact)

    def organisation(self, row: Mapping[str, Any]) -> None:
        places = [place for place in (row["region"], row["grid"]) if place is not None]
        self.organisation_places[row["key"]] = places
        kind = row["props"]["kind"]
        extra = [ORGANISATION_FIGURES[kind]] if kind in ORGANISATION_FIGURES else []
        self.things.append((["organisations", *extra], places))

    def volunteer(self, row: Mapping[str, Any]) -> None:
        for place in self.organisation_places.get(row["org"], ()):
            self.facts[VOLUNTEERS][row["person"]].append((row["since"], row["until"], place))

    def station(self, row: Mapping[str, Any]) -> None:
        places = [place for place in (row["region"], row["grid"]) if place is not None]
        kind = row["props"]["kind"]
        self.things.append(([STATION_FIGURES[kind]] if kind in STATION_FIGURES else [], places))

    def case(self, grid: str | None) -> None:
        self.things.append((["cases"], [grid] if grid else []))

    def grid_and_region_properties(self) -> dict[str, dict[str, Any]]:
        """Every grid's and region's kept properties, by code."""
        above = self._above()
        timelines: dict[str, dict[date, list[int]]] = {code: {} for code in above}
        for grid, changes in self.changes.items():
            for node in above[grid]:
                add_changes(timelines[node], changes)
        households = self.facts.pop(CENTRAL)  # a household's grid is known by now
        for facts in households.values():
            in_grids = [
                (since, until, self.household_grid.get(h) or "") for since, until, h in facts
            ]
            count_person(timelines, CENTRAL, in_grids, nodes_of=above)
        for figure in (MEMBERS, DUAL_REPORTERS, VOLUNTEERS):
            for facts in self.facts.pop(figure).values():
                count_person(timelines, figure, facts, nodes_of=above)
        counts = {code: dict.fromkeys(COUNTS, 0) for code in above}
        for figures, places in self.things:
            count_thing(counts, figures, places, above=lambda code: above.get(code, ()))
        return {code: kept_properties(timelines[code], counts[code]) for code in above}

    def _above(self) -> dict[str, Sequence[str]]:
        """Each region and grid with the regions it counts in, itself first."""
        chains: dict[str, list[str]] = {}
        for region in self.parent:
            chain = [region]
            while (parent := self.parent.get(chain[-1])) is not None and parent not in chain:
                chain.append(parent)
            chains[region] = chain
        for grid, region in self.grid_region.items():
            chains[grid] = [grid, *chains.get(region or "", [])]
        return chains


# The rows of each file a tally takes, by file (people.csv: `Tally.person`).
TALLIED = {
    "regions.csv": Tally.region,
    "grids.csv": Tally.grid,
    "party_orgs.csv": Tally.party_organisation,
    "memberships.csv": Tally.membership,
    "assignments.csv": Tally.assignment,
    "stations.csv": Tally.station,
    "organisations.csv": Tally.organisation,
    "volunteers.csv": Tally.volunteer,
}
# Their nodes take their kept intervals as they pass (after the assignments).
COVERED = {"buildings.csv": Tally.building, "households.csv": Tally.household}
