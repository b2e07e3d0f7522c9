"""Party organisations, memberships, assignments and who covers what (DESIGN §3)."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Row, Transaction, write_lock
from graph.core.errors import BadUserInput, NotFound
from graph.core.model import (
    ROLE_RULES,
    GridKind,
    HolderKind,
    MembershipKind,
    PartyOrgLevel,
    Role,
    TargetKind,
    role_rule_text,
)
from graph.core.records import record
from graph.kept import coverage
from graph.people import PERSON, Person
from graph.places import BUILDING, HOUSEHOLD, Building, Household
from graph.security.scope import (
    grids_within,
    judge,
    organization_visible,
    person_visible,
    placed_in_scope,
    region_in_scope,
    unseen,
    within_checked,
)


@dataclass(frozen=True)
class PartyOrganization:
    id: str
    name: str
    level: PartyOrgLevel
    parent_id: str | None
    region_code: str


@dataclass(frozen=True)
class Membership:
    person_id: str
    organization_id: str
    kind: MembershipKind
    since: date | None
    until: date | None


@dataclass(frozen=True)
class Assignment:
    id: str
    role: Role
    holder_kind: HolderKind
    holder_id: str
    target_kind: TargetKind
    target_id: str
    since: date | None
    until: date | None


@dataclass(frozen=True)
class NewAssignment:
    """What `assign` asks for: `holder` a person or organisation id, `target` a grid or
    building code or a household id, by role; `since` None means today."""

    role: Role
    holder: str
    target: str
    since: date | None


# The roles whose assignments the coverage figures count (DESIGN §3), kept by graph.kept.
COVERING_ROLES = frozenset(
    {Role.BUILDING_GROUP, Role.CENTRAL_HOUSEHOLD, Role.HOUSEYARD_LEADER, Role.GRID_WORKER}
)


def active(name: str) -> str:
    """Cypher: the membership or assignment `name` is active at $asOf (DESIGN §3)."""
    return (
        f"({name}.since IS NULL OR {name}.since <= $asOf) "
        f"AND ({name}.until IS NULL OR $asOf < {name}.until)"
    )


ORGANIZATION = (
    ".id, .name, .level, "
    "parent_id: head([(n)-[:UNDER]->(p:PartyOrganization) | p.id]), "
    "region_code: head([(n)-[:BELONGS_TO]->(r:Region) | r.code])"
)
MEMBERSHIP = ".kind, .since, .until, person_id: startNode(n).id, organization_id: endNode(n).id"
ASSIGNMENT = (
    ".id, .role, .since, .until, "
    "holder_kind: head([(n)-[:HELD_BY]->(h) | labels(h)[0]]), "
    "holder_id: head([(n)-[:HELD_BY]->(h) | h.id]), "
    "target_kind: head([(n)-[:TARGETS]->(t) | labels(t)[0]]), "
    "target_id: head([(n)-[:TARGETS]->(t) | coalesce(t.code, t.id)])"
)

ORGANIZATIONS = Lookup(
    "PartyOrganization",
    "id",
    ORGANIZATION,
    partial(record, PartyOrganization),
    organization_visible("n"),
)

REGION_ORGANIZATIONS = Walk(
    "MATCH (:Region {code: parent})<-[:BELONGS_TO]-(n:PartyOrganization)",
    "id",
    ORGANIZATION,
    partial(record, PartyOrganization),
    organization_visible("n"),
)
ORGANIZATION_CHILDREN = Walk(
    "MATCH (:PartyOrganization {id: parent})<-[:UNDER]-(n:PartyOrganization)",
    "id",
    ORGANIZATION,
    partial(record, PartyOrganization),
    organization_visible("n"),
)

# Dated walks read $asOf; those that read $history also list what has ended. A person
# may be seen whose memberships and duties reach past the scope: those are left out.
PERSON_MEMBERSHIPS = Walk(
    "MATCH (:Person {id: parent})-[n:MEMBER_OF]->(o:PartyOrganization) "
    f"WHERE ($history OR {active('n')}) AND {organization_visible('o')}",
    "since",
    MEMBERSHIP,
    partial(record, Membership),
)
PERSON_ASSIGNMENTS = Walk(
    "MATCH (:Person {id: parent})<-[:HELD_BY]-(n:Assignment)-[:TARGETS]->(t) "
    f"WHERE ($history OR {active('n')}) AND {placed_in_scope('t')}",
    "id",
    ASSIGNMENT,
    partial(record, Assignment),
)
ORGANIZATION_ASSIGNMENTS = Walk(
    "MATCH (:PartyOrganization {id: parent})<-[:HELD_BY]-(n:Assignment)-[:TARGETS]->(t) "
    f"WHERE ($history OR {active('n')}) AND {placed_in_scope('t')}",
    "id",
    ASSIGNMENT,
    partial(record, Assignment),
)
ORGANIZATION_MEMBERS = Walk(
    f"MATCH (:PartyOrganization {{id: parent}})<-[m:MEMBER_OF]-(n:Person) WHERE {active('m')}",
    "id",
    PERSON,
    partial(record, Person),
    person_visible("n"),
)


def _holders(target: str, role: Role, holder: str) -> str:
    """Cypher binding `n` to the active holders, in `role`, of the target `parent`."""
    return (
        f"MATCH ({target})<-[:TARGETS]-(a:Assignment {{role: '{role.value}'}})"
        f"-[:HELD_BY]->(n:{holder}) WHERE {active('a')}"
    )


GRID_WORKERS = Walk(
    _holders(":Grid {code: parent}", Role.GRID_WORKER, "Person"),
    "id",
    PERSON,
    partial(record, Person),
)
GRID_BRANCHES = Walk(
    _holders(":Grid {code: parent}", Role.GRID_BRANCH, "PartyOrganization"),
    "id",
    ORGANIZATION,
    partial(record, PartyOrganization),
)
BUILDING_LEADERS = Walk(
    _holders(":Building {code: parent}", Role.BUILDING_LEADER, "Person"),
    "id",
    PERSON,
    partial(record, Person),
)
# A building is covered exactly when it has a BUILDING_GROUP holder.
BUILDING_GROUPS = Walk(
    _holders(":Building {code: parent}", Role.BUILDING_GROUP, "PartyOrganization"),
    "id",
    ORGANIZATION,
    partial(record, PartyOrganization),
)

# A household is covered exactly when someone covers it: a central household, or
# the leader of the house-yard its building stands in.
HOUSEHOLD_COVERED_BY = Walk(
    f"""MATCH (h:Household {{id: parent}})
    CALL (h) {{
      MATCH (h)<-[:TARGETS]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:HELD_BY]->(n:Person)
      WHERE {active("a")}
      RETURN n
      UNION
      MATCH (h)-[:IN]->(:Building)-[:IN]->(:Grid {{kind: 'HOUSEYARD'}})
            <-[:TARGETS]-(a:Assignment {{role: 'HOUSEYARD_LEADER'}})-[:HELD_BY]->(n:Person)
      WHERE {active("a")}
      RETURN n
    }}""",
    "id",
    PERSON,
    partial(record, Person),
)
# The targets of a person's active CENTRAL_HOUSEHOLD assignments, and every
# household in the house-yards the person leads.
PERSON_COVERED_HOUSEHOLDS = Walk(
    f"""MATCH (holder:Person {{id: parent}})
    CALL (holder) {{
      MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})
            -[:TARGETS]->(n:Household)
      WHERE {active("a")}
      RETURN n
      UNION
      MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'HOUSEYARD_LEADER'}})
            -[:TARGETS]->(:Grid {{kind: 'HOUSEYARD'}})<-[:IN]-(:Building)<-[:IN]-(n:Household)
      WHERE {active("a")}
      RETURN n
    }}""",
    "id",
    HOUSEHOLD,
    partial(record, Household),
    placed_in_scope("n"),
)


# Lists over a scope: walks whose `parent` is the scope's code (`within`, which
# resolvers check lies within the reader's scope).
PARTY_MEMBERS_WITHIN = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF*0..]-(r:Region)<-[:BELONGS_TO]-(:PartyOrganization)"
    f"<-[m:MEMBER_OF]-(n:Person) WHERE {active('m')} AND {region_in_scope('r')}",
    "id",
    PERSON,
    partial(record, Person),
)

# The same, of one kind of membership ($kind): DUAL_REPORT lists the members who report to
# the communities within the scope beside their workplace branch (双报到).
PARTY_MEMBERS_OF_KIND = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF*0..]-(r:Region)<-[:BELONGS_TO]-(:PartyOrganization)"
    f"<-[m:MEMBER_OF {{kind: $kind}}]-(n:Person) WHERE {active('m')} AND {region_in_scope('r')}",
    "id",
    PERSON,
    partial(record, Person),
)
# Which workplace branches (dual-reporting units) take charge of a grid, since when: the
# GRID_BRANCH assignments of a grid whose holder is a WORKPLACE_BRANCH.
GRID_DUAL_REPORT_UNITS = Walk(
    "MATCH (:Grid {code: parent})<-[:TARGETS]-(n:Assignment {role: 'GRID_BRANCH'})"
    "-[:HELD_BY]->(:PartyOrganization {level: 'WORKPLACE_BRANCH'}) "
    f"WHERE ($history OR {active('n')})",
    "id",
    ASSIGNMENT,
    partial(record, Assignment),
)


@dataclass(frozen=True)
class HomeServices:
    """What a party member did in her home community (the community or village of her
    household) over a period: the services that dual reporting (双报到) asks of her."""

    community_code: str | None  # None: she lives in no household of the graph
    visits: int  # visits she made to households of the community
    mediations: int  # disputes of the community she resolved (her RESOLVE events)
    supervised_projects: int  # joint-creation projects of the community she supervises


# Her home community, then each service within it from $from (inclusive) to $until
# (exclusive), either open; a person with no home counts none.
_HOME = "(n)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)-[:IN]->(:Grid)-[:IN]->(home:Region)"
_WITHIN_PERIOD = "($from IS NULL OR {0} >= $from) AND ($until IS NULL OR {0} < $until)"
HOME_SERVICES = Walk(
    "MATCH (n:Person {id: parent})",
    "id",
    f"community_code: head([{_HOME} | home.code]), "
    f"visits: COUNT {{ MATCH {_HOME} MATCH (n)<-[:BY]-(v:Visit)-[:TO]->(:Household)-[:IN]->"
    f"(:Building)-[:IN]->(:Grid)-[:IN]->(home) WHERE {_WITHIN_PERIOD.format('v.at')} }}, "
    f"mediations: COUNT {{ MATCH {_HOME} MATCH (n)<-[:BY]-(e:CaseEvent {{action: 'RESOLVE'}})"
    "<-[:HAS_EVENT]-(:Case {category: 'DISPUTE'})-[:REPORTED_IN]->(:Grid)-[:IN]->(home) "
    f"WHERE {_WITHIN_PERIOD.format('e.at')} }}, "
    f"supervised_projects: COUNT {{ MATCH {_HOME} MATCH (n)<-[:SUPERVISED_BY]-(j:Project)"
    f"-[:IN]->(:Grid)-[:IN]->(home) WHERE {_WITHIN_PERIOD.format('j.proposedAt')} }}",
    partial(record, HomeServices),
)


@dataclass(frozen=True)
class Coverage:
    """The coverage figures of one region or grid at one date."""

    within: str
    name: str
    as_of: date
    buildings: int
    covered_buildings: int
    households: int
    covered_households: int
    grids: int
    grids_with_worker: int
    # The parts, ordered by code; None until asked for (see coverage_of).
    children: tuple["Coverage", ...] | None = None

    @property
    def building_coverage(self) -> float:
        return self.covered_buildings / self.buildings if self.buildings else 1.0

    @property
    def household_coverage(self) -> float:
        return self.covered_households / self.households if self.households else 1.0


FIGURES = coverage.COVERAGE_FIGURES  # those of a report, all in the coverage timeline

# Depth of nested `children` a statement answers at most: the city's divisions are four
# levels above its grids, so deeper selections find nothing more.
MAX_DEPTH = 6


def _coverage_tree(depth: int) -> str:
    """The report of $within at $asOf and its parts down to `depth` levels, in one statement:
    one row, `parts` listing every part below with the code of the part above it."""
    below = f"*0..{depth - 1}"  # a bound is no parameter in Cypher: an int we chose
    parts = f"""
