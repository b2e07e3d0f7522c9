"""The clear phone (`Person.contactPhone`), its access log, `accessLog`, and
`personByIdNumber` (issue #6), with roles and scopes given to the schema directly, to
reach each rule; tests/security/test_roles.py asks the same over HTTP with tokens."""

import os
import subprocess
from typing import Any

import pytest
from strawberry.types import ExecutionResult

from graph import access_log
from graph.core.records import record
from graph.importing.online import import_dataset
from graph.security.principal import AccessRole, Principal
from tests.support import DEMO, GOVGRAPH, TEST_PII_KEYS, TEST_PII_SETTINGS, Api, Graph, execute

G01, G02 = "420602001001-G01", "420602001001-G02"
WORKER = "P0156"  # a grid worker of G01 and G02 in the demo
PHONES = {"P0001": "19900001034", "P0002": "15800001050", "P0054": "13300002874"}

CALL = "query($id: ID!, $why: String!) { person(id: $id) { contactPhone(purpose: $why) } }"
PURPOSE = "通知停水检修"


def principal(*roles: AccessRole, scope: tuple[str, ...] | None, subject: str | None = WORKER):
    return Principal(subject=subject, roles=frozenset(roles), scope=scope)


GRID_WORKER_G01 = principal(AccessRole.GRID_WORKER, scope=(G01,))
AUDITOR_CITY = principal(AccessRole.AUDITOR, scope=None, subject="AUD-1")


def codes(result: ExecutionResult) -> list[str]:
    return [error.extensions["code"] for error in result.errors or []]


def records(graph: Graph) -> list[dict[str, Any]]:
    return graph.cypher("MATCH (n:AccessRecord) RETURN properties(n) AS r ORDER BY n.seq")


@pytest.fixture(scope="module")
def imported(graph: Graph) -> Graph:
    graph.clear()
    graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))
    return graph


@pytest.fixture
def fresh(imported: Graph) -> Graph:
    """The demo with an empty access log: these tests append to the log and edit it."""
    imported.cypher("MATCH (n) WHERE n:AccessRecord OR n:AccessLog DELETE n")
    return imported


def test_a_grid_worker_reads_a_phone_of_her_grid_and_the_read_is_logged(fresh: Graph) -> None:
    result = execute(fresh, GRID_WORKER_G01, CALL, id="P0001", why=f"  {PURPOSE} ")

    assert result.errors is None
    assert result.data == {"person": {"contactPhone": PHONES["P0001"]}}
    # The person, then the log's read and its append in one transaction.
    assert result.extensions == {"cypherStatements": 3, "plan": "resolvers"}
    [record] = [row["r"] for row in records(fresh)]
    assert record.pop("at").tzinfo is not None
    assert record.pop("hash")
    assert record == {
        "seq": 1,
        "readerId": WORKER,
        "personId": "P0001",
        "field": "phone",
        "purpose": PURPOSE,
        "gridCode": G01,
    }
    assert fresh.run(lambda db: access_log.verify(db, TEST_PII_KEYS)) == (1, None)


def test_a_household_s_phones_cost_one_transaction_and_one_record_each(fresh: Graph) -> None:
    query = """query($why: String!) { household(id: "H0001") {
        members { id contactPhone(purpose: $why) } } }"""
    result = execute(fresh, GRID_WORKER_G01, query, why=PURPOSE)

    assert result.errors is None
    members = {m["id"]: m["contactPhone"] for m in result.data["household"]["members"]}
    assert members["P0001"] == PHONES["P0001"] and members["P0002"] == PHONES["P0002"]
    assert members["P0003"] is None  # a child without a phone: nothing read, nothing logged
    assert result.extensions == {"cypherStatements": 4, "plan": "resolvers"}
    logged = [(row["r"]["seq"], row["r"]["personId"]) for row in records(fresh)]
    assert sorted(person for _, person in logged) == ["P0001", "P0002"]
    assert [seq for seq, _ in logged] == [1, 2]


