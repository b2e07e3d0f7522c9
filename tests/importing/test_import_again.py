"""The dataset import (../shared/contract/import.md). Importing again: the same graph
twice, records moved and periods updated, --replace, and a rejected dataset that changes
nothing."""

from datetime import date
from pathlib import Path

from tests.importing.support import (
    BASE,
    changed,
    dump,
    edited,
    import_ok,
    one,
    plus,
    rejected,
    write,
)
from tests.support import Graph

# ------------------------------------------------------------------ idempotence and --replace


def test_importing_twice_leaves_the_same_graph(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE)
    import_ok(empty_graph, folder)
    once = dump(empty_graph)
    import_ok(empty_graph, folder)
    assert dump(empty_graph) == once
    assert len(once) == 38 + 63  # nodes + relationships


def test_a_reimport_moves_a_record_and_updates_a_period(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    moved = changed(
        buildings=edited("buildings", "B1,G1,", "B1,G2,"),
        memberships=edited(
            "memberships", "P1,PO2,PRIMARY,2015-07-01,", "P1,PO2,PRIMARY,2015-07-01,2025-01-01"
        ),
        people=edited("people", "P1,张三,H1,", "P1,张三,,"),
    )
    import_ok(empty_graph, write(tmp_path / "second", moved))
    assert empty_graph.cypher("MATCH (:Building {code: 'B1'})-[:IN]->(g) RETURN g.code AS g") == [
        {"g": "G2"}
    ]
    assert empty_graph.cypher("MATCH (:Person {id: 'P1'})-[:LIVES_IN]->(h) RETURN h") == []
    assert empty_graph.cypher(
        "MATCH (:Person {id: 'P1'})-[m:MEMBER_OF]->() RETURN m.since AS since, m.until AS until"
    ) == [{"since": date(2015, 7, 1), "until": date(2025, 1, 1)}]


def test_replace_keeps_only_the_dataset_but_every_case_history(
    empty_graph: Graph, tmp_path: Path
) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    empty_graph.cypher(
        "CREATE (:Region {code: 'OLD-1', name: 'old', level: 'CITY'}), "
        "(:AccessLog {name: 'access', seq: 3})"
    )
    # K2 is no longer in the dataset, K1's history is: both histories stay.
    without_k2 = changed(
        cases=edited("cases", "K2,路灯损坏,HAZARD,G2,2026-01-06 10:00:00,,\n", ""),
        case_events=edited("case_events", "K2,2026-01-06T11:00:00+08:00,ACCEPT,,,\n", ""),
    )
    folder = write(tmp_path / "second", without_k2)
    before = dump(empty_graph)
    import_ok(empty_graph, folder, replace=True)
    assert empty_graph.cypher("MATCH (n {code: 'OLD-1'}) RETURN n") == []
    assert one(empty_graph, "MATCH (l:AccessLog) RETURN l.seq AS seq") == {"seq": 3}
    events = empty_graph.cypher(
        "MATCH (c:Case)-[:HAS_EVENT]->(e) RETURN c.caseNo AS case, count(e) AS events ORDER BY case"
    )
    assert events == [{"case": "K1", "events": 6}, {"case": "K2", "events": 2}]
    import_ok(empty_graph, folder, replace=True)
    once = dump(empty_graph)
    assert once != before
    import_ok(empty_graph, folder, replace=True)
    assert dump(empty_graph) == once


def test_errors_in_three_files_are_all_listed_and_nothing_changes(
    empty_graph: Graph, tmp_path: Path
) -> None:
    import_ok(empty_graph, write(tmp_path / "good", BASE))
    before = dump(empty_graph)
    bad = changed(
        grids=plus("grids", "G3,新网格,420602001001,compound"),
        people=plus("people", "P4,赵六,H9,X,,,"),
        case_events=plus("case_events", "K2,2026-01-06T12:00:00+08:00,CLOSE,,,"),
    )
    errors = rejected(empty_graph, write(tmp_path / "bad", bad), replace=True)
    assert errors == [
        'grids.csv:4: column kind: "compound" is not a grid kind; allowed: COMPOUND, '
        "HOUSEYARD, BASIC",
        'people.csv:5: column gender: "X" is not a gender; expected M, F or an empty cell',
        "people.csv:5: column household_id: no household H9 in households.csv",
        "case_events.csv:8: column action: Case K2 is ACCEPTED: CLOSE is not allowed; allowed "
        "actions: "
        "START, ESCALATE, REFER, NOTE. (the case's later events are checked once this one is "
        "right)",
    ]
    assert dump(empty_graph) == before
