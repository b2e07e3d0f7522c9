"""Operations (issue #16) over real HTTP on the real Neo4j: probes, request ids and log
lines, metrics, and bookmarks passed back and honoured."""

import base64
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial

import httpx
import pytest

from graph.people import seal_clear_values
from graph.store.migrations import is_current, prepare
from server.observe import JsonLines, TextLines, WithRequestId
from tests.support import TEST_PII_KEYS, Api, Graph, govgraph

LOGGER = logging.getLogger("govgraph")
Serve = Callable[..., AbstractContextManager[Api]]


@pytest.fixture
def lines() -> Iterator[list[str]]:
    """The `govgraph` log as JSON lines, as `govgraph serve` writes it."""
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(self.format(record))

    handler = Keep(logging.INFO)
    handler.addFilter(WithRequestId())
    handler.setFormatter(JsonLines())
    level = LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    yield kept
    LOGGER.removeHandler(handler)
    LOGGER.setLevel(level)


def requests_logged(lines: list[str]) -> list[dict]:
    return [line for line in map(json.loads, lines) if line["message"] == "request"]


# ------------------------------------------------------------------ probes


def test_the_probes_need_no_token_and_say_nothing_of_the_data(graph: Graph, api: Api) -> None:
    bare = httpx.Client(base_url=api.base_url)
    assert bare.get("/healthz").json() == {"status": "ok"}
    ready = bare.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_not_ready_until_the_migrations_have_run(graph: Graph, api: Api) -> None:
    graph.cypher("MATCH (m:GovgraphSchema) SET m.version = 'old'")
    try:
        assert not graph.run(is_current)
        answer = httpx.get(f"{api.base_url}/readyz")
        assert answer.status_code == 503
        assert answer.json()["code"] == "MIGRATIONS_PENDING"
    finally:
        graph.migrate()
    assert httpx.get(f"{api.base_url}/readyz").status_code == 200


def test_not_ready_when_neo4j_does_not_answer(graph: Graph, serve: Serve) -> None:
    with serve() as api:
        # The server started on the test database; now its driver points at a dead port.
        app_db = api.app.state.db
        api.app.state.db = app_db.__class__.connect("bolt://127.0.0.1:9", "neo4j", "")
        try:
            answer = httpx.get(f"{api.base_url}/readyz", timeout=10)
        finally:
            api.app.state.db = app_db
        assert answer.status_code == 503
        assert answer.json()["code"] == "NEO4J_UNAVAILABLE"
        assert httpx.get(f"{api.base_url}/healthz").status_code == 200


# ------------------------------------------------------------------ request ids and log lines


def test_each_request_has_one_line_and_its_id_comes_back(
    graph: Graph, api: Api, lines: list[str]
) -> None:
    query = 'query Districts { region(code: "420600") { name } }'
    mine = api.http.post("/graphql", json={"query": query}, headers={"X-Request-ID": "abc-123"})
    made = api.http.post(
        "/graphql", json={"query": query}, headers={"X-Request-ID": "bad id;" + "x" * 64}
    )
    assert mine.headers["x-request-id"] == "abc-123"
    # A fresh id of its own, not the one refused (a random hex id may well hold "bad").
    assert re.fullmatch("[0-9a-f]{32}", made.headers["x-request-id"])
    bare = httpx.post(f"{api.base_url}/graphql", json={"query": "{ __typename }"})
    assert bare.status_code == 401

    first, second, refused = requests_logged(lines)[-3:]
    assert first["request_id"] == "abc-123"
    assert first["time"].endswith("+00:00")
    assert first["operation"] == "Districts" and first["type"] == "query"
    assert first["code"] is None and first["status"] == 200
    assert first["statements"] == mine.json()["extensions"]["cypherStatements"] == 1
    assert first["sub"] == "tester" and first["ms"] >= first["db_ms"] > 0
    assert second["request_id"] == made.headers["x-request-id"]
    assert refused["code"] == "UNAUTHENTICATED" and refused["sub"] is None
    assert refused["statements"] == 0


def test_a_line_names_the_planners_path_and_counts_its_statements(
    graph: Graph, api: Api, lines: list[str]
) -> None:
    region = 'region(code: "420600") { name children { nodes { name } } }'
    asked = {
        "compiled": f"query Planned {{ {region} }}",
        "mixed": f"query Both {{ {region} topRegions {{ name }} }}",
        "resolvers": 'mutation Nothing { endAssignment(id: "A-none", until: "2026-01-01") { id } }',
    }
    answers = {path: api.http.post("/graphql", json={"query": q}) for path, q in asked.items()}
    logged = requests_logged(lines)[-3:]
    for (path, answer), line in zip(answers.items(), logged, strict=True):
        assert answer.json()["extensions"]["plan"] == path
        # One count of statements, whichever path ran them: the answer's, the line's.
        assert line["plan"] == path
        assert line["statements"] == answer.json()["extensions"]["cypherStatements"] > 0
    assert logged[0]["statements"] == 1  # the planner's one statement for the root field


