"""Cases over real HTTP (DESIGN §4): reporting and advancing, refusals that write nothing,
overdue cases and escalations, tamper evidence, the case commands, and what a list costs."""

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from graph import cases
from graph.cases import CaseFilter, OverdueRule
from graph.core.db import Database
from graph.core.model import CaseCategory
from resolvers.context import Context
from schema import schema
from server.settings import Settings
from tests.case_support import (
    ACTOR,
    ADVANCE,
    CENTER,
    GRID,
    REPORT,
    REPORTER,
    advance,
    case_dump,
    case_in,
    report,
)
from tests.support import Api, Graph, govgraph

pytestmark = pytest.mark.usefixtures("demo")

CST = timezone(timedelta(hours=8))
CASE = """query($caseNo: String!) { case(caseNo: $caseNo) {
  state level historyIntact escalations events { seq action } } }"""


def city_now() -> datetime:
    return datetime.now(CST)


def error_of(body: dict[str, Any]) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


# ------------------------------------------------------------------ reportCase


def test_a_report_opens_a_case_at_grid_level_with_a_new_number(api: Api) -> None:
    case = report(api, reportedBy=REPORTER, note="楼道灯不亮")
    assert re.fullmatch(rf"XY-{city_now().year}-\d{{6}}", case["caseNo"])
    assert (case["state"], case["level"], case["closedAt"], case["resolvedLevel"]) == (
        "REPORTED", "GRID", None, None,
    )  # fmt: skip
    assert case["grid"] == {"code": GRID} and case["reportedBy"] == {"id": REPORTER}
    assert (case["historyIntact"], case["escalations"]) == (True, 0)
    reported = datetime.fromisoformat(case["reportedAt"])
    assert reported.utcoffset() == timedelta(hours=8)
    assert abs(reported - city_now()) < timedelta(minutes=1)
    assert case["events"] == [
        {
            "seq": 1, "at": case["reportedAt"], "action": "REPORT", "fromState": None,
            "toState": "REPORTED", "level": "GRID", "actor": {"id": REPORTER}, "center": None,
            "note": "楼道灯不亮",
        }
    ]  # fmt: skip


def test_numbers_are_drawn_in_order_and_never_twice(api: Api) -> None:
    numbers = [report(api)["caseNo"] for _ in range(3)]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)


def test_a_drawn_number_follows_the_highest_stored_one_of_its_year(api: Api) -> None:
    year = city_now().year
    report(api, caseNo=f"XY-{year}-700000")  # as imported cases may be numbered
    assert report(api)["caseNo"] == f"XY-{year}-700001"
    assert report(api, at="2031-05-01T10:00:00+08:00")["caseNo"] == "XY-2031-000001"


def test_a_report_with_its_own_number_and_time(api: Api, graph: Graph) -> None:
    case = report(api, caseNo="T-OWN-1", at="2026-03-01T09:30:00+08:00", title=" 路灯不亮 ")
    assert (case["caseNo"], case["title"]) == ("T-OWN-1", "路灯不亮")
    assert case["reportedAt"] == case["events"][0]["at"] == "2026-03-01T09:30:00+08:00"
    # Without an offset a time is Asia/Shanghai's, as in the import; UTC stays UTC.
    assert report(api, at="2026-03-01T09:30:00")["reportedAt"] == "2026-03-01T09:30:00+08:00"
    assert report(api, at="2026-03-01T01:30:00Z")["reportedAt"] == "2026-03-01T01:30:00+00:00"
    before = case_dump(graph)
    code, message = error_of(api.post(REPORT, {"input": {
        "caseNo": "T-OWN-1", "title": "again", "category": "HAZARD", "gridCode": GRID,
    }}))  # fmt: skip
    assert code == "CONFLICT" and "T-OWN-1" in message
    assert case_dump(graph) == before


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"gridCode": "nowhere"}, "NOT_FOUND", "No grid has the code 'nowhere'"),
        ({"reportedBy": "P9999"}, "NOT_FOUND", "No person has the id 'P9999' (the reporter)"),
        ({"title": "  "}, "BAD_USER_INPUT", "needs a title"),
        ({"caseNo": " "}, "BAD_USER_INPUT", "`caseNo` is blank"),
    ],
    ids=["grid", "reporter", "title", "case number"],
)
def test_a_refused_report_says_why_and_writes_nothing(
    api: Api, graph: Graph, fields: dict[str, str], code: str, words: str
) -> None:
    before = case_dump(graph)
    case = {"title": "t", "category": "DISPUTE", "gridCode": GRID, **fields}
    assert error_of(api.post(REPORT, {"input": case}))[0] == code
    assert words in error_of(api.post(REPORT, {"input": case}))[1]
    assert case_dump(graph) == before


