"""Traces and logs of requests carrying ID numbers and phones (as variables, inline, in a
GET) hold none of them (DESIGN §6, issue #16): every span and log line is captured, with
the SDK's in-memory exporter, and searched."""

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from server.observe import JsonLines, WithRequestId
from tests.security import test_no_clear_numbers as clear
from tests.security.test_no_clear_numbers import DIGITS_ONLY, ID_NUMBERS, PHONES, leaks
from tests.support import Api, Graph

EXPORTER = InMemorySpanExporter()
server_log = clear.server_log  # every record of the app, Strawberry, uvicorn and the driver


@pytest.fixture
def json_lines() -> Iterator[list[str]]:
    """The `govgraph` log as `govgraph serve` writes it: JSON with every field."""
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.addFilter(WithRequestId())
    handler.setFormatter(JsonLines())
    logging.getLogger("govgraph").addHandler(handler)
    yield kept
    logging.getLogger("govgraph").removeHandler(handler)


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span of the process, from here on (a tracer provider is set once for good)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    yield EXPORTER


def text_of(span: ReadableSpan) -> str:
    return json.dumps(
        {
            "name": span.name,
            "attributes": dict(span.attributes or {}),
            "events": [(event.name, dict(event.attributes or {})) for event in span.events],
            "status": str(span.status.description),
            "resource": dict(span.resource.attributes),
        },
        ensure_ascii=False,
        default=str,
    )


def test_no_span_or_log_line_holds_a_number(
    demo: Graph,
    api: Api,
    spans: InMemorySpanExporter,
    server_log: list[str],
    json_lines: list[str],
) -> None:
    spans.clear()
    by_number = "query ByNumber($n: String!) { personByIdNumber(idNumber: $n) { id } }"
    phone = PHONES[0].replace("-", "")
    answers = [
        api.http.post("/graphql", json={"query": by_number, "variables": {"n": ID_NUMBERS[0]}}),
        api.http.post(
            "/graphql",
            json={"query": f'{{ personByIdNumber(idNumber: "{ID_NUMBERS[1]}") {{ id }} }}'},
        ),
        api.http.post(
            "/graphql", json={"query": by_number, "variables": {"n": int(DIGITS_ONLY[2])}}
        ),
        api.http.post("/graphql", json={"query": f"{{ cases(first: {phone}) {{ totalCount }} }}"}),
        api.http.get(
            "/graphql",
            params={"query": by_number, "variables": json.dumps({"n": ID_NUMBERS[3]})},
        ),
        api.http.get(
            f"/graphql?query={{personByIdNumber(idNumber:%22{ID_NUMBERS[4]}%22){{id}}}}"
            f"&phone={phone}"
        ),
        httpx.get(f"{api.base_url}/reports/coverage.csv?within={ID_NUMBERS[5]}"),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 200, 401]
    assert answers[0].json()["data"]["personByIdNumber"]["id"]  # the look-ups did run

    captured = spans.get_finished_spans()
    # Something to search: a span per request, per operation and per Cypher statement.
    names = [span.name for span in captured]
    assert names.count("GET /graphql") == 2 and names.count("POST /graphql") == 4
    assert "query ByNumber" in names and "cypher" in names
    statement = next(span for span in captured if span.name == "cypher")
    assert "$" in statement.attributes["db.query.text"]  # its text: parameters, not values
    operation = next(span for span in captured if span.name == "query ByNumber")
    assert statement.parent.span_id == operation.context.span_id
    assert operation.attributes["graphql.operation.type"] == "query"
    assert any(span.attributes.get("govgraph.error.code") == "BAD_USER_INPUT" for span in captured)

    traced = "\n".join(map(text_of, captured))
    assert leaks(traced) == [], [text_of(span) for span in captured if leaks(text_of(span))]
    assert "url.query" not in traced and "graphql.document" not in traced
    lines = server_log + json_lines
    logged = "\n".join(lines)
    assert '"statements"' in logged and "uvicorn" in logged  # the lines were captured
    assert leaks(logged) == [], [line for line in lines if leaks(line)]
