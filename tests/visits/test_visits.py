"""Issue #12 item 4: visits to households (入户走访): who visited which household when, why
and what came of it; a worker's and a branch's visits over a period; households not
visited for N days within a scope; recording one. Checked against the demo's CSV files."""

import csv
from datetime import date, datetime, timedelta

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")


def rows(file: str) -> list[dict[str, str]]:
    with (DEMO / file).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def visits_on(first: str, last: str) -> list[dict[str, str]]:
    """Visits on the days first..last (their times are all given at +08:00)."""
    return [v for v in rows("visits.csv") if first <= v["at"][:10] <= last]


def test_a_households_visits_with_who_why_and_what_came_of_it(api: Api) -> None:
    query = """{ household(id: "H0001") { visits { id at purpose outcome visitor { id }
        branch { id } household { id } } } }"""
    found = api.data(query)["household"]["visits"]
    expected = [v for v in rows("visits.csv") if v["household_id"] == "H0001"]
    assert [v["id"] for v in found] == [v["id"] for v in expected]
    first = found[0]
    assert first["purpose"] == "CARE" and first["visitor"] == {"id": "P0156"}
    assert first["at"] == "2026-03-02T09:30:00+08:00" and first["branch"] is None
    assert first["outcome"] == expected[0]["outcome"]


def test_a_workers_and_a_branchs_visits_over_a_period(api: Api) -> None:
    query = """{ person(id: "P0262") { visits(from: "2026-07-01", to: "2026-09-30") {
        totalCount nodes { id } } }
      partyOrganization(id: "PO-420602001001-G01") { visits { totalCount nodes { id } } } }"""
    data = api.data(query)
    by_worker = [
        v["id"] for v in visits_on("2026-07-01", "2026-09-30") if v["visitor_id"] == "P0262"
    ]
    assert data["person"]["visits"] == {
        "totalCount": len(by_worker),
        "nodes": [{"id": id} for id in by_worker],
    }
    for_branch = [v["id"] for v in rows("visits.csv") if v["org_id"] == "PO-420602001001-G01"]
    assert [v["id"] for v in data["partyOrganization"]["visits"]["nodes"]] == for_branch
    assert api.error_codes(
        '{ person(id: "P0262") { visits(from: "2026-02-01", to: "2026-01-01") { totalCount } } }'
    ) == ["BAD_USER_INPUT"]


def households_in(grid: str) -> list[str]:
    buildings = {b["code"] for b in rows("buildings.csv") if b["grid_code"] == grid}
    return sorted(h["id"] for h in rows("households.csv") if h["building_code"] in buildings)


def test_visits_within_a_scope_and_the_households_nobody_visited(api: Api) -> None:
    query = """{ visits(within: "420602001001", from: "2026-09-01") { totalCount nodes { id } }
      unvisitedHouseholds(within: "420602001001-G01", days: 90, asOf: "2026-11-30") {
        totalCount nodes { id } } }"""
    data = api.data(query)
    expected = [v["id"] for v in visits_on("2026-09-01", "2026-12-31")]
    assert [v["id"] for v in data["visits"]["nodes"]] == expected
    assert data["visits"]["totalCount"] == len(expected)
    first_day = (date(2026, 11, 30) - timedelta(days=89)).isoformat()
    visited = {v["household_id"] for v in visits_on(first_day, "2026-11-30")}
    unvisited = [h for h in households_in("420602001001-G01") if h not in visited]
    assert data["unvisitedHouseholds"]["totalCount"] == len(unvisited)
    assert [h["id"] for h in data["unvisitedHouseholds"]["nodes"]] == unvisited
    assert api.error_codes('{ unvisitedHouseholds(within: "4206", days: 30) { totalCount } }') == [
        "NOT_FOUND"
    ]
    for days in (0, 739954, 2_000_000_000):  # the last two ran past the calendar (fuzzing)
        query = f'{{ unvisitedHouseholds(within: "420602", days: {days}) {{ totalCount }} }}'
        assert api.error_codes(query) == ["BAD_USER_INPUT"]


def test_visits_are_not_for_a_viewer_and_stay_within_the_scope(api: Api) -> None:
    viewer = api.as_(AccessRole.VIEWER, "420602001001")
    assert viewer.error_codes('{ visits(within: "420602001001") { totalCount } }') == ["FORBIDDEN"]
    planner = api.as_(AccessRole.PLANNER, "420602001001-G02")
    found = planner.data('{ visits(within: "420602001001-G02") { nodes { household { id } } } }')
    assert {v["household"]["id"] for v in found["visits"]["nodes"]} <= set(
        households_in("420602001001-G02")
    )
    assert planner.error_codes('{ visits(within: "420602001001") { totalCount } }') == ["FORBIDDEN"]


# Compiled by the read planner: one statement per root field, count and scope included.
COSTS = {
    '{ visits(within: "420602") { nodes { id } } }': 1,
    '{ visits(within: "420602") { totalCount nodes { id household { id } } } }': 1,
    '{ unvisitedHouseholds(within: "420602", days: 30) { nodes { id } } }': 1,
    '{ household(id: "H0001") { visits { id } } }': 1,
    '{ person(id: "P0156") { visits(first: 2) { totalCount nodes { branch { id } } } } }': 1,
}


@pytest.mark.parametrize(("query", "count"), COSTS.items(), ids=list(COSTS))
def test_visits_cost_few_exact_statements(api: Api, query: str, count: int) -> None:
    assert api.statements(query) == count


RECORD = """mutation($h: ID!, $at: DateTime) { recordVisit(input: { householdId: $h,
    purpose: CARE, visitorId: "P0262", at: $at, outcome: "送去防寒物资" }) {
    id at purpose outcome household { id } visitor { id } } }"""


def test_a_grid_worker_records_a_visit_within_her_scope(api: Api) -> None:
    worker = api.as_(AccessRole.GRID_WORKER, "420602001001-G01", sub="P0262")
    at = "2026-11-29T10:00:00+08:00"
    body = worker.post(RECORD, {"h": "H0005", "at": at})
    visit = body["data"]["recordVisit"]
    # Two to check and write in one transaction, one for each link the answer asks for.
    assert body["extensions"]["cypherStatements"] == 4
    assert visit["id"].startswith("V-20261129100000-") and visit["at"] == at
    assert visit["household"] == {"id": "H0005"} and visit["visitor"] == {"id": "P0262"}
    found = api.data('{ household(id: "H0005") { visits { id } } }')["household"]["visits"]
    assert found[-1]["id"] == visit["id"]
    unvisited = api.data(
        '{ unvisitedHouseholds(within: "420602001001-G01", days: 90, asOf: "2026-11-30") '
        "{ nodes { id } } }"
    )["unvisitedHouseholds"]["nodes"]
    assert {"id": "H0005"} not in unvisited
    # Outside her scope, unknown, in the future, or by a role that does not visit: refused.
    assert worker.error_codes(RECORD, {"h": "H0043"}) == ["FORBIDDEN"]
    assert api.error_codes(RECORD, {"h": "H9999"}) == ["NOT_FOUND"]
    later = (datetime.now().astimezone() + timedelta(days=2)).isoformat(timespec="seconds")
    assert worker.error_codes(RECORD, {"h": "H0005", "at": later}) == ["BAD_USER_INPUT"]
    planner = api.as_(AccessRole.PLANNER, "420602001001")
    assert planner.error_codes(RECORD, {"h": "H0005"}) == ["FORBIDDEN"]
    nobody = 'mutation { recordVisit(input: { householdId: "H0005", purpose: CARE }) { id } }'
    assert api.error_codes(nobody) == ["BAD_USER_INPUT"]
