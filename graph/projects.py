"""Projects of joint creation (共同缔造: 共谋、共建、共管、共评): a renovation, a charger shed,
a shared space … in a grid or a red house-yard; where it came from (a meeting, the residents'
list, a case), what the community or village provided and what residents gave, the resident
representatives who supervise it, and its history: one ProjectEvent per step, appended and
never edited, seq 1, 2, 3 … with no gap, as a case's (DESIGN §4).

    (Project)-[:IN]->(Grid)                 (Project)-[:CAME_FROM]->(Case|Meeting)
    (Project)-[:SUPERVISED_BY]->(Person)    (Project)-[:HAS_EVENT]->(ProjectEvent)
    (ProjectEvent)-[:BY]->(Person)          (Evaluation)-[:OF]->(Project)
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Row, Transaction, write_lock
from graph.core.errors import BadUserInput, Conflict, InvalidTransition, NotFound
from graph.core.model import (
    PROJECT_NEXT,
    ProjectKind,
    ProjectOrigin,
    ProjectState,
    Rating,
)
from graph.core.records import record
from graph.evaluations import (
    EVALUATION,
    RATING_COUNTS,
    RATING_ENTRIES,
    Evaluation,
    Satisfaction,
    evaluation_id,
    rating_sums,
)
from graph.people import PEOPLE
from graph.security import scope
from graph.security.scope import person_visible
from graph.visits import period


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    kind: ProjectKind
    origin: ProjectOrigin
    state: ProjectState
    materials: str | None  # what the community or village provided, in words
    money_yuan: int | None  # and in money
    labour_days: int | None  # what residents gave: days of work (投工投劳)
    proposed_at: datetime
    last_seq: int
    grid_code: str
    case_no: str | None  # the case it came from
    meeting_id: str | None  # the meeting it came from
    supervisor_ids: list[str]  # resident representatives who supervise it


@dataclass(frozen=True)
class ProjectEvent:
    project_id: str
    seq: int
    at: datetime
    from_state: ProjectState | None  # None for the proposal
    to_state: ProjectState
    actor_id: str | None
    note: str | None


PROJECT = (
    ".id, .title, .kind, .origin, .state, .materials, money_yuan: n.moneyYuan, "
    "labour_days: n.labourDays, proposed_at: n.proposedAt, last_seq: n.lastSeq, "
    "grid_code: head([(n)-[:IN]->(g:Grid) | g.code]), "
    "case_no: head([(n)-[:CAME_FROM]->(c:Case) | c.caseNo]), "
    "meeting_id: head([(n)-[:CAME_FROM]->(m:Meeting) | m.id]), "
    "supervisor_ids: COLLECT { MATCH (n)-[:SUPERVISED_BY]->(p:Person) RETURN p.id ORDER BY p.id }"
)
EVENT = (
    "project_id: n.project, .seq, .at, from_state: n.fromState, to_state: n.toState, "
    "actor_id: head([(n)-[:BY]->(p:Person) | p.id]), .note"
)
# A project is seen where its grid is seen (DESIGN §5).
VISIBLE = scope.placed_in_scope("n")
# Of one state and one kind, or of all: the parameters $state and $kind.
OF_STATE_AND_KIND = "($state IS NULL OR n.state = $state) AND ($kind IS NULL OR n.kind = $kind)"

PROJECTS = Lookup("Project", "id", PROJECT, partial(record, Project), VISIBLE)
PROJECT_EVENTS = Walk(
    "MATCH (:Project {id: parent})-[:HAS_EVENT]->(n:ProjectEvent)",
    "seq",
    EVENT,
    partial(record, ProjectEvent),
)
PROJECT_EVALUATIONS = Walk(
    "MATCH (:Project {id: parent})<-[:OF]-(n:Evaluation)",
    "id",
    EVALUATION,
    partial(record, Evaluation),
)
GRID_PROJECTS = Walk(
    "MATCH (:Grid {code: parent})<-[:IN]-(n:Project)", "id", PROJECT, partial(record, Project)
)
CASE_PROJECTS = Walk(
    "MATCH (:Case {caseNo: parent})<-[:CAME_FROM]-(n:Project)",
    "id",
    PROJECT,
    partial(record, Project),
    VISIBLE,
)
# The supervisors the reader may see, by id, as the read planner walks them.
PROJECT_SUPERVISORS = Walk(
    "MATCH (:Project {id: parent})-[:SUPERVISED_BY]->(n:Person)",
    "id",
    PEOPLE.projection,
    PEOPLE.build,
    PEOPLE.visible,
)
PROJECTS_WITHIN = Walk(
    f"""{scope.grids_within("parent")}
    MATCH (g)<-[:IN]-(n:Project) WHERE {OF_STATE_AND_KIND}""",
    "id",
    PROJECT,
    partial(record, Project),
)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class StateCount:
    state: ProjectState
    projects: int


@dataclass(frozen=True, kw_only=True)
class KindFigures(Satisfaction):
    kind: ProjectKind
    projects: int


@dataclass(frozen=True, kw_only=True)
class ProjectStats(Satisfaction):
    projects: int
    by_state: list[StateCount]  # every state, PROPOSED first
    by_kind: list[KindFigures]  # every kind, in the enum's order


# The projects proposed within $within on the days [$from, $until), grouped by state and
# kind with their ratings; the scope checked in the same statement.
_STATS = f"""
{scope.within_checked()}
WITH found, allowed
CALL (found, allowed) {{
  WITH found WHERE found AND allowed
  {scope.GRIDS_WITHIN}
  MATCH (n:Project)-[:IN]->(g)
  WHERE ($from IS NULL OR n.proposedAt >= $from) AND ($until IS NULL OR n.proposedAt < $until)
  WITH n.state AS state, n.kind AS kind, count(n) AS projects, {RATING_COUNTS}
  RETURN collect({{state: state, kind: kind, projects: projects, {RATING_ENTRIES}}}) AS figures
}}
RETURN found, allowed, figures"""


async def stats(
    db: Database, within: str, *, first: date | None, last: date | None
) -> ProjectStats:
    """Projects proposed within the scope on the days first..last (either open): one
    statement, FORBIDDEN or NOT_FOUND for a `within` the reader may not ask about."""
    (row,) = await db.read(_STATS, {"within": within, **period(first, last)})
    scope.judge(db, within, row)
    return stats_of(row["figures"])


def stats_of(rows: Sequence[Row]) -> ProjectStats:
    def figures_of(kind: ProjectKind) -> KindFigures:
        of_kind = [row for row in rows if row["kind"] == kind.value]
        projects = sum(row["projects"] for row in of_kind)
        return KindFigures(kind=kind, projects=projects, **rating_sums(of_kind))

    by_kind = [figures_of(kind) for kind in ProjectKind]
    by_state = [
        StateCount(state, sum(row["projects"] for row in rows if row["state"] == state.value))
        for state in ProjectState
    ]
    return ProjectStats(
        projects=sum(row["projects"] for row in rows),
        by_state=by_state,
        by_kind=by_kind,
        **rating_sums(rows),
    )


# ---------------------------------------------------------------- writes


@dataclass(frozen=True)
class NewProject:
    title: str
    kind: ProjectKind
    origin: ProjectOrigin
    grid_code: str
    case_no: str | None
    meeting_id: str | None
    supervisor_ids: list[str]
    materials: str | None
    money_yuan: int | None
    labour_days: int | None
    actor_id: str | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class ProjectStep:
    """What advanceProject asks for: the next state, checked against what the asker saw."""

    project_id: str
    to_state: ProjectState
    expected_state: ProjectState | None
    expected_seq: int | None
    actor_id: str | None
    note: str | None
    at: datetime
    # What the community or village and the residents gave so far, when it changed.
    materials: str | None
    money_yuan: int | None
    labour_days: int | None


@dataclass(frozen=True)
class NewProjectEvaluation:
    project_id: str
    household_id: str
    rating: Rating
    comment: str | None
    at: datetime


def project_id(at: datetime) -> str:
    return f"J-{at:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


# The references of a proposal, each seen by the writer, in one read.
_PROPOSAL_REFERENCES = f"""
    OPTIONAL MATCH (g:Grid {{code: $grid}})
    OPTIONAL MATCH (c:Case {{caseNo: $case}}) WHERE {scope.case_in_scope("c")}
    OPTIONAL MATCH (m:Meeting {{id: $meeting}}) WHERE {scope.placed_in_scope("m")}
    OPTIONAL MATCH (a:Person {{id: $actor}}) WHERE {person_visible("a")}
    RETURN g IS NOT NULL AS grid, g IS NULL OR {scope.grid_in_scope("g")} AS allowed,
           c IS NOT NULL OR $case IS NULL AS case, m IS NOT NULL OR $meeting IS NULL AS meeting,
           a IS NOT NULL OR $actor IS NULL AS actor,
           [id IN $supervisors WHERE NOT EXISTS {{
             MATCH (p:Person {{id: id}}) WHERE {person_visible("p")} }}] AS unknown"""
_CREATE = f"""
    MATCH (g:Grid {{code: $grid}})
    CREATE (n:Project $props)-[:IN]->(g)
    CREATE (n)-[:HAS_EVENT]->(e:ProjectEvent $event)
    WITH n, e
    CALL (n) {{ MATCH (c:Case {{caseNo: $case}}) CREATE (n)-[:CAME_FROM]->(c) }}
    CALL (n) {{ MATCH (m:Meeting {{id: $meeting}}) CREATE (n)-[:CAME_FROM]->(m) }}
    CALL (n) {{
      UNWIND $supervisors AS id MATCH (p:Person {{id: id}}) CREATE (n)-[:SUPERVISED_BY]->(p)
    }}
    CALL (e) {{ MATCH (a:Person {{id: $actor}}) CREATE (e)-[:BY]->(a) }}
    RETURN n {{{PROJECT}}} AS row"""


async def propose(db: Database, new: NewProject) -> Project:
    """A project proposed (its event seq 1, PROPOSED), in one transaction; FORBIDDEN for a
    grid outside the writer's scope before anything is written."""
    params = {
        "grid": new.grid_code,
        "case": new.case_no,
        "meeting": new.meeting_id,
        "actor": new.actor_id,
        "supervisors": new.supervisor_ids,
    }

    async def work(tx: Transaction) -> Project:
        (found,) = await tx.run(_PROPOSAL_REFERENCES, params)
        if not found["allowed"]:
            raise scope.outside(tx, new.grid_code)
        if not found["grid"]:
            raise NotFound(f"No grid or house-yard has the code {new.grid_code!r}.")
        for field, key, noun in (
            ("case", new.case_no, "case has the number"),
            ("meeting", new.meeting_id, "meeting has the id"),
            ("actor", new.actor_id, "person has the id"),
        ):
            if not found[field]:
                raise scope.unseen(tx, str(key), NotFound(f"No {noun} {key!r}."))
        if found["unknown"]:
            (first, *_) = found["unknown"]
            missing = NotFound(f"No person has the id {first!r} (a supervisor).")
            raise scope.unseen(tx, first, missing)
        key = project_id(new.at)
        props = {
            "id": key,
            "title": new.title,
            "kind": new.kind.value,
            "origin": new.origin.value,
            "state": ProjectState.PROPOSED.value,
            "materials": new.materials,
            "moneyYuan": new.money_yuan,
            "labourDays": new.labour_days,
            "proposedAt": new.at,
            "lastSeq": 1,
        }
        event = event_props(key, 1, new.at, to_state=ProjectState.PROPOSED, note=new.note)
        (row,) = await tx.run(_CREATE, {**params, "props": props, "event": event})
        return record(Project, row["row"])

    return await db.write_transaction(work)


