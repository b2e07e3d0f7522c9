"""Case histories sealed with a keyed HMAC: a rewrite made with database access alone, even
one that recomputes every hash, fails the audit; histories sealed with the old unkeyed SHA-256
chain are re-sealed once, with a NOTE event saying so."""

import json
from dataclasses import replace

import pytest

from graph import cases
from graph.case_machine import UNKEYED, CaseChain, Event, event_content
from graph.cases import CASE_EVENTS
from graph.core import batch
from tests.case_support import case_in
from tests.plan.support import Paths
from tests.support import TEST_CHAIN, Api, Graph, govgraph

pytestmark = pytest.mark.usefixtures("demo")

INTACT = "query($c: String!) { case(caseNo: $c) { historyIntact events { seq action note actor { id } } } }"


def rechain(graph: Graph, case_no: str, chain: CaseChain, note: str | None = None) -> None:
    """Rewrite event 3's note (when given) and seal the whole history again under `chain`,
    as whoever can write to the database can."""
    events = graph.run(lambda db: batch.lists(db, CASE_EVENTS, [case_no]))[case_no]
    previous = ""
    rows = []
    for event in events:
        assert isinstance(event, Event)
        if note is not None and event.seq == 3:
            event = replace(event, note=note)
        previous = chain.seal(event_content(event, previous))
        rows.append({"seq": event.seq, "note": event.note, "hash": previous})
    graph.cypher(
        "UNWIND $rows AS row MATCH (e:CaseEvent {caseNo: $c, seq: row.seq}) "
        "SET e.note = row.note, e.hash = row.hash "
        "WITH count(*) AS done MATCH (n:Case {caseNo: $c}) SET n.lastHash = $last",
        rows=rows, c=case_no, last=previous,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        (UNKEYED, "carries an unkeyed hash"),
        (CaseChain(b"a guessed key"), "sealed under a key this server does not hold"),
    ],
)
def test_a_rewrite_sealed_again_without_the_key_fails_the_audit(
    api: Api, graph: Graph, chain: CaseChain, reason: str
) -> None:
    graph.run(lambda db: cases.reseal(db, TEST_CHAIN))  # as the server's first start does
    forged = case_in(api, "RESOLVED")["caseNo"]
    rechain(graph, forged, chain, note="改写, 哈希重算")
    assert api.data(INTACT, {"c": forged})["case"]["historyIntact"] is False
    # The read planner checks the seals after its one statement, as the resolvers do.
    paths = Paths(graph)
    try:
        answer = paths.both(INTACT, {"c": forged})
    finally:
        paths.close()
    assert answer.plan == "compiled" and answer.statements == 1
    assert json.loads(answer.body)["data"]["case"]["historyIntact"] is False
    # Old chains were re-sealed once: a rewrite made to pass for an old history is not.
    assert graph.run(lambda db: cases.reseal(db, TEST_CHAIN)) == 0
    assert api.data(INTACT, {"c": forged})["case"]["historyIntact"] is False
    done = govgraph(graph, "audit", "verify")
    assert done.returncode == 1
    assert forged in done.stdout and reason in " ".join(done.stdout.split())


def test_old_unkeyed_chains_are_resealed_once_with_a_note(api: Api, graph: Graph) -> None:
    old = case_in(api, "RESOLVED")["caseNo"]
    rechain(graph, old, UNKEYED)  # as written before the keyed chain
    broken_old = case_in(api, "RESOLVED")["caseNo"]
    rechain(graph, broken_old, UNKEYED)
    graph.cypher("MATCH (e:CaseEvent {caseNo: $c, seq: 3}) SET e.note = '改写'", c=broken_old)
    assert api.data(INTACT, {"c": old})["case"]["historyIntact"] is False

    # As in a database from before the keyed chain, not yet re-sealed.
    graph.cypher("MATCH (m:Migration {name: $name}) DELETE m", name=cases.RESEAL_MIGRATION)
    assert graph.run(lambda db: cases.reseal(db, TEST_CHAIN)) >= 1
    (migration,) = graph.cypher(
        "MATCH (m:Migration {name: $name}) RETURN m.keyId AS keyId", name=cases.RESEAL_MIGRATION
    )
    assert migration == {"keyId": TEST_CHAIN.key_id}
    case = api.data(INTACT, {"c": old})["case"]
    assert case["historyIntact"] is True
    note = case["events"][-1]
    assert (note["seq"], note["action"], note["actor"]) == (5, "NOTE", None)
    assert "re-sealed" in note["note"] and TEST_CHAIN.key_id in note["note"]
    # A chain already broken is not blessed: it stays broken, and the audit names it.
    assert api.data(INTACT, {"c": broken_old})["case"]["historyIntact"] is False
    assert graph.run(lambda db: cases.reseal(db, TEST_CHAIN)) == 0
    done = govgraph(graph, "audit", "verify")
    assert broken_old in done.stdout and old not in done.stdout