# ------------------------------------------------------------------ advanceCase

# DESIGN §4, one request per row (tests/cases/test_case_machine.py checks every pair).
ROWS = [
    ("ACCEPT", "REPORTED", "ACCEPTED"),
    ("VOID", "REPORTED", "VOIDED"),
    ("START", "ACCEPTED", "IN_PROGRESS"),
    ("ESCALATE", "ACCEPTED", "ACCEPTED"),
    ("ESCALATE", "IN_PROGRESS", "ACCEPTED"),
    ("RESOLVE", "IN_PROGRESS", "RESOLVED"),
    ("REJECT", "RESOLVED", "IN_PROGRESS"),
    ("CLOSE", "RESOLVED", "CLOSED"),
    ("REOPEN", "CLOSED", "IN_PROGRESS"),
    ("REFER", "ACCEPTED", "REFERRED"),
    ("REFER", "IN_PROGRESS", "REFERRED"),
    ("NOTE", "VOIDED", "VOIDED"),
    ("NOTE", "IN_PROGRESS", "IN_PROGRESS"),
]


@pytest.mark.parametrize(("action", "source", "target"), ROWS)
def test_each_row_of_the_table_over_http(api: Api, action: str, source: str, target: str) -> None:
    case = case_in(api, source)
    after = advance(api, case["caseNo"], action, actorId=ACTOR, centerId=CENTER, note="处理")
    level = "COMMUNITY" if action == "ESCALATE" else "GRID"
    assert (after["state"], after["level"], after["historyIntact"]) == (target, level, True)
    last = after["events"][-1]
    assert last == {
        "seq": len(case["events"]) + 1, "at": last["at"], "action": action, "fromState": source,
        "toState": target, "level": level, "actor": {"id": ACTOR}, "center": {"id": CENTER},
        "note": "处理",
    }  # fmt: skip


REFUSED = [
    ("REPORTED", "START", "ACCEPT, VOID, NOTE"),
    ("ACCEPTED", "CLOSE", "START, ESCALATE, REFER, NOTE"),
    ("IN_PROGRESS", "ACCEPT", "ESCALATE, RESOLVE, REFER, NOTE"),
    ("RESOLVED", "ESCALATE", "REJECT, CLOSE, NOTE"),
    ("CLOSED", "REFER", "REOPEN, NOTE"),
    ("VOIDED", "ACCEPT", "NOTE"),
    ("REFERRED", "REOPEN", "NOTE"),
]


@pytest.mark.parametrize(("state", "action", "allowed"), REFUSED)
def test_a_refused_step_names_the_state_and_allowed_actions_and_writes_nothing(
    api: Api, graph: Graph, state: str, action: str, allowed: str
) -> None:
    case_no = case_in(api, state)["caseNo"]
    before = case_dump(graph)
    body = api.post(ADVANCE, {"input": {"caseNo": case_no, "action": action, "actorId": ACTOR}})
    assert error_of(body) == (
        "INVALID_TRANSITION",
        f"Case {case_no} is {state}: {action} is not allowed; allowed actions: {allowed}.",
    )
    assert case_dump(graph) == before


