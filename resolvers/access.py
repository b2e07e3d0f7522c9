"""Who may ask for what (issue #6): one table of GraphQL fields and the roles that may
select them, checked for the whole request before anything runs (schema/access.py),
and the answer for a look-up the reader's scope does not reach.

ADMIN may select everything. Every role may select the structure: regions, grids,
buildings, party organisations, centres, stations, counts, and people as names. A field
not named here takes its type's entry; every type of the schema has one (a test checks).
What lies outside the reader's scope is kept out by the Cypher itself (graph/scope.py).
"""

from collections.abc import Iterable
from typing import TypeVar

from graph.security.principal import AccessRole, Principal
from graph.security.scope import outside
from resolvers.context import Context

T = TypeVar("T")

VIEWER, PLANNER, AUDITOR = AccessRole.VIEWER, AccessRole.PLANNER, AccessRole.AUDITOR
GRID_WORKER, CASE_HANDLER = AccessRole.GRID_WORKER, AccessRole.CASE_HANDLER

EVERYONE = frozenset(AccessRole)
ADMIN_ONLY: frozenset[AccessRole] = frozenset()  # ADMIN is always allowed
PLANNING = frozenset({PLANNER, AUDITOR})  # coverage, uncovered lists, reports
HOUSEHOLDS = frozenset({PLANNER, AUDITOR, GRID_WORKER})  # households as places, and coverage
PEOPLE = frozenset({GRID_WORKER})  # a person beyond the name, masked (DESIGN §6)
PERSON_IDS = frozenset({AUDITOR, GRID_WORKER, CASE_HANDLER})  # who is who, to act or trace
HISTORY = frozenset({AUDITOR, GRID_WORKER})  # assignments, with their history
CASES = frozenset({AUDITOR, GRID_WORKER, CASE_HANDLER})
CASE_FIGURES = frozenset({PLANNER, AUDITOR, GRID_WORKER, CASE_HANDLER})
CASE_WORK = frozenset({GRID_WORKER, CASE_HANDLER})  # report and advance
ACCESS_LOG = frozenset({AUDITOR})  # who read whose personal data in clear

# "Type": roles for its fields, or "Type.field": roles for that field.
ROLES: dict[str, frozenset[AccessRole]] = {
    # ---- what may be asked at the root
    "Query.region": EVERYONE,
    "Query.topRegions": EVERYONE,
    "Query.grid": EVERYONE,
    "Query.building": EVERYONE,
    "Query.partyOrganization": EVERYONE,
    "Query.stats": EVERYONE,
    "Query.household": HOUSEHOLDS,
    "Query.person": PERSON_IDS,
    "Query.partyMembers": HOUSEHOLDS,
    "Query.coverage": PLANNING,
    "Query.uncoveredBuildings": PLANNING,
    "Query.uncoveredHouseholds": PLANNING,
    "Query.case": CASES,
    "Query.cases": CASES,
    "Query.caseStats": CASE_FIGURES,
    "Query.personByIdNumber": PEOPLE,
    "Query.accessLog": ACCESS_LOG,
    "Query.search": EVERYONE,  # people among the hits only for PERSON_IDS (resolvers/search.py)
    "Mutation.reportCase": CASE_WORK,
    "Mutation.advanceCase": CASE_WORK,
    "Mutation.assign": ADMIN_ONLY,
    "Mutation.endAssignment": ADMIN_ONLY,
    # ---- the structure
    "Region": EVERYONE,
    "Grid": EVERYONE,
    "Building": EVERYONE,
    "Building.households": HOUSEHOLDS,
    "Building.covered": HOUSEHOLDS,
    "GovernanceCenter": EVERYONE,
    "ServiceStation": EVERYONE,
    "PartyOrganization": EVERYONE,
    "PartyOrganization.members": HOUSEHOLDS,
    "PartyOrganization.assignments": HISTORY,
    "Stats": EVERYONE,
    "PageInfo": EVERYONE,
    # Connections and edges: what they hold is checked on the field that returns them.
    **{
        f"{kind}{part}": EVERYONE
        for kind in (
            "Region", "Grid", "Building", "Household", "Person", "Case", "AccessLogEntry",
            "SearchHit",
        )
        for part in ("Connection", "Edge")
    },
    # ---- households and people
    "Household": HOUSEHOLDS,
    "Household.members": PEOPLE,
    "Person": PEOPLE,
    "Person.name": EVERYONE,
    "Person.id": PERSON_IDS,
    "Person.assignments": HISTORY,
    "Person.coveredHouseholds": HOUSEHOLDS,
    # Only the resident's own grid worker, not even ADMIN: resolvers/people.contact_phone.
    "Person.contactPhone": PEOPLE,
    "PartyMembership": PEOPLE,
    "Assignment": HISTORY,
    # ---- coverage and cases
    "CoverageReport": PLANNING,
    "Case": CASES,
    "CaseEvent": CASES,
    "CaseStats": CASE_FIGURES,
    "LevelCount": CASE_FIGURES,
    "AccessLogEntry": ACCESS_LOG,
    "SearchHit": EVERYONE,
    "SearchHit.person": PERSON_IDS,
}  # fmt: skip


def roles_for(type_name: str, field_name: str) -> frozenset[AccessRole] | None:
    """The roles (besides ADMIN) that may select `type_name.field_name`; None when the
    table says nothing of it (introspection, or a type it forgot: refused)."""
    return ROLES.get(f"{type_name}.{field_name}", ROLES.get(type_name))


def refused(principal: Principal, fields: Iterable[tuple[str, str]]) -> list[str]:
    """Those of `fields` (type, field) that the reader's roles may not select, in order."""
    if AccessRole.ADMIN in principal.roles:
        return []
    out = []
    for type_name, field_name in fields:
        if type_name.startswith("__") or field_name.startswith("__"):
            continue  # introspection and __typename describe the schema, not the data
        allowed = roles_for(type_name, field_name)
        if allowed is None or not principal.roles & allowed:
            out.append(f"{type_name}.{field_name}")
    return out


def who_may(coordinate: str) -> str:
    """The roles that may select a field, for a message: "PLANNER, AUDITOR or ADMIN"."""
    type_name, field_name = coordinate.split(".")
    allowed = roles_for(type_name, field_name) or ADMIN_ONLY
    names = [role.value for role in AccessRole if role in allowed or role is AccessRole.ADMIN]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def seen(ctx: Context, key: str, found: T | None) -> T | None:
    """A root look-up's answer: null when nothing has the key; for a scoped reader, who
    cannot tell that from something outside her scope, FORBIDDEN."""
    if found is None and ctx.db.scope is not None:
        raise outside(ctx.db, key)
    return found
