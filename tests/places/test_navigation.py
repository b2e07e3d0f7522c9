"""Frontends walk relationships: every look-up and navigation field on the demo data."""

import asyncio
import itertools
import re

import pytest
from neo4j import AsyncGraphDatabase

from graph.core.db import Database
from resolvers.context import Context
from schema import schema
from tests.support import Api, Graph

pytestmark = pytest.mark.usefixtures("demo")


def test_the_city_and_its_districts(api: Api) -> None:
    data = api.data(
        '{ region(code: "420600") { name level parent { code } children { nodes { name } } } }'
    )
    city = data["region"]
    assert city["name"] == "襄阳市"
    assert city["level"] == "CITY"
    assert city["parent"] is None
    assert [child["name"] for child in city["children"]["nodes"]] == ["襄城区", "南漳县"]


def test_a_walk_from_a_community_down_to_a_central_households_neighbours(api: Api) -> None:
    query = """
    { region(code: "420602001001") {
        name
        grids(first: 1) { nodes { code buildings(first: 1) { nodes { code
          households(first: 1) { nodes { id building { code } members { id name } } } } } } }
        centers { level }
    } }"""
    community = api.data(query)["region"]
    assert community["name"] == "凤鸣社区"
    grid = community["grids"]["nodes"][0]
    assert grid["code"] == "420602001001-G01"
    building = grid["buildings"]["nodes"][0]
    household = building["households"]["nodes"][0]
    assert household["id"] == "H0001"
    assert household["building"]["code"] == building["code"]
    assert "P0001" in [member["id"] for member in household["members"]]


def test_the_party_chain_reaches_the_people_a_central_household_covers(api: Api) -> None:
    query = """
    { partyOrganization(id: "PO-420602001001") {
        level region { code }
        children { id level parent { id } children { id level } }
      }
      person(id: "P0024") {
        name household { id }
        coveredHouseholds(asOf: "2026-11-30") {
          totalCount nodes { id members { name } }
        }
      } }"""
    data = api.data(query)
    committee = data["partyOrganization"]
    assert committee["level"] == "COMMUNITY_COMMITTEE"
    assert committee["region"]["code"] == "420602001001"
    branch = next(c for c in committee["children"] if c["id"] == "PO-420602001001-G01")
    assert branch["level"] == "COMPOUND_BRANCH"
    assert branch["parent"]["id"] == "PO-420602001001"
    assert {group["level"] for group in branch["children"]} == {"BUILDING_GROUP"}
    covered = data["person"]["coveredHouseholds"]
    assert [h["id"] for h in covered["nodes"]] == [f"H000{i}" for i in range(1, 7)]
    assert covered["totalCount"] == 6
    assert all(h["members"] for h in covered["nodes"])


def test_covered_households_follow_the_date(api: Api) -> None:
    query = """query($asOf: Date) { person(id: "P0072") {
        coveredHouseholds(asOf: $asOf) { nodes { id } } } }"""
    before = api.data(query, {"asOf": "2025-09-30"})["person"]["coveredHouseholds"]["nodes"]
    after = api.data(query, {"asOf": "2025-10-01"})["person"]["coveredHouseholds"]["nodes"]
    assert [h["id"] for h in before] == ["H0043", "H0044", "H0045"]
    assert after == []


def test_personal_data_is_masked(api: Api, graph: Graph) -> None:
    person = api.data('{ person(id: "P0001") { idNumber phone gender birthYear } }')["person"]
    assert person["idNumber"] == "420602********9993"
    assert person["phone"] == "199****1034"
    assert person["gender"] == "M"
    assert person["birthYear"] == 1990
    stored = graph.cypher("MATCH (p:Person {id: 'P0001'}) RETURN properties(p) AS p")[0]["p"]
    assert "420602199007259993" not in str(stored)
    assert "19900001034" not in str(stored)


def test_lookups_of_every_kind(api: Api) -> None:
    query = """
    { grid(code: "420602001001-G01") {
        kind region { code } stations { kind grid { code } region { code } } }
      building(code: "420602001001-G01-B01") { grid { code } households { totalCount } }
      household(id: "H0001") { kind door building { code } }
      missing: household(id: "H9999") { id }
      case(caseNo: "XY-2026-0006") {
        state level resolvedLevel closedAt grid { code } reportedBy { id } }
    }"""
    data = api.data(query)
    assert data["grid"]["kind"] == "COMPOUND"
    assert data["grid"]["region"]["code"] == "420602001001"
    assert data["building"]["grid"]["code"] == "420602001001-G01"
    assert data["household"]["building"]["code"] == "420602001001-G01-B01"
    assert data["missing"] is None
    case = data["case"]
    assert (case["state"], case["level"], case["resolvedLevel"]) == ("CLOSED", "COUNTY", "COUNTY")
    assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", case["closedAt"])


