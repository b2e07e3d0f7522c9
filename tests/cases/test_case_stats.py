"""caseStats exactly as the contract defines it: against a hand count of the demo data, and
against a brute-force count of random histories (hypothesis), over real HTTP."""

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import cases
from graph.cases import NewCase, Step
from graph.core.db import Database
from graph.core.model import CaseAction, CaseCategory
from tests.support import TEST_CHAIN, Api, Graph

pytestmark = pytest.mark.usefixtures("demo")

STATS = """query($within: String!, $from: Date, $to: Date) {
  caseStats(within: $within, from: $from, to: $to) {
    reported closed resolvedAt { level count } resolvedLocallyRatio resolvedInTownshipRatio } }"""
LEVELS = ["GRID", "COMMUNITY", "TOWNSHIP", "COUNTY", "CITY"]


def stats(api: Api, within: str, first: date | None = None, last: date | None = None) -> Any:
    variables = {
        "within": within,
        "from": first and first.isoformat(),
        "to": last and last.isoformat(),
    }
    return api.data(STATS, variables)["caseStats"]


def expected(reported: int, closed_at: dict[str, int]) -> dict[str, Any]:
    closed = sum(closed_at.values())

    def up_to(highest: str) -> int:
        return sum(closed_at.get(level, 0) for level in LEVELS[: LEVELS.index(highest) + 1])

    return {
        "reported": reported,
        "closed": closed,
        "resolvedAt": [{"level": level, "count": closed_at.get(level, 0)} for level in LEVELS],
        "resolvedLocallyRatio": up_to("COMMUNITY") / closed if closed else 1.0,
        "resolvedInTownshipRatio": up_to("TOWNSHIP") / closed if closed else 1.0,
    }


def test_the_demo_year_2026_by_hand(api: Api) -> None:
    # datasets/demo/README.md: 21 reported, 13 closed: GRID 6, COMMUNITY 3, TOWNSHIP 3, COUNTY 1.
    found = stats(api, "420600", date(2026, 1, 1), date(2026, 12, 31))
    assert found == expected(21, {"GRID": 6, "COMMUNITY": 3, "TOWNSHIP": 3, "COUNTY": 1})
    assert found["resolvedLocallyRatio"] == 9 / 13 and found["resolvedInTownshipRatio"] == 12 / 13
    # With the two closed cases of 2025 (at COMMUNITY and at GRID), and without bounds.
    assert stats(api, "420600") == expected(
        23, {"GRID": 7, "COMMUNITY": 4, "TOWNSHIP": 3, "COUNTY": 1}
    )
    # XY-2026-0006, settled at COUNTY, was reported in 南漳县 on 2026-01-20.
    county = stats(api, "420624", date(2026, 1, 20), date(2026, 1, 20))
    assert county == expected(1, {"COUNTY": 1})


def test_no_case_in_the_window_means_ratios_of_one(api: Api) -> None:
    assert stats(api, "420602", date(2030, 1, 1), date(2030, 12, 31)) == expected(0, {})


