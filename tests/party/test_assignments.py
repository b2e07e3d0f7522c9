"""assign and endAssignment: the role's rules, no duplicates, and history kept."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.importing.online import import_dataset
from tests.support import DEMO, TEST_PII_KEYS, Api, Graph

ASSIGN = """mutation($input: AssignInput!) { assign(input: $input) {
  id role since until holderPerson { id } holderOrganization { id }
  targetGrid { code } targetBuilding { code } targetHousehold { id } } }"""
END = """mutation($id: ID!, $until: Date) { endAssignment(id: $id, until: $until) { id since until } }"""
COVERED = """query($asOf: Date) { household(id: "H0017") { covered(asOf: $asOf) coveredBy(asOf: $asOf) { id } } }"""
DUMP = "MATCH (a:Assignment) OPTIONAL MATCH (a)-[r]->(x) RETURN a.id AS id, properties(a) AS p, collect([type(r), coalesce(x.id, x.code)]) AS links ORDER BY id"


@pytest.fixture
def demo_graph(empty_graph: Graph) -> Graph:
    empty_graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))
    return empty_graph


def central(since: str = "2026-11-30") -> dict[str, str]:
    return {"role": "CENTRAL_HOUSEHOLD", "holder": "P0024", "target": "H0017", "since": since}


def test_assigning_covers_from_since_and_ending_keeps_the_past(demo_graph: Graph, api: Api) -> None:
    assert api.data(COVERED, {"asOf": "2026-11-30"})["household"]["covered"] is False
    made = api.data(ASSIGN, {"input": central()})["assign"]
    assert made["role"] == "CENTRAL_HOUSEHOLD"
    assert made["holderPerson"] == {"id": "P0024"} and made["holderOrganization"] is None
    assert made["targetHousehold"] == {"id": "H0017"}
    assert (made["since"], made["until"]) == ("2026-11-30", None)
    assert api.data(COVERED, {"asOf": "2026-11-29"})["household"]["covered"] is False
    assert api.data(COVERED, {"asOf": "2026-11-30"})["household"] == {
        "covered": True,
        "coveredBy": [{"id": "P0024"}],
    }
    ended = api.data(END, {"id": made["id"], "until": "2026-12-05"})["endAssignment"]
    assert ended == {"id": made["id"], "since": "2026-11-30", "until": "2026-12-05"}
    assert api.data(COVERED, {"asOf": "2026-12-04"})["household"]["covered"] is True
    assert api.data(COVERED, {"asOf": "2026-12-05"})["household"]["covered"] is False
    history = api.data('{ person(id: "P0024") { assignments(history: true) { id until } } }')[
        "person"
    ]["assignments"]
    assert {"id": made["id"], "until": "2026-12-05"} in history


def test_assign_and_end_cost_exact_statements(demo_graph: Graph, api: Api) -> None:
    # The holder and target checked, the active one looked for (under the locks of the
    # target, its grid and the regions above), the assignment created with the facts its
    # kept coverage is recomputed from, the change added to the kept timelines (graph/kept),
    # then its holder and target looked up for the answer.
    made = api.post(ASSIGN, {"input": central()})
    assert made["extensions"]["cypherStatements"] == 6
    assert api.statements(ASSIGN, {"input": central()}) == 4  # found: nothing created
    ended = api.post(END, {"id": made["data"]["assign"]["id"], "until": "2026-12-05"})
    assert ended["data"]["endAssignment"]["until"] == "2026-12-05"
    assert ended["extensions"]["cypherStatements"] == 3  # read and lock, end, keep the change


def test_an_identical_active_assignment_is_not_duplicated(demo_graph: Graph, api: Api) -> None:
    first = api.data(ASSIGN, {"input": central("2026-11-01")})["assign"]
    again = api.data(ASSIGN, {"input": central("2026-11-20")})["assign"]
    assert again["id"] == first["id"]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: api.data(ASSIGN, {"input": central()}), range(8)))
    assert {answer["assign"]["id"] for answer in answers} == {first["id"]}
    count = demo_graph.cypher(
        "MATCH (:Person {id: 'P0024'})<-[:HELD_BY]-(a:Assignment)-[:TARGETS]->(:Household {id: 'H0017'}) "
        "RETURN count(a) AS n"
    )
    assert count == [{"n": 1}]


def test_an_organisation_role_takes_an_organisation(demo_graph: Graph, api: Api) -> None:
    made = api.data(
        ASSIGN,
        {
            "input": {
                "role": "BUILDING_GROUP",
                "holder": "PO-420602001001-G04-B01",
                "target": "420602001001-G04-B02",
            }
        },
    )["assign"]
    assert made["holderOrganization"] == {"id": "PO-420602001001-G04-B01"}
    assert made["targetBuilding"] == {"code": "420602001001-G04-B02"}
    assert made["since"] is not None  # today
    covered = api.data('{ building(code: "420602001001-G04-B02") { covered } }')
    assert covered["building"]["covered"] is True


@pytest.mark.parametrize(
    ("input", "code", "says"),
    [
        (
            {"role": "GRID_BRANCH", "holder": "P0024", "target": "420602001001-G01"},
            "BAD_USER_INPUT",
            "GRID_BRANCH is held by a party organisation and targets a grid code",
        ),
        (
            {"role": "CENTRAL_HOUSEHOLD", "holder": "P0024", "target": "420602001001-G01"},
            "BAD_USER_INPUT",
            "targets a household id",
        ),
        (
            {"role": "HOUSEYARD_LEADER", "holder": "P0024", "target": "420602001001-G01"},
            "BAD_USER_INPUT",
            "not a house-yard",
        ),
        (
            {"role": "GRID_WORKER", "holder": "P9999", "target": "420602001001-G01"},
            "NOT_FOUND",
            "No person has the id 'P9999'",
        ),
        (
            {"role": "BUILDING_GROUP", "holder": "PO-420602001001-G01", "target": "B-none"},
            "NOT_FOUND",
            "No building has the code or id 'B-none'",
        ),
    ],
    ids=[
        "person for an organisation role",
        "wrong target kind",
        "not a house-yard",
        "no such holder",
        "no such target",
    ],
)
def test_a_refused_assignment_names_the_rule_and_changes_nothing(
    demo_graph: Graph, api: Api, input: dict[str, str], code: str, says: str
) -> None:
    before = demo_graph.cypher(DUMP)
    body = api.post(ASSIGN, {"input": input})
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert says in body["errors"][0]["message"]
    assert demo_graph.cypher(DUMP) == before


@pytest.mark.parametrize(
    ("id", "until", "code", "says"),
    [
        ("A-nothing", "2026-12-01", "NOT_FOUND", "No assignment has the id 'A-nothing'"),
        ("A0047", "2026-12-01", "BAD_USER_INPUT", "already ended, on 2026-06-01"),
        ("A0049", "2026-05-31", "BAD_USER_INPUT", "started on 2026-06-01"),
    ],
    ids=["no such assignment", "already ended", "before it started"],
)
def test_a_refused_ending_changes_nothing(
    demo_graph: Graph, api: Api, id: str, until: str, code: str, says: str
) -> None:
    before = demo_graph.cypher(DUMP)
    body = api.post(END, {"id": id, "until": until})
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert says in body["errors"][0]["message"]
    assert demo_graph.cypher(DUMP) == before


def test_a_scope_with_nothing_in_it_is_fully_covered(empty_graph: Graph, api: Api) -> None:
    empty_graph.cypher("CREATE (:Region {code: 'EMPTY-1', name: '新社区', level: 'COMMUNITY'})")
    report = api.data(
        '{ coverage(within: "EMPTY-1") { buildings households grids buildingCoverage householdCoverage children { within } } }'
    )["coverage"]
    assert report == {
        "buildings": 0,
        "households": 0,
        "grids": 0,
        "buildingCoverage": 1.0,
        "householdCoverage": 1.0,
        "children": [],
    }
