"""Roles (issue #6): every query and mutation of the schema, and every sensitive field,
asked by every role over real HTTP: served, or refused as a whole with FORBIDDEN.

The matrices below are the README's "Access control" tables; the root fields come from
the schema itself, so a new query or mutation fails here until it has its row.
"""

import pytest
from graphql import GraphQLObjectType

from graph.security.principal import AccessRole
from schema import schema
from schema.access import roles_for
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")

ROLES = [role.value for role in AccessRole]
CITY = "420600"  # every role but ADMIN needs a scope: the whole city, so that only roles count

ROOT_MATRIX = """
                     VIEWER PLANNER AUDITOR GRID_WORKER CASE_HANDLER ADMIN
region                  x      x       x        x           x          x
topRegions              x      x       x        x           x          x
grid                    x      x       x        x           x          x
building                x      x       x        x           x          x
partyOrganization       x      x       x        x           x          x
stats                   x      x       x        x           x          x
household               .      x       x        x           .          x
person                  .      .       x        x           x          x
partyMembers            .      x       x        x           .          x
coverage                .      x       x        .           .          x
uncoveredBuildings      .      x       x        .           .          x
uncoveredHouseholds     .      x       x        .           .          x
case                    .      .       x        x           x          x
cases                   .      .       x        x           x          x
caseStats               .      x       x        x           x          x
personByIdNumber        .      .       .        x           .          x
accessLog               .      .       x        .           .          x
search                  x      x       x        x           x          x
organisation            x      x       x        x           x          x
organisations           x      x       x        x           x          x
stations                x      x       x        x           x          x
visits                  .      x       x        x           .          x
unvisitedHouseholds     .      x       x        x           .          x
project                 .      x       x        x           x          x
projects                .      x       x        x           x          x
projectStats            .      x       x        x           x          x
meetings                .      x       x        x           x          x
reportCase              .      .       .        x           x          x
advanceCase             .      .       .        x           x          x
assign                  .      .       .        .           .          x
endAssignment           .      .       .        .           .          x
recordVisit             .      .       .        x           .          x
evaluateCase            .      .       .        x           x          x
proposeProject          .      .       .        x           x          x
advanceProject          .      .       .        x           x          x
evaluateProject         .      .       .        x           x          x
recordMeeting           .      .       .        x           x          x
"""

FIELD_MATRIX = """
                          VIEWER PLANNER AUDITOR GRID_WORKER CASE_HANDLER ADMIN
Person.name                  x      x       x        x           x          x
Person.id                    .      .       x        x           x          x
Person.gender                .      .       .        x           .          x
Person.birthYear             .      .       .        x           .          x
Person.idNumber              .      .       .        x           .          x
Person.phone                 .      .       .        x           .          x
Person.household             .      .       .        x           .          x
Person.partyMemberships      .      .       .        x           .          x
Person.assignments           .      .       x        x           .          x
Person.coveredHouseholds     .      x       x        x           .          x
Building.households          .      x       x        x           .          x
Building.covered             .      x       x        x           .          x
Household.members            .      .       .        x           .          x
Household.coveredBy          .      x       x        x           .          x
PartyOrganization.members    .      x       x        x           .          x
PartyOrganization.assignments .     .       x        x           .          x
Grid.workers                 x      x       x        x           x          x
Region.centers               x      x       x        x           x          x
SearchHit.person             .      .       x        x           x          x
Project.evaluations          .      .       x        x           x          x
"""


