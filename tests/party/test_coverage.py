"""Coverage on the demo data (its README names the gaps): who covers what, on which day."""

import pytest

from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

TODAY = "2026-11-30"
UNCOVERED_BUILDINGS = [
    "420602001001-G03-B02",
    "420602001001-G04-B02",
    "420602001002-G02-B01",
    "420624100201-G03-B01",
    "420624100201-G03-B02",
]
UNCOVERED_HOUSEHOLDS = ["H0017", "H0030", "H0033", "H0034", "H0035", "H0036", "H0040"]
UNCOVERED_HOUSEHOLDS += ["H0041", "H0042", "H0053", "H0054", "H0055", "H0056"]
LEADERLESS_YARD = ["H0080", "H0081", "H0082", "H0083"]


def test_a_building_is_covered_while_its_party_group_is_active(api: Api) -> None:
    query = """query($asOf: Date) { building(code: "420602001001-G03-B02") {
        covered(asOf: $asOf) partyGroups(asOf: $asOf) { id } leaders(asOf: $asOf) { id } } }"""
    before = api.data(query, {"asOf": "2026-06-30"})["building"]
    on_the_day = api.data(query, {"asOf": "2026-07-01"})["building"]
    assert before == {
        "covered": True,
        "partyGroups": [{"id": "PO-420602001001-G03-B01"}],
        "leaders": [{"id": "P0148"}],
    }
    assert on_the_day == {"covered": False, "partyGroups": [], "leaders": []}


def test_a_house_yard_covers_its_households_only_while_it_has_a_leader(api: Api) -> None:
    query = """query($asOf: Date) { household(id: "H0080") {
        covered(asOf: $asOf) coveredBy(asOf: $asOf) { id } } }"""
    answers = {
        day: api.data(query, {"asOf": day})["household"]
        for day in ("2026-06-15", TODAY, "2026-12-10")
    }
    assert answers["2026-06-15"] == {"covered": True, "coveredBy": [{"id": "P0226"}]}
    assert answers[TODAY] == {"covered": False, "coveredBy": []}
    assert answers["2026-12-10"] == {"covered": True, "coveredBy": [{"id": "P0233"}]}


def test_a_central_household_covers_its_neighbours_and_the_handover_is_dated(api: Api) -> None:
    query = """query($asOf: Date) { household(id: "H0043") { coveredBy(asOf: $asOf) { id } } }"""
    before = api.data(query, {"asOf": "2025-09-30"})["household"]["coveredBy"]
    after = api.data(query, {"asOf": "2025-10-01"})["household"]["coveredBy"]
    assert before == [{"id": "P0072"}]
    assert after == [{"id": "P0138"}]


def test_grid_workers_and_branches_follow_the_date(api: Api) -> None:
    query = """query($asOf: Date) {
      g01: grid(code: "420602001001-G01") { workers(asOf: $asOf) { id } }
      g22: grid(code: "420602002001-G02") { branches(asOf: $asOf) { id } } }"""
    before = api.data(query, {"asOf": "2026-03-31"})
    after = api.data(query, {"asOf": "2026-06-01"})
    assert before["g01"]["workers"] == [{"id": "P0156"}]
    assert after["g01"]["workers"] == [{"id": "P0262"}]
    assert before["g22"]["branches"] == [{"id": "PO-420602002001-G01"}]
    assert after["g22"]["branches"] == [{"id": "PO-420602002001-G02"}]


def test_memberships_and_assignments_with_and_without_history(api: Api) -> None:
    query = """{ person(id: "P0072") {
        now: partyMemberships { kind until organization { id } person { id } }
        all: partyMemberships(history: true) { since until }
        duties: assignments { role targetBuilding { code } holderPerson { id } }
        everything: assignments(history: true) { id role until targetHousehold { id } }
    } }"""
    person = api.data(query)["person"]
    assert {m["organization"]["id"] for m in person["now"]} == {
        "PO-420602001001-G02",
        "PO-420602001001-G02-B01",
    }
    assert all(m["until"] is None and m["person"]["id"] == "P0072" for m in person["now"])
    assert len(person["all"]) == len(person["now"]) + 1
    assert person["duties"] == [
        {
            "role": "BUILDING_LEADER",
            "targetBuilding": {"code": "420602001001-G02-B02"},
            "holderPerson": {"id": "P0072"},
        }
    ]
    ended = [a for a in person["everything"] if a["role"] == "CENTRAL_HOUSEHOLD"]
    assert [a["targetHousehold"]["id"] for a in ended] == ["H0043", "H0044", "H0045"]
    assert {a["until"] for a in ended} == {"2025-10-01"}


def test_an_organisations_members_and_assignments(api: Api) -> None:
    query = """{ partyOrganization(id: "PO-420602001001-G01") {
        members(first: 500) { totalCount nodes { id } }
        assignments { role holderOrganization { id } holderPerson { id } targetGrid { code } }
    } }"""
    org = api.data(query)["partyOrganization"]
    assert org["members"]["totalCount"] == len(org["members"]["nodes"]) > 0
    assert {"id": "P0018"} in org["members"]["nodes"]  # a dual-reporting member
    assert org["assignments"] == [
        {
            "role": "GRID_BRANCH",
            "holderOrganization": {"id": "PO-420602001001-G01"},
            "holderPerson": None,
            "targetGrid": {"code": "420602001001-G01"},
        }
    ]


