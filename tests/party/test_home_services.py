"""Issue #12 item 5: each party member's services in her home community (双报到): visits
she made there, its disputes she resolved, its projects she supervises, over a period.
Checked against an independent count of the demo's CSV files."""

import csv
from collections import Counter

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")

QUERY = """query($id: ID!, $from: Date, $to: Date) { person(id: $id) {
    servicesAtHome(from: $from, to: $to) { community { code } visits mediations
    supervisedProjects } } }"""


def rows(file: str) -> list[dict[str, str]]:
    with (DEMO / file).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _community_of() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Each person's, household's and grid's community, from the files."""
    grids = {g["code"]: g["region_code"] for g in rows("grids.csv")}
    buildings = {b["code"]: grids[b["grid_code"]] for b in rows("buildings.csv")}
    households = {h["id"]: buildings[h["building_code"]] for h in rows("households.csv")}
    people = {
        p["id"]: households[p["household_id"]] for p in rows("people.csv") if p["household_id"]
    }
    return people, households, grids


def expected(person: str, first: str = "", last: str = "9999") -> dict[str, object]:
    people, households, grids = _community_of()
    home = people.get(person)
    inside = lambda at: first <= at[:10] <= last  # noqa: E731 - the period, days in +08:00
    visits = sum(
        1
        for v in rows("visits.csv")
        if v["visitor_id"] == person and households[v["household_id"]] == home and inside(v["at"])
    )
    disputes = {
        c["case_no"]
        for c in rows("cases.csv")
        if c["category"] == "DISPUTE" and grids[c["grid_code"]] == home
    }
    mediations = sum(
        1
        for e in rows("case_events.csv")
        if e["action"] == "RESOLVE"
        and e["actor_id"] == person
        and e["case_no"] in disputes
        and inside(e["at"])
    )
    proposed = {e["project_id"]: e["at"] for e in rows("project_events.csv") if e["seq"] == "1"}
    projects = sum(
        1
        for j in rows("projects.csv")
        if person in j["supervisors"].split(";")
        and grids[j["grid_code"]] == home
        and inside(proposed[j["id"]])
    )
    return {
        "community": {"code": home} if home else None,
        "visits": visits,
        "mediations": mediations,
        "supervisedProjects": projects,
    }


def _busiest() -> list[str]:
    """The people with most services of each kind in the demo, and one with none."""
    counts: Counter[str] = Counter(v["visitor_id"] for v in rows("visits.csv") if v["visitor_id"])
    resolvers = Counter(e["actor_id"] for e in rows("case_events.csv") if e["action"] == "RESOLVE")
    supervisors = Counter(p for j in rows("projects.csv") for p in j["supervisors"].split(";") if p)
    chosen = [c.most_common(1)[0][0] for c in (counts, resolvers, supervisors)]
    return [*dict.fromkeys(chosen), "P0054"]


@pytest.mark.parametrize("person", _busiest())
def test_a_members_services_at_home_match_the_files(api: Api, person: str) -> None:
    found = api.data(QUERY, {"id": person})["person"]["servicesAtHome"]
    assert found == expected(person)


def test_the_period_bounds_every_service(api: Api) -> None:
    for person in _busiest():
        found = api.data(QUERY, {"id": person, "from": "2026-03-01", "to": "2026-06-30"})
        assert found["person"]["servicesAtHome"] == expected(person, "2026-03-01", "2026-06-30")


def test_a_period_that_runs_backwards_is_refused(api: Api) -> None:
    variables = {"id": "P0156", "from": "2026-06-30", "to": "2026-03-01"}
    assert api.error_codes(QUERY, variables) == ["BAD_USER_INPUT"]


def test_a_viewer_may_not_ask(api: Api) -> None:
    viewer = api.as_(AccessRole.VIEWER, "420602001001")
    body = viewer.post(QUERY, {"id": "P0156"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["extensions"]["cypherStatements"] == 0


def test_services_of_many_members_are_counted_in_the_page_s_one_statement(api: Api) -> None:
    query = """{ partyMembers(within: "420600", first: 20) { nodes { id
        servicesAtHome { visits community { code } } } } }"""
    body = api.post(query)
    assert body["extensions"] == {"cypherStatements": 1, "plan": "compiled"}
    assert len(body["data"]["partyMembers"]["nodes"]) == 20