@pytest.mark.parametrize(
    "reader",
    [
        principal(AccessRole.GRID_WORKER, scope=(G02,)),  # another grid
        principal(AccessRole.GRID_WORKER, scope=("420624",)),  # another district
        principal(AccessRole.ADMIN, scope=None),  # no purpose needs it
        principal(AccessRole.AUDITOR, AccessRole.PLANNER, AccessRole.CASE_HANDLER, scope=(G01,)),
        principal(AccessRole.GRID_WORKER, scope=None),  # no named grids
        principal(AccessRole.GRID_WORKER, scope=(G01,), subject=None),  # no one to log
    ],
)
def test_anyone_else_is_refused_and_nothing_is_logged(fresh: Graph, reader: Principal) -> None:
    result = execute(fresh, reader, CALL, id="P0001", why=PURPOSE)

    # Refused by the role table, the scope (the person is out of sight) or the field itself.
    assert codes(result) == ["FORBIDDEN"]
    assert PHONES["P0001"] not in str(result.data) + str(result.errors)
    assert records(fresh) == []


@pytest.mark.parametrize("purpose", ["", "   ", "回访", "x" * 201])
def test_a_purpose_that_says_nothing_is_refused(fresh: Graph, purpose: str) -> None:
    result = execute(fresh, GRID_WORKER_G01, CALL, id="P0001", why=purpose)

    assert codes(result) == ["BAD_USER_INPUT"]
    assert records(fresh) == []


def test_a_sealed_phone_moved_to_another_person_does_not_open(fresh: Graph) -> None:
    [kept] = fresh.cypher(
        "MATCH (a:Person {id: 'P0001'}), (b:Person {id: 'P0002'}) "
        "WITH a, b, b.phoneSealed AS own SET b.phoneSealed = a.phoneSealed RETURN own"
    )
    try:
        result = execute(fresh, GRID_WORKER_G01, CALL, id="P0002", why=PURPOSE)
    finally:
        fresh.cypher("MATCH (b:Person {id: 'P0002'}) SET b.phoneSealed = $own", **kept)

    assert codes(result) == ["INTERNAL"]
    assert result.data == {"person": {"contactPhone": None}}
    assert PHONES["P0001"] not in str(result.errors)
    assert records(fresh) == []


# ------------------------------------------------------------------ accessLog

LOG = """query($within: String!, $first: Int, $after: String, $from: DateTime, $to: DateTime) {
  accessLog(within: $within, first: $first, after: $after, from: $from, to: $to) {
    totalCount nodes { seq personId readerId field purpose gridCode
                       person { name } reader { name } grid { code } }
    pageInfo { hasNextPage endCursor } } }"""


def read_three(graph: Graph) -> None:
    both = principal(AccessRole.GRID_WORKER, scope=(G01, G02))
    for person in ("P0001", "P0054", "P0002"):
        assert execute(graph, both, CALL, id=person, why=PURPOSE).errors is None


def test_auditors_read_the_log_within_their_scope_page_by_page(fresh: Graph) -> None:
    read_three(fresh)

    page = execute(fresh, AUDITOR_CITY, LOG, within="420602001001", first=2).data["accessLog"]
    assert page["totalCount"] == 3
    assert [(n["seq"], n["personId"], n["gridCode"]) for n in page["nodes"]] == [
        (1, "P0001", G01),
        (2, "P0054", G02),
    ]
    assert page["nodes"][0]["person"] == {"name": "邹博文"}
    assert page["nodes"][0]["grid"] == {"code": G01}
    assert page["nodes"][0]["reader"]["name"]
    assert page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    rest = execute(fresh, AUDITOR_CITY, LOG, within="420602001001", after=after)
    assert [n["seq"] for n in rest.data["accessLog"]["nodes"]] == [3]

    # A grid as `within`, and an auditor whose scope is one grid: the other grid's reads,
    # not even their count, reach her.
    in_g02 = execute(fresh, AUDITOR_CITY, LOG, within=G02).data["accessLog"]
    assert [n["personId"] for n in in_g02["nodes"]] == ["P0054"]
    auditor_g01 = principal(AccessRole.AUDITOR, scope=(G01,), subject="AUD-2")
    assert codes(execute(fresh, auditor_g01, LOG, within="420602")) == ["FORBIDDEN"]
    scoped = execute(fresh, auditor_g01, LOG, within=G01).data["accessLog"]
    assert scoped["totalCount"] == 2
    assert {n["personId"] for n in scoped["nodes"]} == {"P0001", "P0002"}
    elsewhere = execute(fresh, AUDITOR_CITY, LOG, within="420624").data["accessLog"]
    assert elsewhere["totalCount"] == 0


