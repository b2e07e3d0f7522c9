"""The import and the API share one state machine: replaying every demo case's history
through reportCase and advanceCase writes exactly what the import wrote, hash chain and
all (states, levels, closedAt, resolvedLevel, levelSince, links)."""

from typing import Any

from graph.importing.online import import_dataset
from tests.case_support import ADVANCE, REPORT
from tests.support import DEMO, TEST_PII_KEYS, Api, Graph


def everything_of_cases(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    cases = graph.cypher(
        "MATCH (c:Case) RETURN c.caseNo AS caseNo, properties(c) AS props, "
        "[(c)-[:REPORTED_IN]->(g) | g.code] AS grid, [(c)-[:REPORTED_BY]->(p) | p.id] AS reporter, "
        # Residents' ratings (OF), the projects that came from a case (CAME_FROM) and the
        # meetings' matters that became one (BECAME) are not the case machine's writes.
        "COUNT { (c)-[r]-() WHERE NOT type(r) IN ['OF', 'CAME_FROM', 'BECAME'] } AS links "
        "ORDER BY caseNo"
    )
    events = graph.cypher(
        "MATCH (e:CaseEvent) RETURN e.caseNo AS caseNo, e.seq AS seq, properties(e) AS props, "
        "[(e)-[:BY]->(p) | p.id] AS actor, [(e)-[:AT]->(c) | c.id] AS center, "
        "[(p)-[:NEXT]->(e) | p.seq] AS previous, [(c)-[:HAS_EVENT]->(e) | c.caseNo] AS owner, "
        "COUNT { (e)--() } AS links ORDER BY caseNo, seq"
    )
    return {"cases": cases, "events": events}


def test_replaying_the_demo_through_the_api_writes_what_the_import_wrote(
    empty_graph: Graph, api: Api
) -> None:
    empty_graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))
    imported = everything_of_cases(empty_graph)
    assert len(imported["cases"]) == 23 and len(imported["events"]) == 23 + 110
    empty_graph.cypher("MATCH (n) WHERE n:Case OR n:CaseEvent DETACH DELETE n")

    for case in imported["cases"]:
        case_no, props = case["caseNo"], case["props"]
        opening, *steps = [e for e in imported["events"] if e["caseNo"] == case_no]
        new = {
            "caseNo": case_no,
            "title": props["title"],
            "category": props["category"],
            "gridCode": case["grid"][0],
            "reportedBy": next(iter(case["reporter"]), None),
            "at": props["reportedAt"].isoformat(),
            "note": opening["props"].get("note"),
            "source": props["source"],  # reported, or found by the proactive search
        }
        api.data(REPORT, {"input": new})
        for event in steps:
            step = {
                "caseNo": case_no,
                "action": event["props"]["action"],
                "expectedSeq": event["seq"] - 1,
                "actorId": next(iter(event["actor"]), None),
                "centerId": next(iter(event["center"]), None),
                "at": event["props"]["at"].isoformat(),
                "note": event["props"].get("note"),
            }
            api.data(ADVANCE, {"input": step})

    assert everything_of_cases(empty_graph) == imported
