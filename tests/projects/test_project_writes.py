"""Issue #12 item 1 (writes): proposing and advancing a project through its one way
(proposed → planned → building → done → evaluated by a rating), the history appended and
never edited, concurrency by expectedState and expectedSeq, and the refusals of roles and
scope before anything is written (no statement runs for a role refused)."""

import pytest

from graph.security.principal import AccessRole
from tests.support import Api, Graph

pytestmark = pytest.mark.usefixtures("demo")

PROPOSE = """mutation($grid: String!, $case: String, $sup: [ID!]!) {
  proposeProject(input: { title: "  锦绣苑充电棚 ", kind: CHARGER_SHED, origin: CASE,
    gridCode: $grid, caseNo: $case, supervisorIds: $sup, materials: "棚架", moneyYuan: 20000,
    actorId: "P0262", note: "居民提议" }) {
    id title state lastSeq moneyYuan labourDays grid { code } sourceCase { caseNo }
    supervisors { id } events { seq toState actor { id } note } } }"""
ADVANCE = """mutation($id: ID!, $to: ProjectState!, $state: ProjectState, $seq: Int,
    $days: Int) {
  advanceProject(input: { projectId: $id, toState: $to, expectedState: $state,
    expectedSeq: $seq, labourDays: $days, note: "进展" }) {
    state lastSeq labourDays events { seq fromState toState } } }"""
RATE = """mutation($id: ID!, $h: ID!, $r: Rating!) {
  evaluateProject(input: { projectId: $id, householdId: $h, rating: $r, comment: "好" }) {
    rating comment household { id } } }"""


def history(graph: Graph, project: str) -> list[dict[str, object]]:
    return graph.cypher(
        "MATCH (:Project {id: $id})-[:HAS_EVENT]->(e:ProjectEvent) "
        "RETURN e.seq AS seq, e.toState AS state, e.at AS at, e.note AS note ORDER BY e.seq",
        id=project,
    )


def test_a_project_goes_its_one_way_and_keeps_its_history(api: Api, demo: Graph) -> None:
    worker = api.as_(AccessRole.GRID_WORKER, "420602001001", sub="P0262")
    made = worker.data(
        PROPOSE, {"grid": "420602001001-G02", "case": "XY-2026-0002", "sup": ["P0055"]}
    )["proposeProject"]
    key = made["id"]
    assert made["title"] == "锦绣苑充电棚" and made["state"] == "PROPOSED" and made["lastSeq"] == 1
    assert made["grid"] == {"code": "420602001001-G02"}
    assert made["sourceCase"] == {"caseNo": "XY-2026-0002"}
    assert made["supervisors"] == [{"id": "P0055"}]
    assert made["events"] == [
        {"seq": 1, "toState": "PROPOSED", "actor": {"id": "P0262"}, "note": "居民提议"}
    ]
    # Skipping a state, going back, or straight to EVALUATED: refused, nothing changed.
    for to in ("BUILDING", "DONE", "PROPOSED", "EVALUATED"):
        assert worker.error_codes(ADVANCE, {"id": key, "to": to}) == ["INVALID_TRANSITION"], to
    assert len(history(demo, key)) == 1
    before = history(demo, key)
    # Someone else's view: the wrong expected state or seq is a CONFLICT.
    assert worker.error_codes(ADVANCE, {"id": key, "to": "PLANNED", "state": "PLANNED"}) == [
        "CONFLICT"
    ]
    assert worker.error_codes(ADVANCE, {"id": key, "to": "PLANNED", "seq": 2}) == ["CONFLICT"]
    step = worker.data(ADVANCE, {"id": key, "to": "PLANNED", "state": "PROPOSED", "seq": 1})
    assert step["advanceProject"]["state"] == "PLANNED"
    assert step["advanceProject"]["events"][-1] == {
        "seq": 2,
        "fromState": "PROPOSED",
        "toState": "PLANNED",
    }
    # The same step sent twice: the second finds the project moved on.
    again = {"id": key, "to": "PLANNED", "state": "PROPOSED", "seq": 1}
    assert worker.error_codes(ADVANCE, again) == ["CONFLICT"]
    worker.data(ADVANCE, {"id": key, "to": "BUILDING", "seq": 2})
    done = worker.data(ADVANCE, {"id": key, "to": "DONE", "days": 60})["advanceProject"]
    assert done["state"] == "DONE" and done["labourDays"] == 60
    assert worker.error_codes(ADVANCE, {"id": key, "to": "EVALUATED"}) == ["INVALID_TRANSITION"]
    # The history only grew: what was stored first is unchanged.
    after = history(demo, key)
    assert after[: len(before)] == before
    assert [e["state"] for e in after] == ["PROPOSED", "PLANNED", "BUILDING", "DONE"]
    # A household of the grid rates it: EVALUATED, with a step of its own; once per household.
    rated = worker.data(RATE, {"id": key, "h": "H0018", "r": "SATISFIED"})["evaluateProject"]
    assert rated == {"rating": "SATISFIED", "comment": "好", "household": {"id": "H0018"}}
    assert worker.error_codes(RATE, {"id": key, "h": "H0018", "r": "NOT_SATISFIED"}) == ["CONFLICT"]
    worker.data(RATE, {"id": key, "h": "H0019", "r": "NOT_SATISFIED"})
    final = history(demo, key)
    assert [e["state"] for e in final] == ["PROPOSED", "PLANNED", "BUILDING", "DONE", "EVALUATED"]
    assert final[:4] == after
    # A household of another grid rates nothing here.
    assert worker.error_codes(RATE, {"id": key, "h": "H0001", "r": "SATISFIED"}) == [
        "BAD_USER_INPUT"
    ]
    figures = api.data('{ projectStats(within: "420602001001-G02") { evaluations satisfied } }')
    assert figures["projectStats"]["evaluations"] >= 2