def test_the_log_by_time_and_its_refusals(fresh: Graph) -> None:
    read_three(fresh)
    within = "420602001001"

    future = execute(fresh, AUDITOR_CITY, LOG, within=within, **{"from": "2100-01-01T00:00:00"})
    assert future.data["accessLog"]["totalCount"] == 0
    until_now = execute(fresh, AUDITOR_CITY, LOG, within=within, to="2100-01-01T00:00:00+08:00")
    assert until_now.data["accessLog"]["totalCount"] == 3

    viewer = principal(AccessRole.VIEWER, AccessRole.PLANNER, AccessRole.GRID_WORKER, scope=None)
    assert codes(execute(fresh, viewer, LOG, within=within)) == ["FORBIDDEN"]
    assert codes(execute(fresh, AUDITOR_CITY, LOG, within="NOWHERE")) == ["NOT_FOUND"]
    backwards = {"from": "2026-02-01T00:00:00", "to": "2026-01-01T00:00:00"}
    assert codes(execute(fresh, AUDITOR_CITY, LOG, within=within, **backwards)) == [
        "BAD_USER_INPUT"
    ]


def test_the_log_over_http_costs_a_fixed_number_of_statements(fresh: Graph, api: Api) -> None:
    read_three(fresh)
    query = '{ accessLog(within: "420602") { nodes { seq person { name } grid { code } } } }'
    # The scope, the page, the people and the grids: the same for 3 records as for 300.
    assert api.statements(query) == 4


# ------------------------------------------------------------------ the chain


def verify(graph: Graph) -> tuple[int, access_log.LogBreak | None]:
    return graph.run(lambda db: access_log.verify(db, TEST_PII_KEYS))


def test_an_edited_or_deleted_record_breaks_the_chain(fresh: Graph) -> None:
    read_three(fresh)
    assert verify(fresh) == (3, None)

    fresh.cypher("MATCH (n:AccessRecord {seq: 2}) SET n.purpose = '查看'")
    assert verify(fresh)[1] == access_log.LogBreak(2, "its content or hash was changed")

    fresh.cypher("MATCH (n:AccessRecord {seq: 2}) DELETE n")
    assert verify(fresh)[1] == access_log.LogBreak(2, "the record is missing: it was deleted")


def test_a_deleted_last_record_breaks_the_chain(fresh: Graph) -> None:
    read_three(fresh)
    fresh.cypher("MATCH (n:AccessRecord {seq: 3}) DELETE n")
    assert verify(fresh)[1] == access_log.LogBreak(
        3, "the log's last records were deleted or replaced"
    )


def test_a_record_rehashed_without_the_key_breaks_the_chain(fresh: Graph) -> None:
    """Even someone who recomputes hashes cannot forge a record without the key."""
    read_three(fresh)
    wrong = type(TEST_PII_KEYS)(b"guessed key", TEST_PII_KEYS.sealing)
    [row] = fresh.cypher(f"MATCH (n:AccessRecord {{seq: 1}}) RETURN n {{{access_log.RECORD}}} AS r")
    stored = record(access_log.AccessRecord, {**row["r"], "purpose": "查看"})
    forged = access_log.record_hash(wrong.derived(access_log.CHAIN_KEY_PURPOSE), "", stored)
    fresh.cypher("MATCH (n:AccessRecord {seq: 1}) SET n.purpose = '查看', n.hash = $h", h=forged)
    assert verify(fresh)[1] == access_log.LogBreak(1, "its content or hash was changed")