def parse(matrix: str) -> dict[str, set[str]]:
    lines = [line.split() for line in matrix.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return {row[0]: {role for role, mark in zip(header, row[1:], strict=True) if mark == "x"}
            for row in rows}  # fmt: skip


# One operation per root field, on demo ids; a refused write changes nothing, and the
# allowed ones only add a case, a note, an assignment, a visit, a rating, a project, a
# meeting and a project's rating (advanceProject expects a state J002 is not in: CONFLICT).
ROOT_OPERATIONS = {
    "region": '{ region(code: "420602") { name } }',
    "topRegions": "{ topRegions { name stations { name } partyOrganizations { name } } }",
    "grid": '{ grid(code: "420602001001-G01") { name } }',
    "building": '{ building(code: "420602001001-G01-B01") { code } }',
    "partyOrganization": '{ partyOrganization(id: "PO-420602001001") { name } }',
    "stats": "{ stats { grids cases } }",
    "household": '{ household(id: "H0001") { door } }',
    "person": '{ person(id: "P0024") { name } }',
    "partyMembers": '{ partyMembers(within: "420602") { totalCount } }',
    "coverage": '{ coverage(within: "420602") { households } }',
    "uncoveredBuildings": '{ uncoveredBuildings(within: "420602") { totalCount } }',
    "uncoveredHouseholds": '{ uncoveredHouseholds(within: "420602") { totalCount } }',
    "case": '{ case(caseNo: "XY-2026-0006") { title } }',
    "cases": "{ cases(first: 1) { totalCount } }",
    "caseStats": '{ caseStats(within: "420602") { reported } }',
    "personByIdNumber": '{ personByIdNumber(idNumber: "420602199007259993") { name } }',
    "accessLog": '{ accessLog(within: "420602") { totalCount } }',
    "search": '{ search(text: "凤鸣") { totalCount } }',
    "reportCase": 'mutation { reportCase(input: { title: "matrix", category: HAZARD, '
    'gridCode: "420602001001-G01" }) { caseNo } }',
    "advanceCase": 'mutation { advanceCase(input: { caseNo: "XY-2026-0011", action: NOTE, '
    'note: "matrix" }) { state } }',
    "assign": 'mutation { assign(input: { role: GRID_WORKER, holder: "P0262", '
    'target: "420602001002-G02" }) { role } }',
    "endAssignment": 'mutation { endAssignment(id: "A-does-not-exist") { id } }',
    "organisation": '{ organisation(id: "O001") { name } }',
    "organisations": '{ organisations(within: "420602") { totalCount } }',
    "stations": '{ stations(within: "420602") { totalCount } }',
    "visits": '{ visits(within: "420602") { totalCount } }',
    "unvisitedHouseholds": '{ unvisitedHouseholds(within: "420602", days: 30) { totalCount } }',
    "recordVisit": 'mutation { recordVisit(input: { householdId: "H0001", '
    'purpose: CARE, visitorId: "P0262" }) { id } }',
    "evaluateCase": 'mutation { evaluateCase(input: { caseNo: "XY-2026-0005", '
    'householdId: "H0001", rating: SATISFIED }) { rating } }',
    "project": '{ project(id: "J001") { title } }',
    "projects": '{ projects(within: "420602") { totalCount } }',
    "projectStats": '{ projectStats(within: "420602") { projects } }',
    "meetings": '{ meetings(within: "420602") { totalCount } }',
    "proposeProject": 'mutation { proposeProject(input: { title: "matrix", kind: OTHER, '
    'origin: OTHER, gridCode: "420602001001-G01" }) { id } }',
    "advanceProject": 'mutation { advanceProject(input: { projectId: "J002", toState: DONE, '
    "expectedState: PLANNED }) { state } }",
    "evaluateProject": 'mutation { evaluateProject(input: { projectId: "J003", '
    'householdId: "H0018", rating: SATISFIED }) { rating } }',
    "recordMeeting": "mutation { recordMeeting(input: { kind: EVENING_TALK, "
    'gridCode: "420602001001-G01" }) { id } }',
}

# A field of a type reached through fields every role may select where possible.
WORKERS = 'grid(code: "420602001001-G01") { workers'
FIELD_OPERATIONS = {
    "Person.name": f"{{ {WORKERS} {{ name }} }} }}",
    "Person.id": f"{{ {WORKERS} {{ id }} }} }}",
    "Person.gender": f"{{ {WORKERS} {{ gender }} }} }}",
    "Person.birthYear": f"{{ {WORKERS} {{ birthYear }} }} }}",
    "Person.idNumber": f"{{ {WORKERS} {{ idNumber }} }} }}",
    "Person.phone": f"{{ {WORKERS} {{ phone }} }} }}",
    "Person.household": f"{{ {WORKERS} {{ household {{ door }} }} }} }}",
    "Person.partyMemberships": f"{{ {WORKERS} {{ partyMemberships {{ kind }} }} }} }}",
    "Person.assignments": f"{{ {WORKERS} {{ assignments {{ role }} }} }} }}",
    "Person.coveredHouseholds": f"{{ {WORKERS} {{ coveredHouseholds {{ totalCount }} }} }} }}",
    "Building.households": '{ building(code: "420602001001-G01-B01") { households { totalCount } } }',
    "Building.covered": '{ building(code: "420602001001-G01-B01") { covered } }',
    "Household.members": '{ building(code: "420602001001-G01-B01") { households { nodes { members { name } } } } }',
    "Household.coveredBy": '{ building(code: "420602001001-G01-B01") { households { nodes { coveredBy { name } } } } }',
    "PartyOrganization.members": '{ partyOrganization(id: "PO-420602001001") { members { totalCount } } }',
    "PartyOrganization.assignments": '{ partyOrganization(id: "PO-420602001001-G01") { assignments { role } } }',
    "Grid.workers": f"{{ {WORKERS} {{ name }} }} }}",
    "Region.centers": '{ region(code: "420602") { centers { name } } }',
    "SearchHit.person": '{ search(text: "孙磊") { nodes { person { name } } } }',
    "Project.evaluations": '{ project(id: "J001") { evaluations { rating } } }',
}


def root_fields() -> set[str]:
    graphql = schema._schema
    types = [graphql.query_type, graphql.mutation_type]
    return {name for kind in types if kind is not None for name in kind.fields}


def client(api: Api, role: str) -> Api:
    return api if role == "ADMIN" else api.as_(role, CITY)


def test_every_query_and_mutation_has_a_row_and_an_operation() -> None:
    assert set(parse(ROOT_MATRIX)) == root_fields()
    assert set(ROOT_OPERATIONS) == root_fields()
    assert set(FIELD_OPERATIONS) == set(parse(FIELD_MATRIX))


def check(api: Api, role: str, allowed: set[str], name: str, operation: str) -> None:
    body = client(api, role).post(operation)
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    if role in allowed:
        # Served: only an answer about the data itself (an id that exists nowhere, or a
        # rating of a closing that an earlier role's request gave already).
        assert set(codes) <= {"NOT_FOUND", "CONFLICT"}, (name, role, body)
        if not codes:
            data = body["data"]
            assert data and all(value is not None for value in data.values()), (name, role, body)
            if not operation.startswith("mutation"):
                # A reader of the whole city gets what ADMIN gets: the data, not a part of it.
                assert data == api.post(operation)["data"], (name, role, body)
    else:
        assert codes == ["FORBIDDEN"], (name, role, body)
        assert body["data"] is None  # refused as a whole: nothing ran
        assert body["extensions"]["cypherStatements"] == 0
        message = body["errors"][0]["message"]
        assert name.split(".")[-1] in message and "ADMIN" in message, message


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROOT_OPERATIONS))
def test_role_by_operation(api: Api, role: str, name: str) -> None:
    check(api, role, parse(ROOT_MATRIX)[name], name, ROOT_OPERATIONS[name])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(FIELD_OPERATIONS))
