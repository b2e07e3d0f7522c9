"""Issue #12 item 2: meetings (恳谈会, 夜话, 岗哨 …): when and where, who attended, the
matters raised and commitments made with the case or project each became; a grid's and a
scope's meetings over a period; recording one within the writer's scope."""

import csv

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")


def rows(file: str) -> list[dict[str, str]]:
    with (DEMO / file).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_a_meeting_with_its_place_attendees_and_matters(api: Api) -> None:
    query = """{ grid(code: "420602001001-G01") { meetings(from: "2026-01-01") { id at kind
        title grid { code } building { code } attendees { id } organisations { id }
        partyOrganizations { id } matters { seq kind text case { caseNo } project { id } } } } }"""
    (meeting,) = api.data(query)["grid"]["meetings"]
    assert meeting["id"] == "M001" and meeting["kind"] == "EVENING_TALK"
    assert meeting["at"] == "2026-03-05T19:30:00+08:00"
    assert meeting["building"] == {"code": "420602001001-G01-B02"}
    attendees = [a for a in rows("meeting_attendees.csv") if a["meeting_id"] == "M001"]
    assert [p["id"] for p in meeting["attendees"]] == sorted(
        a["person_id"] for a in attendees if a["person_id"]
    )
    assert meeting["organisations"] == [{"id": "O001"}]
    assert meeting["partyOrganizations"] == [{"id": "PO-420602001001-G01"}]
    matters = [m for m in rows("meeting_matters.csv") if m["meeting_id"] == "M001"]
    assert [(m["seq"], m["kind"], m["text"]) for m in meeting["matters"]] == [
        (int(m["seq"]), m["kind"], m["text"]) for m in matters
    ]
    assert meeting["matters"][0]["project"] == {"id": "J001"}
    found = api.data(
        '{ grid(code: "420602001001-G02") { meetings { matters { case { caseNo } } } } }'
    )
    assert found["grid"]["meetings"][0]["matters"][0]["case"] == {"caseNo": "XY-2026-0002"}


@pytest.mark.parametrize(
    ("within", "first", "last"), [("420600", None, None), ("420602", "2026-02-01", "2026-06-30")]
)
def test_meetings_within_a_scope_over_a_period(
    api: Api, within: str, first: str | None, last: str | None
) -> None:
    query = """query($w: String!, $from: Date, $to: Date) {
      meetings(within: $w, from: $from, to: $to) { totalCount nodes { id } } }"""
    found = api.data(query, {"w": within, "from": first, "to": last})["meetings"]
    places = {g["code"]: g["region_code"] for g in rows("grids.csv")}
    expected = sorted(
        m["id"]
        for m in rows("meetings.csv")
        if (within == "420600" or places[m["grid_code"]].startswith(within))
        and (first is None or m["at"][:10] >= first)
        and (last is None or m["at"][:10] <= last)
    )
    assert [m["id"] for m in found["nodes"]] == expected
    assert found["totalCount"] == len(expected)


# Compiled by the read planner (projectStats one statement of its own): one statement per
# root field, count and scope included.
COSTS = {
    '{ meetings(within: "420602") { nodes { id } } }': 1,
    '{ meetings(within: "420602") { totalCount nodes { id matters { text } } } }': 1,
    '{ grid(code: "420602001001-G01") { meetings { id attendees { id } } } }': 1,
}


@pytest.mark.parametrize(("query", "count"), COSTS.items(), ids=list(COSTS))
def test_meetings_cost_few_exact_statements(api: Api, query: str, count: int) -> None:
    assert api.statements(query) == count


RECORD = """mutation($grid: String, $building: String, $people: [ID!]!, $matters: [MatterInput!]!) {
  recordMeeting(input: { kind: RED_HOUSEYARD_TALK, gridCode: $grid, buildingCode: $building,
    title: "屋场恳谈会", attendeeIds: $people, partyOrganizationIds: ["PO-420602001001-G01"],
    organisationIds: ["O001"], matters: $matters, at: "2026-11-20T19:00:00+08:00" }) {
    id kind grid { code } building { code } attendees { id }
    matters { seq kind text case { caseNo } project { id } } } }"""


def test_recording_a_meeting_within_the_writers_scope(api: Api) -> None:
    worker = api.as_(AccessRole.GRID_WORKER, "420602001001", sub="P0262")
    matters = [
        {"kind": "RAISED", "text": "楼道灯不亮", "caseNo": "XY-2026-0001"},
        {"kind": "COMMITMENT", "text": "物业三天内修好", "projectId": "J001"},
    ]
    args = {"grid": None, "building": "420602001001-G01-B01", "people": ["P0262", "P0001"]}
    made = worker.data(RECORD, {**args, "matters": matters})["recordMeeting"]
    assert made["id"].startswith("M-20261120190000-")
    assert made["grid"] == {"code": "420602001001-G01"}
    assert made["building"] == {"code": "420602001001-G01-B01"}
    assert made["attendees"] == [{"id": "P0001"}, {"id": "P0262"}]
    assert made["matters"] == [
        {"seq": 1, "kind": "RAISED", "text": "楼道灯不亮", "case": {"caseNo": "XY-2026-0001"},
         "project": None},
        {"seq": 2, "kind": "COMMITMENT", "text": "物业三天内修好", "case": None,
         "project": {"id": "J001"}},
    ]  # fmt: skip
    listed = api.data('{ grid(code: "420602001001-G01") { meetings(from: "2026-11-20") { id } } }')
    assert listed["grid"]["meetings"] == [{"id": made["id"]}]
    # Outside her scope, or naming someone or something outside it: refused, nothing written.
    elsewhere = {"grid": "420624100201-G01", "building": None, "people": [], "matters": []}
    assert worker.error_codes(RECORD, elsewhere) == ["FORBIDDEN"]
    far = {**args, "people": ["P0200"], "matters": []}
    assert worker.error_codes(RECORD, far) == ["FORBIDDEN"]
    far_case = {**args, "matters": [{"kind": "RAISED", "text": "x", "caseNo": "XY-2025-0147"}]}
    assert worker.error_codes(RECORD, far_case) == ["FORBIDDEN"]
    nowhere = {"grid": None, "building": None, "people": [], "matters": []}
    assert api.error_codes(RECORD, nowhere) == ["BAD_USER_INPUT"]
    mismatch = {**args, "grid": "420602001001-G02", "matters": []}
    assert api.error_codes(RECORD, mismatch) == ["BAD_USER_INPUT"]
    unknown = {**args, "people": ["P9999"], "matters": []}
    assert api.error_codes(RECORD, unknown) == ["NOT_FOUND"]
    viewer = api.as_(AccessRole.VIEWER, "420602001001")
    body = viewer.post(RECORD, {**args, "matters": []})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["extensions"]["cypherStatements"] == 0
    count = api.data('{ meetings(within: "420600", from: "2026-11-20") { totalCount } }')
    assert count["meetings"]["totalCount"] == 1