def test_a_scope_or_window_that_makes_no_sense(api: Api) -> None:
    codes = api.error_codes(STATS, {"within": "nowhere"})
    assert codes == ["NOT_FOUND"]
    body = api.post(STATS, {"within": "420600", "from": "2026-02-01", "to": "2026-01-01"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "`from` (2026-02-01) is after `to` (2026-01-01)" in body["errors"][0]["message"]


def test_case_stats_is_one_statement_with_the_scope_check(api: Api) -> None:
    assert api.statements(STATS, {"within": "420602", "from": "2026-01-01"}) == 1


# ------------------------------------------------------------------ random histories

# Below the city, grid codes begin with their region's code: a scope holds a grid when its
# code prefixes the grid's.
GRIDS = ["420602001001-G01", "420602002001-G01", "420624100201-G01", "420624101201-G01"]
SCOPES = ["420600", "420602", "420624", "420602001001", GRIDS[0], GRIDS[2]]
EARLIEST = datetime(2025, 12, 31, 18, 0, tzinfo=timezone(timedelta(hours=8)))
DAYS = [date(2025, 12, 30) + timedelta(days=n) for n in range(6)]
OFFSETS = [timezone(timedelta(hours=8)), UTC, timezone(timedelta(hours=-5))]

A = CaseAction
LEAD_TO_ACCEPTED_OR_IN_PROGRESS = {A.ACCEPT, A.ESCALATE, A.START, A.REJECT, A.REOPEN}


@st.composite
def history(draw: st.DrawFn) -> dict[str, Any]:
    """A case: where and when (near midnight in Shanghai, written with various offsets) and a
    path the design allows, cut anywhere; its level and whether it ends CLOSED follow from it."""
    ups = draw(st.integers(0, 4))
    again = draw(st.integers(0, 4 - ups))
    path = [A.ACCEPT, *[A.ESCALATE] * ups, A.START, A.RESOLVE]
    path += [*draw(st.sampled_from([[], [A.REJECT, A.RESOLVE]])), A.CLOSE]
    if draw(st.booleans()):
        path += [A.REOPEN, *[A.ESCALATE, A.START] * again, A.RESOLVE, A.CLOSE]
    path = path[: draw(st.integers(0, len(path)))]
    path += draw(st.sampled_from([[], [A.NOTE], [A.VOID], [A.REFER]]))
    if A.VOID in path and path[0] is not A.VOID:
        path = [A.VOID]  # only a REPORTED case can be voided
    if path[-1:] == [A.REFER] and not set(path[-2:-1]) & LEAD_TO_ACCEPTED_OR_IN_PROGRESS:
        path.pop()  # referred only from ACCEPTED or IN_PROGRESS
    moment = EARLIEST + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    return {
        "grid": draw(st.sampled_from(GRIDS)),
        "at": moment.astimezone(draw(st.sampled_from(OFFSETS))),
        "path": path,
    }


def write(graph: Graph, histories: list[dict[str, Any]]) -> None:
    async def main(db: Database) -> None:
        await db.write("MATCH (n) WHERE n:Case OR n:CaseEvent DETACH DELETE n")
        for case in histories:
            new = NewCase(None, "随机", CaseCategory.DISPUTE, case["grid"], None, case["at"], None)
            case_no = (await cases.report(db, new, TEST_CHAIN)).case_no
            for minutes, action in enumerate(case["path"], 1):
                at = case["at"] + timedelta(minutes=minutes)
                await cases.advance(
                    db, Step(case_no, action, None, None, None, at, None), TEST_CHAIN
                )

    graph.run(main)


def brute_force(
    histories: list[dict[str, Any]], within: str, first: date | None, last: date | None
) -> dict[str, Any]:
    reported, closed_at = 0, dict.fromkeys(LEVELS, 0)
    for case in histories:
        day = case["at"].astimezone(timezone(timedelta(hours=8))).date()
        inside = within == "420600" or case["grid"].startswith(within)
        if not inside or (first and day < first) or (last and day > last):
            continue
        reported += 1
        settled = [action for action in case["path"] if action is not A.NOTE]
        if settled[-1:] == [A.CLOSE]:
            closed_at[LEVELS[case["path"].count(A.ESCALATE)]] += 1
    return expected(reported, closed_at)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    histories=st.lists(history(), max_size=7),
    questions=st.lists(
        st.tuples(
            st.sampled_from(SCOPES),
            st.none() | st.sampled_from(DAYS),
            st.none() | st.sampled_from(DAYS),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_case_stats_match_a_brute_force_count(
    api: Api,
    graph: Graph,
    histories: list[dict[str, Any]],
    questions: list[tuple[str, date | None, date | None]],
) -> None:
    write(graph, histories)
    for within, first, last in questions:
        if first and last and first > last:
            first, last = last, first
        assert stats(api, within, first, last) == brute_force(histories, within, first, last)