def test_escalation_climbs_to_the_city_and_no_further(api: Api, graph: Graph) -> None:
    case_no = case_in(api, "ACCEPTED")["caseNo"]
    levels = [advance(api, case_no, "ESCALATE")["level"] for _ in range(4)]
    assert levels == ["COMMUNITY", "TOWNSHIP", "COUNTY", "CITY"]
    before = case_dump(graph)
    code, message = error_of(
        api.post(ADVANCE, {"input": {"caseNo": case_no, "action": "ESCALATE"}})
    )
    assert code == "INVALID_TRANSITION" and "at the highest level (CITY)" in message
    assert case_dump(graph) == before
    assert api.data(CASE, {"caseNo": case_no})["case"]["escalations"] == 4


def test_closing_records_when_and_where_and_reopening_clears_it(api: Api) -> None:
    case = case_in(api, "RESOLVED")
    case_no = case["caseNo"]
    closed = advance(api, case_no, "CLOSE", at="2030-01-02T10:00:00+08:00")
    assert (closed["closedAt"], closed["resolvedLevel"]) == ("2030-01-02T10:00:00+08:00", "GRID")
    noted = advance(api, case_no, "NOTE", at="2030-01-03T10:00:00+08:00", note="回访满意")
    assert (noted["closedAt"], noted["resolvedLevel"]) == ("2030-01-02T10:00:00+08:00", "GRID")
    reopened = advance(api, case_no, "REOPEN", at="2030-01-04T10:00:00+08:00")
    assert (reopened["state"], reopened["closedAt"], reopened["resolvedLevel"]) == (
        "IN_PROGRESS", None, None,
    )  # fmt: skip


def test_a_matching_expected_seq_is_accepted(api: Api) -> None:
    case_no = case_in(api, "ACCEPTED")["caseNo"]
    assert advance(api, case_no, "START", expectedSeq=2)["state"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("step", "code", "words"),
    [
        ({"action": "REPORT"}, "BAD_USER_INPUT", "REPORT opens a case (reportCase)"),
        ({"caseNo": "XY-1900-0001"}, "NOT_FOUND", "No case is numbered 'XY-1900-0001'"),
        ({"actorId": "P9999"}, "NOT_FOUND", "No person has the id 'P9999' (the actor)"),
        ({"centerId": "C-none"}, "NOT_FOUND", "No governance centre has the id 'C-none'"),
        ({"at": "2020-01-01T00:00:00+08:00"}, "BAD_USER_INPUT", "is before its last event"),
        ({"expectedSeq": 1}, "CONFLICT", "its last event is seq 2, not 1"),
    ],
    ids=["report", "case", "actor", "centre", "time", "expected seq"],
)
def test_a_refused_step_says_why_and_writes_nothing(
    api: Api, graph: Graph, step: dict[str, Any], code: str, words: str
) -> None:
    case_no = case_in(api, "ACCEPTED")["caseNo"]
    before = case_dump(graph)
    found_code, message = error_of(
        api.post(ADVANCE, {"input": {"caseNo": case_no, "action": "START", **step}})
    )
    assert found_code == code and words in message, message
    assert case_dump(graph) == before


def test_a_step_without_a_time_happens_now(api: Api) -> None:
    case_no = case_in(api, "REPORTED")["caseNo"]
    at = datetime.fromisoformat(advance(api, case_no, "ACCEPT")["events"][-1]["at"])
    assert abs(at - city_now()) < timedelta(minutes=1) and at.utcoffset() == timedelta(hours=8)


# ------------------------------------------------------------------ the list

LIST = """query($filter: CaseFilter) { cases(filter: $filter, first: 500) {
  totalCount nodes { caseNo } } }"""
PAGE = """query($filter: CaseFilter, $after: String) {
  cases(filter: $filter, first: 4, after: $after) {
    nodes { caseNo } pageInfo { hasNextPage endCursor } } }"""


