"""Issue #12 item 6: what the import reads, readable: organisations and where they are
stationed, volunteer teams and their members, stations below a region (with a grid or
without), a case's source; and item 5's dual reporting. Figures are checked against an
independent count of the demo's CSV files."""

import csv

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")
DAY = "2026-11-30"


def rows(file: str) -> list[dict[str, str]]:
    with (DEMO / file).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def active(row: dict[str, str], day: str = DAY) -> bool:
    return (not row["since"] or row["since"] <= day) and (not row["until"] or day < row["until"])


def below(code: str) -> set[str]:
    """The region `code` and every region under it, from regions.csv."""
    parents = {row["code"]: row["parent_code"] for row in rows("regions.csv")}
    found = {code}
    while grown := {child for child, parent in parents.items() if parent in found} - found:
        found |= grown
    return found


def test_stations_within_a_region_reach_those_without_a_grid(api: Api) -> None:
    query = """query($w: String!, $k: StationKind) { stations(within: $w, kind: $k) {
        totalCount nodes { id kind grid { code } region { code } services targetGroups } } }"""
    expected = sorted(r["id"] for r in rows("stations.csv") if r["region_code"] in below("420602"))
    found = api.data(query, {"w": "420602"})["stations"]
    assert [s["id"] for s in found["nodes"]] == expected and found["totalCount"] == len(expected)
    without_grid = [s["id"] for s in found["nodes"] if s["grid"] is None]
    assert "S002" in without_grid and "S007" in without_grid
    canteens = api.data(query, {"w": "420600", "k": "CANTEEN"})["stations"]["nodes"]
    assert [s["id"] for s in canteens] == sorted(
        r["id"] for r in rows("stations.csv") if r["kind"] == "CANTEEN"
    )
    s004 = next(s for s in canteens if s["id"] == "S004")
    assert s004["services"] == ["助餐", "送餐上门"] and "独居老人" in s004["targetGroups"]
    on_grid = api.data(query, {"w": "420602001001-G01"})["stations"]["nodes"]
    assert [s["id"] for s in on_grid] == ["S001"]
    assert api.error_codes(query, {"w": "999999"}) == ["NOT_FOUND"]


def test_stations_and_organisations_of_a_scoped_reader(api: Api) -> None:
    viewer = api.as_(AccessRole.VIEWER, "420602002001")
    query = '{ stations(within: "420602002001") { nodes { id } } }'
    assert [s["id"] for s in viewer.data(query)["stations"]["nodes"]] == ["S002", "S007"]
    assert viewer.error_codes('{ stations(within: "420602") { totalCount } }') == ["FORBIDDEN"]
    teams = '{ organisations(within: "420602001001") { nodes { id } } }'
    assert viewer.error_codes(teams) == ["FORBIDDEN"]
    # The district's organisations are above her scope, as its centres are: she sees them.
    found = viewer.data('{ organisation(id: "O013") { name center { id } } }')["organisation"]
    assert found == {"name": "襄城区心理咨询师协会", "center": {"id": "C-420602"}}
    inside = api.as_(AccessRole.VIEWER, "420624100201")
    assert inside.error_codes('{ organisation(id: "O011") { name } }') == ["FORBIDDEN"]


def test_organisations_with_where_they_are_stationed(api: Api) -> None:
    query = """{ center: region(code: "420602") { centers { id stationed { id kind } } }
      organisation(id: "O012") { kind region { code } center { id level } grid { code } }
      teams: organisations(within: "420602001001", kind: VOLUNTEER_TEAM) {
        totalCount nodes { id grid { code } } }
      all: organisations(within: "420600") { totalCount }
      grid(code: "420602001001-G01") { organisations { id } } }"""
    data = api.data(query)
    stationed = {r["id"] for r in rows("organisations.csv") if r["center_id"] == "C-420602"}
    (center,) = data["center"]["centers"]
    assert {o["id"] for o in center["stationed"]} == stationed
    assert data["organisation"] == {
        "kind": "DEPARTMENT",
        "region": {"code": "420602001000"},
        "center": {"id": "C-420602001000", "level": "TOWNSHIP"},
        "grid": None,
    }
    assert data["teams"] == {
        "totalCount": 2,
        "nodes": [
            {"id": "O001", "grid": None},
            {"id": "O011", "grid": {"code": "420602001001-G01"}},
        ],
    }
    assert data["all"]["totalCount"] == len(rows("organisations.csv"))
    assert data["grid"]["organisations"] == [{"id": "O011"}]


