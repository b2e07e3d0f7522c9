"""DESIGN §8: a request costs a fixed handful of statements, whatever its page sizes."""

import pytest

from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(scope="module")
def api(uncapped: Api) -> Api:
    """Pages of 500 at every level cost more than GOVGRAPH_MAX_COST allows: these tests
    are about statements, so they run without that limit."""
    return uncapped


FRONTEND_WALK = """query($n: Int) { region(code: "420602001001") {
  grids(first: $n) { totalCount nodes { code buildings(first: $n) { totalCount nodes { code
    households(first: $n) { totalCount nodes { id members { name household { id } } } }
  } } } } } }"""

PARTY_WALK = """query($n: Int) { partyOrganization(id: "PO-420602001001") {
  children { children { name region { name } } }
} people: region(code: "420602001001") { grids(first: $n) { nodes { buildings(first: $n) { nodes {
  households(first: $n) { nodes { members {
    coveredHouseholds(first: $n) { nodes { members { name } } } } } }
} } } } } }"""

CASE_LIST = """query($n: Int) { cases(first: $n) { totalCount nodes { caseNo grid { code }
  reportedBy { name } events { actor { name } center { name region { name } } } } } }"""


# One statement per root field, the read planner's whole selection, for pages of 1, 50
# and 500.
@pytest.mark.parametrize(
    ("query", "counts"),
    [(FRONTEND_WALK, [1, 1, 1]), (PARTY_WALK, [2, 2, 2]), (CASE_LIST, [1, 1, 1])],
    ids=["frontend walk", "party chain to covered neighbours", "case list with events"],
)
def test_statements_do_not_grow_with_the_page_size(api: Api, query: str, counts: list[int]) -> None:
    assert [api.statements(query, {"n": n}) for n in (1, 50, 500)] == counts


# Every read at the root, as the roles' matrix asks it: what each costs, exactly.
MAIN_READS = {
    '{ region(code: "420602") { name } }': 1,
    '{ grid(code: "420602001001-G01") { name } }': 1,
    '{ building(code: "420602001001-G01-B01") { code } }': 1,
    '{ partyOrganization(id: "PO-420602001001") { name } }': 1,
    "{ stats { grids cases } }": 1,
    '{ household(id: "H0001") { door } }': 1,
    '{ person(id: "P0024") { name } }': 1,
    '{ partyMembers(within: "420602") { totalCount } }': 1,
    '{ coverage(within: "420602") { households } }': 1,
    '{ uncoveredBuildings(within: "420602") { totalCount } }': 1,
    '{ uncoveredHouseholds(within: "420602") { totalCount } }': 1,
    '{ case(caseNo: "XY-2026-0006") { title } }': 1,
    "{ cases(first: 1) { totalCount } }": 1,
    '{ caseStats(within: "420602") { reported } }': 1,
    '{ personByIdNumber(idNumber: "420602199007259993") { name } }': 1,
    '{ accessLog(within: "420602") { totalCount } }': 3,
}


@pytest.mark.parametrize(("query", "count"), MAIN_READS.items(), ids=list(MAIN_READS))
def test_each_main_read_costs_its_exact_statements(api: Api, query: str, count: int) -> None:
    body = api.post(query)
    assert "errors" not in body and all(body["data"].values()), body
    assert body["extensions"]["cypherStatements"] == count


def test_each_planned_root_field_is_one_statement_with_everything_below_it(api: Api) -> None:
    aliases = " ".join(
        f'p{i}: person(id: "P{i:04d}") {{ name household {{ id }} }}' for i in range(1, 60)
    )
    body = api.post(f"{{ {aliases} }}")
    assert body["extensions"] == {"cypherStatements": 59, "plan": "compiled"}


def test_a_member_s_services_at_home_are_counted_in_her_one_statement(api: Api) -> None:
    aliases = " ".join(
        f'p{i}: person(id: "P{i:04d}") {{ name servicesAtHome {{ visits community {{ code }} }} }}'
        for i in range(1, 21)
    )
    body = api.post(f"{{ {aliases} }}")
    assert body["extensions"] == {"cypherStatements": 20, "plan": "compiled"}


def test_history_intact_is_made_after_each_cases_one_statement(api: Api) -> None:
    aliases = " ".join(
        f'c{i}: case(caseNo: "XY-2026-{i:04d}") {{ title historyIntact }}' for i in range(1, 21)
    )
    body = api.post(f"{{ {aliases} }}")
    assert body["extensions"] == {"cypherStatements": 20, "plan": "compiled"}
    assert all(body["data"][f"c{i}"]["historyIntact"] is True for i in range(1, 21))


def test_stats_is_one_statement_with_the_scope_check(api: Api) -> None:
    assert api.statements("{ stats { people } }") == 1
    assert api.statements('{ stats(within: "420602") { people } }') == 1


def test_total_count_runs_only_when_selected(api: Api) -> None:
    without = api.statements('{ region(code: "420600") { grids { nodes { code } } } }')
    with_count = api.statements(
        '{ region(code: "420600") { grids { totalCount nodes { code } } } }'
    )
    # The planner counts inside the page's own statement; the resolvers in one more.
    assert with_count == without == 1
    centers = '{ region(code: "420600") { centers { name } grids { totalCount } } }'
    assert api.statements(centers) == 1


COVERAGE = """query($within: String!) { coverage(within: $within) { households
  children { within households children { within households children { within } } } } }"""


def test_coverage_costs_one_statement_whatever_the_depth(api: Api) -> None:
    # Three levels asked: the city's districts, their townships, their communities.
    assert api.statements(COVERAGE, {"within": "420600"}) == 1
    assert api.statements(COVERAGE, {"within": "420602001001"}) == 1
    flat = "query($w: String!) { coverage(within: $w) { households children { households } } }"
    assert api.statements(flat, {"w": "420600"}) == 1


UNCOVERED = """query($n: Int) { uncoveredBuildings(within: "420600", first: $n) {
  totalCount nodes { code covered grid { code region { name } } } } }"""

MEMBERS_COVERING = """query($n: Int) { partyMembers(within: "420600", first: $n) {
  nodes { id coveredHouseholds(first: $n) { totalCount nodes { id covered coveredBy { id }
    members { name } } } } } }"""


@pytest.mark.parametrize(
    ("query", "count"),
    [(UNCOVERED, 4), (MEMBERS_COVERING, 1)],
    ids=["uncovered buildings with totalCount", "party members' covered households"],
)
def test_coverage_lists_do_not_grow_with_the_page_size(api: Api, query: str, count: int) -> None:
    assert [api.statements(query, {"n": n}) for n in (1, 50, 500)] == [count] * 3
