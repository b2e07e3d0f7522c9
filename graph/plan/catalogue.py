"""What the planner knows of each kind of object: its fields as Cypher over a node, and
its links, each built on the walks and look-ups that the domain modules declare.

`{}` in an expression or a source stands for the variable of the object it is read on.
A link's source binds `n`, the linked objects, which the look-up's or the walk's
visibility predicate (graph.security.scope) then filters.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from graph import cases, evaluations, meetings, party, people, places, projects, services, visits
from graph.case_machine import CaseChain
from graph.core.batch import Lookup, Walk
from graph.core.model import CaseAction, CaseState, GovernanceLevel

Shape = Literal["one", "list", "page", "flag"]
# A walk's parameters from the field's checked arguments, as its resolver makes them.
Params = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def dated(args: Mapping[str, Any]) -> Mapping[str, Any]:
    """`asOf` and `history`, which dated walks read, as the field gives them."""
    return {name: args[name] for name in ("asOf", "history") if name in args}


def period(args: Mapping[str, Any]) -> Mapping[str, Any]:
    """The days `from`..`to` as graph.visits' IN_PERIOD reads them."""
    return visits.period(args.get("from"), args.get("to"))


@dataclass(frozen=True)
class Link:
    kind: str  # the kind of the linked objects
    shape: Shape  # one object, a list, a page of a connection, or whether any exists
    # From the object's key (`parent`): lists, pages, flags, and a `one` that is the map
    # the walk projects (no node: a summary such as a member's services at home).
    walk: Walk | None = None
    source: str = ""  # for `one` of a node: Cypher binding `n` from `{}`
    lookup: Lookup | None = None  # for `one`: the visibility of what is found
    # For a list: what every item (`{}`) must satisfy for the planner to answer it; else
    # the resolvers answer the whole request, as they answer what was edited in the graph.
    guard: str = ""
    params: Params = dated  # the walk's parameters


@dataclass(frozen=True)
class Computed:
    """A field that only Python can make (a hash chain checked under the server's key):
    the statement reads `facts` (a list over `{}`) and the rows of `walk` from the object,
    and `make` turns them into the value after the statement, with the key's chain."""

    facts: str
    walk: Walk
    make: Callable[[Any, list[Any], CaseChain], Any]


@dataclass(frozen=True)
class Kind:
    label: str
    order_key: str
    fields: dict[str, str]  # field -> Cypher expression over `{}`
    links: dict[str, Link]
    times: frozenset[str] = frozenset()  # fields holding a DateTime, serialised after
    computed: Mapping[str, Computed] = field(default_factory=dict)


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