def test_a_case_history_in_order_with_actors_and_centres(api: Api) -> None:
    query = """{ case(caseNo: "XY-2026-0007") { state events {
        seq action fromState toState level at actor { id } center { level } } } }"""
    events = api.data(query)["case"]["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["action"] == "REPORT" and events[0]["fromState"] is None
    actions = [e["action"] for e in events]
    assert actions.index("REJECT") > actions.index("RESOLVE")
    assert actions[-1] == "CLOSE"
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    for previous, event in itertools.pairwise(events):
        assert event["fromState"] == previous["toState"]


def test_cases_filtered_by_scope_state_and_category(api: Api) -> None:
    query = """query($filter: CaseFilter) { cases(filter: $filter, first: 100) {
        totalCount nodes { caseNo state category grid { code } } } }"""
    everything = api.data(query)["cases"]
    assert everything["totalCount"] == 23
    numbers = [c["caseNo"] for c in everything["nodes"]]
    assert numbers == sorted(numbers)
    closed = api.data(query, {"filter": {"state": "CLOSED"}})["cases"]
    assert closed["totalCount"] == sum(1 for c in everything["nodes"] if c["state"] == "CLOSED")
    village = api.data(query, {"filter": {"within": "420624", "category": "HAZARD"}})["cases"]
    assert village["nodes"]
    assert all(c["grid"]["code"].startswith("420624") for c in village["nodes"])
    assert all(c["category"] == "HAZARD" for c in village["nodes"])
    window = {
        "reportedFrom": "2026-01-01T00:00:00+08:00",
        "reportedTo": "2026-12-31T23:59:59+08:00",
    }
    assert api.data(query, {"filter": window})["cases"]["totalCount"] == 21


def test_stats_of_the_whole_graph_and_of_a_scope(api: Api) -> None:
    query = """{
      all: stats { regions grids buildings households people partyOrganizations
                   partyMembers centralHouseholds governanceCenters redStations canteens cases }
      grid: stats(within: "420602001001-G01") { regions grids buildings households cases } }"""
    data = api.data(query)
    assert data["all"] == {
        "regions": 12, "grids": 13, "buildings": 28, "households": 92, "people": 271,
        "partyOrganizations": 24, "partyMembers": 39, "centralHouseholds": 11,
        "governanceCenters": 17, "redStations": 3, "canteens": 3, "cases": 23,
    }  # fmt: skip
    assert data["grid"]["regions"] == 0
    assert data["grid"]["grids"] == 1
    assert 0 < data["grid"]["buildings"] < data["all"]["buildings"]


def test_a_scope_that_exists_nowhere_is_not_found(api: Api) -> None:
    assert api.error_codes('{ stats(within: "999999") { grids } }') == ["NOT_FOUND"]
    assert api.error_codes('{ cases(filter: {within: "nowhere"}) { totalCount } }') == ["NOT_FOUND"]


def test_bad_requests_have_codes_and_no_internals(api: Api) -> None:
    assert api.error_codes(
        '{ region(code: "420600") { children(first: 501) { totalCount } } }'
    ) == ["BAD_USER_INPUT"]
    assert api.error_codes("{ cases(first: -1) { totalCount } }") == ["BAD_USER_INPUT"]
    assert api.error_codes(
        '{ region(code: "420600") { children(after: "x") { totalCount } } }'
    ) == ["BAD_USER_INPUT"]
    assert api.error_codes("{ region(code: 420600) { code } }") == ["BAD_USER_INPUT"]
    assert api.error_codes("{ region(code: ") == ["BAD_USER_INPUT"]
    body = api.post("{ nonsense }")
    assert "Traceback" not in str(body) and "MATCH" not in str(body)


def test_an_unreachable_database_is_unavailable() -> None:
    driver = AsyncGraphDatabase.driver("bolt://127.0.0.1:9", max_transaction_retry_time=0.5)

    async def ask() -> list[str]:
        try:
            result = await schema.execute(
                '{ region(code: "420600") { name } }',
                context_value=Context(Database(driver, "neo4j", 5)),
            )
        finally:
            await driver.close()
        assert result.errors is not None
        return [error.extensions["code"] for error in result.errors]

    assert asyncio.run(ask()) == ["UNAVAILABLE"]