def test_the_list_pages_by_case_number_and_a_new_case_does_not_shift_it(api: Api) -> None:
    filter_ = {"within": "420602", "category": "DISPUTE", "state": "CLOSED"}
    everything = api.data(LIST, {"filter": filter_})["cases"]["nodes"]
    first = api.data(PAGE, {"filter": filter_})["cases"]
    case_in(api, "CLOSED", caseNo="A-FIRST")  # sorts before the cursor: not on later pages
    seen, page = [c["caseNo"] for c in first["nodes"]], first
    while page["pageInfo"]["hasNextPage"]:
        after = page["pageInfo"]["endCursor"]
        page = api.data(PAGE, {"filter": filter_, "after": after})["cases"]
        seen += [c["caseNo"] for c in page["nodes"]]
    assert seen == [c["caseNo"] for c in everything] and len(seen) > 4


def test_a_reported_window_without_an_offset_is_shanghai_time(api: Api) -> None:
    def count(start: str, end: str) -> int:
        window = {"reportedFrom": start, "reportedTo": end}
        return api.data(LIST, {"filter": window})["cases"]["totalCount"]

    assert count("2026-01-01T00:00:00", "2026-01-31T23:59:59") == count(
        "2026-01-01T00:00:00+08:00", "2026-01-31T23:59:59+08:00"
    )


# ------------------------------------------------------------------ overdue and escalations


def overdue_numbers(api: Api, overdue: bool, within: str | None = None) -> set[str]:
    filter_ = {"overdue": overdue, **({"within": within} if within else {})}
    found = api.data(LIST, {"filter": filter_})["cases"]
    assert found["totalCount"] == len(found["nodes"])
    return {case["caseNo"] for case in found["nodes"]}


def test_overdue_cases_are_open_ones_at_their_level_for_longer_than_the_limit(api: Api) -> None:
    days_ago = {n: (city_now() - timedelta(days=n)).isoformat(timespec="seconds") for n in (5, 40)}
    waiting = report(api, at=days_ago[40])["caseNo"]
    resolved = report(api, at=days_ago[40])["caseNo"]  # waits for its check: still open
    for action in ("ACCEPT", "START", "RESOLVE"):
        advance(api, resolved, action, at=days_ago[40])
    moved_up = report(api, at=days_ago[40])["caseNo"]
    advance(api, moved_up, "ACCEPT", at=days_ago[40])
    advance(api, moved_up, "ESCALATE", at=days_ago[5])
    closed = report(api, at=days_ago[40])["caseNo"]
    for action in ("ACCEPT", "START", "RESOLVE", "CLOSE"):
        advance(api, closed, action, at=days_ago[40])
    voided = report(api, at=days_ago[40])["caseNo"]
    advance(api, voided, "VOID", at=days_ago[40])
    fresh = report(api, at=days_ago[5])["caseNo"]

    overdue = overdue_numbers(api, True, GRID)
    others = overdue_numbers(api, False, GRID)
    assert {waiting, resolved} <= overdue
    assert {moved_up, closed, voided, fresh} <= others
    assert not overdue & others
    everything = api.data(LIST, {"filter": {"within": GRID}})["cases"]["totalCount"]
    assert len(overdue) + len(others) == everything
    # Demo cases: at their level since October and July, and closed in February.
    assert {"XY-2026-0013", "XY-2026-0014"} <= overdue_numbers(api, True)
    assert "XY-2026-0003" not in overdue_numbers(api, True)


def test_the_limit_is_per_category_and_counted_to_now(graph: Graph) -> None:
    day = datetime(2026, 11, 30, 12, 0, tzinfo=CST)

    def overdue(within: str, days: dict[CaseCategory, int], **filters: Any) -> list[str]:
        rule = OverdueRule(days, day)
        case_filter = CaseFilter(within=within, overdue=True, **filters)
        found = graph.run(
            lambda db: cases.page(db, case_filter, after=None, limit=100, overdue=rule)
        )
        return [case.case_no for case in found]

    # 南漳县 on the demo's "today": XY-2026-0013 at COMMUNITY since 10-12, -0014 RESOLVED
    # at GRID since 07-06; -0020 (a HAZARD) has been at TOWNSHIP since 11-12.
    assert overdue("420624", {}) == ["XY-2026-0013", "XY-2026-0014"]
    assert overdue("420624", {CaseCategory.DISPUTE: 60}) == ["XY-2026-0014"]
    hazards = {"category": CaseCategory.HAZARD, "reported_to": datetime(2026, 11, 11, tzinfo=CST)}
    assert overdue(GRID, {}, **hazards) == []
    assert overdue(GRID, {CaseCategory.HAZARD: 7}, **hazards) == ["XY-2026-0020"]


