"""Residents' evaluations (效果共评): a household's rating of a closed case, with a comment;
the same record rates a finished project of joint creation (graph.projects).

An evaluation judges one closing of a case: its `round`, that CLOSE event's seq. A rating
recorded here stores it; an imported one judges the last CLOSE at or before its time (a
dataset says no more). Times are kept to the second, so a case reopened and closed again
in the second of a rating is still told apart by the stored round. A case reopened after
"not satisfied" keeps that rating, and its next closing is judged anew; nothing is edited
or deleted. A household rates one closing once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from graph.core.batch import Walk
from graph.core.db import Database, Row, Transaction, write_lock
from graph.core.errors import BadUserInput, Conflict, InvalidTransition, NotFound
from graph.core.model import Rating
from graph.core.records import record
from graph.security import scope


@dataclass(frozen=True)
class Evaluation:
    id: str
    at: datetime
    rating: Rating
    comment: str | None
    household_id: str
    case_no: str | None  # a case's rating; or
    round: int | None  # the seq of the CLOSE event it judged
    project_id: str | None  # a project's (graph.projects)


def closing_round(node: str) -> str:
    """Cypher: the closing the evaluation `node` judged: its stored round, or (imported)
    the seq of the last CLOSE of its case at or before its time."""
    return (
        f"coalesce({node}.round, head(COLLECT {{ MATCH ({node})-[:OF]->(:Case)-[:HAS_EVENT]->"
        f"(closing:CaseEvent {{action: 'CLOSE'}}) WHERE closing.at <= {node}.at "
        "RETURN closing.seq ORDER BY closing.seq DESC LIMIT 1 }))"
    )


EVALUATION = (
    ".id, .at, .rating, .comment, household_id: head([(n)-[:BY]->(h:Household) | h.id]), "
    f"case_no: head([(n)-[:OF]->(c:Case) | c.caseNo]), round: {closing_round('n')}, "
    "project_id: head([(n)-[:OF]->(p:Project) | p.id])"
)
CASE_EVALUATIONS = Walk(
    "MATCH (:Case {caseNo: parent})<-[:OF]-(n:Evaluation)",
    "id",
    EVALUATION,
    partial(record, Evaluation),
)

# Counted beside each group of caseStats' cases (graph.cases.stats_rows): every rating
# given to them, those of earlier closings included.
RATING_COUNTS = ", ".join(
    f"sum(COUNT {{ MATCH (n)<-[:OF]-(:Evaluation {{rating: '{rating.value}'}}) }}) "
    f"AS {rating.value.lower()}"
    for rating in Rating
)
# Those counts as the entries of a map, for a statement that collects its rows.
RATING_ENTRIES = ", ".join(f"{rating.value.lower()}: {rating.value.lower()}" for rating in Rating)


@dataclass(frozen=True, kw_only=True)
class Satisfaction:
    """Residents' ratings counted: of cases (graph.cases.CaseStats), of projects
    (graph.projects.ProjectStats)."""

    satisfied: int = 0
    basically_satisfied: int = 0
    not_satisfied: int = 0

    @property
    def evaluations(self) -> int:
        return self.satisfied + self.basically_satisfied + self.not_satisfied

    @property
    def satisfaction_ratio(self) -> float:
        """Satisfied or basically satisfied / evaluations (1.0 when none)."""
        if not self.evaluations:
            return 1.0
        return (self.satisfied + self.basically_satisfied) / self.evaluations


def rating_sums(rows: Iterable[Row]) -> dict[str, int]:
    """The RATING_COUNTS of rows added up, as Satisfaction's fields."""
    sums = dict.fromkeys((rating.value.lower() for rating in Rating), 0)
    for row in rows:
        for name in sums:
            sums[name] += row.get(name, 0)
    return sums


def evaluation_id(subject: str, household_id: str, at: datetime) -> str:
    """The same evaluation (of a case or a project) gets the same id on every import."""
    return f"E-{subject}-{household_id}-{at.isoformat()}"


def recorded_evaluation_id(case_no: str, household_id: str, round: int) -> str:
    """A rating recorded through the API: one per household and closing, so named by them
    (its time to the second could be that of the household's rating of the closing before)."""
    return f"E-{case_no}-{household_id}-R{round}"


@dataclass(frozen=True)
class NewEvaluation:
    case_no: str
    household_id: str
    rating: Rating
    comment: str | None
    at: datetime


_LOCK_AND_READ = f"""
    MATCH (c:Case {{caseNo: $caseNo}}) WHERE {scope.case_in_scope("c")}
    {write_lock("c")}
    WITH c, head(COLLECT {{
      MATCH (c)-[:HAS_EVENT]->(e:CaseEvent {{action: 'CLOSE'}}) RETURN e ORDER BY e.seq DESC LIMIT 1
    }}) AS closing
    OPTIONAL MATCH (h:Household {{id: $household}}) WHERE {scope.placed_in_scope("h")}
    RETURN c.state AS state, closing.seq AS round, closing.at AS closedAt, h IS NOT NULL AS found,
           EXISTS {{
             MATCH (c)<-[:OF]-(e:Evaluation)-[:BY]->(h)
             WHERE e.round = closing.seq OR (e.round IS NULL AND e.at >= closing.at)
           }} AS rated"""
_CREATE = f"""
    MATCH (c:Case {{caseNo: $caseNo}}), (h:Household {{id: $household}})
    CREATE (n:Evaluation {{id: $id, at: $at, rating: $rating, comment: $comment, round: $round}})
    CREATE (n)-[:OF]->(c), (n)-[:BY]->(h)
    RETURN n {{{EVALUATION}}} AS row"""


async def evaluate_case(db: Database, new: NewEvaluation) -> Evaluation:
    """The rating stored, in one transaction, with the case locked (two ratings of one
    household cannot both win): INVALID_TRANSITION unless the case is CLOSED, CONFLICT when
    the household has rated this closing already."""
    params = {"caseNo": new.case_no, "household": new.household_id}

    async def work(tx: Transaction) -> Evaluation:
        found = await tx.run(_LOCK_AND_READ, params)
        if not found:
            missing = NotFound(f"No case has the number {new.case_no!r}.")
            raise scope.unseen(tx, new.case_no, missing)
        (row,) = found
        if not row["found"]:
            missing = NotFound(f"No household has the id {new.household_id!r}.")
            raise scope.unseen(tx, new.household_id, missing)
        if row["state"] != "CLOSED":
            raise InvalidTransition(
                f"Case {new.case_no} is {row['state']}: residents rate a case once it is CLOSED."
            )
        if new.at < row["closedAt"]:
            raise BadUserInput(
                f"`at` ({new.at.isoformat()}) is before the case was closed "
                f"({row['closedAt'].isoformat()})."
            )
        if row["rated"]:
            raise Conflict(
                f"Household {new.household_id} has rated this closing of case {new.case_no} "
                "already; a new rating follows a new closing."
            )
        values = {
            **params,
            "id": recorded_evaluation_id(new.case_no, new.household_id, row["round"]),
            "at": new.at,
            "round": row["round"],
            "rating": new.rating.value,
            "comment": new.comment,
        }
        (created,) = await tx.run(_CREATE, values)
        return record(Evaluation, created["row"])

    return await db.write_transaction(work)
