"""DESIGN §8 on a generated city large enough that a page of 50 and a page of 500 hold
different rows: each main list read costs its exact statements at both sizes, and so do
the look-ups by id, assign and endAssignment, each answering what the city holds."""

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
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3/1,000 city (about 2,000 buildings, 5,600 households, 2,000 memberships) with
    cases added and building groups left out, as the import's files."""
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
    return folder


@pytest.fixture(scope="module")
def city(graph: Graph, folder: Path) -> dict[str, str]:
    """The city imported: the codes of its largest building and party organisation, the
    largest household of that building and the first of its members."""
    graph.clear()
    graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))
    households = Counter(row["building_code"] for row in _rows(folder, "households.csv"))
    building = households.most_common(1)[0][0]
    members = Counter(row["org_id"] for row in _rows(folder, "memberships.csv"))
    inside = {
        row["id"] for row in _rows(folder, "households.csv") if row["building_code"] == building
    }
    people = [row for row in _rows(folder, "people.csv") if row["household_id"] in inside]
    household = Counter(row["household_id"] for row in people).most_common(1)[0][0]
    return {
        "building": building,
        "organization": members.most_common(1)[0][0],
        "household": household,
        "person": min(row["id"] for row in people if row["household_id"] == household),
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


PERSON = """query($person: ID!) { person(id: $person) {
  id name gender birthYear household { id door kind building { code } } } }"""
HOUSEHOLD = """query($household: ID!) { household(id: $household) {
  id door kind building { code } members { id name } } }"""


def test_a_look_up_by_id_costs_one_statement_and_answers_what_the_city_holds(
    api: Api, city: dict[str, str], folder: Path
) -> None:
    (row,) = [row for row in _rows(folder, "households.csv") if row["id"] == city["household"]]
    household = {
        "id": row["id"],
        "door": row["door"] or None,
        "kind": row["kind"],
        "building": {"code": row["building_code"]},
    }
    members = sorted(
        (person for person in _rows(folder, "people.csv") if person["household_id"] == row["id"]),
        key=lambda person: person["id"],
    )
    assert len(members) > 1  # `members` is a list worth checking
    (person,) = [person for person in members if person["id"] == city["person"]]
    found = api.post(PERSON, {"person": city["person"]})
    assert found["extensions"]["cypherStatements"] == 1
    assert found["data"]["person"] == {
        "id": person["id"],
        "name": person["name"],
        "gender": person["gender"] or None,
        "birthYear": int(person["birth_year"]) if person["birth_year"] else None,
        "household": household,
    }
    found = api.post(HOUSEHOLD, {"household": city["household"]})
    assert found["extensions"]["cypherStatements"] == 1
    assert found["data"]["household"] == {
        **household,
        "members": [{"id": member["id"], "name": member["name"]} for member in members],
    }


ASSIGN = """mutation($input: AssignInput!) { assign(input: $input) {
  id role since until holderPerson { id } holderOrganization { id }
  targetGrid { code } targetBuilding { code } targetHousehold { id } } }"""
END = """mutation($id: ID!, $until: Date!) { endAssignment(id: $id, until: $until) {
  id role since until } }"""
# After today, so that the list reads above (at today) see the city as imported.
SINCE, UNTIL = "2027-03-01", "2027-04-01"
# Per role: the first uncovered target at SINCE, the field of the answer that names it,
# and how its coverage is read.
ROLES = {
    "CENTRAL_HOUSEHOLD": (
        "uncoveredHouseholds",
        "id",
        ("targetHousehold", "id"),
        "query($key: ID!, $asOf: Date) { found: household(id: $key) { covered(asOf: $asOf) } }",
    ),
    "BUILDING_GROUP": (
        "uncoveredBuildings",
        "code",
        ("targetBuilding", "code"),
        """query($key: String!, $asOf: Date) {
          found: building(code: $key) { covered(asOf: $asOf) } }""",
    ),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_assign_and_end_cost_their_exact_statements(
    api: Api, city: dict[str, str], role: str
) -> None:
    uncovered, key, (target_field, target_key), covered = ROLES[role]
    first = (
        f'{{ {uncovered}(within: "420600", asOf: "{SINCE}", first: 1) {{ nodes {{ {key} }} }} }}'
    )
    target = api.data(first)[uncovered]["nodes"][0][key]
    by_person = role == "CENTRAL_HOUSEHOLD"
    holder = city["person"] if by_person else city["organization"]
    assignment = {"role": role, "holder": holder, "target": target, "since": SINCE}

    def is_covered(day: str) -> bool:
        return api.data(covered, {"key": target, "asOf": day})["found"]["covered"]

    # The holder and target checked, the active one looked for under the locks, the
    # assignment created with its coverage facts, the change kept, then its holder and
    # target looked up for the answer.
    made = api.post(ASSIGN, {"input": assignment})
    assert made["extensions"]["cypherStatements"] == 6, made
    answer = made["data"]["assign"]
    assert answer["id"].startswith("A-")  # made now, not one the import wrote
    targets = {"targetGrid": None, "targetBuilding": None, "targetHousehold": None}
    assert answer == {
        "id": answer["id"],
        "role": role,
        "since": SINCE,
        "until": None,
        "holderPerson": {"id": holder} if by_person else None,
        "holderOrganization": None if by_person else {"id": holder},
        **targets,
        target_field: {target_key: target},
    }
    again = api.post(ASSIGN, {"input": assignment})  # found active: nothing created
    assert again["extensions"]["cypherStatements"] == 4
    assert again["data"]["assign"] == answer
    assert (is_covered("2027-02-28"), is_covered(SINCE)) == (False, True)

    ended = api.post(END, {"id": answer["id"], "until": UNTIL})
    assert ended["extensions"]["cypherStatements"] == 3  # read and lock, end, keep the change
    assert ended["data"]["endAssignment"] == {
        "id": answer["id"],
        "role": role,
        "since": SINCE,
        "until": UNTIL,
    }
    assert (is_covered("2027-03-31"), is_covered(UNTIL)) == (True, False)
