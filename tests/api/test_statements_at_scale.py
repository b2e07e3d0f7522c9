"""DESIGN §8 on a generated city large enough that a page of 50 and a page of 500 hold
different rows: each main list read costs its exact statements at both sizes."""

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph.importing.online import import_dataset
from graph.synthetic import generate
from tests.support import TEST_PII_KEYS, Api, Graph

EXTRA_CASES = 600  # the generator writes about 40 a 1,000th of the city: cases padded past 500
# Building groups left out, one in LAPSED: the city then has far more than 50 buildings
# uncovered (it has some 40 otherwise).
LAPSED = 2


def _rows(folder: Path, file: str) -> list[dict[str, str]]:
    with (folder / file).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def city(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A 3/1,000 city (about 2,000 buildings, 5,600 households, 2,000 memberships) with
    cases added and building groups left out, imported: the codes of its largest building
    and party organisation."""
    folder = tmp_path_factory.mktemp("city")
    generate(0.003, 3, folder)
    cases = _rows(folder, "cases.csv")
    with (folder / "cases.csv").open("a", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(cases[0]))
        for i in range(EXTRA_CASES):
            writer.writerow({**cases[i % len(cases)], "case_no": f"XY-2026-9{i:05d}"})
    assignments = _rows(folder, "assignments.csv")
    groups = [row for row in assignments if row["role"] == "BUILDING_GROUP"]
    kept = [row for row in assignments if row["role"] != "BUILDING_GROUP"] + groups[::LAPSED]
    with (folder / "assignments.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(assignments[0]))
        writer.writeheader()
        writer.writerows(kept)
    graph.clear()
    graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))
    households = Counter(row["building_code"] for row in _rows(folder, "households.csv"))
    members = Counter(row["org_id"] for row in _rows(folder, "memberships.csv"))
    return {
        "building": households.most_common(1)[0][0],
        "organization": members.most_common(1)[0][0],
    }


@pytest.fixture(scope="module")
def api(uncapped: Api, city: dict[str, str]) -> Api:
    return uncapped


# Each list read: its query, where its connection is in the answer, and its statements.
LISTS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "households of a building": (
        """query($n: Int, $building: String!) { building(code: $building) {
          households(first: $n) { totalCount nodes { id members { name } } } } }""",
        ("building", "households"),
        1,
    ),
    "party members": (
        """query($n: Int) { partyMembers(within: "420600", first: $n) {
          totalCount nodes { id name } } }""",
        ("partyMembers",),
        1,
    ),
    "members of an organisation": (
        """query($n: Int, $organization: ID!) { partyOrganization(id: $organization) {
          members(first: $n) { totalCount nodes { id } } } }""",
        ("partyOrganization", "members"),
        1,
    ),
    "cases": (
        """query($n: Int) { cases(first: $n) { totalCount nodes { caseNo grid { code }
          events { action } } } }""",
        ("cases",),
        1,
    ),
    "uncovered buildings": (
        """query($n: Int) { uncoveredBuildings(within: "420600", first: $n) {
          totalCount nodes { code covered grid { code region { name } } } } }""",
        ("uncoveredBuildings",),
        4,
    ),
    "uncovered households": (
        """query($n: Int) { uncoveredHouseholds(within: "420600", first: $n) {
          totalCount nodes { id covered } } }""",
        ("uncoveredHouseholds",),
        2,  # the page, then `covered` of all its households at once
    ),
}


def _connection(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    found = body["data"]
    for key in path:
        found = found[key]
    return found


@pytest.mark.parametrize(("query", "path", "count"), LISTS.values(), ids=list(LISTS))
def test_a_list_costs_its_exact_statements_at_50_and_500(
    api: Api, city: dict[str, str], query: str, path: tuple[str, ...], count: int
) -> None:
    pages = {}
    for n in (50, 500):
        variables: dict[str, Any] = {"n": n, **{k: v for k, v in city.items() if f"${k}" in query}}
        body = api.post(query, variables)
        assert "errors" not in body, body["errors"]
        assert body["extensions"]["cypherStatements"] == count, (n, body["extensions"])
        pages[n] = _connection(body, path)
    small, large = pages[50]["nodes"], pages[500]["nodes"]
    assert len(small) == 50 and len(large) == min(pages[500]["totalCount"], 500) > 50
    assert large[:50] == small and large != small


def test_coverage_of_the_city_is_one_statement(api: Api) -> None:
    query = """{ coverage(within: "420600") { households coveredHouseholds
      children { within households children { within households children { within } } } } }"""
    body = api.post(query)
    assert "errors" not in body and body["data"]["coverage"]["households"] > 500, body
    assert body["extensions"]["cypherStatements"] == 1
