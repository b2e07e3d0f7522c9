"""The case state machine of DESIGN §4, written once for the import and the API.

A case's current facts are folded event by event through `advance`, which refuses
what the table does not allow. Each event carries a seal over its own content and
the previous event's seal: an HMAC under a key derived from the personal-data key,
which the database does not hold, so that whoever can write to the database alone
cannot edit a history and seal it again. A seal reads `<key id>:<hex>`; the key id
says which key made it (graph.security.sealing.key_id), so that a key can rotate.
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from graph.core.errors import BadUserInput, InvalidTransition
from graph.core.model import CaseAction, CaseState, GovernanceLevel
from graph.security.sealing import PiiKeys, key_id

CHAIN_KEY_PURPOSE = "case-history chain"

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
class CaseChain:
    """The key that seals case events."""

    key: bytes

    @classmethod
    def of(cls, keys: PiiKeys) -> "CaseChain":
        return cls(keys.derived(CHAIN_KEY_PURPOSE))

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    def seal(self, canonical: str) -> str:
        return f"{self.key_id}:{hmac.digest(self.key, canonical.encode(), hashlib.sha256).hex()}"


class UnkeyedChain(CaseChain):
    """The unkeyed SHA-256 chain of histories written before the keyed one: verified once,
    when they are re-sealed (graph.cases.reseal), and never written any more."""

    def seal(self, canonical: str) -> str:
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


UNKEYED = UnkeyedChain(b"")


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
    case_no: str, at: datetime, *, actor_id: str | None, note: str | None, chain: CaseChain
) -> tuple[CaseFacts, Event]:
    """The REPORT event that opens every case: seq 1, REPORTED, at GRID."""
    event = _sealed(
        Event(
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
            hash="",
        ),
        previous_hash="",
        chain=chain,
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
    chain: CaseChain,
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
        Event(
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
            hash="",
        ),
        previous_hash=facts.last_hash,
        chain=chain,
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


def refold(facts: CaseFacts | None, event: Event, *, chain: CaseChain) -> tuple[CaseFacts, Event]:
    """`event` made again from its content, after `facts` (None: it is the REPORT)."""
    if facts is None:
        return report(
            event.case_no, event.at, actor_id=event.actor_id, note=event.note, chain=chain
        )
    return advance(
        facts,
        event.action,
        event.at,
        actor_id=event.actor_id,
        center_id=event.center_id,
        note=event.note,
        chain=chain,
    )


def event_content(event: Event, previous_hash: str) -> str:
    """What an event's seal is made over: its content (not its own seal) and the seal before
    it, as canonical JSON."""
    content = {
        "previous": previous_hash,
        "caseNo": event.case_no,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "action": event.action.value,
        "fromState": event.from_state.value if event.from_state else None,
        "toState": event.to_state.value,
        "level": event.level.value,
        "actorId": event.actor_id,
        "centerId": event.center_id,
        "note": event.note,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Break:
    """Where a stored history stops verifying: the first event it cannot vouch for, and why."""

    seq: int
    reason: str


def verify(
    case_no: str, events: Sequence[Event], *, last_seq: int, last_hash: str, chain: CaseChain
) -> Break | None:
    """The first broken event of a case's stored history (events by seq), or None when intact:
    the chain replays, and it ends where the case says its history ends."""
    if broken := chain_break(case_no, events, chain=chain):
        return broken
    if last_seq > len(events):
        return Break(len(events) + 1, f"is missing: the case's history runs to seq {last_seq}")
    if last_seq < len(events):
        return Break(last_seq + 1, f"follows seq {last_seq}, where the case says its history ends")
    if events and events[-1].hash != last_hash:
        return Break(last_seq, "its hash is not the one the case holds for its last event")
    return None


def chain_break(case_no: str, events: Sequence[Event], *, chain: CaseChain) -> Break | None:
    """The first event that is not exactly what report/advance make of the events before it
    (content and hash), or None. Replaying, not only re-hashing, also catches an event that
    was edited and sealed again but is no step the machine allows."""
    facts: CaseFacts | None = None
    previous_hash = ""
    for seq, stored in enumerate(events, start=1):
        if stored.seq != seq:
            return Break(seq, "is missing")
        try:
            # Made for this case: an event that claims another case number differs.
            facts, rebuilt = refold(facts, replace(stored, case_no=case_no), chain=chain)
        except (InvalidTransition, BadUserInput) as refused:
            return Break(seq, f"is no step the state machine allows: {refused.message}")
        if rebuilt != stored:
            return Break(seq, _why_differs(stored, previous_hash, chain))
        previous_hash = stored.hash
    return None


def _why_differs(stored: Event, previous_hash: str, chain: CaseChain) -> str:
    kid, colon, _ = stored.hash.partition(":")
    if not colon:
        return (
            "it carries an unkeyed hash, which anyone can recompute: the history was never "
            "re-sealed under the key, or was rewritten since"
        )
    if kid != chain.key_id:
        return f"it was sealed under a key this server does not hold (key id {kid})"
    if chain.seal(event_content(stored, previous_hash)) != stored.hash:
        return "its content or seal was changed after it was recorded"
    return "it was changed and sealed again: it is not what the events before it lead to"


def _sealed(unsealed: Event, *, previous_hash: str, chain: CaseChain) -> Event:
    return replace(unsealed, hash=chain.seal(event_content(unsealed, previous_hash)))