def test_a_line_holds_no_query_variables_or_query_string(
    graph: Graph, api: Api, lines: list[str]
) -> None:
    query = "query($c: String!) { region(code: $c) { name } } # 420602199007259993"
    api.post(query, {"c": "13812345678"})
    api.send("GET", params={"query": '{ region(code: "13812345679") { name } }'})
    logged = "\n".join(lines)
    assert "1381234567" not in logged and "420602199007259993" not in logged
    get = requests_logged(lines)[-1]
    assert get["path"] == "/graphql" and get["method"] == "GET"


def test_an_unexpected_error_is_logged_once_with_the_request_id(
    graph: Graph, serve: Serve, lines: list[str]
) -> None:
    with serve() as api:

        async def broken() -> None:
            raise RuntimeError("secret detail")

        api.app.add_api_route("/broken", broken)
        answer = api.http.get("/broken", headers={"X-Request-ID": "req-42"})
    assert answer.status_code == 500
    assert answer.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "secret detail" not in answer.text and "Traceback" not in answer.text
    assert answer.headers["x-request-id"] == "req-42"
    failures = [json.loads(line) for line in lines if "secret detail" in line]
    assert len(failures) == 1 and failures[0]["request_id"] == "req-42"
    assert failures[0]["level"] == "ERROR" and "Traceback" in failures[0]["error"]
    [logged] = [line for line in requests_logged(lines) if line["request_id"] == "req-42"]
    assert logged["code"] == "INTERNAL" and logged["status"] == 500


def test_the_text_form_of_a_line() -> None:
    record = logging.LogRecord("govgraph.requests", logging.INFO, "", 0, "request", None, None)
    record.fields = {"operation": "Districts", "ms": 3.5}
    WithRequestId().filter(record)
    text = TextLines().format(record)
    assert text.endswith("INFO govgraph.requests [None] request operation=Districts ms=3.5")
    assert text[:4].isdigit()  # it starts with the time


# ------------------------------------------------------------------ metrics


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text format."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


def test_metrics_count_requests_by_operation_type_and_code(graph: Graph, api: Api) -> None:
    bare = httpx.Client(base_url=api.base_url)
    before = bare.get("/metrics").text
    api.post('query Districts { region(code: "420600") { name } }')
    api.post("query Broken { region(code: 5) { name } }")
    api.post(f"query {'x' * 65} {{ __typename }}")
    api.post('mutation Nothing { endAssignment(id: "A-none", until: "2026-01-01") { id } }')
    after = bare.get("/metrics")

    assert after.status_code == 200 and after.headers["content-type"].startswith("text/plain")
    text = after.text

    def grew(name: str, **labels: str) -> float:
        return metric(text, name, **labels) - metric(before, name, **labels)

    assert grew("govgraph_requests_total", operation="Districts", type="query", code="OK") == 1
    bad = {"operation": "Broken", "type": "query", "code": "BAD_USER_INPUT"}
    assert grew("govgraph_requests_total", **bad) == 1
    assert grew("govgraph_requests_total", operation="other", type="query", code="OK") == 1
    nothing = {"operation": "Nothing", "type": "mutation", "code": "NOT_FOUND"}
    assert grew("govgraph_requests_total", **nothing) == 1
    durations = {"operation": "Districts", "type": "query", "le": "+Inf"}
    assert grew("govgraph_request_duration_seconds_bucket", **durations) == 1
    assert grew("govgraph_request_cypher_statements_bucket", le="0.0") >= 2  # refused, unnamed
    assert grew("govgraph_request_cypher_statements_count") >= 4
    assert grew("govgraph_request_database_seconds_sum") > 0
    assert "govgraph_neo4j_connections_in_use" in text
    assert metric(text, "govgraph_process_resident_memory_bytes") > 10_000_000
    assert "x" * 65 not in text


def test_the_statements_metric_counts_what_the_planner_ran(graph: Graph, api: Api) -> None:
    bare = httpx.Client(base_url=api.base_url)
    before = bare.get("/metrics").text
    answered = api.post('query Planned { region(code: "420600") { name } }')
    text = bare.get("/metrics").text
    assert answered["extensions"] == {"cypherStatements": 1, "plan": "compiled"}

    def grew(name: str, **labels: str) -> float:
        return metric(text, name, **labels) - metric(before, name, **labels)

    # Observed since: the first scrape (no statement) and the query (the planner's one).
    assert grew("govgraph_request_cypher_statements_count") == 2
    assert grew("govgraph_request_cypher_statements_sum") == 1
    ones = grew("govgraph_request_cypher_statements_bucket", le="1.0")
    assert ones - grew("govgraph_request_cypher_statements_bucket", le="0.0") == 1