def test_volunteers_of_a_team_and_a_persons_volunteering(api: Api) -> None:
    query = """query($d: Date) { organisation(id: "O011") {
        now: volunteers(asOf: $d) { totalCount nodes { id } }
        ever: volunteers(history: true) { nodes { id } } }
      person(id: "P0012") { volunteering(history: true) { since until organisation { id } } } }"""
    data = api.data(query, {"d": DAY})
    assert data["organisation"]["now"] == {
        "totalCount": 2,
        "nodes": [{"id": "P0003"}, {"id": "P0004"}],
    }
    assert [p["id"] for p in data["organisation"]["ever"]["nodes"]] == ["P0003", "P0004", "P0007"]
    assert data["person"]["volunteering"] == [
        {"since": "2022-06-01", "until": "2025-12-31", "organisation": {"id": "O005"}},
        {"since": "2022-07-05", "until": None, "organisation": {"id": "O001"}},
    ]
    # Who volunteers where is about people: not for a VIEWER.
    viewer = api.as_(AccessRole.VIEWER, "420602001001")
    assert viewer.error_codes('{ organisation(id: "O011") { volunteers { totalCount } } }') == [
        "FORBIDDEN"
    ]


def test_a_cases_source(api: Api) -> None:
    query = (
        '{ a: case(caseNo: "XY-2026-0002") { source } b: case(caseNo: "XY-2026-0001") { source } }'
    )
    assert api.data(query) == {"a": {"source": "PROACTIVE_SEARCH"}, "b": {"source": "REPORTED"}}


def test_stats_count_organisations_volunteers_and_dual_reporters(api: Api) -> None:
    organisations = rows("organisations.csv")
    volunteers = {r["person_id"] for r in rows("volunteers.csv") if active(r)}
    dual = [r for r in rows("memberships.csv") if r["kind"] == "DUAL_REPORT" and active(r)]
    fields = "organisations socialOrganisations volunteerTeams volunteers dualReporters"
    found = api.data(f'{{ stats(asOf: "{DAY}") {{ {fields} }} }}')["stats"]
    assert found == {
        "organisations": len(organisations),
        "socialOrganisations": sum(r["kind"] == "SOCIAL_ORG" for r in organisations),
        "volunteerTeams": sum(r["kind"] == "VOLUNTEER_TEAM" for r in organisations),
        "volunteers": len(volunteers),
        "dualReporters": len({r["person_id"] for r in dual}),
    }
    # Within a district: its organisations, their active volunteers, its dual reporters.
    regions = below("420602")
    orgs_there = {r["id"] for r in organisations if r["region_code"] in regions}
    org_region = {r["id"]: r["region_code"] for r in rows("party_orgs.csv")}
    there = api.data(f'{{ stats(within: "420602", asOf: "{DAY}") {{ {fields} }} }}')["stats"]
    assert there["organisations"] == len(orgs_there)
    assert there["volunteers"] == len(
        {r["person_id"] for r in rows("volunteers.csv") if active(r) and r["org_id"] in orgs_there}
    )
    assert there["dualReporters"] == len(
        {r["person_id"] for r in dual if org_region[r["org_id"]] in regions}
    )


def test_dual_reporters_and_the_units_that_take_charge_of_grids(api: Api) -> None:
    regions = below("420602001001")
    org_region = {r["id"]: r["region_code"] for r in rows("party_orgs.csv")}
    expected = sorted(
        {
            r["person_id"]
            for r in rows("memberships.csv")
            if r["kind"] == "DUAL_REPORT" and active(r) and org_region[r["org_id"]] in regions
        }
    )
    query = """query($d: Date) { partyMembers(within: "420602001001", kind: DUAL_REPORT, asOf: $d) {
        totalCount nodes { id } }
      grid(code: "420602001001-G03") { dualReportUnits(asOf: $d) {
        since holderOrganization { id level } } } }"""
    data = api.data(query, {"d": DAY})
    assert expected and "P0018" in expected
    assert [p["id"] for p in data["partyMembers"]["nodes"]] == expected
    assert data["partyMembers"]["totalCount"] == len(expected)
    units = data["grid"]["dualReportUnits"]
    assert {"id": "PO-420602-ZJJ", "level": "WORKPLACE_BRANCH"} in [
        unit["holderOrganization"] for unit in units
    ]
    assert all(unit["holderOrganization"]["level"] == "WORKPLACE_BRANCH" for unit in units)


# Compiled by the read planner: one statement per root field, count and scope included.
NEW_ROOTS = {
    '{ stations(within: "420602") { nodes { id } } }': 1,
    '{ stations(within: "420602") { totalCount } }': 1,
    '{ organisations(within: "420602") { nodes { id name } } }': 1,
    '{ organisation(id: "O001") { name volunteers { totalCount } center { name } } }': 1,
    '{ partyMembers(within: "420602", kind: DUAL_REPORT) { nodes { id } } }': 1,
    "{ stats { volunteers dualReporters } }": 1,
}


@pytest.mark.parametrize(("query", "count"), NEW_ROOTS.items(), ids=list(NEW_ROOTS))
def test_the_new_roots_cost_few_exact_statements(api: Api, query: str, count: int) -> None:
    assert api.statements(query) == count
