"""DESIGN §4 through the state machine alone: every row of the table, every refused pair,
and the verification of stored histories. The table is written out here again, from the
design, so that the machine is checked against it rather than against itself."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.case_machine import (
    CaseChain,
    CaseFacts,
    Event,
    advance,
    allowed_actions,
    chain_break,
    event_content,
    report,
    verify,
)
from graph.core.errors import BadUserInput, InvalidTransition
from graph.core.model import CaseAction, CaseState, GovernanceLevel

A, S, L = CaseAction, CaseState, GovernanceLevel
CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=CST)
CHAIN = CaseChain(b"test chain key")

# DESIGN §4: (action, from, to); None keeps the state. ESCALATE also raises the level.
TABLE = [
    (A.ACCEPT, S.REPORTED, S.ACCEPTED),
    (A.VOID, S.REPORTED, S.VOIDED),
    (A.START, S.ACCEPTED, S.IN_PROGRESS),
    (A.ESCALATE, S.ACCEPTED, S.ACCEPTED),
    (A.ESCALATE, S.IN_PROGRESS, S.ACCEPTED),
    (A.RESOLVE, S.IN_PROGRESS, S.RESOLVED),
    (A.REJECT, S.RESOLVED, S.IN_PROGRESS),
    (A.CLOSE, S.RESOLVED, S.CLOSED),
    (A.REOPEN, S.CLOSED, S.IN_PROGRESS),
    (A.REFER, S.ACCEPTED, S.REFERRED),
    (A.REFER, S.IN_PROGRESS, S.REFERRED),
    *[(A.NOTE, state, state) for state in S],
]
ALLOWED = {(action, source) for action, source, _ in TABLE}
REFUSED = [
    (state, action) for state in S for action in A if (action, state) not in ALLOWED
]  # REPORT included: it only ever opens a case


def facts_in(state: CaseState, level: GovernanceLevel = L.GRID) -> CaseFacts:
    """A case that reached `state` at `level` (its hash chain starts here)."""
    facts, _ = report("K1", T0, actor_id="P1", note=None, chain=CHAIN)
    return replace(facts, state=state, level=level)


@pytest.mark.parametrize(("action", "source", "target"), TABLE)
def test_every_row_of_the_table(action: CaseAction, source: CaseState, target: CaseState) -> None:
    before = facts_in(source, L.COMMUNITY)
    at = T0 + timedelta(hours=1)
    after, event = advance(
        before, action, at, actor_id="P2", center_id="C1", note="记录", chain=CHAIN
    )
    escalated = action is A.ESCALATE
    assert (event.action, event.from_state, event.to_state) == (action, source, target)
    assert after.state is target
    assert after.level is event.level is (L.TOWNSHIP if escalated else L.COMMUNITY)
    assert after.level_since == (at if escalated else T0)
    assert (event.seq, after.last_seq) == (2, 2)
    assert (event.case_no, event.actor_id, event.center_id, event.note) == (
        "K1",
        "P2",
        "C1",
        "记录",
    )
    assert after.last_at == event.at == at
    assert (
        after.last_hash
        == event.hash
        == CHAIN.seal(
            event_content(
                Event(
                    case_no="K1",
                    seq=2,
                    at=at,
                    action=action,
                    from_state=source,
                    to_state=target,
                    level=event.level,
                    actor_id="P2",
                    center_id="C1",
                    note="记录",
                    hash="",
                ),
                before.last_hash,
            )
        )
    )


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_every_refused_pair_names_the_state_and_the_allowed_actions(
    state: CaseState, action: CaseAction
) -> None:
    allowed = [a for a in A if (a, state) in ALLOWED]
    with pytest.raises(InvalidTransition) as refused:
        advance(facts_in(state), action, T0, chain=CHAIN)
    assert refused.value.message == (
        f"Case K1 is {state.value}: {action.value} is not allowed; "
        f"allowed actions: {', '.join(a.value for a in allowed)}."
    )
    assert allowed_actions(state, L.GRID) == allowed


@pytest.mark.parametrize("state", [S.ACCEPTED, S.IN_PROGRESS])
def test_escalate_is_refused_at_the_highest_level(state: CaseState) -> None:
    with pytest.raises(InvalidTransition) as refused:
        advance(facts_in(state, L.CITY), A.ESCALATE, T0, chain=CHAIN)
    assert f"Case K1 is {state.value} at the highest level (CITY)" in refused.value.message
    assert "ESCALATE" not in refused.value.message.split("allowed actions:")[1]


def test_escalate_climbs_one_level_at_a_time() -> None:
    facts = facts_in(S.ACCEPTED)
    levels = []
    for hours in range(1, 5):
        facts, event = advance(facts, A.ESCALATE, T0 + timedelta(hours=hours), chain=CHAIN)
        levels.append(event.level)
        assert facts.level_since == T0 + timedelta(hours=hours)
    assert levels == [L.COMMUNITY, L.TOWNSHIP, L.COUNTY, L.CITY]


def test_close_records_the_level_it_settled_at_and_reopen_clears_it() -> None:
    facts = facts_in(S.RESOLVED, L.TOWNSHIP)
    closed, _ = advance(facts, A.CLOSE, T0 + timedelta(days=1), chain=CHAIN)
    assert (closed.closed_at, closed.resolved_level) == (T0 + timedelta(days=1), L.TOWNSHIP)
    reopened, _ = advance(closed, A.REOPEN, T0 + timedelta(days=2), chain=CHAIN)
    assert (reopened.closed_at, reopened.resolved_level) == (None, None)
    noted, _ = advance(closed, A.NOTE, T0 + timedelta(days=2), chain=CHAIN)
    assert (noted.closed_at, noted.resolved_level) == (T0 + timedelta(days=1), L.TOWNSHIP)


def test_a_time_before_the_last_event_is_refused_and_the_same_time_is_not() -> None:
    facts = facts_in(S.REPORTED)
    with pytest.raises(BadUserInput, match=r"before its last event \(seq 1 at 2026-03-01T09:00"):
        advance(facts, A.ACCEPT, T0 - timedelta(seconds=1), chain=CHAIN)
    assert advance(facts, A.ACCEPT, T0, chain=CHAIN)[0].state is S.ACCEPTED


# ------------------------------------------------------------------ verification


def history() -> tuple[CaseFacts, list[Event]]:
    facts, opening = report("K1", T0, actor_id="P1", note="漏水", chain=CHAIN)
    events = [opening]
    for hours, action in enumerate([A.ACCEPT, A.ESCALATE, A.START, A.RESOLVE, A.CLOSE], 1):
        facts, event = advance(
            facts,
            action,
            T0 + timedelta(hours=hours),
            actor_id="P2",
            center_id="C1",
            note=None,
            chain=CHAIN,
        )
        events.append(event)
    return facts, events


def test_an_untouched_history_verifies() -> None:
    facts, events = history()
    assert (
        verify("K1", events, last_seq=facts.last_seq, last_hash=facts.last_hash, chain=CHAIN)
        is None
    )


def test_an_edited_note_breaks_the_chain_at_that_event() -> None:
    facts, events = history()
    events[2] = replace(events[2], note="改过")
    broken = verify("K1", events, last_seq=facts.last_seq, last_hash=facts.last_hash, chain=CHAIN)
    assert broken is not None and broken.seq == 3
    assert "changed after it was recorded" in broken.reason


def test_an_edited_hash_breaks_at_that_event() -> None:
    facts, events = history()
    events[4] = replace(events[4], hash="0" * 64)
    assert (
        verify("K1", events, last_seq=facts.last_seq, last_hash=facts.last_hash, chain=CHAIN).seq
        == 5
    )  # type: ignore[union-attr]


def test_an_edit_sealed_again_is_still_caught_by_the_replay() -> None:
    _, events = history()
    forged = replace(events[3], to_state=S.RESOLVED)  # START that claims to resolve
    forged = replace(
        forged,
        hash=CHAIN.seal(event_content(forged, events[2].hash)),
    )
    events[3] = forged
    broken = chain_break("K1", events, chain=CHAIN)
    assert broken is not None and broken.seq == 4 and "sealed again" in broken.reason


def test_a_deleted_event_or_a_cut_history_is_named() -> None:
    facts, events = history()
    assert (
        verify(
            "K1",
            events[:2] + events[3:],
            last_seq=facts.last_seq,
            last_hash=facts.last_hash,
            chain=CHAIN,
        ).seq
        == 3
    )  # type: ignore[union-attr]
    cut = verify("K1", events[:-1], last_seq=facts.last_seq, last_hash=facts.last_hash, chain=CHAIN)
    assert cut is not None and cut.seq == 6 and "missing" in cut.reason
    assert verify("K1", [], last_seq=1, last_hash="x", chain=CHAIN).seq == 1  # type: ignore[union-attr]


def test_a_case_whose_seal_does_not_match_its_last_event() -> None:
    facts, events = history()
    assert verify("K1", events, last_seq=facts.last_seq, last_hash="f" * 64, chain=CHAIN).seq == 6  # type: ignore[union-attr]
    assert (
        verify(
            "K1", events, last_seq=facts.last_seq - 1, last_hash=facts.last_hash, chain=CHAIN
        ).seq
        == 6
    )  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(A)), max_size=25), st.data())
def test_any_history_the_machine_writes_verifies(
    actions: list[CaseAction], data: st.DataObject
) -> None:
    facts, opening = report("K9", T0, actor_id=None, note=None, chain=CHAIN)
    events = [opening]
    for index, action in enumerate(actions, 1):
        at = T0 + timedelta(minutes=index * data.draw(st.integers(0, 3)))
        at = max(at, facts.last_at)
        if action not in allowed_actions(facts.state, facts.level):
            with pytest.raises(InvalidTransition):
                advance(facts, action, at, chain=CHAIN)
            continue
        facts, event = advance(facts, action, at, chain=CHAIN)
        assert event.from_state is events[-1].to_state
        events.append(event)
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert (
        verify("K9", events, last_seq=facts.last_seq, last_hash=facts.last_hash, chain=CHAIN)
        is None
    )
