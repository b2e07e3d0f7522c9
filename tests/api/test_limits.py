"""Hostile requests (issue #6): each limit refuses with QUERY_TOO_COMPLEX, naming itself,
before any Cypher runs; the classic attacks are refused without touching the database."""

import asyncio
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

import pytest

from graph.core.db import Database
from graph.core.errors import Unavailable
from tests.support import Api, Graph

SLOW = "UNWIND range(1, 2000000000) AS x WITH count(x) AS n RETURN n"


Serve = Callable[..., AbstractContextManager[Api]]


def refused(body: dict[str, Any], code: str = "QUERY_TOO_COMPLEX") -> str:
    return refused_as(code, body)


def refused_as(code: str, body: dict[str, Any]) -> str:
    """The message of a request refused with `code` before any Cypher ran."""
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert body["extensions"]["cypherStatements"] == 0, body
    return error["message"]


def nested(depth: int) -> str:
    """A query `depth` fields deep: a region, its parent's parent's … code."""
    return '{ region(code: "420600") { ' + "parent { " * (depth - 2) + "code" + " }" * depth


def test_a_50_deep_query_is_refused_before_parsing(api: Api) -> None:
    message = refused(api.post(nested(50)))
    assert "GOVGRAPH_MAX_DEPTH" in message


def test_depth_is_counted_in_fields_up_to_the_limit(api: Api) -> None:
    assert "errors" not in api.post(nested(20))
    assert refused(api.post(nested(21))) == (
        "The query is 21 fields deep; at most 20 are allowed (GOVGRAPH_MAX_DEPTH)."
    )
    # Fragments do not hide depth.
    query = '{ region(code: "420600") { ...P } } fragment P on Region { parent { ...Q } }'
    query += " fragment Q on Region { " + "parent { " * 19 + "code" + " }" * 20
    assert "22 fields deep" in refused(api.post(query))


def test_1000_aliases_are_refused(serve: Serve, api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: stats {{ grids }}" for i in range(1000)) + " }"
    assert "GOVGRAPH_MAX_TOKENS" in refused(api.post(query))  # 6,000 tokens already
    with serve(max_tokens=10_000) as roomy:
        assert refused(roomy.post(query)) == (
            "The query has 1,000 aliases; at most 100 are allowed (GOVGRAPH_MAX_ALIASES)."
        )
    assert "errors" not in api.post("{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }")


def test_aliases_in_fragments_count_at_each_spread(api: Api) -> None:
    fragment = "fragment F on Stats { " + " ".join(f"f{i}: grids" for i in range(20)) + " }"
    query = "{ " + " ".join(f"s{i}: stats {{ ...F }}" for i in range(5)) + " } " + fragment
    assert "105 aliases" in refused(api.post(query))


def test_too_many_tokens_are_refused_before_parsing(api: Api) -> None:
    query = "{ " + "__typename " * 2000 + "}"
    assert refused(api.post(query)) == (
        "The query has more than 2,000 tokens; at most 2,000 are allowed (GOVGRAPH_MAX_TOKENS)."
    )


def test_a_query_of_100k_tokens_is_refused(serve: Serve, api: Api) -> None:
    query = "{ " + "__typename " * 100_000 + "}"
    # Over the body limit already...
    assert "GOVGRAPH_MAX_BODY_BYTES" in refused(api.send(json={"query": query}).json())
    # ... and over the token limit where bodies may be larger.
    with serve(max_body_bytes=10_000_000) as roomy:
        assert "GOVGRAPH_MAX_TOKENS" in refused(roomy.post(query))


HUGE_FIRST = "`first` may be at most 500 (GOVGRAPH_MAX_FIRST); it was 1000000."


def test_a_huge_first_is_refused_however_it_is_given(api: Api) -> None:
    # BAD_USER_INPUT, as the contract says of a page over the maximum; still before any Cypher.
    refused = partial(refused_as, "BAD_USER_INPUT")
    literal = '{ region(code: "420600") { children(first: 1000000) { totalCount } } }'
    assert refused(api.post(literal)) == HUGE_FIRST
    variable = 'query($n: Int) { region(code: "420600") { grids(first: $n) { totalCount } } }'
    assert refused(api.post(variable, {"n": 1000000})) == HUGE_FIRST
    assert refused(api.post(variable, {"n": 1e6})) == HUGE_FIRST  # JSON's 1e6 is an Int
    default = "query($n: Int = 1000000) { cases(first: $n) { totalCount } }"
    assert refused(api.post(default)) == HUGE_FIRST
    fragment = "{ ...F } fragment F on Query { cases(first: 1000000) { totalCount } }"
    assert refused(api.post(fragment)) == HUGE_FIRST
    assert "it was 501" in refused(api.post("{ cases(first: 501) { totalCount } }"))


def test_first_within_bounds_is_answered_and_below_zero_is_bad_input(api: Api) -> None:
    assert "errors" not in api.post("{ cases(first: 500) { totalCount } }")
    assert api.error_codes("{ cases(first: -1) { totalCount } }") == ["BAD_USER_INPUT"]
    # Beyond a 32-bit Int, GraphQL itself refuses, before any Cypher.
    refused(api.post("{ cases(first: 10000000000) { totalCount } }"), "BAD_USER_INPUT")


WALK = """query($grids: Int, $buildings: Int, $households: Int) {
  region(code: "420602001001") { grids(first: $grids) { nodes { code
    buildings(first: $buildings) { nodes { code
      households(first: $households) { nodes { id members { name } } } } } } } } }"""