CALL (top) {{
  CALL (top) {{
    MATCH path = (top)<-[:PART_OF{below}]-(above:Region)<-[:PART_OF]-(n:Region)
    RETURN above, n, length(path) AS depth
    UNION
    MATCH path = (top)<-[:PART_OF{below}]-(above:Region)<-[:IN]-(n:Grid)
    RETURN above, n, length(path) AS depth
  }}
  {coverage.figures_at("n", "figures", FIGURES)}
  RETURN collect({{above: above.code, within: n.code, name: n.name, depth: depth,
                  figures: figures}}) AS parts
}}"""
    return f"""{within_checked()}
{coverage.figures_at("top", "figures", FIGURES)}
{parts if depth else "WITH *, [] AS parts"}
RETURN found, allowed, top.code AS within, top.name AS name, figures, parts"""


async def coverage_tree(db: Database, within: str, as_of: date, *, depth: int) -> Coverage:
    """The coverage of `within` at `as_of` with its parts, `depth` levels of them (their
    `children` None below that), read from the kept timelines in one statement."""
    depth = min(depth, MAX_DEPTH)
    (row,) = await db.read(_coverage_tree(depth), {"within": within, "asOf": as_of})
    judge(db, within, row)
    below: dict[str, list[Row]] = {}
    for part in sorted(row["parts"], key=lambda part: part["within"]):
        below.setdefault(part["above"], []).append(part)

    def report(code: str, name: str, figures: Mapping[str, int], *, level: int) -> Coverage:
        children = None
        if level < depth:
            children = tuple(
                report(part["within"], part["name"], part["figures"], level=level + 1)
                for part in below.get(code, ())
            )
        # A region written behind the import's back keeps nothing: nothing stands in it.
        return coverage_from(
            code, name, as_of, counts=figures or dict.fromkeys(FIGURES, 0), children=children
        )

    return report(row["within"], row["name"], row["figures"], level=0)


def coverage_from(
    within: str,
    name: str,
    as_of: date,
    *,
    counts: Mapping[str, int],
    children: tuple[Coverage, ...] | None = None,
) -> Coverage:
    return Coverage(
        within=within,
        name=name,
        as_of=as_of,
        buildings=counts["buildings"],
        covered_buildings=counts["coveredBuildings"],
        households=counts["households"],
        covered_households=counts["coveredHouseholds"],
        grids=counts["grids"],
        grids_with_worker=counts["gridsWithWorker"],
        children=children,
    )


def _uncovered(label: str, key: str, projection: str, *, total: str, members: str) -> str:
    """A page of what is uncovered within $within at $asOf, and how many are in all: the
    total from the timeline of $within, the page from the grids whose own timeline says
    some are uncovered, and in them what its kept intervals do not cover."""
    return f"""{within_checked()}
{coverage.figures_at("top", "figures", FIGURES)}
CALL (top) {{
  WITH top.code AS topCode
  {grids_within("topCode")}
  {coverage.figures_at("g", "gridFigures", FIGURES)}
  WITH g WHERE gridFigures.{total} > gridFigures.covered{total[0].upper()}{total[1:]}
  MATCH {members.format(label=label)}
  WHERE ($after IS NULL OR n.{key} > $after) AND NOT {coverage.covered_at("n")}
  WITH n ORDER BY n.{key} LIMIT $limit
  RETURN collect(n {{{projection}}}) AS rows
}}
RETURN found, allowed, rows,
       coalesce(figures.{total} - figures.covered{total[0].upper()}{total[1:]}, 0) AS total"""


_UNCOVERED_BUILDINGS = _uncovered(
    "Building", "code", BUILDING, total="buildings", members="(g)<-[:IN]-(n:{label})"
)
_UNCOVERED_HOUSEHOLDS = _uncovered(
    "Household",
    "id",
    HOUSEHOLD,
    total="households",
    members="(g)<-[:IN]-(:Building)<-[:IN]-(n:{label})",
)


async def _uncovered_page(
    db: Database, statement: str, within: str, *, as_of: date, after: Any, limit: int
) -> tuple[list[Row], int]:
    params = {"within": within, "asOf": as_of, "after": after, "limit": limit}
    (row,) = await db.read(statement, params)
    judge(db, within, row)
    return row["rows"], row["total"]


async def uncovered_buildings(
    db: Database, within: str, as_of: date, *, after: str | None, limit: int
) -> tuple[list[Building], int]:
    """Up to `limit` buildings within `within` uncovered at `as_of` after the code `after`,
    and how many are uncovered in all: one statement over the kept figures."""
    rows, total = await _uncovered_page(
        db, _UNCOVERED_BUILDINGS, within, as_of=as_of, after=after, limit=limit
    )
    return [record(Building, row) for row in rows], total


async def uncovered_households(
    db: Database, within: str, as_of: date, *, after: str | None, limit: int
) -> tuple[list[Household], int]:
    """Up to `limit` households within `within` uncovered at `as_of` after the id `after`,
    and how many are uncovered in all: one statement over the kept figures."""
    rows, total = await _uncovered_page(
        db, _UNCOVERED_HOUSEHOLDS, within, as_of=as_of, after=after, limit=limit
    )
    return [record(Household, row) for row in rows], total


# What the ids of an assignment's holder and target name, for the role's rule; only
# what the reader may see is found.
_ASSIGN_PARTIES = f"""
OPTIONAL MATCH (person:Person {{id: $holder}}) WHERE {person_visible("person")}
OPTIONAL MATCH (organization:PartyOrganization {{id: $holder}})
  WHERE {organization_visible("organization")}
