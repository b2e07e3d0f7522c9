"""Coverage answers of the API on random datasets equal a brute-force reading of DESIGN §3.

Each example is a small random city (house-yards, ended and future assignments,
people in several organisations) written as CSV files and imported for real; the
oracle below is plain Python over the same records, written without the Cypher.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.importing.online import import_dataset
from graph.kept import coverage
from graph.kept import oracle as kept_oracle
from tests.support import TEST_PII_KEYS, Api, Graph

START = date(2026, 1, 1)
DAYS = 12  # intervals and asOf dates fall in the first days of 2026, so they overlap often


@dataclass
class City:
    regions: list[dict[str, Any]] = field(default_factory=list)
    grids: list[dict[str, Any]] = field(default_factory=list)
    buildings: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    orgs: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    volunteers: list[dict[str, Any]] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        files = {
            "regions.csv": self.regions,
            "grids.csv": self.grids,
            "buildings.csv": self.buildings,
            "households.csv": self.households,
            "people.csv": self.people,
            "party_orgs.csv": self.orgs,
            "memberships.csv": self.memberships,
            "assignments.csv": self.assignments,
            "organisations.csv": self.organisations,
            "volunteers.csv": self.volunteers,
        }
        for name, rows in files.items():
            if rows:
                with (folder / name).open("w", encoding="utf-8", newline="") as out:
                    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)


def interval(draw: Callable[[Any], Any]) -> tuple[date | None, date | None]:
    since = draw(st.none() | st.integers(0, DAYS - 1))
    length = draw(st.none() | st.integers(1, DAYS))
    start = START + timedelta(days=since) if since is not None else None
    end = None
    if length is not None:
        end = (start or START) + timedelta(days=length)
    return start, end


@st.composite
def cities(draw: Callable[[Any], Any]) -> City:
    city = City()
    city.regions.append({"code": "R", "name": "市", "level": "CITY", "parent_code": ""})
    for c in range(draw(st.integers(1, 2))):
        county = f"R-{c}"
        city.regions.append(
            {"code": county, "name": f"县{c}", "level": "COUNTY", "parent_code": "R"}
        )
        town = f"{county}-T"
        city.regions.append(
            {"code": town, "name": f"镇{c}", "level": "TOWNSHIP", "parent_code": county}
        )
        for v in range(draw(st.integers(1, 3))):
            level = draw(st.sampled_from(["COMMUNITY", "VILLAGE"]))
            place = f"{town}-{v}"
            city.regions.append(
                {"code": place, "name": f"村{c}{v}", "level": level, "parent_code": town}
            )
            for g in range(draw(st.integers(0, 2))):
                grid = f"G-{c}{v}{g}"
                kind = draw(st.sampled_from(["COMPOUND", "HOUSEYARD", "BASIC"]))
                city.grids.append(
                    {"code": grid, "name": f"网格{grid}", "region_code": place, "kind": kind}
                )
                for b in range(draw(st.integers(0, 2))):
                    building = f"{grid}-B{b}"
                    city.buildings.append({"code": building, "grid_code": grid})
                    for h in range(draw(st.integers(0, 2))):
                        household = f"H-{c}{v}{g}{b}{h}"
                        city.households.append({"id": household, "building_code": building})
            for o in range(draw(st.integers(0, 2))):
                city.orgs.append(
                    {
                        "id": f"O-{c}{v}{o}",
                        "name": "支部",
                        "level": "COMPOUND_BRANCH",
                        "region_code": place,
                    }
                )
    households = [h["id"] for h in city.households]
    for p in range(draw(st.integers(1, 6))):
        home = draw(st.none() | st.sampled_from(households)) if households else None
        city.people.append({"id": f"P{p}", "name": f"居民{p}", "household_id": home or ""})
    people = [p["id"] for p in city.people]
    orgs = [o["id"] for o in city.orgs]
    for person in people:
        for org in draw(st.lists(st.sampled_from(orgs), max_size=2, unique=True)) if orgs else []:
            since, until = interval(draw)
            kind = draw(st.sampled_from(["PRIMARY", "DUAL_REPORT"]))
            city.memberships.append(
                {
                    "person_id": person,
                    "org_id": org,
                    "kind": kind,
                    "since": since or "",
                    "until": until or "",
                }
            )
    for o in range(draw(st.integers(0, 3))):
        place = draw(st.sampled_from(city.regions + city.grids))
        region = place.get("region_code", place["code"])  # a grid's region
        city.organisations.append(
            {
                "id": f"S{o}",
                "name": f"社会组织{o}",
                "kind": draw(st.sampled_from(["SOCIAL_ORG", "VOLUNTEER_TEAM", "OTHER"])),
                "region_code": region,
                "grid_code": place["code"] if "kind" in place else "",
            }
        )
    organisations = [o["id"] for o in city.organisations]
    for person in people if organisations else []:
        for org in draw(st.lists(st.sampled_from(organisations), max_size=2, unique=True)):
            since, until = interval(draw)
            city.volunteers.append(
                {"person_id": person, "org_id": org, "since": since or "", "until": until or ""}
            )
    grids = [g["code"] for g in city.grids]
    yards = [g["code"] for g in city.grids if g["kind"] == "HOUSEYARD"]
    buildings = [b["code"] for b in city.buildings]
    targets = {
        "GRID_BRANCH": (orgs, grids),
        "BUILDING_GROUP": (orgs, buildings),
        "CENTRAL_HOUSEHOLD": (people, households),
        "BUILDING_LEADER": (people, buildings),
        "GRID_WORKER": (people, grids),
        "HOUSEYARD_LEADER": (people, yards),
    }
    usable = [role for role, (holders, places) in targets.items() if holders and places]
    for n in range(draw(st.integers(0, 14)) if usable else 0):
        role = draw(st.sampled_from(usable))
        holders, places = targets[role]
        since, until = interval(draw)
        city.assignments.append(
            {
                "id": f"A{n}",
                "role": role,
                "holder": draw(st.sampled_from(holders)),
                "target": draw(st.sampled_from(places)),
                "since": since or "",
                "until": until or "",
            }
        )
    return city


class Oracle:
    """DESIGN §3, read literally, over the generated rows."""

    def __init__(self, city: City, as_of: date) -> None:
        self.city = city
        self.as_of = as_of
        self.active = [a for a in city.assignments if self._is_active(a)]
        self.grid_of_building = {b["code"]: b["grid_code"] for b in city.buildings}
        self.grid_kind = {g["code"]: g["kind"] for g in city.grids}

    def _is_active(self, fact: dict[str, Any]) -> bool:
        since, until = fact["since"] or None, fact["until"] or None
        return (since is None or since <= self.as_of) and (until is None or self.as_of < until)

    def holders(self, role: str, target: str) -> set[str]:
        return {a["holder"] for a in self.active if a["role"] == role and a["target"] == target}

    def building_covered(self, building: str) -> bool:
        return bool(self.holders("BUILDING_GROUP", building))

    def covered_by(self, household: dict[str, Any]) -> list[str]:
        found = self.holders("CENTRAL_HOUSEHOLD", household["id"])
        grid = self.grid_of_building[household["building_code"]]
        if self.grid_kind[grid] == "HOUSEYARD":
            found |= self.holders("HOUSEYARD_LEADER", grid)
        return sorted(found)

    def covered_households(self, person: str) -> list[str]:
        found = set()
        for household in self.city.households:
            if person in self.covered_by(household):
                found.add(household["id"])
        return sorted(found)

    def regions_within(self, code: str) -> set[str]:
        found = {code}
        while True:
            more = {r["code"] for r in self.city.regions if r["parent_code"] in found} - found
            if not more:
                return found
            found |= more

    def grids_within(self, code: str) -> set[str]:
        if code in self.grid_kind:
            return {code}
        regions = self.regions_within(code)
        return {g["code"] for g in self.city.grids if g["region_code"] in regions}

    def figures(self, code: str) -> dict[str, int]:
        grids = self.grids_within(code)
        buildings = [b["code"] for b in self.city.buildings if b["grid_code"] in grids]
        households = [h for h in self.city.households if h["building_code"] in buildings]
        return {
            "buildings": len(buildings),
            "coveredBuildings": sum(map(self.building_covered, buildings)),
            "households": len(households),
            "coveredHouseholds": sum(1 for h in households if self.covered_by(h)),
            "grids": len(grids),
            "gridsWithWorker": sum(1 for g in grids if self.holders("GRID_WORKER", g)),
        }

    def parts(self, code: str) -> list[str]:
        children = [r["code"] for r in self.city.regions if r["parent_code"] == code]
        children += [g["code"] for g in self.city.grids if g["region_code"] == code]
        return sorted(children)

    def uncovered_buildings(self, code: str) -> list[str]:
        grids = self.grids_within(code)
        return sorted(
            b["code"]
            for b in self.city.buildings
            if b["grid_code"] in grids and not self.building_covered(b["code"])
        )

    def uncovered_households(self, code: str) -> list[str]:
        grids = self.grids_within(code)
        return sorted(
            h["id"]
            for h in self.city.households
            if self.grid_of_building[h["building_code"]] in grids and not self.covered_by(h)
        )

    def party_members(self, code: str, kind: str | None = None) -> list[str]:
        regions = self.regions_within(code) if code not in self.grid_kind else set()
        orgs = {o["id"] for o in self.city.orgs if o["region_code"] in regions}
        return sorted(
            {
                m["person_id"]
                for m in self.city.memberships
                if m["org_id"] in orgs and self._is_active(m) and kind in (None, m["kind"])
            }
        )

    def organisations(self, code: str) -> list[dict[str, Any]]:
        """Those based in a region or grid within (one based in a grid is also based in
        its region)."""
        regions = self.regions_within(code) if code not in self.grid_kind else set()
        grids = self.grids_within(code)
        return [
            o
            for o in self.city.organisations
            if o["region_code"] in regions or o["grid_code"] in grids
        ]

    def volunteers(self, code: str) -> set[str]:
        orgs = {o["id"] for o in self.organisations(code)}
        return {
            v["person_id"]
            for v in self.city.volunteers
            if v["org_id"] in orgs and self._is_active(v)
        }

    def stats(self, code: str) -> dict[str, int]:
        """The figures of `stats` that the generated rows hold."""
        organisations = self.organisations(code)
        return {
            "partyMembers": len(self.party_members(code)),
            "dualReporters": len(self.party_members(code, "DUAL_REPORT")),
            "organisations": len(organisations),
            "socialOrganisations": sum(o["kind"] == "SOCIAL_ORG" for o in organisations),
            "volunteerTeams": sum(o["kind"] == "VOLUNTEER_TEAM" for o in organisations),
            "volunteers": len(self.volunteers(code)),
        }


STATS = """regions grids buildings households people partyOrganizations partyMembers
  centralHouseholds governanceCenters redStations canteens cases organisations
  socialOrganisations volunteerTeams volunteers dualReporters"""


def recounted_stats(graph: Graph, scope: str, as_of: date) -> dict[str, int]:
    """Every figure of `stats` as the full recount (graph.kept.oracle) counts it."""
    recount = graph.run(lambda db: kept_oracle.stats(db, [scope], as_of))
    return {
        "regions": recount.regions,
        "grids": recount.grids,
        "buildings": recount.buildings,
        "households": recount.households,
        "people": recount.people,
        "partyOrganizations": recount.party_organizations,
        "partyMembers": recount.party_members,
        "centralHouseholds": recount.central_households,
        "governanceCenters": recount.governance_centers,
        "redStations": recount.red_stations,
        "canteens": recount.canteens,
        "cases": recount.cases,
        "organisations": recount.organisations,
        "socialOrganisations": recount.social_organisations,
        "volunteerTeams": recount.volunteer_teams,
        "volunteers": recount.volunteers,
        "dualReporters": recount.dual_reporters,
    }


# Nested pages as large as a generated city gets (12 grids, 2 buildings in each, 2
# households in each, 48 in all): pages of 500 at every level would cost more than
# GOVGRAPH_MAX_COST allows.
FIGURES = "within buildings coveredBuildings households coveredHouseholds grids gridsWithWorker"
QUERY = f"""query($asOf: Date, $scope: String!) {{
  coverage(within: $scope, asOf: $asOf) {{ {FIGURES} children {{ {FIGURES} children {{ {FIGURES} }} }} }}
  uncoveredBuildings(within: $scope, asOf: $asOf, first: 500) {{ totalCount nodes {{ code }} }}
  uncoveredHouseholds(within: $scope, asOf: $asOf, first: 500) {{ totalCount nodes {{ id }} }}
  partyMembers(within: $scope, asOf: $asOf, first: 500) {{ totalCount nodes {{ id }} }}
  stats(within: $scope, asOf: $asOf) {{ {STATS} }}
  region(code: "R") {{ grids(first: 12) {{ nodes {{ code buildings(first: 2) {{ nodes {{
    code covered(asOf: $asOf) households(first: 2) {{ nodes {{
      id covered(asOf: $asOf) coveredBy(asOf: $asOf) {{ id }}
      members {{ id coveredHouseholds(asOf: $asOf, first: 48) {{ totalCount nodes {{ id }} }} }}
  }} }} }} }} }} }} }}
}}"""


def walk(api: Api, field: str, key: str, variables: dict[str, Any]) -> list[str]:
    """A scoped list, two rows a page, to the end."""
    found: list[str] = []
    after = None
    while True:
        query = f"""query($asOf: Date, $scope: String!, $after: String) {{
            page: {field}(within: $scope, asOf: $asOf, first: 2, after: $after) {{
              nodes {{ {key} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
        page = api.data(query, {**variables, "after": after})["page"]
        found += [node[key] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def check_report(report: dict[str, Any], oracle: Oracle, depth: int) -> None:
    expected = oracle.figures(report["within"])
    assert {key: report[key] for key in expected} == expected, report["within"]
    if depth:
        assert [part["within"] for part in report["children"]] == oracle.parts(report["within"])
        for part in report["children"]:
            check_report(part, oracle, depth - 1)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    city=cities(), days=st.lists(st.integers(-1, DAYS + 1), min_size=1, max_size=3), data=st.data()
)
def test_coverage_equals_the_brute_force_reading(
    graph: Graph, api: Api, city: City, days: list[int], data: st.DataObject
) -> None:
    with TemporaryDirectory() as folder:
        city.write(Path(folder))
        graph.run(lambda db: import_dataset(db, Path(folder), pii_keys=TEST_PII_KEYS, replace=True))
    scopes = ["R"] + [r["code"] for r in city.regions[1:]] + [g["code"] for g in city.grids]
    for day in days:
        as_of = START + timedelta(days=day)
        oracle = Oracle(city, as_of)
        scope = data.draw(st.sampled_from(scopes))
        variables = {"asOf": as_of.isoformat(), "scope": scope}
        answer = api.data(QUERY, variables)
        check_report(answer["coverage"], oracle, depth=2)
        assert [
            b["code"] for b in answer["uncoveredBuildings"]["nodes"]
        ] == oracle.uncovered_buildings(scope)
        assert [
            h["id"] for h in answer["uncoveredHouseholds"]["nodes"]
        ] == oracle.uncovered_households(scope)
        assert [p["id"] for p in answer["partyMembers"]["nodes"]] == oracle.party_members(scope)
        expected = oracle.stats(scope)
        assert {key: answer["stats"][key] for key in expected} == expected
        assert answer["stats"] == recounted_stats(graph, scope, as_of)
        for listed in ("uncoveredBuildings", "uncoveredHouseholds", "partyMembers"):
            assert answer[listed]["totalCount"] == len(answer[listed]["nodes"])
        households = {h["id"]: h for h in city.households}
        for grid in answer["region"]["grids"]["nodes"]:
            for building in grid["buildings"]["nodes"]:
                assert building["covered"] == oracle.building_covered(building["code"])
                for household in building["households"]["nodes"]:
                    expected = oracle.covered_by(households[household["id"]])
                    assert [p["id"] for p in household["coveredBy"]] == expected
                    assert household["covered"] == bool(expected)
                    for member in household["members"]:
                        covered = [h["id"] for h in member["coveredHouseholds"]["nodes"]]
                        assert covered == oracle.covered_households(member["id"])
                        assert member["coveredHouseholds"]["totalCount"] == len(covered)
    walked_day = {"asOf": (START + timedelta(days=days[0])).isoformat(), "scope": "R"}
    oracle = Oracle(city, START + timedelta(days=days[0]))
    assert walk(api, "uncoveredHouseholds", "id", walked_day) == oracle.uncovered_households("R")
    assert walk(api, "uncoveredBuildings", "code", walked_day) == oracle.uncovered_buildings("R")
    assert walk(api, "partyMembers", "id", walked_day) == oracle.party_members("R")


ASSIGN = """mutation($role: Role!, $holder: ID!, $target: String!, $since: Date) {
  assign(input: {role: $role, holder: $holder, target: $target, since: $since}) { id } }"""
END = """mutation($id: ID!, $until: Date) { endAssignment(id: $id, until: $until) { id } }"""
DEEP = f"""query($asOf: Date, $scope: String!) {{ coverage(within: $scope, asOf: $asOf) {{
  {FIGURES} children {{ {FIGURES} children {{ {FIGURES} children {{ {FIGURES}
  children {{ {FIGURES} }} }} }} }} }}
  uncoveredBuildings(within: $scope, asOf: $asOf, first: 500) {{ totalCount nodes {{ code }} }}
  uncoveredHouseholds(within: $scope, asOf: $asOf, first: 500) {{ totalCount nodes {{ id }} }}
  stats(within: $scope, asOf: $asOf) {{ {STATS} }} }}"""


def apply_history(api: Api, city: City, data: st.DataObject) -> None:
    """Random assignments made and ended through the API, mirrored in `city` as the
    API's answers say (a refused write changes nothing)."""
    holders = {"Person": [p["id"] for p in city.people], "Org": [o["id"] for o in city.orgs]}
    places = {
        "GRID_WORKER": [g["code"] for g in city.grids],
        "HOUSEYARD_LEADER": [g["code"] for g in city.grids if g["kind"] == "HOUSEYARD"],
        "BUILDING_GROUP": [b["code"] for b in city.buildings],
        "CENTRAL_HOUSEHOLD": [h["id"] for h in city.households],
    }
    roles = [role for role, targets in places.items() if targets]
    for _ in range(data.draw(st.integers(0, 8), label="writes")):
        day = START + timedelta(days=data.draw(st.integers(0, DAYS), label="day"))
        if city.assignments and data.draw(st.booleans(), label="end one"):
            ended = data.draw(st.sampled_from(city.assignments), label="ended")
            body = api.post(END, {"id": ended["id"], "until": day.isoformat()})
            refused = bool(ended["until"]) or (bool(ended["since"]) and day <= ended["since"])
            assert ("errors" in body) == refused, body
            if not refused:
                ended["until"] = day
            continue
        if not roles:
            continue
        role = data.draw(st.sampled_from(roles), label="role")
        kind = "Org" if role == "BUILDING_GROUP" else "Person"
        if not holders[kind]:
            continue
        holder = data.draw(st.sampled_from(holders[kind]), label="holder")
        target = data.draw(st.sampled_from(places[role]), label="target")
        variables = {"role": role, "holder": holder, "target": target, "since": day.isoformat()}
        made = api.data(ASSIGN, variables)["assign"]["id"]
        if made not in {a["id"] for a in city.assignments}:  # not one already active
            city.assignments.append(
                {"id": made, "role": role, "holder": holder, "target": target}
                | {"since": day, "until": ""}
            )


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(city=cities(), data=st.data())
def test_kept_coverage_follows_assignments_made_through_the_api(
    graph: Graph, api: Api, city: City, data: st.DataObject
) -> None:
    """The kept figures after random assignments and ends, on random days, equal the
    brute-force reading and the full recounts of graph.kept.oracle."""
    with TemporaryDirectory() as folder:
        city.write(Path(folder))
        graph.run(lambda db: import_dataset(db, Path(folder), pii_keys=TEST_PII_KEYS, replace=True))
    apply_history(api, city, data)
    scopes = ["R"] + [r["code"] for r in city.regions[1:]] + [g["code"] for g in city.grids]
    for _ in range(3):
        as_of = START + timedelta(days=data.draw(st.integers(-1, DAYS + 1), label="asOf"))
        scope = data.draw(st.sampled_from(scopes), label="scope")
        oracle = Oracle(city, as_of)
        answer = api.data(DEEP, {"asOf": as_of.isoformat(), "scope": scope})
        check_report(answer["coverage"], oracle, depth=4)
        buildings = oracle.uncovered_buildings(scope)
        households = oracle.uncovered_households(scope)
        assert [b["code"] for b in answer["uncoveredBuildings"]["nodes"]] == buildings
        assert answer["uncoveredBuildings"]["totalCount"] == len(buildings)
        assert [h["id"] for h in answer["uncoveredHouseholds"]["nodes"]] == households
        assert answer["uncoveredHouseholds"]["totalCount"] == len(households)
        assert answer["stats"] == recounted_stats(graph, scope, as_of)
        expected = oracle.stats(scope)
        assert {key: answer["stats"][key] for key in expected} == expected
        full = graph.run(lambda db, s=scope, d=as_of: kept_oracle.coverage_of(db, [s], d))[scope]
        assert answer["coverage"]["coveredHouseholds"] == full.covered_households
        assert answer["coverage"]["coveredBuildings"] == full.covered_buildings
    assert graph.run(lambda db: coverage.audit(db, None)).differences == []
