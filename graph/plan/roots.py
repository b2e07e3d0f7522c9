"""The root fields the planner takes: look-ups by key and lists over a scope, each one
statement, with the answers of today's resolvers for what is missing or forbidden."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graph import cases, meetings, party, people, places, projects, services, visits
from graph.core.batch import Lookup, Walk
from graph.core.db import Database
from graph.core.records import record
from graph.plan.catalogue import Computed, Params, dated, period
from graph.plan.cypher import (
    UNREADABLE,
    Finish,
    Many,
    Obj,
    Shape,
    Statement,
    Unreadable,
    build,
    page,
)
from graph.plan.select import NotCompiled, Select
from graph.security import scope

# A selection this wide (each link a subquery) is left to the resolvers: Neo4j plans one
# statement of hundreds of subqueries, with the scope's predicates in each, for longer
# than GOVGRAPH_TRANSACTION_TIMEOUT. The README's and the bench's questions take 3 to 15.
MAX_SUBQUERIES = 64


@dataclass(frozen=True)
class ByKey:
    """A look-up: null when nothing has the key; for a scoped reader, FORBIDDEN."""

    kind: str
    lookup: Lookup
    arg: str
    # Stricter than the look-up's own predicate where the root is: a region above the
    # scope shows as a parent but is not looked up (resolvers.places.region).
    visible: str | None = None


@dataclass(frozen=True)
class Within:
    """A page of a list over a scope that must exist and lie within the reader's."""

    kind: str
    walk: Walk
    params: Params = dated  # the walk's parameters from the field's arguments
    of_kind: Walk | None = None  # the walk instead when the field's `kind` is given

    def walk_for(self, args: Mapping[str, Any]) -> Walk:
        return self.of_kind if self.of_kind and args.get("kind") else self.walk


def _kind(args: Mapping[str, Any]) -> Mapping[str, Any]:
    """`kind` (an enum's name, or null for all) beside what dated walks read."""
    kind = args.get("kind")
    return {**dated(args), "kind": getattr(kind, "value", kind)}


def _state_and_kind(args: Mapping[str, Any]) -> Mapping[str, Any]:
    state = args.get("state")
    return {**_kind(args), "state": getattr(state, "value", state)}


def _unvisited(args: Mapping[str, Any]) -> Mapping[str, Any]:
    return visits.unvisited_period(args["asOf"], args["days"])  # BAD_USER_INPUT: resolvers


@dataclass(frozen=True)
class CaseList:
    """A page of the cases that pass a filter (graph.cases.CaseFilter, with the
    OverdueRule as `overdue`); its `within`, when given, must exist and lie within the
    reader's scope."""

    kind: str = "Case"


@dataclass(frozen=True)
class CaseFigures:
    """caseStats: the figures of the cases reported within a scope that must exist and
    lie within the reader's, counted in the statement and summed up here."""

    kind: str = "CaseStats"


# The figures' fields, from graph.cases.CaseStats and its LevelCounts.
RATINGS = {"evaluations", "satisfied", "basicallySatisfied", "notSatisfied", "satisfactionRatio"}
FIGURES: dict[str, Callable[[Any], Any]] = {
    "reported": lambda figures: figures.reported,
    "closed": lambda figures: figures.closed,
    "resolvedLocallyRatio": lambda figures: figures.resolved_locally_ratio,
    "resolvedInTownshipRatio": lambda figures: figures.resolved_in_township_ratio,
    "evaluations": lambda figures: figures.evaluations,
    "satisfied": lambda figures: figures.satisfied,
    "basicallySatisfied": lambda figures: figures.basically_satisfied,
    "notSatisfied": lambda figures: figures.not_satisfied,
    "satisfactionRatio": lambda figures: figures.satisfaction_ratio,
}
LEVEL_COUNT: dict[str, Callable[[Any], Any]] = {
    "level": lambda count: count.level.value,
    "count": lambda count: count.count,
    "__typename": lambda count: "LevelCount",
}

Root = ByKey | Within | CaseList | CaseFigures

ROOTS: dict[str, Root] = {
    "region": ByKey("Region", places.REGIONS, "code", scope.region_in_scope("n")),
    "grid": ByKey("Grid", places.GRIDS, "code"),
    "building": ByKey("Building", places.BUILDINGS, "code"),
    "household": ByKey("Household", places.HOUSEHOLDS, "id"),
    "person": ByKey("Person", people.PEOPLE, "id"),
    "partyOrganization": ByKey("PartyOrganization", party.ORGANIZATIONS, "id"),
    "case": ByKey("Case", cases.CASES, "caseNo"),
    "organisation": ByKey("Organisation", services.ORGANISATIONS, "id"),
    "partyMembers": Within(
        "Person", party.PARTY_MEMBERS_WITHIN, params=_kind, of_kind=party.PARTY_MEMBERS_OF_KIND
    ),
    "organisations": Within("Organisation", services.ORGANISATIONS_WITHIN, params=_kind),
    "stations": Within("ServiceStation", services.STATIONS_WITHIN, params=_kind),
    "visits": Within("Visit", visits.VISITS_WITHIN, params=period),
    "unvisitedHouseholds": Within("Household", visits.UNVISITED_WITHIN, params=_unvisited),
    "project": ByKey("Project", projects.PROJECTS, "id"),
    "projects": Within("Project", projects.PROJECTS_WITHIN, params=_state_and_kind),
    "meetings": Within("Meeting", meetings.MEETINGS_WITHIN, params=period),
    "cases": CaseList(),
    "caseStats": CaseFigures(),
}