def test_metrics_are_for_this_machine_or_a_token(graph: Graph, serve: Serve) -> None:
    with serve(metrics_token="scrape-secret") as api:
        bare = httpx.Client(base_url=api.base_url)
        assert bare.get("/metrics").status_code == 401
        assert bare.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        scraped = bare.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert scraped.status_code == 200 and "govgraph_requests_total" in scraped.text
    with serve(metrics=False) as api:
        assert httpx.get(f"{api.base_url}/metrics").status_code == 404


# ------------------------------------------------------------------ bookmarks


REPORT = """mutation { reportCase(input: { title: "楼道堆物", category: HAZARD,
    gridCode: "420602001001-G02", reportedBy: "P0055" }) { caseNo } }"""


def test_a_write_hands_back_a_bookmark_that_a_later_read_waits_for(demo: Graph, api: Api) -> None:
    written = api.http.post("/graphql", json={"query": REPORT})
    assert "errors" not in written.json(), written.json()
    bookmark = written.headers["x-neo4j-bookmark"]
    case_no = written.json()["data"]["reportCase"]["caseNo"]

    read = api.http.post(
        "/graphql", json=case_query(case_no), headers={"X-Neo4j-Bookmark": bookmark}
    )
    assert read.json()["data"]["case"] == {"state": "REPORTED"}
    assert bookmark in read.headers["x-neo4j-bookmark"].split(",")
    # Something that is no bookmark is left out.
    junk = api.http.post("/graphql", json=case_query(case_no), headers={"X-Neo4j-Bookmark": "a;b"})
    assert junk.json()["data"]["case"] == {"state": "REPORTED"}


def test_a_read_sent_a_bookmark_waits_until_the_database_has_reached_it(
    demo: Graph, api: Api
) -> None:
    """On one server every read sees every committed write, so honouring is shown with a
    bookmark of the next transaction: the read waits until another client's write makes
    it, and then sees that write."""
    written = api.http.post("/graphql", json={"query": REPORT})
    [bookmark] = written.headers["x-neo4j-bookmark"].split(",")
    case_no = written.json()["data"]["reportCase"]["caseNo"]
    answers: list[httpx.Response] = []
    reader = threading.Thread(
        target=lambda: answers.append(
            api.http.post(
                "/graphql",
                json=case_query(case_no),
                headers={"X-Neo4j-Bookmark": next_transaction(bookmark)},
            )
        )
    )
    reader.start()
    time.sleep(1.5)
    assert answers == []  # still waiting for the transaction after the report
    demo.cypher("MATCH (c:Case {caseNo: $n}) SET c.state = 'ACCEPTED'", n=case_no)
    reader.join(timeout=60)
    assert answers[0].json()["data"]["case"] == {"state": "ACCEPTED"}


def case_query(case_no: str) -> dict:
    return {
        "query": "query($n: String!) { case(caseNo: $n) { state } }",
        "variables": {"n": case_no},
    }


def next_transaction(bookmark: str) -> str:
    """Neo4j 5's bookmark of the transaction after `bookmark`'s. Its format is Neo4j's own
    (FB: and base64 of PackStream: a list of the database's id, 16 bytes, and the last
    transaction's id, then an empty list); only this test reads it."""
    raw = base64.b64decode(bookmark.removeprefix("FB:"))
    head, marker = raw[:19], raw[19]
    sizes = {0xC8: 1, 0xC9: 2, 0xCA: 4, 0xCB: 8}
    size = sizes.get(marker, 0)
    transaction = int.from_bytes(raw[20 : 20 + size], "big", signed=True) if size else marker
    rest = raw[20 + size :]
    following = head + b"\xcb" + (transaction + 1).to_bytes(8, "big", signed=True) + rest
    return "FB:" + base64.b64encode(following).decode()


# ------------------------------------------------------------------ migrations


def test_the_migrate_command_runs_what_is_missing_once(graph: Graph) -> None:
    graph.cypher("MATCH (m:GovgraphSchema) SET m.version = 'older'")
    first = govgraph(graph, "migrate")
    assert first.returncode == 0, first.stderr
    assert "Migrated." in first.stdout and graph.run(is_current)
    again = govgraph(graph, "migrate")
    assert "nothing to do" in again.stdout


def test_a_graph_holding_only_the_bookkeeping_counts_as_empty(empty_graph: Graph) -> None:
    """`govgraph up` imports the demo data into an empty graph: one where a server started
    before still counts as empty, though its start left the version and the lock."""
    empty_graph.run(lambda db: prepare(db, partial(seal_clear_values, keys=TEST_PII_KEYS)))
    left = empty_graph.cypher("MATCH (n) RETURN labels(n)[0] AS label ORDER BY label")
    assert left == [{"label": "GovgraphLock"}, {"label": "GovgraphSchema"}]
    assert empty_graph.run(lambda db: db.is_empty())
    empty_graph.cypher("CREATE (:Region {code: 'X'})")
    assert not empty_graph.run(lambda db: db.is_empty())
