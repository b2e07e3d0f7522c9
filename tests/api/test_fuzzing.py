"""Requests generated from the served schema (hypothesis-graphql), sent over HTTP to the
real server with the demo data: no 500, every error coded (DESIGN §7) with nothing
internal in it, and a graph left as it was by every refused mutation.

Arguments mix the demo's real keys with arbitrary values, so that generated requests
reach the resolvers and the database, not only NOT_FOUND. GOVGRAPH_FUZZ_EXAMPLES
sets how many queries are sent (150 by default; mutations get half as many each).
"""

import csv
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import neo4j
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from graph.core.db import NOT_BOOKKEEPING
from schema import schema
from tests.support import CODES, DEMO, LEAKS, Api, Graph

# Examples of queries; mutations, each checked against a fingerprint of the graph, get half.
EXAMPLES = int(os.environ.get("GOVGRAPH_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_WRITES = settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
SDL = schema._schema


def keys(name: str) -> list[str]:
    """The keys (first column) of one demo file."""
    with (DEMO / f"{name}.csv").open(encoding="utf-8") as rows:
        return [row[0] for row in list(csv.reader(rows))[1:] if row]


FILES = ["regions", "grids", "buildings", "households", "people", "party_orgs"]
FILES += ["assignments", "cases", "centers", "stations", "organisations"]
KEYS = st.sampled_from([key for name in FILES for key in keys(name)])
TEXT = st.text(max_size=12)
DAYS = st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat)
TIMES = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC))
# Valid values of every type, the demo's keys often: invalid ones come from Mode.NEGATIVE.
SCALARS = {
    "ID": (KEYS | TEXT).map(nodes.String),
    "String": (KEYS | TEXT).map(nodes.String),
    "Int": (st.integers(-2, 600) | st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
    "Date": DAYS.map(nodes.String),
    "DateTime": TIMES.map(datetime.isoformat).map(nodes.String),
}
MUTATIONS = sorted(SDL.mutation_type.fields)  # type: ignore[union-attr]


def checked(api: Api, query: str) -> dict[str, Any]:
    """The answer to `query`, checked: no 500 (api.post), errors coded and none INTERNAL,
    nothing internal in the text."""
    body = api.post(query)
    text = json.dumps(body, ensure_ascii=False)
    assert not LEAKS.search(text), f"{query}\n{text}"
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("code")
        assert code in CODES, f"{code} for the query:\n{query}\n{error}"
    return body


FINGERPRINT = f"""CALL () {{
    MATCH (n) WHERE {NOT_BOOKKEEPING} RETURN [elementId(n), labels(n), properties(n)] AS item
    UNION ALL
    MATCH (a)-[r]->(b) RETURN [elementId(a), type(r), elementId(b), properties(r)] AS item
}} RETURN collect(item) AS items"""


class Fingerprint:
    """Every node and relationship with its labels or type, ends and properties, hashed,
    over one connection kept open. Only the tests' mutations write, so the last one
    taken stands until a mutation passes."""

    def __init__(self, driver: neo4j.Driver) -> None:
        self.driver = driver
        self.known: str | None = None

    def now(self) -> str:
        records, _, _ = self.driver.execute_query(FINGERPRINT, routing_="r")
        items = (json.dumps(item, sort_keys=True, default=str) for item in records[0][0])
        self.known = hashlib.sha256("\n".join(sorted(items)).encode()).hexdigest()
        return self.known

    def last(self) -> str:
        return self.known or self.now()


@pytest.fixture(scope="module")
def fingerprint(demo: Graph) -> Iterator[Fingerprint]:
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(demo.uri, auth=auth if auth[1] else None) as driver:
        yield Fingerprint(driver)


@FUZZ
@given(
    query=queries(SDL, custom_scalars=SCALARS)
    | queries(SDL, mode=Mode.NEGATIVE, custom_scalars=SCALARS)
)
def test_generated_queries_get_answers_or_coded_errors(demo: Graph, api: Api, query: str) -> None:
    checked(api, query)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
REQUESTS = st.fixed_dictionaries(
    {},
    optional={
        "query": TEXT | queries(SDL, custom_scalars=SCALARS) | JSON_VALUES,
        "variables": JSON_VALUES,
        "operationName": TEXT | JSON_VALUES,
        "extensions": JSON_VALUES,
    },
)


@FUZZ
@given(
    body=st.binary(max_size=64)
    | JSON_VALUES.map(json.dumps).map(str.encode)
    | REQUESTS.map(json.dumps).map(str.encode)
)
def test_arbitrary_bodies_get_coded_answers(api: Api, body: bytes) -> None:
    response = api.send(content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400), response.text
    checked_text = response.text
    assert not LEAKS.search(checked_text), checked_text
    for error in response.json().get("errors", []):
        code = error["extensions"]["code"]
        assert code in CODES, f"{code} for the body {body!r}: {error}"


def check_mutation(fingerprint: Fingerprint, api: Api, query: str) -> None:
    before = fingerprint.last()
    body = checked(api, query)
    if body.get("errors") and not any((body.get("data") or {}).values()):
        assert fingerprint.now() == before, f"a refused mutation changed the graph: {body}"
    else:
        fingerprint.known = None  # it passed: the graph changed


@FUZZ_WRITES
@given(
    query=st.sampled_from(MUTATIONS).flatmap(
        lambda field: (
            mutations(SDL, fields=[field], custom_scalars=SCALARS)
            | mutations(SDL, fields=[field], mode=Mode.NEGATIVE, custom_scalars=SCALARS)
        )
    )
)
def test_generated_mutations_leave_the_graph_as_it_was_when_refused(
    fingerprint: Fingerprint, api: Api, query: str
) -> None:
    check_mutation(fingerprint, api, query)


ACTIONS = st.sampled_from(list(SDL.get_type("CaseAction").values))  # type: ignore[union-attr]
ROLES = st.sampled_from(list(SDL.get_type("Role").values))  # type: ignore[union-attr]
CATEGORIES = st.sampled_from(list(SDL.get_type("CaseCategory").values))  # type: ignore[union-attr]


def some(name: str) -> st.SearchStrategy[str | None]:
    """A key of the demo file `name`, now and then none, or any key of another kind."""
    return st.sampled_from(keys(name)) | st.none() | KEYS


def literal(value: Any) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def mutation(field: str, fields: dict[str, Any], selection: str) -> str:
    args = ", ".join(f"{key}: {value}" for key, value in fields.items())
    return f"mutation {{ {field}({args}) {{ {selection} }} }}"


@st.composite
def workflow_steps(draw: Any) -> str:
    """Steps on the demo's cases and assignments: the rules refuse many, some pass."""
    kind = draw(st.sampled_from(["report", "advance", "assign", "end"]))
    if kind == "report":
        fields = {
            "title": literal(draw(TEXT)),
            "category": draw(CATEGORIES),
            "gridCode": literal(draw(some("grids"))),
            "reportedBy": literal(draw(some("people"))),
            "caseNo": literal(draw(st.none() | some("cases") | TEXT)),
            "at": literal(draw(st.none() | TIMES.map(datetime.isoformat))),
        }
        return mutation("reportCase", {"input": literal_object(fields)}, "caseNo state")
    if kind == "advance":
        fields = {
            "caseNo": literal(draw(some("cases"))),
            "action": draw(ACTIONS),
            "expectedSeq": literal(draw(st.none() | st.integers(0, 12))),
            "actorId": literal(draw(some("people"))),
            "centerId": literal(draw(some("centers"))),
            "at": literal(draw(st.none() | TIMES.map(datetime.isoformat))),
            "note": literal(draw(st.none() | TEXT)),
        }
        return mutation("advanceCase", {"input": literal_object(fields)}, "state events { seq }")
    if kind == "assign":
        fields = {
            "role": draw(ROLES),
            "holder": literal(draw(some("people") | some("party_orgs"))),
            "target": literal(draw(some("grids") | some("buildings") | some("households"))),
            "since": literal(draw(st.none() | DAYS)),
        }
        return mutation("assign", {"input": literal_object(fields)}, "id since")
    fields = {
        "id": literal(draw(some("assignments"))),
        "until": literal(draw(st.none() | DAYS)),
    }
    return mutation("endAssignment", fields, "id until")


def literal_object(fields: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in fields.items()) + "}"


@FUZZ_WRITES
@given(query=workflow_steps())
def test_refused_workflow_steps_leave_the_graph_as_it_was(
    fingerprint: Fingerprint, api: Api, query: str
) -> None:
    check_mutation(fingerprint, api, query)
