"""Party organisations, memberships, assignments and who covers what (DESIGN §3)."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Row, Transaction
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
from graph.people import PERSON, Person
from graph.places import BUILDING, HOUSEHOLD, Building, Household
from graph.security.scope import (
    grids_within,
    organization_visible,
    person_visible,
    placed_in_scope,
    region_in_scope,
    unseen,
)


@dataclass(frozen=True)
class PartyOrganization:
    id: str
    name: str
    level: PartyOrgLevel
    parent_id: str | None
    region_code: str

    @classmethod
    def from_row(cls, row: Row) -> "PartyOrganization":
        return cls(
            row["id"], row["name"], PartyOrgLevel(row["level"]), row["parentId"], row["regionCode"]
        )


@dataclass(frozen=True)
class Membership:
    person_id: str
    organization_id: str
    kind: MembershipKind
    since: date | None
    until: date | None

    @classmethod
    def from_row(cls, row: Row) -> "Membership":
        kind = MembershipKind(row["kind"])
        return cls(row["personId"], row["organizationId"], kind, row["since"], row["until"])


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

    @classmethod
    def from_row(cls, row: Row) -> "Assignment":
        return cls(
            row["id"],
            Role(row["role"]),
            HolderKind(row["holderLabel"]),
            row["holderId"],
            TargetKind(row["targetLabel"]),
            row["targetKey"],
            row["since"],
            row["until"],
        )


def active(name: str) -> str:
    """Cypher: the membership or assignment `name` is active at $asOf (DESIGN §3)."""
    return (
        f"({name}.since IS NULL OR {name}.since <= $asOf) "
        f"AND ({name}.until IS NULL OR $asOf < {name}.until)"
    )


def _targeted(node: str, role: Role) -> str:
    """Cypher: `node` is the target of an assignment in `role` active at $asOf."""
    return (
        f"EXISTS {{ MATCH ({node})<-[:TARGETS]-(a:Assignment {{role: '{role.value}'}}) "
        f"WHERE {active('a')} }}"
    )


ORGANIZATION = (
    ".id, .name, .level, "
    "parentId: head([(n)-[:UNDER]->(p:PartyOrganization) | p.id]), "
    "regionCode: head([(n)-[:BELONGS_TO]->(r:Region) | r.code])"
)
MEMBERSHIP = ".kind, .since, .until, personId: startNode(n).id, organizationId: endNode(n).id"
ASSIGNMENT = (
    ".id, .role, .since, .until, "
    "holderLabel: head([(n)-[:HELD_BY]->(h) | labels(h)[0]]), "
    "holderId: head([(n)-[:HELD_BY]->(h) | h.id]), "
    "targetLabel: head([(n)-[:TARGETS]->(t) | labels(t)[0]]), "
    "targetKey: head([(n)-[:TARGETS]->(t) | coalesce(t.code, t.id)])"
)

ORGANIZATIONS = Lookup(
    "PartyOrganization",
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
    organization_visible("n"),
)

REGION_ORGANIZATIONS = Walk(
    "MATCH (:Region {code: parent})<-[:BELONGS_TO]-(n:PartyOrganization)",
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
    organization_visible("n"),
)
ORGANIZATION_CHILDREN = Walk(
    "MATCH (:PartyOrganization {id: parent})<-[:UNDER]-(n:PartyOrganization)",
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
    organization_visible("n"),
)

# Dated walks read $asOf; those that read $history also list what has ended. A person
# may be seen whose memberships and duties reach past the scope: those are left out.
PERSON_MEMBERSHIPS = Walk(
    "MATCH (:Person {id: parent})-[n:MEMBER_OF]->(o:PartyOrganization) "
    f"WHERE ($history OR {active('n')}) AND {organization_visible('o')}",
    "since",
    MEMBERSHIP,
    Membership.from_row,
)
PERSON_ASSIGNMENTS = Walk(
    "MATCH (:Person {id: parent})<-[:HELD_BY]-(n:Assignment)-[:TARGETS]->(t) "
    f"WHERE ($history OR {active('n')}) AND {placed_in_scope('t')}",
    "id",
    ASSIGNMENT,
    Assignment.from_row,
)
ORGANIZATION_ASSIGNMENTS = Walk(
    "MATCH (:PartyOrganization {id: parent})<-[:HELD_BY]-(n:Assignment)-[:TARGETS]->(t) "
    f"WHERE ($history OR {active('n')}) AND {placed_in_scope('t')}",
    "id",
    ASSIGNMENT,
    Assignment.from_row,
)
ORGANIZATION_MEMBERS = Walk(
    f"MATCH (:PartyOrganization {{id: parent}})<-[m:MEMBER_OF]-(n:Person) WHERE {active('m')}",
    "id",
    PERSON,
    Person.from_row,
    person_visible("n"),
)


def _holders(target: str, role: Role, holder: str) -> str:
    """Cypher binding `n` to the active holders, in `role`, of the target `parent`."""
    return (
        f"MATCH ({target})<-[:TARGETS]-(a:Assignment {{role: '{role.value}'}})"
        f"-[:HELD_BY]->(n:{holder}) WHERE {active('a')}"
    )


GRID_WORKERS = Walk(
    _holders(":Grid {code: parent}", Role.GRID_WORKER, "Person"), "id", PERSON, Person.from_row
)
GRID_BRANCHES = Walk(
    _holders(":Grid {code: parent}", Role.GRID_BRANCH, "PartyOrganization"),
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
)
BUILDING_LEADERS = Walk(
    _holders(":Building {code: parent}", Role.BUILDING_LEADER, "Person"),
    "id",
    PERSON,
    Person.from_row,
)
# A building is covered exactly when it has a BUILDING_GROUP holder.
BUILDING_GROUPS = Walk(
    _holders(":Building {code: parent}", Role.BUILDING_GROUP, "PartyOrganization"),
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
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
    Person.from_row,
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
    Household.from_row,
    placed_in_scope("n"),
)


# Lists over a scope: walks whose `parent` is the scope's code (`within`, which
# resolvers check lies within the reader's scope).
PARTY_MEMBERS_WITHIN = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF*0..]-(r:Region)<-[:BELONGS_TO]-(:PartyOrganization)"
    f"<-[m:MEMBER_OF]-(n:Person) WHERE {active('m')} AND {region_in_scope('r')}",
    "id",
    PERSON,
    Person.from_row,
)
UNCOVERED_BUILDINGS_WITHIN = Walk(
    f"""{grids_within("parent")}
    MATCH (g)<-[:IN]-(n:Building)
    WHERE NOT {_targeted("n", Role.BUILDING_GROUP)}""",
    "code",
    BUILDING,
    Building.from_row,
)
# A house-yard grid `g` with an active leader covers all its households.
_LED_HOUSEYARD = f"g.kind = 'HOUSEYARD' AND {_targeted('g', Role.HOUSEYARD_LEADER)}"
UNCOVERED_HOUSEHOLDS_WITHIN = Walk(
    f"""{grids_within("parent")}
    WITH g WHERE NOT ({_LED_HOUSEYARD})
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    WHERE NOT {_targeted("h", Role.CENTRAL_HOUSEHOLD)}
    WITH h AS n""",
    "id",
    HOUSEHOLD,
    Household.from_row,
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


_FIGURES = (
    "buildings",
    "coveredBuildings",
    "households",
    "coveredHouseholds",
    "grids",
    "gridsWithWorker",
)

# For each scope: its parts (child regions, or the grids of a community or
# village; none for a grid or an empty region) and the figures of each part,
# counted grid by grid over indexed relationships.
COVERAGE = f"""
UNWIND $scopes AS scope
OPTIONAL MATCH (region:Region {{code: scope}})
OPTIONAL MATCH (grid:Grid {{code: scope}})
OPTIONAL CALL (scope) {{
  MATCH (:Region {{code: scope}})<-[:PART_OF]-(c:Region) RETURN c.code AS part, c.name AS partName
  UNION
  MATCH (:Region {{code: scope}})<-[:IN]-(c:Grid) RETURN c.code AS part, c.name AS partName
}}
CALL (scope, part) {{
  WITH coalesce(part, scope) AS counted
  {grids_within("counted")}
  CALL (g) {{
    MATCH (g)<-[:IN]-(b:Building)
    RETURN count(b) AS buildings,
           count(CASE WHEN {_targeted("b", Role.BUILDING_GROUP)} THEN 1 END) AS coveredBuildings
  }}
  CALL (g) {{
    WITH g, {_LED_HOUSEYARD} AS led
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    RETURN count(h) AS households,
           count(CASE WHEN led OR {_targeted("h", Role.CENTRAL_HOUSEHOLD)} THEN 1 END)
             AS coveredHouseholds
  }}
  WITH g, buildings, coveredBuildings, households, coveredHouseholds,
       {_targeted("g", Role.GRID_WORKER)} AS hasWorker
  RETURN sum(buildings) AS buildings, sum(coveredBuildings) AS coveredBuildings,
         sum(households) AS households, sum(coveredHouseholds) AS coveredHouseholds,
         count(g) AS grids, count(CASE WHEN hasWorker THEN 1 END) AS gridsWithWorker
}}
RETURN scope, coalesce(region.name, grid.name) AS name, part, partName,
       {", ".join(_FIGURES)}
