"""Visits to households (入户走访): who visited which household when, for which branch,
why and what came of it; the visits of a worker, a branch or a scope over a period, and
the households nobody has visited for a number of days. A visit is a record of what
happened: once stored it is never edited."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.clock import city_time
from graph.core.db import Database, Row, Transaction
from graph.core.errors import BadUserInput, NotFound
from graph.core.model import VisitPurpose
from graph.core.records import record
from graph.places import HOUSEHOLD, Household
from graph.security import scope
from graph.security.scope import grids_within, organization_visible, person_visible


@dataclass(frozen=True)
class Visit:
    id: str
    at: datetime
    purpose: VisitPurpose
    outcome: str | None
    household_id: str
    visitor_id: str | None
    branch_id: str | None


VISIT = (
    ".id, .at, .purpose, .outcome, household_id: head([(n)-[:TO]->(h:Household) | h.id]), "
    "visitor_id: head([(n)-[:BY]->(p:Person) | p.id]), "
    "branch_id: head([(n)-[:FOR]->(o:PartyOrganization) | o.id])"
)
# Visits ordered by id: ids begin with the visit's time (V-YYYYMMDDhhmmss-…) when govgraph
# makes them, so the order is the order in time.
# A visit is seen where its household is seen (DESIGN §5).
VISIBLE = (
    "EXISTS { MATCH (n)-[:TO]->(visited:Household) WHERE " + scope.placed_in_scope("visited") + " }"
)
# The period: $from (inclusive) to $until (exclusive), either open.
IN_PERIOD = "($from IS NULL OR n.at >= $from) AND ($until IS NULL OR n.at < $until)"

VISITS = Lookup("Visit", "id", VISIT, partial(record, Visit), VISIBLE)
HOUSEHOLD_VISITS = Walk(
    "MATCH (:Household {id: parent})<-[:TO]-(n:Visit)", "id", VISIT, partial(record, Visit)
)
PERSON_VISITS = Walk(
    f"MATCH (:Person {{id: parent}})<-[:BY]-(n:Visit) WHERE {IN_PERIOD}",
    "id",
    VISIT,
    partial(record, Visit),
    VISIBLE,
)
ORGANIZATION_VISITS = Walk(
    f"MATCH (:PartyOrganization {{id: parent}})<-[:FOR]-(n:Visit) WHERE {IN_PERIOD}",
    "id",
    VISIT,
    partial(record, Visit),
    VISIBLE,
)
VISITS_WITHIN = Walk(
    f"""{grids_within("parent")}
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(:Household)<-[:TO]-(n:Visit) WHERE {IN_PERIOD}""",
    "id",
    VISIT,
    partial(record, Visit),
)
# Households of the scope that no visit reached from $from to $until (DESIGN §5's scope).
UNVISITED_WITHIN = Walk(
    f"""{grids_within("parent")}
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(n:Household)
    WHERE NOT EXISTS {{ MATCH (n)<-[:TO]-(v:Visit) WHERE v.at >= $from AND v.at < $until }}""",
    "id",
    HOUSEHOLD,
    partial(record, Household),
)


def midnight(day: date) -> datetime:
    """The day's first moment in the city."""
    return city_time(datetime.combine(day, time()))


def period(first: date | None, last: date | None) -> Row:
    """The parameters of IN_PERIOD for the days first..last in Asia/Shanghai."""
    return {
        "from": midnight(first) if first else None,
        "until": midnight(last + timedelta(days=1)) if last else None,
    }


MOST_DAYS = 36_600  # a hundred years: a longer period is a slip of the keyboard


def unvisited_period(as_of: date, days: int) -> Row:
    """The `days` days that end with `as_of`."""
    if not 1 <= days <= min(MOST_DAYS, (as_of - date.min).days + 1):
        raise BadUserInput(
            f"`days` must be from 1 to {MOST_DAYS:,} (a hundred years) and begin no earlier "
            f"than the year 1; it was {days:,}."
        )
    return period(as_of - timedelta(days=days - 1), as_of)


@dataclass(frozen=True)
class NewVisit:
    household_id: str
    at: datetime
    purpose: VisitPurpose
    visitor_id: str | None
    branch_id: str | None
    outcome: str | None


_REFERENCES = f"""
    OPTIONAL MATCH (h:Household {{id: $household}}) WHERE {scope.placed_in_scope("h")}
    OPTIONAL MATCH (p:Person {{id: $visitor}}) WHERE {person_visible("p")}
    OPTIONAL MATCH (o:PartyOrganization {{id: $branch}}) WHERE {organization_visible("o")}
    RETURN h IS NOT NULL AS household, p IS NOT NULL OR $visitor IS NULL AS visitor,
           o IS NOT NULL OR $branch IS NULL AS branch"""
_CREATE = f"""
    MATCH (h:Household {{id: $household}})
    CREATE (n:Visit {{id: $id, at: $at, purpose: $purpose, outcome: $outcome}})-[:TO]->(h)
    WITH n
    CALL (n) {{ MATCH (p:Person {{id: $visitor}}) CREATE (n)-[:BY]->(p) }}
    CALL (n) {{ MATCH (o:PartyOrganization {{id: $branch}}) CREATE (n)-[:FOR]->(o) }}
    RETURN n {{{VISIT}}} AS row"""


def visit_id(at: datetime) -> str:
    return f"V-{at:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


async def record_visit(db: Database, new: NewVisit) -> Visit:
    """A visit stored, in one transaction; NOT_FOUND (FORBIDDEN outside the reader's scope)
    for a household, visitor or branch that is not there."""
    if new.visitor_id is None and new.branch_id is None:
        raise BadUserInput("A visit is made by someone: give visitorId, branchId or both.")
    params = {
        "household": new.household_id,
        "visitor": new.visitor_id,
        "branch": new.branch_id,
    }

    async def work(tx: Transaction) -> Visit:
        (found,) = await tx.run(_REFERENCES, params)
        if not found["household"]:
            missing = NotFound(f"No household has the id {new.household_id!r}.")
            raise scope.unseen(tx, new.household_id, missing)
        if not found["visitor"]:
            missing = NotFound(f"No person has the id {new.visitor_id!r} (the visitor).")
            raise scope.unseen(tx, str(new.visitor_id), missing)
        if not found["branch"]:
            missing = NotFound(f"No party organisation has the id {new.branch_id!r}.")
            raise scope.unseen(tx, str(new.branch_id), missing)
        values = {
            **params,
            "id": visit_id(new.at),
            "at": new.at,
            "purpose": new.purpose.value,
            "outcome": new.outcome,
        }
        (row,) = await tx.run(_CREATE, values)
        return record(Visit, row["row"])

    return await db.write_transaction(work)