def test_the_limits_come_from_the_settings(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGRAPH_OVERDUE_DAYS", '{"HAZARD": 1}')
    days = Settings().overdue_days
    assert days == {CaseCategory.HAZARD: 1}
    query = f'{{ cases(filter: {{within: "{GRID}", category: HAZARD, overdue: true}}) {{ nodes {{ caseNo }} }} }}'

    async def ask(db: Database) -> list[str]:
        result = await schema.execute(query, context_value=Context(db, days))
        assert result.errors is None and result.data is not None
        return [case["caseNo"] for case in result.data["cases"]["nodes"]]

    assert "XY-2026-0020" in graph.run(ask)


def test_escalations_count_the_escalate_events(api: Api) -> None:
    query = """{ a: case(caseNo: "XY-2026-0006") { escalations level }
      b: case(caseNo: "XY-2026-0020") { escalations } c: case(caseNo: "XY-2026-0007") { escalations } }"""
    data = api.data(query)
    assert data == {
        "a": {"escalations": 3, "level": "COUNTY"},
        "b": {"escalations": 2},
        "c": {"escalations": 0},
    }


# ------------------------------------------------------------------ statements


CASE_LIST = """query($n: Int) { cases(first: $n) { nodes {
  events { actor { name } center { name } } } } }"""


def test_a_case_list_with_its_events_costs_the_same_for_5_or_50_cases(api: Api) -> None:
    # Planned: the page, the events of all its cases, their actors and centres at once.
    assert api.statements(CASE_LIST, {"n": 50}) == api.statements(CASE_LIST, {"n": 5}) == 1
    # historyIntact too: its seals are checked after the same one statement.
    audit = "{ cases(first: 50) { nodes { historyIntact escalations events { seq } } } }"
    assert api.statements(audit) == 1


def test_what_the_writes_cost(api: Api) -> None:
    numbered = "mutation($i: ReportCaseInput!) { reportCase(input: $i) { caseNo } }"
    base = {"title": "t", "category": "DISPUTE", "gridCode": GRID, "reportedBy": REPORTER}
    # The references, the case, its report; a drawn number costs one statement more.
    assert api.statements(numbered, {"i": {**base, "caseNo": f"T-COST-{date.today()}"}}) == 3
    assert api.statements(numbered, {"i": base}) == 4
    case_no = api.data(numbered, {"i": base})["reportCase"]["caseNo"]
    # Lock and read, the event, the facts.
    step = "mutation($i: AdvanceCaseInput!) { advanceCase(input: $i) { state } }"
    assert (
        api.statements(step, {"i": {"caseNo": case_no, "action": "ACCEPT", "actorId": ACTOR}}) == 3
    )


# ------------------------------------------------------------------ tamper evidence


def test_the_untouched_demo_histories_verify(api: Api, graph: Graph) -> None:
    data = api.data("{ cases(first: 500) { nodes { caseNo historyIntact } } }")
    assert all(case["historyIntact"] for case in data["cases"]["nodes"])
    done = govgraph(graph, "audit", "verify", "--within", "420624")
    assert done.returncode == 0, done.stderr
    assert re.search(r"All \d+ case histories verify", done.stdout)


def test_an_edited_event_breaks_the_history_and_the_audit_names_it(api: Api, graph: Graph) -> None:
    edited = case_in(api, "RESOLVED")["caseNo"]
    untouched = case_in(api, "RESOLVED")["caseNo"]
    graph.cypher("MATCH (e:CaseEvent {caseNo: $c, seq: 3}) SET e.note = '改写'", c=edited)
    intact = "query($c: String!) { case(caseNo: $c) { historyIntact } }"
    assert api.data(intact, {"c": edited})["case"]["historyIntact"] is False
    assert api.data(intact, {"c": untouched})["case"]["historyIntact"] is True

    done = govgraph(graph, "audit", "verify")
    assert done.returncode == 1
    assert re.search(
        rf"{edited}\s*│\s*3\s*│\s*START\s*│.*changed after it was recorded", done.stdout
    )
    assert untouched not in done.stdout
    assert "case histories are broken" in done.stderr and "Traceback" not in done.stderr


def test_a_deleted_event_and_an_impossible_value_are_named_too(api: Api, graph: Graph) -> None:
    gap = case_in(api, "RESOLVED")["caseNo"]
    graph.cypher("MATCH (e:CaseEvent {caseNo: $c, seq: 2}) DETACH DELETE e", c=gap)
    erased = case_in(api, "RESOLVED")["caseNo"]
    graph.cypher("MATCH (e:CaseEvent {caseNo: $c, seq: 4}) SET e.action = 'ERASED'", c=erased)
    intact = "query($c: String!) { case(caseNo: $c) { historyIntact escalations } }"
    for case_no in (gap, erased):
        assert api.data(intact, {"c": case_no})["case"]["historyIntact"] is False
    body = api.post("query($c: String!) { case(caseNo: $c) { events { seq } } }", {"c": erased})
    assert "Event 4 of case" in body["errors"][0]["message"]

    done = govgraph(graph, "audit", "verify", "--within", GRID)
    assert done.returncode == 1
    assert re.search(rf"{gap}\s*│\s*2\s*│\s*–\s*│\s*–\s*│\s*is missing", done.stdout)
    assert re.search(rf"{erased}\s*│\s*4\s*│\s*ERASED\s*│.*no event can have", done.stdout)
    shown = govgraph(graph, "case", "show", erased)
    assert (
        shown.returncode == 0
        and "ERASED" in shown.stdout
        and "The history is broken at seq 4" in shown.stdout
    )


def test_audit_of_an_unknown_scope(graph: Graph) -> None:
    done = govgraph(graph, "audit", "verify", "--within", "nowhere")
    assert done.returncode == 1 and "No region or grid has the code 'nowhere'" in done.stderr


# ------------------------------------------------------------------ the timeline


def test_case_show_prints_the_history_as_a_table(graph: Graph) -> None:
    done = govgraph(graph, "case", "show", "XY-2026-0007")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "│" in line]
    header = next(line for line in done.stdout.splitlines() if "seq" in line)
    for column in ("time", "action", "state", "level", "actor", "centre", "note"):
        assert column in header
    reject = next(line for line in lines if "REJECT" in line)
    for cell in ("5", "2026-04-04 09:00", "RESOLVED → IN_PROGRESS", "GRID", "周文杰", "汉水社区"):
        assert cell in reject
    assert "The history verifies." in done.stdout
    missing = govgraph(graph, "case", "show", "XY-1900-0001")
    assert missing.returncode == 1 and "No case is numbered 'XY-1900-0001'" in missing.stderr


def test_the_list_filters_by_the_level_handling_each_case(api: Api) -> None:
    query = """query($level: GovernanceLevel) { cases(filter: { within: "420600", level: $level },
        first: 500) { totalCount nodes { caseNo level } } }"""
    everything = api.data(query)["cases"]["nodes"]
    for level in ("GRID", "COMMUNITY", "TOWNSHIP", "COUNTY", "CITY"):
        found = api.data(query, {"level": level})["cases"]
        expected = [case for case in everything if case["level"] == level]
        assert found["nodes"] == expected and found["totalCount"] == len(expected)
    assert {case["level"] for case in everything} >= {"GRID", "TOWNSHIP"}
