"""The dataset import (../shared/contract/import.md). Cases: transitions on their lines,
events continuing a stored case, and history that a dataset cannot rewrite."""

from datetime import datetime
from pathlib import Path

from graph.case_machine import Event, event_content
from graph.core.model import CaseAction, CaseState, GovernanceLevel
from tests.importing.support import BASE, CST, edited, errors_of, import_ok, one, plus, write
from tests.support import TEST_CHAIN, Graph


def test_an_invalid_transition_is_reported_on_its_line(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=edited(
            "case_events",
            "K1,2026-01-06T09:00:00+08:00,START",
            "K1,2026-01-06T09:00:00+08:00,REOPEN",
        ),
    )
    assert errors == [
        "case_events.csv:5: column action: Case K1 is ACCEPTED: REOPEN is not allowed; allowed "
        "actions: START, ESCALATE, REFER, NOTE. (the case's later events are checked once this "
        "one is right)"
    ]


def test_an_event_before_the_report(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=plus("case_events", "K2,2026-01-06T09:59:00+08:00,NOTE,,,太早"),
    )
    assert errors == [
        "case_events.csv:8: column at: Case K2: the time 2026-01-06T09:59:00+08:00 is before "
        "its last "
        "event (seq 1 at 2026-01-06T10:00:00+08:00). (the case's later events are checked once "
        "this one is right)"
    ]


def test_report_belongs_in_cases_csv(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=plus("case_events", "K2,2026-01-07T09:00:00+08:00,REPORT,,,"),
    )
    assert errors == [
        "case_events.csv:8: column action: REPORT is not an event of this file: a case's "
        "report is its row in cases.csv"
    ]


def test_events_continue_a_stored_case(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    stored_hash = one(empty_graph, "MATCH (c:Case {caseNo: 'K2'}) RETURN c.lastHash AS h")["h"]
    later = {
        "case_events.csv": "case_no,at,action,actor_id,center_id,note\n"
        "K2,2026-01-06T11:00:00+08:00,ACCEPT,,,\n"  # already stored
        "K2,2026-01-07T09:00:00+08:00,START,P3,,\n"
        "K2,2026-01-08T09:00:00+08:00,RESOLVE,P3,,\n",
    }
    import_ok(empty_graph, write(tmp_path / "second", later))
    case = one(
        empty_graph,
        "MATCH (c:Case {caseNo: 'K2'}) RETURN c.state AS state, c.lastSeq AS seq, c.title AS title",
    )
    assert case == {"state": "RESOLVED", "seq": 4, "title": "路灯损坏"}
    events = empty_graph.cypher(
        "MATCH (:Case {caseNo: 'K2'})-[:HAS_EVENT]->(e) OPTIONAL MATCH (p)-[:NEXT]->(e) "
        "RETURN e.seq AS seq, e.action AS action, p.seq AS previous, e.hash AS hash ORDER BY seq"
    )
    assert [(e["seq"], e["action"], e["previous"]) for e in events] == [
        (1, "REPORT", None),
        (2, "ACCEPT", 1),
        (3, "START", 2),
        (4, "RESOLVE", 3),
    ]
    assert events[2]["hash"] == TEST_CHAIN.seal(
        event_content(
            Event(
                case_no="K2",
                seq=3,
                at=datetime(2026, 1, 7, 9, 0, tzinfo=CST),
                action=CaseAction.START,
                from_state=CaseState.ACCEPTED,
                to_state=CaseState.IN_PROGRESS,
                level=GovernanceLevel.GRID,
                actor_id="P3",
                center_id=None,
                note=None,
                hash="",
            ),
            stored_hash,
        )
    )
    import_ok(empty_graph, write(tmp_path / "second", later))
    assert empty_graph.cypher(
        "MATCH (:Case {caseNo: 'K2'})-[:HAS_EVENT]->(e) RETURN count(e) AS n"
    ) == [{"n": 4}]


def test_a_dataset_cannot_rewrite_stored_history(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=edited(
            "case_events",
            "K2,2026-01-06T11:00:00+08:00,ACCEPT",
            "K2,2026-01-06T11:00:00+08:00,VOID",
        ),
    )
    assert errors == [
        "cases.csv:3: column case_no: the database already holds event 2 of case K2 as ACCEPT at "
        "2026-01-06T11:00:00+08:00, but case_events.csv line 7 makes it VOID at "
        "2026-01-06T11:00:00+08:00; recorded events cannot be changed, only followed by new ones"
    ]