def event_props(
    project: str, seq: int, at: datetime, *, to_state: ProjectState, note: str | None
) -> Row:
    """A ProjectEvent's properties; its from-state is the state before it."""
    before = next((old for old, then in PROJECT_NEXT.items() if then is to_state), None)
    return {
        "project": project,
        "seq": seq,
        "at": at,
        "fromState": before.value if before else None,
        "toState": to_state.value,
        "note": note,
    }


_LOCK_AND_READ = f"""
    MATCH (n:Project {{id: $id}}) WHERE {VISIBLE}
    {write_lock("n")}
    RETURN n {{{PROJECT}}} AS row,
           head(COLLECT {{ MATCH (n)-[:HAS_EVENT]->(e:ProjectEvent)
                          RETURN e.at ORDER BY e.seq DESC LIMIT 1 }}) AS lastAt,
           head(COLLECT {{ MATCH (n)-[:HAS_EVENT]->(e:ProjectEvent {{toState: 'DONE'}})
                          RETURN e.at ORDER BY e.seq DESC LIMIT 1 }}) AS doneAt,
           $actor IS NULL OR EXISTS {{
             MATCH (a:Person {{id: $actor}}) WHERE {person_visible("a")} }} AS actorFound,
           $household IS NULL OR EXISTS {{
             MATCH (h:Household {{id: $household}}) WHERE {scope.placed_in_scope("h")} }}
             AS householdFound,
           EXISTS {{ MATCH (n)-[:IN]->(:Grid)<-[:IN]-(:Building)
                           <-[:IN]-(:Household {{id: $household}}) }} AS householdOfGrid,
           EXISTS {{ MATCH (n)<-[:OF]-(:Evaluation)-[:BY]->(:Household {{id: $household}}) }}
             AS rated"""
