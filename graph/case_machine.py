"""The case state machine of DESIGN §4, written once for the import and the API.

A case's current facts are folded event by event through `advance`, which refuses
what the table does not allow. Each event carries a hash over its own content and
the previous event's hash, so an edited history no longer verifies.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from graph.core.errors import BadUserInput, InvalidTransition
from graph.core.model import CaseAction, CaseState, GovernanceLevel

LEVELS = list(GovernanceLevel)  # lowest first

S = CaseState
A = CaseAction
# action -> (states it may follow, state it leads to; None keeps the state)
TRANSITIONS: dict[CaseAction, tuple[frozenset[CaseState], CaseState | None]] = {
    A.ACCEPT: (frozenset({S.REPORTED}), S.ACCEPTED),
    A.VOID: (frozenset({S.REPORTED}), S.VOIDED),
    A.START: (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    A.ESCALATE: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.ACCEPTED),
    A.RESOLVE: (frozenset({S.IN_PROGRESS}), S.RESOLVED),
    A.REJECT: (frozenset({S.RESOLVED}), S.IN_PROGRESS),
    A.CLOSE: (frozenset({S.RESOLVED}), S.CLOSED),
    A.REOPEN: (frozenset({S.CLOSED}), S.IN_PROGRESS),
    A.REFER: (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.REFERRED),
    A.NOTE: (frozenset(S), None),
}


@dataclass(frozen=True)
class Event:
    case_no: str
    seq: int
    at: datetime
    action: CaseAction
    from_state: CaseState | None
    to_state: CaseState
    level: GovernanceLevel
    actor_id: str | None
    center_id: str | None
    note: str | None
    hash: str


@dataclass(frozen=True)
class CaseFacts:
    """What a case is after its last event."""

    case_no: str
    state: CaseState
    level: GovernanceLevel
    last_seq: int
    last_at: datetime
    last_hash: str
    level_since: datetime  # when the case reached its current level (overdue cases)
    closed_at: datetime | None = None
    resolved_level: GovernanceLevel | None = None


def allowed_actions(state: CaseState, level: GovernanceLevel) -> list[CaseAction]:
    return [
        action
        for action, (sources, _) in TRANSITIONS.items()
        if state in sources and not (action is A.ESCALATE and level is LEVELS[-1])
    ]


def report(
    case_no: str, at: datetime, *, actor_id: str | None, note: str | None
) -> tuple[CaseFacts, Event]:
    """The REPORT event that opens every case: seq 1, REPORTED, at GRID."""
    event = _sealed(
        case_no=case_no,
        seq=1,
        at=at,
        action=A.REPORT,
        from_state=None,
        to_state=S.REPORTED,
        level=LEVELS[0],
        actor_id=actor_id,
        center_id=None,
        note=note,
        previous_hash="",
    )
    facts = CaseFacts(
        case_no=case_no,
        state=S.REPORTED,
        level=LEVELS[0],
        last_seq=1,
        last_at=at,
        last_hash=event.hash,
        level_since=at,
    )
    return facts, event


def advance(
    facts: CaseFacts,
    action: CaseAction,
    at: datetime,
    *,
    actor_id: str | None = None,
    center_id: str | None = None,
    note: str | None = None,
) -> tuple[CaseFacts, Event]:
    """The next event of a case, or InvalidTransition / BadUserInput saying why not."""
    allowed = allowed_actions(facts.state, facts.level)
    if action not in allowed:
        names = ", ".join(a.value for a in allowed) or "none"
        where = (
            " at the highest level (CITY)"
            if action is A.ESCALATE and facts.state in TRANSITIONS[A.ESCALATE][0]
            else ""
        )
        raise InvalidTransition(
            f"Case {facts.case_no} is {facts.state.value}{where}: {action.value} is not allowed; "
            f"allowed actions: {names}."
        )
    if at < facts.last_at:
        raise BadUserInput(
            f"Case {facts.case_no}: the time {at.isoformat()} is before its last event "
            f"(seq {facts.last_seq} at {facts.last_at.isoformat()})."
        )
    target = TRANSITIONS[action][1] or facts.state
    escalated = action is A.ESCALATE
    level = LEVELS[LEVELS.index(facts.level) + 1] if escalated else facts.level
    event = _sealed(
        case_no=facts.case_no,
        seq=facts.last_seq + 1,
        at=at,
        action=action,
        from_state=facts.state,
        to_state=target,
        level=level,
        actor_id=actor_id,
        center_id=center_id,
        note=note,
        previous_hash=facts.last_hash,
    )
    # The last CLOSE sets both; a NOTE on a closed case keeps them; leaving CLOSED clears them.
    closing, still_closed = action is A.CLOSE, target is S.CLOSED
    return replace(
        facts,
        state=target,
        level=level,
        last_seq=event.seq,
        last_at=at,
        last_hash=event.hash,
        level_since=at if escalated else facts.level_since,
        # A case only reaches CLOSE from RESOLVED, where its level cannot change, so
        # the confirmed RESOLVE happened at the current level.
        closed_at=at if closing else facts.closed_at if still_closed else None,
        resolved_level=level if closing else facts.resolved_level if still_closed else None,
    ), event


def event_hash(
    *,
    previous_hash: str,
    case_no: str,
    seq: int,
    at: datetime,
    action: CaseAction,
    from_state: CaseState | None,
    to_state: CaseState,
    level: GovernanceLevel,
    actor_id: str | None,
    center_id: str | None,
    note: str | None,
) -> str:
    content = {
        "previous": previous_hash,
        "caseNo": case_no,
        "seq": seq,
        "at": at.isoformat(),
        "action": action.value,
        "fromState": from_state.value if from_state else None,
        "toState": to_state.value,
        "level": level.value,
        "actorId": actor_id,
        "centerId": center_id,
        "note": note,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where a stored history stops verifying: the first event it cannot vouch for, and why."""

    seq: int
    reason: str