def test_nested_default_pages_cost_too_much_and_small_pages_pass(api: Api) -> None:
    # 1 + 1 + 50·(1 + 1 + 50·(1 + 1 + 50·(1 + 10))): the members of a household count 10.
    assert refused(api.post(WALK)) == (
        "The answer could hold 1,380,102 objects (page sizes multiplied down each list); "
        "at most 50,000 are allowed (GOVGRAPH_MAX_COST). Ask for smaller pages or fewer nested lists."
    )
    assert "errors" not in api.post(WALK, {"grids": 10, "buildings": 20, "households": 20})
    assert "GOVGRAPH_MAX_COST" in refused(
        api.post(WALK, {"grids": 500, "buildings": 500, "households": 1})
    )


def test_fragment_cycles_are_refused(api: Api) -> None:
    pair = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    assert refused(api.post(pair)) == (
        "Fragments A → B → A spread one another in a cycle, so the query would never end."
    )
    own = '{ region(code: "420600") { ...R } } fragment R on Region { parent { ...R } }'
    assert "R → R" in refused(api.post(own))


def test_fragments_spread_exponentially_are_walked_once(api: Api) -> None:
    """Ten fragments, each spreading the next ten times: 10^10 paths, each walked once."""
    fragments = " ".join(
        f"fragment F{i} on Region {{ {' '.join([f'...F{i + 1}'] * 10)} }}" for i in range(10)
    )
    query = (
        f'{{ region(code: "420600") {{ ...F0 }} }} {fragments} fragment F10 on Region {{ code }}'
    )
    assert "errors" not in api.post(query)


def test_a_long_chain_of_fragments_is_refused(api: Api) -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(25))
    query = f"{{ ...F0 }} {chain} fragment F25 on Query {{ __typename }}"
    assert "Fragments are spread in one another 26 deep" in refused(api.post(query))


def test_a_5_mb_body_is_refused_without_reading_it(api: Api) -> None:
    body = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 5_000_000}})
    response = api.send(content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "GOVGRAPH_MAX_BODY_BYTES" in refused(response.json())

    def chunks() -> Any:  # no Content-Length: read up to the limit only
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(50):
            yield b"a" * 100_000
        yield b'"}}'

    response = api.send(content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    refused(response.json())


def test_batches_are_refused(api: Api) -> None:
    response = api.send(json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert response.status_code == 400
    assert "one operation per request" in refused(response.json())


def test_of_several_operations_the_one_that_runs_is_measured(api: Api) -> None:
    expensive = "query Big { cases(first: 500) { nodes { events { actor { coveredHouseholds { nodes { id } } } } } } }"
    cheap = "query Small { __typename }"
    # Without operationName Strawberry runs the first.
    assert "GOVGRAPH_MAX_COST" in refused(api.post(f"{expensive} {cheap}"))
    body = api.post(f"{cheap} {expensive}")
    assert body["data"] == {"__typename": "Query"} and body["extensions"]["cypherStatements"] == 0
    named = api.send(json={"query": f"{cheap} {expensive}", "operationName": "Big"})
    assert "GOVGRAPH_MAX_COST" in refused(named.json())


def test_limits_come_from_the_settings(serve: Serve) -> None:
    tight = {"max_depth": 3, "max_aliases": 1, "max_tokens": 30, "max_first": 10, "max_cost": 20}
    with serve(**tight) as api:
        assert "at most 3 are allowed (GOVGRAPH_MAX_DEPTH)" in refused(api.post(nested(4)))
        assert "at most 1 are allowed (GOVGRAPH_MAX_ALIASES)" in refused(
            api.post("{ a: __typename b: __typename }")
        )
        assert "GOVGRAPH_MAX_TOKENS" in refused(api.post("{ " + "__typename " * 30 + "}"))
        assert "at most 10 (GOVGRAPH_MAX_FIRST)" in refused(
            api.post("{ cases(first: 11) { totalCount } }"), "BAD_USER_INPUT"
        )
        assert "at most 20 are allowed (GOVGRAPH_MAX_COST)" in refused(
            api.post("{ cases(first: 10) { nodes { caseNo } edges { cursor } } }")  # 1 + 10 + 10
        )


def test_introspection_and_graphiql_can_be_switched_off(serve: Serve, api: Api) -> None:
    introspection = "{ __schema { queryType { name } } }"
    assert api.data(introspection) == {"__schema": {"queryType": {"name": "Query"}}}
    with serve(introspection=False, graphiql=False) as closed:
        for query in (introspection, '{ __type(name: "Query") { name } }'):
            body = closed.post(query)
            assert body["data"] is None and body["extensions"]["cypherStatements"] == 0
            assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
            assert "introspection has been disabled" in body["errors"][0]["message"]
        assert closed.data("{ __typename }") == {"__typename": "Query"}
        page = closed.send("GET", headers={"accept": "text/html"})
        assert page.status_code == 404
        refused(page.json(), "NOT_FOUND")
    assert "graphiql" in api.send("GET", headers={"accept": "text/html"}).text.lower()


@pytest.mark.parametrize("how", ["read", "write", "run_autocommit"])
def test_every_transaction_has_a_timeout_and_answers_unavailable(graph: Graph, how: str) -> None:
    async def slow() -> None:
        db = Database.connect(
            graph.uri,
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            timeout=1,
        )
        try:
            await getattr(db, how)(SLOW)
        finally:
            await db.close()

    with pytest.raises(Unavailable, match=r"within 1 s \(GOVGRAPH_TRANSACTION_TIMEOUT\)"):
        asyncio.run(slow())
