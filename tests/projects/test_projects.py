"""Issue #12 item 1 (reads): projects of joint creation (共同缔造) as the demo's CSV files hold
them: a project with where it came from, its grid, what was given, its supervisors and its
history; lists within a scope by state and kind; Grid.projects and Case.project; projectStats
against an independent count of the files; exact statement counts; scope and roles."""

import csv
from collections import Counter

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


def projects_within(code: str) -> list[dict[str, str]]:
    grids = {g["code"]: g["region_code"] for g in rows("grids.csv")}
    regions = below(code)
    return [
        p
        for p in rows("projects.csv")
        if p["grid_code"] == code or grids[p["grid_code"]] in regions
    ]


def states() -> dict[str, str]:
    """Each project's state: that of its last event in project_events.csv."""
    last: dict[str, tuple[int, str]] = {}
    for event in rows("project_events.csv"):
        seq = int(event["seq"])
        if seq > last.get(event["project_id"], (0, ""))[0]:
            last[event["project_id"]] = (seq, event["state"])
    return {project: state for project, (_, state) in last.items()}


def test_a_project_with_its_origin_grid_gifts_supervisors_and_history(api: Api) -> None:
    query = """{ project(id: "J001") { id title kind origin state materials moneyYuan
        labourDays proposedAt lastSeq grid { code } sourceMeeting { id kind }
        sourceCase { caseNo } supervisors { id } events { seq at fromState toState note
        actor { id } } evaluations { rating household { id } round } } }"""
    project = api.data(query)["project"]
    assert project["title"] == "凤鸣小区电动车充电棚" and project["kind"] == "CHARGER_SHED"
    assert project["origin"] == "MEETING" and project["state"] == "EVALUATED"
    assert (project["moneyYuan"], project["labourDays"]) == (38000, 45)
    assert project["grid"] == {"code": "420602001001-G01"}
    assert project["sourceMeeting"] == {"id": "M001", "kind": "EVENING_TALK"}
    assert project["sourceCase"] is None
    assert project["supervisors"] == [{"id": "P0001"}, {"id": "P0005"}]
    history = [e for e in rows("project_events.csv") if e["project_id"] == "J001"]
    assert [(e["seq"], e["toState"]) for e in project["events"]] == [
        (int(e["seq"]), e["state"]) for e in history
    ]
    assert project["events"][0]["fromState"] is None
    assert project["events"][1]["fromState"] == "PROPOSED"
    assert project["events"][0]["actor"] == {"id": "P0262"}
    assert project["proposedAt"] == project["events"][0]["at"] == history[0]["at"]
    assert project["lastSeq"] == len(history)
    assert sorted((e["household"]["id"], e["rating"]) for e in project["evaluations"]) == [
        ("H0001", "SATISFIED"),
        ("H0002", "BASICALLY_SATISFIED"),
    ]
    assert {e["round"] for e in project["evaluations"]} == {None}


def test_a_project_that_came_from_a_case(api: Api) -> None:
    query = """{ case(caseNo: "XY-2026-0002") { project { id sourceCase { caseNo } } }
      other: case(caseNo: "XY-2026-0001") { project { id } } }"""
    data = api.data(query)
    assert data["case"]["project"] == {"id": "J003", "sourceCase": {"caseNo": "XY-2026-0002"}}
    assert data["other"]["project"] is None


@pytest.mark.parametrize(
    ("within", "state", "kind"),
    [("420600", None, None), ("420602", "DONE", None), ("420602001001-G01", None, "GREENING")],
)
def test_projects_within_a_scope_by_state_and_kind(
    api: Api, within: str, state: str | None, kind: str | None
) -> None:
    query = """query($w: String!, $s: ProjectState, $k: ProjectKind) {
      projects(within: $w, state: $s, kind: $k) { totalCount nodes { id state kind } } }"""
    found = api.data(query, {"w": within, "s": state, "k": kind})["projects"]
    now = states()
    expected = sorted(
        p["id"]
        for p in projects_within(within)
        if (state is None or now[p["id"]] == state) and (kind is None or p["kind"] == kind)
    )
    assert [p["id"] for p in found["nodes"]] == expected
    assert found["totalCount"] == len(expected)
    assert all(p["state"] == now[p["id"]] for p in found["nodes"])


def test_a_grids_projects(api: Api) -> None:
    found = api.data('{ grid(code: "420602001001-G01") { projects { id } } }')["grid"]["projects"]
    assert [p["id"] for p in found] == sorted(
        p["id"] for p in rows("projects.csv") if p["grid_code"] == "420602001001-G01"
    )


FIGURES = """query($w: String!, $from: Date, $to: Date) {
  projectStats(within: $w, from: $from, to: $to) { projects evaluations satisfied
    basicallySatisfied notSatisfied satisfactionRatio byState { state projects }
    byKind { kind projects evaluations satisfied notSatisfied satisfactionRatio } } }"""


def ratio(ratings: list[str]) -> float:
    good = ratings.count("SATISFIED") + ratings.count("BASICALLY_SATISFIED")
    return good / len(ratings) if ratings else 1.0