# ------------------------------------------------------------------ personByIdNumber

BY_ID = "query($n: String!) { personByIdNumber(idNumber: $n) { id idNumber phone } }"
P0001_ID = "420602199007259993"
P0200_ID = "420624195110119315"  # lives in 420624100201-G01
NOBODY_ID = "11010519491231002X"  # valid, but no one's


def test_a_grid_worker_finds_people_of_her_grids_only(fresh: Graph) -> None:
    found = execute(fresh, GRID_WORKER_G01, BY_ID, n=P0001_ID.lower() + " ")
    assert found.errors is None
    assert found.data == {
        "personByIdNumber": {
            "id": "P0001",
            "idNumber": "420602********9993",
            "phone": "199****1034",
        }
    }
    assert found.extensions == {"cypherStatements": 1, "plan": "resolvers"}

    elsewhere = execute(fresh, GRID_WORKER_G01, BY_ID, n=P0200_ID)
    nobody = execute(fresh, GRID_WORKER_G01, BY_ID, n=NOBODY_ID)
    assert codes(elsewhere) == codes(nobody) == ["FORBIDDEN"]
    assert elsewhere.errors[0].message == nobody.errors[0].message  # the same answer
    assert elsewhere.data == nobody.data == {"personByIdNumber": None}


def test_admins_find_anyone_and_others_are_refused(fresh: Graph) -> None:
    admin = principal(AccessRole.ADMIN, scope=None, subject="ADM")
    assert execute(fresh, admin, BY_ID, n=P0200_ID).data["personByIdNumber"]["id"] == "P0200"
    assert execute(fresh, admin, BY_ID, n=NOBODY_ID).data == {"personByIdNumber": None}
    for roles in ([AccessRole.VIEWER], [AccessRole.AUDITOR, AccessRole.CASE_HANDLER]):
        other = principal(*roles, scope=None)
        assert codes(execute(fresh, other, BY_ID, n=P0001_ID)) == ["FORBIDDEN"]


@pytest.mark.parametrize("number", ["420602199007259994", "4206021990072599", "42060219901332999X"])
def test_a_malformed_number_is_refused_without_repeating_it(fresh: Graph, number: str) -> None:
    result = execute(fresh, GRID_WORKER_G01, BY_ID, n=number)

    assert codes(result) == ["BAD_USER_INPUT"]
    message = result.errors[0].message
    assert number not in message and number[:6] not in message and number[-4:] not in message


def test_by_id_number_over_http(fresh: Graph, api: Api) -> None:
    """Unrestricted until tokens come: one statement, by the hash."""
    assert api.data(BY_ID, {"n": P0200_ID})["personByIdNumber"]["id"] == "P0200"
    assert api.statements(BY_ID, {"n": P0200_ID}) == 1


def test_the_audit_command_names_the_first_broken_record(fresh: Graph) -> None:
    read_three(fresh)
    keys = {f"GOVGRAPH_{name.upper()}": value for name, value in TEST_PII_SETTINGS.items()}
    env = {**os.environ, "NEO4J_URI": fresh.uri, "COLUMNS": "200", **keys}

    def audit() -> subprocess.CompletedProcess[str]:
        command = [str(GOVGRAPH), "audit", "access-log"]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    intact = audit()
    assert intact.returncode == 0, intact.stderr
    assert "All 3 records of the access log verify." in intact.stdout
    fresh.cypher("MATCH (n:AccessRecord {seq: 2}) SET n.readerId = 'P0001'")
    broken = audit()
    assert broken.returncode == 1
    assert "broken at record 2: its content or hash was changed" in broken.stderr