_APPEND = """
    MATCH (n:Project {id: $id})
    SET n.state = $event.toState, n.lastSeq = $event.seq,
        n.materials = coalesce($materials, n.materials),
        n.moneyYuan = coalesce($moneyYuan, n.moneyYuan),
        n.labourDays = coalesce($labourDays, n.labourDays)
    CREATE (n)-[:HAS_EVENT]->(e:ProjectEvent $event)
    WITH e CALL (e) { MATCH (a:Person {id: $actor}) CREATE (e)-[:BY]->(a) }"""

_READ = f"MATCH (n:Project {{id: $id}}) RETURN n {{{PROJECT}}} AS row"


async def _locked(tx: Transaction, key: str, *, actor: str | None, household: str | None) -> Row:
    """The project locked and read with what a step or a rating checks; NOT_FOUND (FORBIDDEN
    outside the writer's scope) before anything is written."""
    found = await tx.run(_LOCK_AND_READ, {"id": key, "actor": actor, "household": household})
    if not found:
        raise scope.unseen(tx, key, NotFound(f"No project has the id {key!r}."))
    (row,) = found
    if not row["actorFound"]:
        raise scope.unseen(tx, str(actor), NotFound(f"No person has the id {actor!r}."))
    if not row["householdFound"]:
        missing = NotFound(f"No household has the id {household!r}.")
        raise scope.unseen(tx, str(household), missing)
    return row