def test_the_uncovered_lists_are_the_gaps_the_demo_left(api: Api) -> None:
    query = """query($asOf: Date) {
      buildings: uncoveredBuildings(within: "420600", asOf: $asOf, first: 500) {
        totalCount nodes { code covered(asOf: $asOf) } }
      households: uncoveredHouseholds(within: "420600", asOf: $asOf, first: 500) {
        totalCount nodes { id covered(asOf: $asOf) } } }"""
    today = api.data(query, {"asOf": TODAY})
    assert [b["code"] for b in today["buildings"]["nodes"]] == UNCOVERED_BUILDINGS
    assert today["buildings"]["totalCount"] == len(UNCOVERED_BUILDINGS)
    assert [h["id"] for h in today["households"]["nodes"]] == UNCOVERED_HOUSEHOLDS + LEADERLESS_YARD
    assert not any(b["covered"] for b in today["buildings"]["nodes"])
    assert not any(h["covered"] for h in today["households"]["nodes"])
    later = api.data(query, {"asOf": "2026-12-15"})
    assert [h["id"] for h in later["households"]["nodes"]] == UNCOVERED_HOUSEHOLDS


def test_scoped_lists_stay_in_their_scope(api: Api) -> None:
    query = """{ g: uncoveredHouseholds(within: "420602001001-G03") { nodes { id } }
                 v: uncoveredBuildings(within: "420624") { nodes { code } }
                 m: partyMembers(within: "420602001001") { totalCount }
                 all: partyMembers(within: "420600") { totalCount }
                 grid: partyMembers(within: "420602001001-G01") { totalCount } }"""
    data = api.data(query)
    assert [h["id"] for h in data["g"]["nodes"]] == ["H0030", "H0033", "H0034", "H0035", "H0036"]
    assert [b["code"] for b in data["v"]["nodes"]] == UNCOVERED_BUILDINGS[3:]
    assert 0 < data["m"]["totalCount"] < data["all"]["totalCount"] == 39
    assert data["grid"]["totalCount"] == 0  # no party organisation's region lies in a grid


def test_a_scope_that_exists_nowhere_is_not_found(api: Api) -> None:
    for field in ("uncoveredBuildings", "uncoveredHouseholds", "partyMembers"):
        assert api.error_codes(f'{{ {field}(within: "999999") {{ totalCount }} }}') == ["NOT_FOUND"]
    assert api.error_codes('{ coverage(within: "999999") { grids } }') == ["NOT_FOUND"]


COVERAGE = """query($within: String!, $asOf: Date) { coverage(within: $within, asOf: $asOf) {
  within name asOf buildings coveredBuildings households coveredHouseholds grids gridsWithWorker
  buildingCoverage householdCoverage
  children { within name buildings coveredBuildings households coveredHouseholds grids
             gridsWithWorker children { within households } } } }"""
FIGURES = ["buildings", "coveredBuildings", "households", "coveredHouseholds", "grids"]


def test_the_coverage_report_of_the_city_adds_up(api: Api) -> None:
    city = api.data(COVERAGE, {"within": "420600", "asOf": TODAY})["coverage"]
    assert (city["name"], city["asOf"]) == ("襄阳市", TODAY)
    assert city["buildings"] == 28
    assert city["coveredBuildings"] == 28 - len(UNCOVERED_BUILDINGS)
    assert city["households"] == 92
    assert city["coveredHouseholds"] == 92 - 17
    assert city["householdCoverage"] == pytest.approx(75 / 92)
    assert (city["grids"], city["gridsWithWorker"]) == (13, 11)
    assert [child["within"] for child in city["children"]] == ["420602", "420624"]
    for figure in [*FIGURES, "gridsWithWorker"]:
        assert sum(child[figure] for child in city["children"]) == city[figure], figure
    for district in city["children"]:
        assert sum(part["households"] for part in district["children"]) == district["households"]


def test_a_community_breaks_down_by_grid_and_a_grid_has_no_parts(api: Api) -> None:
    community = api.data(COVERAGE, {"within": "420602001001"})["coverage"]
    assert [grid["within"] for grid in community["children"]] == [
        f"420602001001-G0{i}" for i in range(1, 5)
    ]
    assert all(grid["grids"] == 1 and grid["children"] == [] for grid in community["children"])
    grid = api.data(COVERAGE, {"within": "420602001001-G03"})["coverage"]
    assert grid["children"] == []
    assert grid == {**grid, "households": 8, "coveredHouseholds": 3, "grids": 1}


def test_stats_count_party_members_and_central_households_at_a_date(api: Api) -> None:
    query = """query($asOf: Date) { stats(asOf: $asOf) { partyMembers centralHouseholds } }"""
    assert api.data(query, {"asOf": TODAY})["stats"] == {
        "partyMembers": 39,
        "centralHouseholds": 11,
    }
    earlier = api.data(query, {"asOf": "2025-09-30"})["stats"]
    assert earlier != {"partyMembers": 39, "centralHouseholds": 11}
