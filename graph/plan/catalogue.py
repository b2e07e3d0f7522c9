"""What the planner knows of each kind of object: its fields as Cypher over a node, and
its links, each built on the walks and look-ups that the domain modules declare.

`{}` in an expression or a source stands for the variable of the object it is read on.
A link's source binds `n`, the linked objects, which the look-up's or the walk's
visibility predicate (graph.security.scope) then filters.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from graph import cases, party, people, places, services
from graph.core.batch import Lookup, Walk
from graph.core.model import CaseAction, CaseState, GovernanceLevel

Shape = Literal["one", "list", "page", "flag"]


@dataclass(frozen=True)
class Link:
    kind: str  # the kind of the linked objects
    shape: Shape  # one object, a list, a page of a connection, or whether any exists
    walk: Walk | None = None  # from the object's key (`parent`): lists, pages, flags
    source: str = ""  # for `one`: Cypher binding `n` from `{}`
    lookup: Lookup | None = None  # for `one`: the visibility of what is found
    key: str = ""  # the property of `{}` that the walk starts from (`parent`)
    # For a list: what every item (`{}`) must satisfy for the planner to answer it; else
    # the resolvers answer the whole request, as they answer what was edited in the graph.
    guard: str = ""


@dataclass(frozen=True)
class Kind:
    label: str
    order_key: str
    fields: dict[str, str]  # field -> Cypher expression over `{}`
    links: dict[str, Link]
    times: frozenset[str] = frozenset()  # fields holding a DateTime, serialised after


def _among(value: str, values: type[Enum]) -> str:
    return f"{value} IN [{', '.join(repr(item.value) for item in values)}]"


# An event the resolvers can read (graph.cases.event_from_row); any other was edited.
READABLE_EVENT = (
    f"{_among('{}.action', CaseAction)} AND {_among('{}.toState', CaseState)} "
    f"AND ({{}}.fromState IS NULL OR {_among('{}.fromState', CaseState)}) "
    f"AND {_among('{}.level', GovernanceLevel)} AND valueType({{}}.at) STARTS WITH 'ZONED DATETIME'"
)


def one(kind: str, source: str, lookup: Lookup) -> Link:
    return Link(kind, "one", source=source, lookup=lookup)


def _props(*names: str) -> dict[str, str]:
    return {name: "{}." + name for name in names}


def _dates(*names: str) -> dict[str, str]:
    return {name: "toString({}." + name + ")" for name in names}


KINDS: dict[str, Kind] = {
    "Region": Kind(
        "Region",
        "code",
        _props("code", "name", "level"),
        {
            "parent": one("Region", "MATCH ({})-[:PART_OF]->(n:Region)", places.REGIONS),
            "children": Link("Region", "page", places.REGION_CHILDREN, key="code"),
            "grids": Link("Grid", "page", places.REGION_GRIDS, key="code"),
            "centers": Link("GovernanceCenter", "list", services.REGION_CENTERS, key="code"),
        },
    ),
    "Grid": Kind(
        "Grid",
        "code",
        _props("code", "name", "kind"),
        {
            "region": one("Region", "MATCH ({})-[:IN]->(n:Region)", places.REGIONS),
            "buildings": Link("Building", "page", places.GRID_BUILDINGS, key="code"),
            "workers": Link("Person", "list", party.GRID_WORKERS, key="code"),
            "branches": Link("PartyOrganization", "list", party.GRID_BRANCHES, key="code"),
            "stations": Link("ServiceStation", "list", services.GRID_STATIONS, key="code"),
        },
    ),
    "Building": Kind(
        "Building",
        "code",
        _props("code", "name", "address"),
        {
            "grid": one("Grid", "MATCH ({})-[:IN]->(n:Grid)", places.GRIDS),
            "households": Link("Household", "page", places.BUILDING_HOUSEHOLDS, key="code"),
            "partyGroups": Link("PartyOrganization", "list", party.BUILDING_GROUPS, key="code"),
            "leaders": Link("Person", "list", party.BUILDING_LEADERS, key="code"),
            "covered": Link("Boolean", "flag", party.BUILDING_GROUPS, key="code"),
        },
    ),
    "Household": Kind(
        "Household",
        "id",
        _props("id", "door", "kind"),
        {
            "building": one("Building", "MATCH ({})-[:IN]->(n:Building)", places.BUILDINGS),
            "members": Link("Person", "list", people.HOUSEHOLD_MEMBERS, key="id"),
            "coveredBy": Link("Person", "list", party.HOUSEHOLD_COVERED_BY, key="id"),
            "covered": Link("Boolean", "flag", party.HOUSEHOLD_COVERED_BY, key="id"),
        },
    ),
    "Person": Kind(
        "Person",
        "id",
        {
            **_props("id", "name", "gender", "birthYear"),
            # Only masked forms ever leave the database (DESIGN §6).
            "idNumber": "{}.idNumberMasked",
            "phone": "{}.phoneMasked",
        },
        {
            "household": one(
                "Household", "MATCH ({})-[:LIVES_IN]->(n:Household)", places.HOUSEHOLDS
            ),
            "partyMemberships": Link("PartyMembership", "list", party.PERSON_MEMBERSHIPS, key="id"),
            "assignments": Link("Assignment", "list", party.PERSON_ASSIGNMENTS, key="id"),
            "coveredHouseholds": Link(
                "Household", "page", party.PERSON_COVERED_HOUSEHOLDS, key="id"
            ),
        },
    ),
    "PartyOrganization": Kind(
        "PartyOrganization",
        "id",
        _props("id", "name", "level"),
        {
            "parent": one(
                "PartyOrganization",
                "MATCH ({})-[:UNDER]->(n:PartyOrganization)",
                party.ORGANIZATIONS,
            ),
            "children": Link("PartyOrganization", "list", party.ORGANIZATION_CHILDREN, key="id"),
            "region": one("Region", "MATCH ({})-[:BELONGS_TO]->(n:Region)", places.REGIONS),
            "members": Link("Person", "page", party.ORGANIZATION_MEMBERS, key="id"),
            "assignments": Link("Assignment", "list", party.ORGANIZATION_ASSIGNMENTS, key="id"),
        },
    ),
    "PartyMembership": Kind(
        "MEMBER_OF",
        "since",
        {"kind": "{}.kind", **_dates("since", "until")},
        {
            "person": one("Person", "WITH startNode({}) AS n", people.PEOPLE),
            "organization": one("PartyOrganization", "WITH endNode({}) AS n", party.ORGANIZATIONS),
        },
    ),
    "Assignment": Kind(
        "Assignment",
        "id",
        {**_props("id", "role"), **_dates("since", "until")},
        {
            "holderPerson": one("Person", "MATCH ({})-[:HELD_BY]->(n:Person)", people.PEOPLE),
            "holderOrganization": one(
                "PartyOrganization",
                "MATCH ({})-[:HELD_BY]->(n:PartyOrganization)",
                party.ORGANIZATIONS,
            ),
            "targetGrid": one("Grid", "MATCH ({})-[:TARGETS]->(n:Grid)", places.GRIDS),
            "targetBuilding": one(
                "Building", "MATCH ({})-[:TARGETS]->(n:Building)", places.BUILDINGS
            ),
            "targetHousehold": one(
                "Household", "MATCH ({})-[:TARGETS]->(n:Household)", places.HOUSEHOLDS
            ),
        },
    ),
    "GovernanceCenter": Kind(
        "GovernanceCenter",
        "id",
        _props("id", "name", "level"),
        {"region": one("Region", "MATCH ({})-[:SERVES]->(n:Region)", places.REGIONS)},
    ),
    "ServiceStation": Kind(
        "ServiceStation",
        "id",
        {
            **_props("id", "name", "kind", "address"),
            "services": "coalesce({}.services, [])",
            "targetGroups": "coalesce({}.targetGroups, [])",
        },
        {
            "region": one("Region", "MATCH ({})-[:IN]->(n:Region)", places.REGIONS),
            "grid": one("Grid", "MATCH ({})-[:IN]->(n:Grid)", places.GRIDS),
        },
    ),
    "Case": Kind(
        "Case",
        "caseNo",
        {
            **_props("caseNo", "title", "category", "state", "level", "resolvedLevel"),
            "reportedAt": "{}.reportedAt",
            "closedAt": "{}.closedAt",
            "source": "coalesce({}.source, 'REPORTED')",
            "escalations": (
                "COUNT { MATCH ({})-[:HAS_EVENT]->(e:CaseEvent) WHERE e.action = 'ESCALATE' }"
            ),
        },
        {
            "grid": one("Grid", "MATCH ({})-[:IN]->(n:Grid)", places.GRIDS),
            "reportedBy": one("Person", "MATCH ({})-[:REPORTED_BY]->(n:Person)", people.PEOPLE),
            "events": Link(
                "CaseEvent", "list", cases.CASE_EVENTS, key="caseNo", guard=READABLE_EVENT
            ),
        },
        times=frozenset({"reportedAt", "closedAt"}),
    ),
    "CaseEvent": Kind(
        "CaseEvent",
        "seq",
        {
            **_props("seq", "action", "fromState", "toState", "level", "note"),
            "at": "{}.at",
        },
        {
            "actor": one("Person", "MATCH ({})-[:BY]->(n:Person)", people.PEOPLE),
            "center": one(
                "GovernanceCenter", "MATCH ({})-[:AT]->(n:GovernanceCenter)", services.CENTERS
            ),
        },
        times=frozenset({"at"}),
    ),
}
