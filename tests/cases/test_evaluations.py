"""Issue #12 item 3: residents' evaluations of closed cases (效果共评): the ratings of each
closing kept (a case reopened after "not satisfied" keeps both), the satisfaction figures
in caseStats (on the planner's path as on the resolvers'), who may read them, and
recording one."""

import csv

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")


def rows(file: str) -> list[dict[str, str]]:
    with (DEMO / file).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def below(code: str) -> set[str]:
    parents = {row["code"]: row["parent_code"] for row in rows("regions.csv")}
    found = {code}
    while grown := {child for child, parent in parents.items() if parent in found} - found:
        found |= grown
    return found


def test_a_reopened_case_keeps_the_rating_of_each_closing(api: Api) -> None:
    query = """{ case(caseNo: "XY-2026-0008") { events { seq action }
        evaluations { rating round comment household { id } } } }"""
    case = api.data(query)["case"]
    closings = [e["seq"] for e in case["events"] if e["action"] == "CLOSE"]
    assert len(closings) == 2
    assert [(e["rating"], e["round"]) for e in case["evaluations"]] == [
        ("NOT_SATISFIED", closings[0]),
        ("SATISFIED", closings[1]),
    ]
    assert {e["household"]["id"] for e in case["evaluations"]} == {"H0057"}


FIGURES = """query($w: String!) { caseStats(within: $w, from: "2026-01-01", to: "2026-12-31") {
    reported evaluations satisfied basicallySatisfied notSatisfied satisfactionRatio } }"""


@pytest.mark.parametrize("within", ["420600", "420602", "420602001001-G01"])
def test_satisfaction_figures_in_case_stats(api: Api, within: str) -> None:
    grids = {g["code"]: g["region_code"] for g in rows("grids.csv")}
    regions = below(within)
    cases = {
        c["case_no"]
        for c in rows("cases.csv")
        if c["reported_at"].startswith("2026")
        and (c["grid_code"] == within or grids[c["grid_code"]] in regions)
    }
    ratings = [e["rating"] for e in rows("evaluations.csv") if e["case_no"] in cases]
    body = api.post(FIGURES, {"w": within})
    assert body["extensions"]["plan"] == "compiled"  # the planner sums the figures too
    found = body["data"]["caseStats"]
    good = ratings.count("SATISFIED") + ratings.count("BASICALLY_SATISFIED")
    assert found == {
        "reported": len(cases),
        "evaluations": len(ratings),
        "satisfied": ratings.count("SATISFIED"),
        "basicallySatisfied": ratings.count("BASICALLY_SATISFIED"),
        "notSatisfied": ratings.count("NOT_SATISFIED"),
        "satisfactionRatio": good / len(ratings) if ratings else 1.0,
    }
    assert api.statements(FIGURES, {"w": within}) == 1


def test_ratings_are_for_auditors_and_the_community_not_viewers(api: Api) -> None:
    query = '{ case(caseNo: "XY-2026-0001") { evaluations { rating } } }'
    for role in (AccessRole.AUDITOR, AccessRole.GRID_WORKER, AccessRole.CASE_HANDLER):
        reader = api.as_(role, "420602001001")
        assert reader.data(query)["case"]["evaluations"] == [{"rating": "SATISFIED"}]
    for role in (AccessRole.VIEWER, AccessRole.PLANNER):
        assert api.as_(role, "420602001001").error_codes(query) == ["FORBIDDEN"]
    planner = api.as_(AccessRole.PLANNER, "420602001001")
    assert planner.data(FIGURES, {"w": "420602001001"})["caseStats"]["evaluations"] >= 1


RATE = """mutation($c: String!, $h: ID!, $r: Rating!, $at: DateTime) {
  evaluateCase(input: { caseNo: $c, householdId: $h, rating: $r, at: $at, comment: "评" }) {
    rating round } }"""
STEP = """mutation($c: String!, $a: CaseAction!, $at: DateTime) {
  advanceCase(input: { caseNo: $c, action: $a, at: $at }) { state } }"""


def test_recording_ratings_and_rating_a_reopened_case_anew(api: Api) -> None:
    worker = api.as_(AccessRole.CASE_HANDLER, "420602001001", sub="P0261")
    # Everything below happens at the second the case was closed: times are kept to the
    # second, and a rating judges the closing it was recorded for, not the last one by time.
    events = api.data('{ case(caseNo: "XY-2026-0003") { events { at } } }')["case"]["events"]
    closed_at = events[-1]["at"]
    # XY-2026-0003 (closed, already rated by H0002) rated by a neighbour.
    first = {"c": "XY-2026-0003", "h": "H0001", "r": "NOT_SATISFIED", "at": closed_at}
    first_round = worker.data(RATE, first)["evaluateCase"]["round"]
    again = {"c": "XY-2026-0003", "h": "H0001", "r": "SATISFIED"}
    assert worker.error_codes(RATE, again) == ["CONFLICT"]
    # Reopened, settled and closed again: rated anew, the first rating kept.
    for action in ("REOPEN", "RESOLVE", "CLOSE"):
        worker.data(STEP, {"c": "XY-2026-0003", "a": action, "at": closed_at})
    again["at"] = closed_at
    second = worker.data(RATE, again)["evaluateCase"]
    assert second["round"] > first_round
    query = '{ case(caseNo: "XY-2026-0003") { evaluations { rating round household { id } } } }'
    kept = api.data(query)
    by_h0001 = {"id": "H0001"}
    ratings = kept["case"]["evaluations"]
    assert {"rating": "NOT_SATISFIED", "round": first_round, "household": by_h0001} in ratings
    assert {"rating": "SATISFIED", "round": second["round"], "household": by_h0001} in ratings
    # An open case is not rated; nor outside the scope, nor in the future, nor by a VIEWER.
    open_case = {"c": "XY-2026-0011", "h": "H0001", "r": "SATISFIED"}
    assert api.error_codes(RATE, open_case) == ["INVALID_TRANSITION"]
    assert worker.error_codes(RATE, {**again, "c": "XY-2026-0006"}) == ["FORBIDDEN"]
    assert api.error_codes(RATE, {**again, "h": "H9999"}) == ["NOT_FOUND"]
    future = {**again, "at": "2099-01-01T00:00:00+08:00"}
    assert api.error_codes(RATE, future) == ["BAD_USER_INPUT"]
    viewer = api.as_(AccessRole.VIEWER, "420602001001")
    assert viewer.error_codes(RATE, again) == ["FORBIDDEN"]
