"""Scope (issue #6): a grid worker of one grid learns nothing about another, through
lists, counts, figures, filters, nested walks or errors; the Cypher keeps it out."""

import json
import re
from typing import Any

import pytest

from tests.support import Api, Graph

pytestmark = pytest.mark.usefixtures("demo")

MINE = "420602001001-G01"  # 凤鸣小区
OTHER = "420602001001-G02"  # 锦绣苑, the next compound of the same community


@pytest.fixture(scope="module")
def api(uncapped: Api) -> Api:
    """The walks below ask for everything at once on purpose, beyond GOVGRAPH_MAX_COST."""
    return uncapped


@pytest.fixture(scope="module")
def worker(api: Api) -> Api:
    """P0262, grid worker of both grids since 2026-06-01, with a token for one of them."""
    return api.as_("GRID_WORKER", MINE, sub="P0262")


def masked(body: dict[str, Any], key: str) -> str:
    """The body, the key it names (quoted, as messages quote it) masked."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True).replace(f"'{key}'", "<KEY>")


# Something that exists in the other grid (or above the scope), and something that
# exists nowhere: the worker's answers must be the same, but for the key itself.
PAIRS = [
    ('{ grid(code: "%s") { name } }', OTHER, "420602001001-G99"),
    ('{ building(code: "%s") { code } }', f"{OTHER}-B01", f"{OTHER}-B99"),
    ('{ household(id: "%s") { door } }', "H0018", "H9999"),
    ('{ person(id: "%s") { name } }', "P0054", "P9999"),
    ('{ case(caseNo: "%s") { title } }', "XY-2026-0002", "XY-2026-9999"),
    ('{ partyOrganization(id: "%s") { name } }', "PO-420602001001-G02", "PO-NOWHERE"),
    ('{ region(code: "%s") { name } }', "420602001001", "420602001999"),
    ('{ cases(filter: { within: "%s" }) { totalCount } }', OTHER, "420602001001-G99"),
    ('{ caseStats(within: "%s") { reported } }', OTHER, "420602001001-G99"),
    ('{ stats(within: "%s") { people } }', OTHER, "420602001001-G99"),
    ('{ partyMembers(within: "%s") { totalCount } }', "420602001001", "420602001999"),
    (
        'mutation { reportCase(input: { title: "x", category: HAZARD, gridCode: "%s" }) '
        "{ caseNo } }",
        OTHER,
        "420602001001-G99",
    ),
    (
        'mutation { advanceCase(input: { caseNo: "%s", action: NOTE }) { state } }',
        "XY-2026-0002",
        "XY-2026-9999",
    ),
]


@pytest.mark.parametrize(
    ("operation", "existing", "missing"),
    PAIRS,
    ids=[f"{operation.split('(')[0].strip('{ ')} {existing}" for operation, existing, _ in PAIRS],
)
def test_outside_the_scope_and_nowhere_get_the_same_answer(
    worker: Api, operation: str, existing: str, missing: str
) -> None:
    seen_existing = worker.post(operation % existing)
    seen_missing = worker.post(operation % missing)
    assert [e["extensions"]["code"] for e in seen_existing["errors"]] == ["FORBIDDEN"]
    assert masked(seen_existing, existing) == masked(seen_missing, missing)
    assert MINE in seen_existing["errors"][0]["message"]  # says which scope the token has


def test_a_reporter_outside_the_scope_is_the_same_as_none(worker: Api, demo: Graph) -> None:
    operation = (
        'mutation { reportCase(input: { title: "x", category: HAZARD, gridCode: "%s", '
        'reportedBy: "%s" }) { caseNo } }'
    )
    cases_before = demo.cypher("MATCH (c:Case) RETURN count(c) AS n")
    elsewhere = worker.post(operation % (MINE, "P0054"))
    nowhere = worker.post(operation % (MINE, "P9999"))
    assert masked(elsewhere, "P0054") == masked(nowhere, "P9999")
    assert [e["extensions"]["code"] for e in nowhere["errors"]] == ["FORBIDDEN"]
    assert demo.cypher("MATCH (c:Case) RETURN count(c) AS n") == cases_before


def test_a_refused_step_changes_nothing(worker: Api, demo: Graph) -> None:
    before = demo.cypher("MATCH (c:Case {caseNo: 'XY-2026-0002'}) RETURN c.lastSeq AS seq")
    body = worker.post('mutation { advanceCase(input: { caseNo: "XY-2026-0002", action: NOTE }) '
                       "{ state } }")  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert demo.cypher("MATCH (c:Case {caseNo: 'XY-2026-0002'}) RETURN c.lastSeq AS seq") == before


def test_an_unscoped_reader_still_gets_not_found(api: Api) -> None:
    assert api.error_codes('{ stats(within: "420602001001-G99") { people } }') == ["NOT_FOUND"]
    assert api.data('{ grid(code: "420602001001-G99") { name } }') == {"grid": None}


STATS = """query($w: String) { stats(within: $w) { regions grids buildings households people
  partyOrganizations partyMembers centralHouseholds governanceCenters redStations canteens cases } }"""
CASE_STATS = """query($w: String!) { caseStats(within: $w) { reported closed
  resolvedAt { level count } resolvedLocallyRatio resolvedInTownshipRatio } }"""
CASES = (
    """query($f: CaseFilter) { cases(filter: $f, first: 500) { totalCount nodes { caseNo } } }"""
)
COVERAGE = """query($w: String!) { coverage(within: $w) { buildings coveredBuildings households
  coveredHouseholds grids gridsWithWorker children { within households } } }"""


def test_counts_and_figures_are_those_of_the_scope(api: Api, worker: Api) -> None:
    # Without `within`, the figures are the scope's, not the city's.
    assert worker.data(STATS) == api.data(STATS, {"w": MINE})
    assert worker.data(STATS, {"w": MINE}) == api.data(STATS, {"w": MINE})
    assert worker.data(CASE_STATS, {"w": MINE}) == api.data(CASE_STATS, {"w": MINE})
    mine = api.data(CASES, {"f": {"within": MINE}})
    assert worker.data(CASES) == mine
    assert mine["cases"]["totalCount"] < api.data(CASES)["cases"]["totalCount"]
    for case_filter in ({"state": "CLOSED"}, {"category": "DISPUTE"}, {"overdue": False}):
        assert worker.data(CASES, {"f": case_filter}) == api.data(
            CASES, {"f": {**case_filter, "within": MINE}}
        ), case_filter
    planner = api.as_("PLANNER", MINE)
    assert planner.data(COVERAGE, {"w": MINE}) == api.data(COVERAGE, {"w": MINE})
    for name in ("uncoveredBuildings", "uncoveredHouseholds"):
        query = f'{{ {name}(within: "{MINE}") {{ totalCount }} }}'
        assert planner.data(query) == api.data(query)
    assert planner.error_codes(COVERAGE, {"w": "420602001001"}) == ["FORBIDDEN"]


def test_a_district_planner_sees_the_district_and_not_the_city(api: Api) -> None:
    planner = api.as_("PLANNER", "420602")
    assert planner.data(COVERAGE, {"w": "420602"}) == api.data(COVERAGE, {"w": "420602"})
    assert planner.data(STATS) == api.data(STATS, {"w": "420602"})
    assert planner.error_codes(COVERAGE, {"w": "420600"}) == ["FORBIDDEN"]
    assert planner.error_codes('{ region(code: "420600") { name } }') == ["FORBIDDEN"]
    # Two codes: the figures of both, each counted once.
    both = api.as_("VIEWER", "420602", "420602001001", "420624")
    city = api.data(STATS)["stats"]
    assert both.data(STATS)["stats"]["grids"] == city["grids"]
    assert both.data(STATS)["stats"]["regions"] == city["regions"] - 1  # not the city itself


# Every walk a grid worker may take, from her grid up and down and across.
PERSON = """id name household { id building { code grid { code } } }
  assignments(history: true) { role targetGrid { code } targetBuilding { code }
    targetHousehold { id } holderOrganization { id } }
  partyMemberships { organization { id region { code } } }
  coveredHouseholds { totalCount nodes { id } }"""
ORGANIZATION = f"""id region {{ code }} members {{ totalCount nodes {{ {PERSON} }} }}
  assignments(history: true) {{ role targetGrid {{ code }} targetBuilding {{ code }}
    targetHousehold {{ id }} holderPerson {{ id }} }}"""
WALK = f"""{{ grid(code: "{MINE}") {{
  code stations {{ id grid {{ code }} }}
  region {{ code grids {{ totalCount nodes {{ code }} }} children {{ totalCount nodes {{ code }} }}
    centers {{ id }}
    parent {{ code grids {{ totalCount nodes {{ code }} }} children {{ totalCount nodes {{ code
      grids {{ totalCount nodes {{ code }} }} }} }}
      parent {{ code children {{ totalCount nodes {{ code children {{ nodes {{ code }} }} }} }}
        parent {{ code children {{ totalCount nodes {{ code }} }} }} }} }} }}
  workers(asOf: "2026-01-01") {{ {PERSON} }}
  more: workers {{ {PERSON} }}
  branches {{ {ORGANIZATION} parent {{ {ORGANIZATION} children {{ {ORGANIZATION} }}
    parent {{ id children {{ id }} }} }} }}
  buildings {{ totalCount nodes {{ code leaders {{ {PERSON} }} partyGroups {{ {ORGANIZATION} }}
    households {{ totalCount nodes {{ id members {{ {PERSON} }} coveredBy {{ {PERSON} }} }} }} }} }}
}}
cases {{ totalCount nodes {{ caseNo grid {{ code }} reportedBy {{ {PERSON} }}
  events {{ actor {{ {PERSON} }} center {{ id region {{ code }} }} }} }} }} }}"""


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def test_no_walk_reaches_past_the_scope(api: Api, worker: Api) -> None:
    mine = api.data(f"""{{ grid(code: "{MINE}") {{ buildings {{ nodes {{ households {{
      nodes {{ id }} }} }} }} }} cases(filter: {{ within: "{MINE}" }}) {{ nodes {{ caseNo }} }} }}""")
    households = {h["id"] for b in mine["grid"]["buildings"]["nodes"]
                  for h in b["households"]["nodes"]}  # fmt: skip
    case_numbers = {c["caseNo"] for c in mine["cases"]["nodes"]}
    ancestors = {"420600", "420602", "420602001000", "420602001001"}

    def leaks(data: dict[str, Any]) -> set[str]:
        found = set()
        for text in strings(data):
            if re.fullmatch(r"\d{6}(\d{6})?", text) and text not in ancestors:
                found.add(text)  # a region beside the way up
            elif re.fullmatch(r"\d{12}-G\d\d(-B\d\d)?", text) and not text.startswith(MINE):
                found.add(text)  # another grid or its building
            elif (re.fullmatch(r"H\d{4}", text) and text not in households) or (
                re.fullmatch(r"XY-\d{4}-\d+", text) and text not in case_numbers
            ):
                found.add(text)
        return found

    assert leaks(worker.data(WALK)) == set()
    # Not vacuous: the same walk by the city's ADMIN reaches well past the grid.
    assert {OTHER, "420602001002", "420624", "XY-2026-0002"} <= leaks(api.data(WALK))


def test_the_way_up_shows_only_the_way(worker: Api) -> None:
    data = worker.data(f"""{{ grid(code: "{MINE}") {{ region {{ code name grids {{ totalCount }}
      children {{ totalCount }} parent {{ code children {{ totalCount nodes {{ code }} }}
      parent {{ code name parent {{ code name }} }} }} }} }} }}""")
    region = data["grid"]["region"]
    assert (region["code"], region["grids"]["totalCount"], region["children"]["totalCount"]) == (
        "420602001001",
        1,
        0,
    )
    township = region["parent"]
    assert township["children"] == {"totalCount": 1, "nodes": [{"code": "420602001001"}]}
    assert township["parent"]["parent"] == {"code": "420600", "name": "襄阳市"}


def test_a_worker_of_two_grids_shows_only_her_duty_here(api: Api, worker: Api) -> None:
    query = """{ person(id: "P0262") { assignments(history: true) { targetGrid { code } } } }"""
    everywhere = api.data(query)["person"]["assignments"]
    assert {a["targetGrid"]["code"] for a in everywhere} == {MINE, OTHER}
    assert worker.data(query)["person"]["assignments"] == [{"targetGrid": {"code": MINE}}]


def test_the_party_chain_shows_only_the_branches_of_the_scope(api: Api, worker: Api) -> None:
    query = """{ partyOrganization(id: "PO-420602001001") { children { id }
      members { totalCount } } }"""
    everywhere = api.data(query)["partyOrganization"]
    here = worker.data(query)["partyOrganization"]
    assert len(here["children"]) < len(everywhere["children"])
    assert all(child["id"].startswith("PO-420602001001-G01") for child in here["children"])
    assert here["members"]["totalCount"] < everywhere["members"]["totalCount"]


def test_a_scoped_request_costs_a_fixed_handful_of_statements(api: Api, worker: Api) -> None:
    walk = f"""query($n: Int) {{ grid(code: "{MINE}") {{ buildings(first: $n) {{ totalCount
      nodes {{ code households(first: $n) {{ totalCount nodes {{ id members {{ name phone
        household {{ id }} assignments {{ targetHousehold {{ id }} }} }} }} }} }} }} }}
      cases(first: $n) {{ totalCount nodes {{ caseNo reportedBy {{ name }}
        events {{ actor {{ name }} center {{ name }} }} }} }} }}"""
    # What the city's ADMIN pays, exactly, whatever the page size: one statement per root
    # field, the read planner's (grid and cases).
    scoped = [worker.statements(walk, {"n": n}) for n in (1, 5, 500)]
    unscoped = [api.statements(walk, {"n": n}) for n in (1, 5, 500)]
    assert scoped == unscoped, (scoped, unscoped)
    assert scoped == [2, 2, 2]
    aliases = " ".join(f'h{i}: household(id: "H{i:04d}") {{ id }}' for i in range(1, 17))
    # Planned: one statement per root field, the scope inside it, as for any reader.
    assert worker.statements(f"{{ {aliases} }}") == api.statements(f"{{ {aliases} }}") == 16
    assert worker.statements(STATS) == 1
    # A `within` of a scoped reader is checked in one statement, as any reader's.
    assert worker.statements(STATS, {"w": MINE}) == 1


def test_a_case_handler_acts_in_her_scope_under_her_own_name(api: Api) -> None:
    """P0267 works in 南漳县 (420624): in 襄城区 she is nobody, but herself."""
    query = '{ person(id: "P0267") { name } }'
    assert api.as_("CASE_HANDLER", "420602", sub="P0263").error_codes(query) == ["FORBIDDEN"]
    handler = api.as_("CASE_HANDLER", "420602", sub="P0267")
    assert handler.data(query) == {"person": {"name": "罗红梅"}}
    step = """mutation($c: String!) { advanceCase(input: { caseNo: $c, action: NOTE,
      actorId: "P0267", note: "已电话回访" }) { caseNo events { action actor { name } } } }"""
    done = handler.data(step, {"c": "XY-2026-0004"})["advanceCase"]
    assert done["events"][-1] == {"action": "NOTE", "actor": {"name": "罗红梅"}}
    # A case of 南漳县 is outside her scope, whatever she was once part of there.
    assert handler.error_codes(step, {"c": "XY-2026-0015"}) == ["FORBIDDEN"]
    assert handler.data("{ cases { totalCount } }") == api.data(
        '{ cases(filter: { within: "420602" }) { totalCount } }'
    )


def test_a_scoped_reader_cannot_probe_case_numbers(worker: Api) -> None:
    report = """mutation($n: String) { reportCase(input: { caseNo: $n, title: "x",
      category: HAZARD, gridCode: "420602001001-G01" }) { caseNo } }"""
    taken = worker.post(report, {"n": "XY-2026-0002"})  # a case of the other grid
    free = worker.post(report, {"n": "XY-2026-777777"})
    assert masked(taken, "XY-2026-0002") == masked(free, "XY-2026-777777")
    assert [e["extensions"]["code"] for e in free["errors"]] == ["FORBIDDEN"]