def _not_before(at: datetime, last: datetime, what: str) -> None:
    if at < last:
        raise BadUserInput(
            f"`at` ({at.isoformat()}) is before {what} ({last.isoformat()}); history runs forward."
        )


async def advance(db: Database, step: ProjectStep) -> Project:
    """The project moved one state on, with its event, in one transaction with the project
    locked: CONFLICT when it is no longer where the asker saw it (expectedState,
    expectedSeq), INVALID_TRANSITION for any state but the next (EVALUATED comes from a
    rating)."""

    async def work(tx: Transaction) -> Project:
        row = await _locked(tx, step.project_id, actor=step.actor_id, household=None)
        project = record(Project, row["row"])
        if step.expected_seq is not None and step.expected_seq != project.last_seq:
            raise Conflict(
                f"Project {project.id} has moved on: its last event is seq {project.last_seq}, "
                f"not {step.expected_seq}. Reload it and decide again."
            )
        if step.expected_state is not None and step.expected_state is not project.state:
            raise Conflict(
                f"Project {project.id} is {project.state.value}, not "
                f"{step.expected_state.value}. Reload it and decide again."
            )
        following = PROJECT_NEXT.get(project.state)
        if step.to_state is ProjectState.EVALUATED:
            raise InvalidTransition(
                f"Project {project.id} becomes EVALUATED when a household of its grid rates it "
                "(evaluateProject), not by advanceProject."
            )
        if step.to_state is not following:
            allowed = f"it can move to {following.value} only" if following else "it is final"
            raise InvalidTransition(
                f"Project {project.id} is {project.state.value}: {allowed}, not "
                f"{step.to_state.value}."
            )
        _not_before(step.at, row["lastAt"], "its last event")
        seq = project.last_seq + 1
        event = event_props(project.id, seq, step.at, to_state=step.to_state, note=step.note)
        values = {
            "id": project.id,
            "event": event,
            "actor": step.actor_id,
            "materials": step.materials,
            "moneyYuan": step.money_yuan,
            "labourDays": step.labour_days,
        }
        await tx.run(_APPEND, values)
        (after,) = await tx.run(_READ, values)
        return record(Project, after["row"])

    return await db.write_transaction(work)