def test_role_by_sensitive_field(api: Api, role: str, name: str) -> None:
    check(api, role, parse(FIELD_MATRIX)[name], name, FIELD_OPERATIONS[name])


def test_a_refusal_names_every_field_refused_and_who_may_ask(api: Api) -> None:
    body = api.as_("VIEWER", CITY).post(
        '{ grid(code: "420602001001-G01") { name workers { name phone household { id } } } }'
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == (
        "Your token's roles (VIEWER) may not ask for this: "
        "Person.phone needs GRID_WORKER or ADMIN; Person.household needs GRID_WORKER or ADMIN; "
        "Household.id needs PLANNER, AUDITOR, GRID_WORKER or ADMIN."
    )


def test_fragments_are_checked_like_fields(api: Api) -> None:
    query = """{ grid(code: "420602001001-G01") { workers { ...who } } }
    fragment who on Person { name phone }"""
    assert api.as_("PLANNER", CITY).error_codes(query) == ["FORBIDDEN"]
    assert api.as_("GRID_WORKER", CITY).error_codes(query) == []


def test_introspection_is_not_a_data_field(api: Api) -> None:
    viewer = api.as_("VIEWER", CITY)
    assert viewer.data("{ __schema { queryType { name } } }")
    assert viewer.data('{ grid(code: "420602001001-G01") { workers { __typename name } } }')


def test_every_field_of_every_type_has_a_rule() -> None:
    graphql = schema._schema
    missing = [
        f"{name}.{field}"
        for name, kind in graphql.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field in kind.fields
        if roles_for(graphql, name, field) is None
    ]
    assert missing == []
    # A field without a rule of its own, on a type without one, has none: refused.
    assert roles_for(graphql, "Query", "noSuchField") is None


@pytest.mark.parametrize("role", ROLES)
def test_reports_follow_the_rule_of_their_field(api: Api, role: str) -> None:
    reader = api if role == "ADMIN" else api.as_(role, "420602")
    allowed = role in parse(ROOT_MATRIX)["coverage"]
    for name in ("coverage", "uncovered-buildings", "uncovered-households"):
        response = reader.http.get(f"/reports/{name}.csv", params={"within": "420602"})
        assert response.status_code == (200 if allowed else 403), (role, name, response.text)
    if role != "ADMIN" and allowed:
        # The district's reader cannot have the city's report, nor tell it from none.
        city = reader.http.get("/reports/coverage.csv", params={"within": "420600"})
        nowhere = reader.http.get("/reports/coverage.csv", params={"within": "420699"})
        assert city.status_code == nowhere.status_code == 403
        assert city.text.replace("420600", "X") == nowhere.text.replace("420699", "X")


def test_only_the_residents_grid_worker_reads_her_phone_in_clear(api: Api) -> None:
    """Person.contactPhone: the one clear read (DESIGN §6), logged for the auditor."""
    query = '{ person(id: "P0001") { contactPhone(purpose: "通知停水检修") } }'
    worker = api.as_("GRID_WORKER", "420602001001-G01", sub="P0262")
    assert worker.data(query) == {"person": {"contactPhone": "19900001034"}}
    assert api.error_codes(query) == ["FORBIDDEN"]  # not even ADMIN: no purpose needs it
    for role in ("VIEWER", "PLANNER", "AUDITOR", "CASE_HANDLER"):
        assert api.as_(role, CITY).error_codes(query) == ["FORBIDDEN"], role
    elsewhere = api.as_("GRID_WORKER", "420602001001-G02", sub="P0262")
    assert elsewhere.error_codes(query) == ["FORBIDDEN"]
    log = api.as_("AUDITOR", "420602").data(
        '{ accessLog(within: "420602001001-G01") { nodes { readerId personId field purpose } } }'
    )
    assert log["accessLog"]["nodes"][-1] == {
        "readerId": "P0262",
        "personId": "P0001",
        "field": "phone",
        "purpose": "通知停水检修",
    }