def _to(rel: str, kind: str, lookup: Lookup) -> Link:
    """The one `kind` the object points to along `rel`."""
    return one(kind, f"MATCH ({{}})-[:{rel}]->(n:{kind})", lookup)


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
            "parent": _to("PART_OF", "Region", places.REGIONS),
            "children": Link("Region", "page", places.REGION_CHILDREN),
            "grids": Link("Grid", "page", places.REGION_GRIDS),
            "centers": Link("GovernanceCenter", "list", services.REGION_CENTERS),
            "stations": Link("ServiceStation", "list", services.REGION_STATIONS),
            "organisations": Link("Organisation", "list", services.REGION_ORGANISATIONS),
            "partyOrganizations": Link("PartyOrganization", "list", party.REGION_ORGANIZATIONS),
        },
    ),
    "Grid": Kind(
        "Grid",
        "code",
        _props("code", "name", "kind"),
        {
            "region": _to("IN", "Region", places.REGIONS),
            "buildings": Link("Building", "page", places.GRID_BUILDINGS),
            "workers": Link("Person", "list", party.GRID_WORKERS),
            "branches": Link("PartyOrganization", "list", party.GRID_BRANCHES),
            "stations": Link("ServiceStation", "list", services.GRID_STATIONS),
            "dualReportUnits": Link("Assignment", "list", party.GRID_DUAL_REPORT_UNITS),
            "organisations": Link("Organisation", "list", services.GRID_ORGANISATIONS),
            "projects": Link("Project", "list", projects.GRID_PROJECTS),
            "meetings": Link("Meeting", "list", meetings.GRID_MEETINGS, params=period),
        },
    ),
    "Building": Kind(
        "Building",
        "code",
        _props("code", "name", "address"),
        {
            "grid": _to("IN", "Grid", places.GRIDS),
            "households": Link("Household", "page", places.BUILDING_HOUSEHOLDS),
            "partyGroups": Link("PartyOrganization", "list", party.BUILDING_GROUPS),
            "leaders": Link("Person", "list", party.BUILDING_LEADERS),
            "covered": Link("Boolean", "flag", party.BUILDING_GROUPS),
        },
    ),
    "Household": Kind(
        "Household",
        "id",
        _props("id", "door", "kind"),
        {
            "building": _to("IN", "Building", places.BUILDINGS),
            "members": Link("Person", "list", people.HOUSEHOLD_MEMBERS),
            "coveredBy": Link("Person", "list", party.HOUSEHOLD_COVERED_BY),
            "covered": Link("Boolean", "flag", party.HOUSEHOLD_COVERED_BY),
            "visits": Link("Visit", "list", visits.HOUSEHOLD_VISITS),
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
            "household": _to("LIVES_IN", "Household", places.HOUSEHOLDS),
            "partyMemberships": Link("PartyMembership", "list", party.PERSON_MEMBERSHIPS),
            "assignments": Link("Assignment", "list", party.PERSON_ASSIGNMENTS),
            "coveredHouseholds": Link("Household", "page", party.PERSON_COVERED_HOUSEHOLDS),
            "volunteering": Link("Volunteering", "list", services.PERSON_VOLUNTEERING),
            "visits": Link("Visit", "page", visits.PERSON_VISITS, params=period),
            "servicesAtHome": Link("HomeServices", "one", party.HOME_SERVICES, params=period),
        },
    ),
    "HomeServices": Kind(
        "HomeServices",  # the map party.HOME_SERVICES projects
        "community_code",
        {
            "visits": "{}.visits",
            "mediations": "{}.mediations",
            "supervisedProjects": "{}.supervised_projects",
        },
        {"community": one("Region", "MATCH (n:Region {code: {}.community_code})", places.REGIONS)},
    ),
    "PartyOrganization": Kind(
        "PartyOrganization",
        "id",
        _props("id", "name", "level"),
        {
            "parent": _to("UNDER", "PartyOrganization", party.ORGANIZATIONS),
            "children": Link("PartyOrganization", "list", party.ORGANIZATION_CHILDREN),
            "region": _to("BELONGS_TO", "Region", places.REGIONS),
            "members": Link("Person", "page", party.ORGANIZATION_MEMBERS),
            "assignments": Link("Assignment", "list", party.ORGANIZATION_ASSIGNMENTS),
            "visits": Link("Visit", "page", visits.ORGANIZATION_VISITS, params=period),
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
            "holderPerson": _to("HELD_BY", "Person", people.PEOPLE),
            "holderOrganization": _to("HELD_BY", "PartyOrganization", party.ORGANIZATIONS),
            "targetGrid": _to("TARGETS", "Grid", places.GRIDS),
            "targetBuilding": _to("TARGETS", "Building", places.BUILDINGS),
            "targetHousehold": _to("TARGETS", "Household", places.HOUSEHOLDS),
        },
    ),
    "GovernanceCenter": Kind(
        "GovernanceCenter",
        "id",
        _props("id", "name", "level"),
        {
            "region": _to("SERVES", "Region", places.REGIONS),
            "stationed": Link("Organisation", "list", services.CENTER_ORGANISATIONS),
        },
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
            "region": _to("IN", "Region", places.REGIONS),
            "grid": _to("IN", "Grid", places.GRIDS),
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
            "grid": _to("REPORTED_IN", "Grid", places.GRIDS),
            "reportedBy": _to("REPORTED_BY", "Person", people.PEOPLE),
            "events": Link("CaseEvent", "list", cases.CASE_EVENTS, guard=READABLE_EVENT),
            "evaluations": Link("Evaluation", "list", evaluations.CASE_EVALUATIONS),
            # The first by id, as the resolvers take it.
            "project": one(
                "Project",
                "MATCH ({})<-[:CAME_FROM]-(n:Project) WITH n ORDER BY n.id",
                projects.PROJECTS,
            ),
        },
        times=frozenset({"reportedAt", "closedAt"}),
        computed={
            "historyIntact": Computed(cases.INTACT_FACTS, cases.CASE_EVENTS, cases.intact),
        },
    ),
    "CaseEvent": Kind(
        "CaseEvent",
        "seq",
        {
            **_props("seq", "action", "fromState", "toState", "level", "note"),
            "at": "{}.at",
        },
        {
            "actor": _to("BY", "Person", people.PEOPLE),
            "center": _to("AT", "GovernanceCenter", services.CENTERS),
        },
        times=frozenset({"at"}),
    ),
    "Evaluation": Kind(
        "Evaluation",
        "id",
        {**_props("id", "at", "rating", "comment"), "round": evaluations.closing_round("{}")},
        {"household": _to("BY", "Household", places.HOUSEHOLDS)},
        times=frozenset({"at"}),
    ),
    "Organisation": Kind(
        "Organisation",
        "id",
        _props("id", "name", "kind"),
        {
            "region": _to("BASED_IN", "Region", places.REGIONS),
            "grid": _to("BASED_IN", "Grid", places.GRIDS),
            "center": _to("STATIONED_AT", "GovernanceCenter", services.CENTERS),
            "volunteers": Link("Person", "page", services.ORGANISATION_VOLUNTEERS),
        },
    ),
    "Volunteering": Kind(
        "VOLUNTEERS_IN",
        "since",
        _dates("since", "until"),
        {
            "person": one("Person", "WITH startNode({}) AS n", people.PEOPLE),
            "organisation": one("Organisation", "WITH endNode({}) AS n", services.ORGANISATIONS),
        },
    ),
    "Visit": Kind(
        "Visit",
        "id",
        _props("id", "at", "purpose", "outcome"),
        {
            "household": _to("TO", "Household", places.HOUSEHOLDS),
            "visitor": _to("BY", "Person", people.PEOPLE),
            "branch": _to("FOR", "PartyOrganization", party.ORGANIZATIONS),
        },
        times=frozenset({"at"}),
    ),
    "Project": Kind(
        "Project",
        "id",
        {
            **_props("id", "title", "kind", "origin", "state", "materials"),
            **_props("moneyYuan", "labourDays", "proposedAt", "lastSeq"),
        },
        {
            "grid": _to("IN", "Grid", places.GRIDS),
            "sourceCase": _to("CAME_FROM", "Case", cases.CASES),
            "sourceMeeting": _to("CAME_FROM", "Meeting", meetings.MEETINGS),
            "supervisors": Link("Person", "list", projects.PROJECT_SUPERVISORS),
            "events": Link("ProjectEvent", "list", projects.PROJECT_EVENTS),
            "evaluations": Link("Evaluation", "list", projects.PROJECT_EVALUATIONS),
        },
        times=frozenset({"proposedAt"}),
    ),
    "ProjectEvent": Kind(
        "ProjectEvent",
        "seq",
        _props("seq", "at", "fromState", "toState", "note"),
        {"actor": _to("BY", "Person", people.PEOPLE)},
        times=frozenset({"at"}),
    ),
    "Meeting": Kind(
        "Meeting",
        "id",
        _props("id", "at", "kind", "title"),
        {
            "grid": _to("IN", "Grid", places.GRIDS),
            "building": _to("AT", "Building", places.BUILDINGS),
            "attendees": Link("Person", "list", meetings.MEETING_PEOPLE),
            "organisations": Link("Organisation", "list", meetings.MEETING_ORGANISATIONS),
            "partyOrganizations": Link(
                "PartyOrganization", "list", meetings.MEETING_PARTY_ORGANIZATIONS
            ),
            "matters": Link("Matter", "list", meetings.MEETING_MATTERS),
        },
        times=frozenset({"at"}),
    ),
    "Matter": Kind(
        "Matter",
        "seq",
        _props("seq", "kind", "text"),
        {
            "case": _to("BECAME", "Case", cases.CASES),
            "project": _to("BECAME", "Project", projects.PROJECTS),
        },
    ),
}