@dataclass(frozen=True)
class Plan:
    root: Root
    select: Select
    statement: Statement


def compile_root(select: Select) -> Plan:
    """The statement of one root field; NotCompiled when the planner cannot take it."""
    root = ROOTS.get(select.field)
    if root is None:
        raise NotCompiled(f"no plan for the root field {select.field}")
    statement = Statement()
    if isinstance(root, ByKey):
        key = statement.param(select.args[root.arg])
        built = build(statement, root.kind, "v0", selects=select.children)
        lookup = root.lookup
        statement.cypher = f"""MATCH (n:{lookup.label} {{{lookup.key}: {key}}})
WHERE {root.visible or lookup.visible}
WITH n AS v0 LIMIT 1
{chr(10).join(built.calls)}
RETURN {built.projection} AS value"""
        statement.shape = built.shape
    elif isinstance(root, CaseFigures):
        for select_ in select.children:
            if select_.field not in {*FIGURES, "resolvedAt", "__typename"} or any(
                inner.field not in LEVEL_COUNT for inner in select_.children
            ):
                raise NotCompiled(f"CaseStats.{select_.field}")
        args = select.args
        statement.params.update(
            cases.stats_params(args["within"], first=args["from"], last=args["to"])
        )
        ratings = any(select_.field in RATINGS for select_ in select.children)
        statement.cypher = f"""{scope.within_checked()}
WITH found, allowed, found AND allowed AS open
CALL (open) {{
  WITH open WHERE open
  {cases.CASE_STATS_MATCH}
  WITH {cases.stats_rows(ratings=ratings)}
  RETURN collect({cases.stats_figures(ratings=ratings)}) AS figures
}}
RETURN found, allowed, figures"""
    else:
        if isinstance(root, Within):
            within = statement.param(select.args["within"])
            walk, check = root.walk_for(select.args), scope.within_checked(within)
            params = root.params(select.args)
        else:
            case_filter = select.args["filter"]
            # The list's own parameters, by their names in graph.cases (no $p… among them).
            statement.params.update(cases.list_params(case_filter, select.args["overdue"]))
            walk = Walk(
                cases.matching(case_filter), "caseNo", cases.CASE, partial(record, cases.Case)
            )
            within = "$within"
            check = (
                scope.within_checked(within)
                if case_filter.within is not None
                else "WITH true AS found, true AS allowed"
            )
            params = {}
        value, calls, shape = page(
            statement,
            imports="open",
            start=f"WITH {within} AS parent, open WHERE open",
            match=walk.match,
            walk=walk,
            kind=root.kind,
            select=select,
            params=params,
        )
        statement.cypher = f"""{check}
WITH found, allowed, found AND allowed AS open
{chr(10).join(calls)}
RETURN found, allowed, {value} AS value"""
        statement.shape = shape
    if statement.cypher.count("CALL (") > MAX_SUBQUERIES:
        raise NotCompiled("a statement Neo4j would take longer to plan than to answer")
    return Plan(root, select, statement)


async def answer(db: Database, plan: Plan, finish: Finish) -> Any:
    """The root field's value, ready to serialise; GovgraphError as today's resolvers."""
    statement = plan.statement
    rows = await db.read(statement.cypher, statement.params, convert=False)
    if isinstance(plan.root, ByKey):
        if not rows:
            key = plan.select.args[plan.root.arg]
            if db.scope is not None:
                raise scope.outside(db, key)
            return None
    elif isinstance(plan.root, Within):
        scope.judge(db, plan.select.args["within"], rows[0])
    elif isinstance(plan.root, CaseFigures):
        scope.judge(db, plan.select.args["within"], rows[0])
        return _figures(cases.stats_of(rows[0]["figures"]), plan.select.children)
    elif (within := plan.select.args["filter"].within) is not None:
        scope.judge(db, within, rows[0])
    return made(rows[0]["value"], statement.shape, finish)


def _figures(figures: cases.CaseStats, selects: tuple[Select, ...]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for select in selects:
        if select.field == "__typename":
            answer[select.key] = "CaseStats"
        elif select.field == "resolvedAt":
            answer[select.key] = [
                {inner.key: LEVEL_COUNT[inner.field](count) for inner in select.children}
                for count in figures.resolved_at
            ]
        else:
            answer[select.key] = FIGURES[select.field](figures)
    return answer


def made(value: Any, shape: Shape, finish: Finish) -> Any:
    """The answer's value from the row's, as `shape` says."""
    if value is None or shape is None:
        return value
    if isinstance(shape, Obj):
        if not any(shape.inner):
            return dict(zip(shape.keys, value, strict=True))
        return {
            key: made(item, inner, finish)
            for key, item, inner in zip(shape.keys, value, shape.inner, strict=True)
        }
    if isinstance(shape, Many):
        if value == UNREADABLE:
            raise Unreadable()
        return [made(item, shape.item, finish) for item in value]
    if isinstance(shape, Computed):
        facts, rows = value
        return shape.make(facts, rows, finish.chain)
    if shape == "cursor":
        return finish.cursor(value)
    # As the resolvers' path serialises a datetime: the driver's value made native first.
    native = value.to_native() if hasattr(value, "to_native") else value
    return native.isoformat()