OPTIONAL MATCH (grid:Grid {{code: $target}}) WHERE {placed_in_scope("grid")}
OPTIONAL MATCH (building:Building {{code: $target}}) WHERE {placed_in_scope("building")}
OPTIONAL MATCH (household:Household {{id: $target}}) WHERE {placed_in_scope("household")}
RETURN person IS NOT NULL AS Person, organization IS NOT NULL AS PartyOrganization,
       grid IS NOT NULL AS Grid, grid.kind AS gridKind,
       building IS NOT NULL AS Building, household IS NOT NULL AS Household"""

_TARGET_KEYS = {TargetKind.GRID: "code", TargetKind.BUILDING: "code", TargetKind.HOUSEHOLD: "id"}
_NOUNS = {
    HolderKind.PERSON: "person",
    HolderKind.ORGANIZATION: "party organisation",
    TargetKind.GRID: "grid",
    TargetKind.BUILDING: "building",
    TargetKind.HOUSEHOLD: "household",
}


async def assign(db: Database, role: Role, *, holder: str, target: str, since: date) -> Assignment:
    """A new active assignment, or the identical one already active at `since`."""
    holder_kind, target_kind = ROLE_RULES[role]
    holder_match = f"(h:{holder_kind.value} {{id: $holder}})"
    target_match = f"(t:{target_kind.value} {{{_TARGET_KEYS[target_kind]}: $target}})"
    params = {"role": role.value, "holder": holder, "target": target, "asOf": since}

    async def work(tx: Transaction) -> Assignment:
        (found,) = await tx.run(_ASSIGN_PARTIES, params)
        _check_parties(tx, role, found, holder=holder, target=target)
        # Writing (and removing) a property locks the target until commit, so two
        # identical requests cannot both create an assignment; one that changes coverage
        # first takes the locks of what it changes (graph.kept.coverage.LOCK).
        kept = role in COVERING_ROLES
        existing = await tx.run(
            f"""MATCH {target_match} {coverage.LOCK if kept else ""} {write_lock("t")}
            WITH t MATCH {holder_match}<-[:HELD_BY]-(n:Assignment {{role: $role}})-[:TARGETS]->(t)
            WHERE {active("n")}
            RETURN n {{{ASSIGNMENT}}} AS row""",
            params,
        )
        if existing:
            return record(Assignment, existing[0]["row"])
        (created,) = await tx.run(
            f"""MATCH {holder_match}, {target_match}
            CREATE (n:Assignment {{id: $id, role: $role, since: $asOf}})
            CREATE (n)-[:HELD_BY]->(h), (n)-[:TARGETS]->(t)
            {coverage.facts(role) if kept else "WITH n, null AS facts"}
            RETURN n {{{ASSIGNMENT}}} AS row, facts""",
            {**params, "id": f"A-{uuid.uuid4().hex[:16]}"},
        )
        if created["facts"] is not None:
            change = coverage.change(
                role, created["facts"], assignment=created["row"]["id"], before=None
            )
            await coverage.apply(tx, change)
        return record(Assignment, created["row"])

    return await db.write_transaction(work)


def _check_parties(tx: Transaction, role: Role, found: Row, *, holder: str, target: str) -> None:
    holder_kind, target_kind = ROLE_RULES[role]
    rule = f"{role_rule_text(role)}."
    if not found[holder_kind.value]:
        if any(found[kind.value] for kind in HolderKind):
            raise BadUserInput(f"{holder!r} cannot hold this role: {rule}")
        missing = NotFound(f"No {_NOUNS[holder_kind]} has the id {holder!r}.")
        raise unseen(tx, holder, missing)
    if not found[target_kind.value]:
        if any(found[kind.value] for kind in TargetKind):
            raise BadUserInput(f"{target!r} cannot be the target: {rule}")
        missing = NotFound(f"No {_NOUNS[target_kind]} has the code or id {target!r}.")
        raise unseen(tx, target, missing)
    if role is Role.HOUSEYARD_LEADER and found["gridKind"] != GridKind.HOUSEYARD.value:
        raise BadUserInput(f"Grid {target!r} is not a house-yard: {rule}")


async def end_assignment(db: Database, id: str, until: date) -> Assignment:
    """Set `until` on an active assignment; the record itself stays, for history."""

    async def work(tx: Transaction) -> Assignment:
        # Locks first (graph.kept.coverage.LOCK) when the assignment changes coverage.
        rows = await tx.run(
            f"""MATCH (n:Assignment {{id: $id}})-[:TARGETS]->(t) WHERE {placed_in_scope("t")}
            CALL (n, t) {{ WITH n, t WHERE n.role IN $covering AND n.until IS NULL
              {coverage.LOCK} }}
            RETURN n.since AS since, n.until AS until, n.role AS role""",
            {"id": id, "covering": [role.value for role in COVERING_ROLES]},
        )
        if not rows:
            raise unseen(tx, id, NotFound(f"No assignment has the id {id!r}."))
        since, ended = rows[0]["since"], rows[0]["until"]
        if ended is not None:
            raise BadUserInput(f"Assignment {id!r} has already ended, on {ended.isoformat()}.")
        if since is not None and until <= since:
            raise BadUserInput(
                f"Assignment {id!r} started on {since.isoformat()}; it can only end after that."
            )
        role = Role(rows[0]["role"])
        kept = role in COVERING_ROLES
        (row,) = await tx.run(
            f"""MATCH (n:Assignment {{id: $id}})-[:TARGETS]->(t) SET n.until = $until
            {coverage.facts(role) if kept else "WITH n, null AS facts"}
            RETURN n {{{ASSIGNMENT}}} AS row, facts""",
            {"id": id, "until": until},
        )
        if row["facts"] is not None:
            change = coverage.change(role, row["facts"], assignment=id, before=(since, None))
            await coverage.apply(tx, change)
        return record(Assignment, row["row"])

    return await db.write_transaction(work)
