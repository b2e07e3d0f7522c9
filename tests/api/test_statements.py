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


# At most one statement per field that walks or looks something up (a loader's
# cache may save one when an earlier level already loaded the same keys).
@pytest.mark.parametrize(
    ("query", "most"),
    [(FRONTEND_WALK, 9), (PARTY_WALK, 11), (CASE_LIST, 8)],
    ids=["frontend walk", "party chain to covered neighbours", "case list with events"],
)
def test_statements_do_not_grow_with_the_page_size(api: Api, query: str, most: int) -> None:
    for page_size in (1, 50, 500):
        assert api.statements(query, {"n": page_size}) <= most, f"first: {page_size}"


def test_lookups_are_batched_across_the_whole_request(api: Api) -> None:
    aliases = " ".join(
        f'p{i}: person(id: "P{i:04d}") {{ name household {{ id }} }}' for i in range(1, 60)
    )
    assert api.statements(f"{{ {aliases} }}") == 2


def test_stats_is_one_statement_with_the_scope_check(api: Api) -> None:
    assert api.statements("{ stats { people } }") == 1
    assert api.statements('{ stats(within: "420602") { people } }') == 1


def test_total_count_runs_only_when_selected(api: Api) -> None:
    without = api.statements('{ region(code: "420600") { grids { nodes { code } } } }')
    with_count = api.statements(
        '{ region(code: "420600") { grids { totalCount nodes { code } } } }'
    )
    assert with_count == without + 1


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
    ("query", "most"),
    [(UNCOVERED, 6), (MEMBERS_COVERING, 7)],
    ids=["uncovered buildings with totalCount", "party members' covered households"],
)
def test_coverage_lists_do_not_grow_with_the_page_size(api: Api, query: str, most: int) -> None:
    for page_size in (1, 50, 500):
        assert api.statements(query, {"n": page_size}) <= most, f"first: {page_size}"
