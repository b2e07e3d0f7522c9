"""DESIGN §4: concurrent steps of one case are serialised on the case's write lock, each
checked against the state it really follows; with expectedSeq exactly one of many wins.
Over real HTTP with many clients at once, and at the lock itself."""

import asyncio
import itertools
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from neo4j.exceptions import TransientError

from graph import case_machine, cases
from graph.cases import Case, Step
from graph.core.db import Database, Transaction
from graph.core.model import CaseAction, CaseCategory
from tests.case_support import ACTOR, case_in
from tests.support import TEST_CHAIN, Api, Graph

pytestmark = pytest.mark.usefixtures("demo")

CLIENTS = 24
STEP = """mutation($input: AdvanceCaseInput!) { advanceCase(input: $input) {
  state events { seq action } } }"""
REPORT = "mutation($input: ReportCaseInput!) { reportCase(input: $input) { caseNo } }"
HISTORY = """query($caseNo: String!) { case(caseNo: $caseNo) { state historyIntact
  events { seq action fromState toState } } }"""


def all_at_once(api: Api, query: str, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each request from its own client and thread, released together."""
    start = threading.Barrier(len(inputs))

    def send(variables: dict[str, Any]) -> dict[str, Any]:
        auth = {"Authorization": f"Bearer {api.bearer}"}
        with httpx.Client(base_url=api.base_url, timeout=120, headers=auth) as client:
            client.get("/graphql", headers={"Accept": "text/html"})  # connect before the start
            start.wait()
            response = client.post("/graphql", json={"query": query, "variables": variables})
            return response.json()

    with ThreadPoolExecutor(len(inputs)) as pool:
        return list(pool.map(send, [{"input": given} for given in inputs]))


def outcome(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"] if "errors" in body else "OK"


def test_with_expected_seq_exactly_one_of_many_wins(api: Api) -> None:
    case_no = case_in(api, "IN_PROGRESS")["caseNo"]  # seq 3
    steps = [
        {"caseNo": case_no, "action": "NOTE", "expectedSeq": 3, "note": f"client {i}"}
        for i in range(CLIENTS)
    ]
    outcomes = Counter(outcome(body) for body in all_at_once(api, STEP, steps))
    assert outcomes == {"OK": 1, "CONFLICT": CLIENTS - 1}
    events = api.data(HISTORY, {"caseNo": case_no})["case"]["events"]
    assert [event["seq"] for event in events] == [1, 2, 3, 4]


def test_without_expected_seq_every_step_follows_the_state_it_really_follows(api: Api) -> None:
    case_no = case_in(api, "IN_PROGRESS")["caseNo"]
    # RESOLVE and REJECT each need the state the other leaves, NOTE any: how many of the
    # first two succeed depends on the order; that every one is checked against the
    # state before it does not.
    actions = list(itertools.islice(itertools.cycle(["RESOLVE", "REJECT", "NOTE"]), CLIENTS))
    steps = [{"caseNo": case_no, "action": action, "actorId": ACTOR} for action in actions]
    outcomes = Counter(outcome(body) for body in all_at_once(api, STEP, steps))
    assert set(outcomes) <= {"OK", "INVALID_TRANSITION"}, outcomes  # never a lost update
    assert outcomes["OK"] >= actions.count("NOTE")
    case = api.data(HISTORY, {"caseNo": case_no})["case"]
    events = case["events"]
    assert [event["seq"] for event in events] == list(range(1, 4 + outcomes["OK"]))
    for previous, event in itertools.pairwise(events):
        assert event["fromState"] == previous["toState"]
    assert case["state"] == events[-1]["toState"] and case["historyIntact"]


def test_concurrent_reports_draw_distinct_numbers(api: Api) -> None:
    report = {"title": "同时上报", "category": "HAZARD", "gridCode": "420602001001-G04"}
    bodies = all_at_once(api, REPORT, [report] * CLIENTS)
    numbers = [body["data"]["reportCase"]["caseNo"] for body in bodies]
    assert len(set(numbers)) == CLIENTS


# ------------------------------------------------------------------ the lock itself


def new_case(graph: Graph) -> str:
    new = cases.NewCase(None, "锁", CaseCategory.DISPUTE, "420602001001-G04", None, None, None)
    return graph.run(lambda db: cases.report(db, new, TEST_CHAIN)).case_no


def step(case_no: str, action: CaseAction, note: str | None = None) -> Step:
    return Step(case_no, action, None, None, None, None, note)


def test_a_step_waits_for_the_lock_and_then_reads_what_the_holder_committed(
    graph: Graph,
) -> None:
    case_no = new_case(graph)

    async def race(db: Database) -> tuple[Case, bool, Case]:
        async with db.driver.session(database=db.name) as session:
            held = await session.begin_transaction()
            first = await cases.take_step(
                Transaction(held, db), step(case_no, CaseAction.ACCEPT), TEST_CHAIN
            )
            second = asyncio.create_task(
                cases.advance(db, step(case_no, CaseAction.START), TEST_CHAIN)
            )
            await asyncio.sleep(1.5)
            waited = not second.done()
            await held.commit()
        return first, waited, await second

    first, waited, second = graph.run(race)
    assert waited, "the second step did not wait for the first one's lock"
    assert (first.last_seq, first.state.value) == (2, "ACCEPTED")
    # Had it read before the lock, it would have seen REPORTED and been refused START.
    assert (second.last_seq, second.state.value) == (3, "IN_PROGRESS")


def test_a_retried_step_reads_the_case_again(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    case_no = new_case(graph)
    fold = case_machine.advance
    seen: list[int] = []  # the last seq each fold started from

    async def race(db: Database) -> tuple[Case, Case]:
        failed = asyncio.Event()

        def flaky(facts: case_machine.CaseFacts, *args: Any, **kwargs: Any) -> Any:
            seen.append(facts.last_seq)
            if len(seen) == 1:  # as a deadlock would: the driver retries the transaction
                failed.set()
                raise TransientError("simulated deadlock")
            return fold(facts, *args, **kwargs)

        monkeypatch.setattr(case_machine, "advance", flaky)
        retried = asyncio.create_task(
            cases.advance(db, step(case_no, CaseAction.NOTE, "A"), TEST_CHAIN)
        )
        await failed.wait()
        # Between the failed attempt and its retry, another step lands.
        meanwhile = await cases.advance(db, step(case_no, CaseAction.ACCEPT), TEST_CHAIN)
        return meanwhile, await retried

    meanwhile, retried = graph.run(race)
    assert seen == [1, 1, 2]
    assert (meanwhile.last_seq, retried.last_seq, retried.state.value) == (2, 3, "ACCEPTED")
