"""reportCase with the client's requestId: a report sent again returns the case it made."""

import threading
import uuid

import pytest

from graph.security.principal import AccessRole
from tests.case_support import GRID, REPORT, REPORTER, report
from tests.support import Api, Graph

pytestmark = pytest.mark.usefixtures("demo")


def cases_with(graph: Graph, request_id: str) -> list[str]:
    rows = graph.cypher("MATCH (c:Case {requestId: $id}) RETURN c.caseNo AS no", id=request_id)
    return [row["no"] for row in rows]


def test_a_report_sent_again_returns_the_case_it_made(api: Api, graph: Graph) -> None:
    request_id = str(uuid.uuid4())
    first = report(api, reportedBy=REPORTER, requestId=request_id)
    again = report(api, reportedBy=REPORTER, requestId=request_id)
    assert again["caseNo"] == first["caseNo"]
    assert [event["seq"] for event in again["events"]] == [1]
    assert cases_with(graph, request_id) == [first["caseNo"]]


def test_the_same_report_sent_at_once_makes_one_case(api: Api, graph: Graph) -> None:
    request_id = str(uuid.uuid4())
    answers: list[str] = []

    def send() -> None:
        answers.append(report(api, reportedBy=REPORTER, requestId=request_id)["caseNo"])

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 6 and len(set(answers)) == 1
    assert cases_with(graph, request_id) == answers[:1]


def test_a_request_id_given_to_another_report_is_a_conflict(api: Api, graph: Graph) -> None:
    request_id = str(uuid.uuid4())
    first = report(api, reportedBy=REPORTER, requestId=request_id)
    body = api.post(
        REPORT,
        {"input": {"title": "另一件事", "category": "HAZARD", "gridCode": GRID,
                   "requestId": request_id}},
    )  # fmt: skip
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "CONFLICT"
    assert "requestId" in error["message"]
    assert cases_with(graph, request_id) == [first["caseNo"]]


def test_a_request_id_of_a_case_outside_the_scope_is_a_conflict(api: Api) -> None:
    request_id = str(uuid.uuid4())
    report(api, reportedBy=REPORTER, requestId=request_id)
    elsewhere = api.as_(AccessRole.GRID_WORKER, "420602001001-G01")
    body = elsewhere.post(
        REPORT,
        {"input": {"title": "测试事项", "category": "DISPUTE", "gridCode": "420602001001-G01",
                   "requestId": request_id}},
    )  # fmt: skip
    assert [e["extensions"]["code"] for e in body["errors"]] == ["CONFLICT"]


@pytest.mark.parametrize("request_id", ["", "   ", "x" * 101])
def test_a_blank_or_overlong_request_id_is_refused(api: Api, request_id: str) -> None:
    body = api.post(
        REPORT, {"input": {"title": "测试", "category": "DISPUTE", "gridCode": GRID,
                           "requestId": request_id}},
    )  # fmt: skip
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