def test_a_project_is_rated_once_done(api: Api) -> None:
    # J002 is BUILDING; J003 is DONE and waits for its first rating.
    assert api.error_codes(RATE, {"id": "J002", "h": "H0070", "r": "SATISFIED"}) == [
        "INVALID_TRANSITION"
    ]
    worker = api.as_(AccessRole.CASE_HANDLER, "420602001001")
    rate = RATE.replace("household { id }", "")  # a case handler does not see households
    worker.data(rate, {"id": "J003", "h": "H0020", "r": "BASICALLY_SATISFIED"})
    state = api.data('{ project(id: "J003") { state events { toState } } }')["project"]
    assert state["state"] == "EVALUATED" and state["events"][-1]["toState"] == "EVALUATED"
    assert api.error_codes(RATE, {"id": "J003", "h": "H9999", "r": "SATISFIED"}) == ["NOT_FOUND"]


def test_refusals_come_before_any_write(api: Api, demo: Graph) -> None:
    count = "MATCH (n) WHERE n:Project OR n:ProjectEvent OR n:Evaluation RETURN count(n) AS n"
    before = demo.cypher(count)
    args = {"grid": "420624100201-G01", "case": None, "sup": []}
    # A role that does not write projects: refused as a whole, not one statement run.
    for role in (AccessRole.VIEWER, AccessRole.PLANNER, AccessRole.AUDITOR):
        body = api.as_(role, "420600").post(PROPOSE, args)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], role
        assert body["extensions"]["cypherStatements"] == 0
        body = api.as_(role, "420600").post(ADVANCE, {"id": "J002", "to": "DONE"})
        assert body["extensions"]["cypherStatements"] == 0
    # A grid worker of another community: FORBIDDEN for the grid and for its projects.
    worker = api.as_(AccessRole.GRID_WORKER, "420602001001", sub="P0262")
    assert worker.error_codes(PROPOSE, args) == ["FORBIDDEN"]
    assert worker.error_codes(ADVANCE, {"id": "J002", "to": "DONE"}) == ["FORBIDDEN"]
    assert worker.error_codes(RATE, {"id": "J002", "h": "H0070", "r": "SATISFIED"}) == ["FORBIDDEN"]
    # Nor may she name a supervisor or a case beyond her scope.
    assert worker.error_codes(
        PROPOSE, {"grid": "420602001001-G01", "case": None, "sup": ["P0200"]}
    ) == ["FORBIDDEN"]
    assert worker.error_codes(
        PROPOSE, {"grid": "420602001001-G01", "case": "XY-2025-0147", "sup": []}
    ) == ["FORBIDDEN"]
    # Unknown places and ids for ADMIN; bad figures for anyone.
    assert api.error_codes(PROPOSE, {**args, "grid": "NOWHERE"}) == ["NOT_FOUND"]
    assert api.error_codes(ADVANCE, {"id": "J999", "to": "PLANNED"}) == ["NOT_FOUND"]
    assert api.error_codes(ADVANCE, {"id": "J002", "to": "DONE", "days": -1}) == ["BAD_USER_INPUT"]
    assert demo.cypher(count) == before