def verify(case_no: str, events: Sequence[Event], *, last_seq: int, last_hash: str) -> Break | None:
    """The first broken event of a case's stored history (events by seq), or None when intact:
    the chain replays, and it ends where the case says its history ends."""
    if broken := chain_break(case_no, events):
        return broken
    if last_seq > len(events):
        return Break(len(events) + 1, f"is missing: the case's history runs to seq {last_seq}")
    if last_seq < len(events):
        return Break(last_seq + 1, f"follows seq {last_seq}, where the case says its history ends")
    if events and events[-1].hash != last_hash:
        return Break(last_seq, "its hash is not the one the case holds for its last event")
    return None


def chain_break(case_no: str, events: Sequence[Event]) -> Break | None:
    """The first event that is not exactly what report/advance make of the events before it
    (content and hash), or None. Replaying, not only re-hashing, also catches an event that
    was edited and sealed again but is no step the machine allows."""
    facts: CaseFacts | None = None
    previous_hash = ""
    for seq, stored in enumerate(events, start=1):
        if stored.seq != seq:
            return Break(seq, "is missing")
        try:
            if facts is None:
                facts, rebuilt = report(
                    case_no, stored.at, actor_id=stored.actor_id, note=stored.note
                )
            else:
                facts, rebuilt = advance(
                    facts,
                    stored.action,
                    stored.at,
                    actor_id=stored.actor_id,
                    center_id=stored.center_id,
                    note=stored.note,
                )
        except (InvalidTransition, BadUserInput) as refused:
            return Break(seq, f"is no step the state machine allows: {refused.message}")
        if rebuilt != stored:
            return Break(seq, _why_differs(stored, previous_hash))
        previous_hash = stored.hash
    return None


def _why_differs(stored: Event, previous_hash: str) -> str:
    own = event_hash(
        previous_hash=previous_hash,
        case_no=stored.case_no,
        seq=stored.seq,
        at=stored.at,
        action=stored.action,
        from_state=stored.from_state,
        to_state=stored.to_state,
        level=stored.level,
        actor_id=stored.actor_id,
        center_id=stored.center_id,
        note=stored.note,
    )
    if own != stored.hash:
        return "its content or hash was changed after it was recorded"
    return "it was changed and sealed again: it is not what the events before it lead to"


def _sealed(
    *,
    case_no: str,
    seq: int,
    at: datetime,
    action: CaseAction,
    from_state: CaseState | None,
    to_state: CaseState,
    level: GovernanceLevel,
    actor_id: str | None,
    center_id: str | None,
    note: str | None,
    previous_hash: str,
) -> Event:
    digest = event_hash(
        previous_hash=previous_hash,
        case_no=case_no,
        seq=seq,
        at=at,
        action=action,
        from_state=from_state,
        to_state=to_state,
        level=level,
        actor_id=actor_id,
        center_id=center_id,
        note=note,
    )
    return Event(
        case_no=case_no,
        seq=seq,
        at=at,
        action=action,
        from_state=from_state,
        to_state=to_state,
        level=level,
        actor_id=actor_id,
        center_id=center_id,
        note=note,
        hash=digest,
    )