_RATE = f"""
    MATCH (p:Project {{id: $id}}), (h:Household {{id: $household}})
    CREATE (n:Evaluation {{id: $key, at: $at, rating: $rating, comment: $comment}})
    CREATE (n)-[:OF]->(p), (n)-[:BY]->(h)
    RETURN n {{{EVALUATION}}} AS row"""


async def evaluate(db: Database, new: NewProjectEvaluation) -> Evaluation:
    """A household's rating of a DONE (or EVALUATED) project, in one transaction with the
    project locked; the first rating moves it from DONE to EVALUATED with its event.
    INVALID_TRANSITION before DONE, BAD_USER_INPUT for a household of another grid,
    CONFLICT when the household rated it already."""

    async def work(tx: Transaction) -> Evaluation:
        row = await _locked(tx, new.project_id, actor=None, household=new.household_id)
        project = record(Project, row["row"])
        if project.state not in (ProjectState.DONE, ProjectState.EVALUATED):
            raise InvalidTransition(
                f"Project {project.id} is {project.state.value}: residents rate a project once "
                "it is DONE."
            )
        if not row["householdOfGrid"]:
            raise BadUserInput(
                f"Household {new.household_id} does not live in grid {project.grid_code}: a "
                "project is rated by the households of its grid or house-yard."
            )
        if row["rated"]:
            raise Conflict(f"Household {new.household_id} has rated project {project.id} already.")
        _not_before(new.at, row["doneAt"], "the project was done")
        values = {
            "id": project.id,
            "household": new.household_id,
            "key": evaluation_id(project.id, new.household_id, new.at),
            "at": new.at,
            "rating": new.rating.value,
            "comment": new.comment,
        }
        (created,) = await tx.run(_RATE, values)
        if project.state is ProjectState.DONE:
            note = f"rated by household {new.household_id}"
            event = event_props(
                project.id, project.last_seq + 1, new.at, to_state=ProjectState.EVALUATED, note=note
            )
            unchanged = dict.fromkeys(("materials", "moneyYuan", "labourDays"))
            await tx.run(_APPEND, {"id": project.id, "event": event, "actor": None, **unchanged})
        return record(Evaluation, created["row"])

    return await db.write_transaction(work)
