"""Reporting and advancing cases over the API, for the case tests."""

from typing import Any

from tests.support import Api, Graph

GRID = "420602001001-G04"  # a demo grid with one case of its own
REPORTER = "P0001"
ACTOR = "P0156"
CENTER = "C-420602001001-G"

CASE_FIELDS = """caseNo title category state level reportedAt closedAt resolvedLevel
  historyIntact escalations grid { code } reportedBy { id }
  events { seq at action fromState toState level actor { id } center { id } note }"""
REPORT = f"mutation($input: ReportCaseInput!) {{ reportCase(input: $input) {{ {CASE_FIELDS} }} }}"
ADVANCE = (
    f"mutation($input: AdvanceCaseInput!) {{ advanceCase(input: $input) {{ {CASE_FIELDS} }} }}"
)

# The actions that lead a new case to each state.
PATHS = {
    "REPORTED": [],
    "ACCEPTED": ["ACCEPT"],
    "IN_PROGRESS": ["ACCEPT", "START"],
    "RESOLVED": ["ACCEPT", "START", "RESOLVE"],
    "CLOSED": ["ACCEPT", "START", "RESOLVE", "CLOSE"],
    "VOIDED": ["VOID"],
    "REFERRED": ["ACCEPT", "REFER"],
}


def report(api: Api, **fields: Any) -> dict[str, Any]:
    case = {"title": "测试事项", "category": "DISPUTE", "gridCode": GRID, **fields}
    return api.data(REPORT, {"input": case})["reportCase"]


def advance(api: Api, case_no: str, action: str, **fields: Any) -> dict[str, Any]:
    step = {"caseNo": case_no, "action": action, **fields}
    return api.data(ADVANCE, {"input": step})["advanceCase"]


def case_in(api: Api, state: str, **fields: Any) -> dict[str, Any]:
    """A new case, walked to `state`."""
    case = report(api, reportedBy=REPORTER, **fields)
    for action in PATHS[state]:
        case = advance(api, case["caseNo"], action, actorId=ACTOR, centerId=CENTER)
    return case


def case_dump(graph: Graph) -> list[Any]:
    """Every case, event and counter with its properties and links, to compare before and after
    a write that must change nothing."""
    rows = graph.cypher(
        "MATCH (n) WHERE n:Case OR n:CaseEvent OR n:CaseCounter "
        "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props, "
        "[(n)-[r]-(x) | [type(r), elementId(x)]] AS links"
    )
    return sorted(
        (row["id"], row["labels"], sorted(row["props"].items()), sorted(row["links"]))
        for row in rows
    )