@pytest.mark.parametrize(
    ("within", "first", "last"),
    [
        ("420600", None, None),
        ("420602", "2026-01-01", "2026-12-31"),
        ("420602001001-G01", None, None),
    ],
)
def test_project_stats_against_a_count_of_the_files(
    api: Api, within: str, first: str | None, last: str | None
) -> None:
    proposed = {
        e["project_id"]: e["at"][:10] for e in rows("project_events.csv") if e["seq"] == "1"
    }
    counted = [
        p
        for p in projects_within(within)
        if (first is None or proposed[p["id"]] >= first)
        and (last is None or proposed[p["id"]] <= last)
    ]
    ids = {p["id"] for p in counted}
    kind_of = {p["id"]: p["kind"] for p in counted}
    ratings = [
        (e["project_id"], e["rating"])
        for e in rows("project_evaluations.csv")
        if e["project_id"] in ids
    ]
    all_ratings = [rating for _, rating in ratings]
    now, kinds = states(), Counter(kind_of.values())
    body = api.post(FIGURES, {"w": within, "from": first, "to": last})
    assert body["extensions"]["cypherStatements"] == 1
    found = body["data"]["projectStats"]
    assert found["projects"] == len(counted)
    assert found["evaluations"] == len(all_ratings)
    assert found["satisfied"] == all_ratings.count("SATISFIED")
    assert found["basicallySatisfied"] == all_ratings.count("BASICALLY_SATISFIED")
    assert found["notSatisfied"] == all_ratings.count("NOT_SATISFIED")
    assert found["satisfactionRatio"] == ratio(all_ratings)
    by_state = Counter(now[p] for p in ids)
    assert found["byState"] == [
        {"state": state, "projects": by_state[state]}
        for state in ("PROPOSED", "PLANNED", "BUILDING", "DONE", "EVALUATED")
    ]
    for figures in found["byKind"]:
        of_kind = [rating for project, rating in ratings if kind_of[project] == figures["kind"]]
        assert figures == {
            "kind": figures["kind"],
            "projects": kinds[figures["kind"]],
            "evaluations": len(of_kind),
            "satisfied": of_kind.count("SATISFIED"),
            "notSatisfied": of_kind.count("NOT_SATISFIED"),
            "satisfactionRatio": ratio(of_kind),
        }


def test_project_stats_refuse_what_is_not_there_or_not_theirs(api: Api) -> None:
    assert api.error_codes(FIGURES, {"w": "4206"}) == ["NOT_FOUND"]
    assert api.error_codes(FIGURES, {"w": "420602", "from": "2026-02-01", "to": "2026-01-01"}) == [
        "BAD_USER_INPUT"
    ]
    planner = api.as_(AccessRole.PLANNER, "420602001001")
    assert planner.data(FIGURES, {"w": "420602001001"})["projectStats"]["projects"] == 3
    body = planner.post(FIGURES, {"w": "420602"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_projects_stay_within_the_readers_scope_and_are_not_for_a_viewer(api: Api) -> None:
    worker = api.as_(AccessRole.GRID_WORKER, "420602001001-G02")
    assert worker.data('{ project(id: "J003") { id } }') == {"project": {"id": "J003"}}
    assert worker.error_codes('{ project(id: "J001") { id } }') == ["FORBIDDEN"]
    assert worker.error_codes('{ projects(within: "420602001001") { totalCount } }') == [
        "FORBIDDEN"
    ]
    # A case in scope whose project is not shows none; here both are in scope.
    assert worker.data('{ case(caseNo: "XY-2026-0002") { project { id } } }')["case"] == {
        "project": {"id": "J003"}
    }
    viewer = api.as_(AccessRole.VIEWER, "420602")
    assert viewer.error_codes('{ project(id: "J003") { id } }') == ["FORBIDDEN"]
    planner = api.as_(AccessRole.PLANNER, "420602")
    assert planner.error_codes('{ project(id: "J001") { evaluations { rating } } }') == [
        "FORBIDDEN"
    ]
    auditor = api.as_(AccessRole.AUDITOR, "420602")
    ratings = auditor.data('{ project(id: "J001") { evaluations { rating } } }')
    assert len(ratings["project"]["evaluations"]) == 2
    assert api.data('{ project(id: "J999") { id } }') == {"project": None}


# Compiled by the read planner (projectStats one statement of its own): one statement per
# root field, count and scope included.
COSTS = {
    '{ project(id: "J001") { id title state } }': 1,
    '{ project(id: "J001") { id grid { code } events { seq } } }': 1,
    '{ projects(within: "420602") { nodes { id } } }': 1,
    '{ projects(within: "420602") { totalCount nodes { id supervisors { id } } } }': 1,
    '{ grid(code: "420602001001-G01") { projects { id } } }': 1,
    '{ projectStats(within: "420600") { projects byKind { kind satisfactionRatio } } }': 1,
}


@pytest.mark.parametrize(("query", "count"), COSTS.items(), ids=list(COSTS))
def test_projects_cost_few_exact_statements(api: Api, query: str, count: int) -> None:
    assert api.statements(query) == count


@pytest.mark.parametrize("within", [None, "420602", "420624100201-G01"])
def test_stats_count_projects_and_meetings(api: Api, within: str | None) -> None:
    query = "query($w: String) { stats(within: $w) { projects meetings } }"
    found = api.data(query, {"w": within})["stats"]
    places = {g["code"]: g["region_code"] for g in rows("grids.csv")}

    def inside(grid: str) -> bool:
        return within is None or grid == within or places[grid] in below(within)

    assert found == {
        "projects": sum(inside(p["grid_code"]) for p in rows("projects.csv")),
        "meetings": sum(inside(m["grid_code"]) for m in rows("meetings.csv")),
    }