ORDER BY scope, part"""


async def coverage_of(db: Database, scopes: Sequence[str], as_of: date) -> dict[str, Coverage]:
    """The coverage of each scope that exists, with its parts (whose own parts are None)."""
    rows = await db.read(COVERAGE, {"scopes": list(scopes), "asOf": as_of})
    by_scope: dict[str, list[Row]] = {}
    for row in rows:
        if row["name"] is not None:
            by_scope.setdefault(row["scope"], []).append(row)
    found = {}
    for scope, parts in by_scope.items():
        children = tuple(
            _figures(row["part"], row["partName"], as_of, row) for row in parts if row["part"]
        )
        totals = {key: sum(row[key] for row in parts) for key in _FIGURES}
        found[scope] = _figures(scope, parts[0]["name"], as_of, totals, children)
    return found


def _figures(
    within: str,
    name: str,
    as_of: date,
    counts: Mapping[str, int],
    children: tuple[Coverage, ...] | None = None,
) -> Coverage:
    return Coverage(
        within,
        name,
        as_of,
        counts["buildings"],
        counts["coveredBuildings"],
        counts["households"],
        counts["coveredHouseholds"],
        counts["grids"],
        counts["gridsWithWorker"],
        children,
    )


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


async def assign(db: Database, role: Role, holder: str, target: str, since: date) -> Assignment:
    """A new active assignment, or the identical one already active at `since`."""
    holder_kind, target_kind = ROLE_RULES[role]
    holder_match = f"(h:{holder_kind.value} {{id: $holder}})"
    target_match = f"(t:{target_kind.value} {{{_TARGET_KEYS[target_kind]}: $target}})"
    params = {"role": role.value, "holder": holder, "target": target, "asOf": since}

    async def work(tx: Transaction) -> Assignment:
        (found,) = await tx.run(_ASSIGN_PARTIES, params)
        _check_parties(tx, role, holder, target, found)
        # Writing (and removing) a property locks the target until commit, so two
        # identical requests cannot both create an assignment.
        existing = await tx.run(
            f"""MATCH {target_match} SET t.lock = true REMOVE t.lock
            WITH t MATCH {holder_match}<-[:HELD_BY]-(n:Assignment {{role: $role}})-[:TARGETS]->(t)
            WHERE {active("n")}
            RETURN n {{{ASSIGNMENT}}} AS row""",
            params,
        )
        if existing:
            return Assignment.from_row(existing[0]["row"])
        (created,) = await tx.run(
            f"""MATCH {holder_match}, {target_match}
            CREATE (n:Assignment {{id: $id, role: $role, since: $asOf}})
            CREATE (n)-[:HELD_BY]->(h), (n)-[:TARGETS]->(t)
            RETURN n {{{ASSIGNMENT}}} AS row""",
            {**params, "id": f"A-{uuid.uuid4().hex[:16]}"},
        )
        return Assignment.from_row(created["row"])

    return await db.write_transaction(work)


def _check_parties(tx: Transaction, role: Role, holder: str, target: str, found: Row) -> None:
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
        rows = await tx.run(
            f"MATCH (n:Assignment {{id: $id}})-[:TARGETS]->(t) WHERE {placed_in_scope('t')} "
            "RETURN n.since AS since, n.until AS until",
            {"id": id},
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
        (row,) = await tx.run(
            f"MATCH (n:Assignment {{id: $id}}) SET n.until = $until "
            f"RETURN n {{{ASSIGNMENT}}} AS row",
            {"id": id, "until": until},
        )
        return Assignment.from_row(row["row"])

    return await db.write_transaction(work)
