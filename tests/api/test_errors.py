"""Broken requests at every step (HTTP, parsing, validation, variables, resolvers) each get
a code of DESIGN §7 and a message without stack trace, Cypher, path or exception class."""

from typing import Any

import httpx
import pytest

from tests.support import CODES, LEAKS, Api, Graph


def coded(response: httpx.Response) -> list[dict[str, Any]]:
    """The errors of a response, each checked: a known code, nothing internal."""
    assert response.status_code != 500, response.text
    assert not LEAKS.search(response.text), response.text
    errors = response.json()["errors"]
    assert errors
    for error in errors:
        assert error["extensions"]["code"] in CODES, error
    return errors


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe{",  # no UTF-8
        b'"a string"',
        b"42",
        b"null",
        b"{}",
        b'{"query": 1}',
        b'{"query": "{ __typename }", "variables": [1]}',
        b'{"query": "{ __typename }", "extensions": "x"}',
        b'{"query": "{ __typename }", "operationName": 5}',
    ],
)
def test_a_body_that_is_no_graphql_request_is_bad_input(api: Api, body: bytes) -> None:
    response = api.send(content=body, headers=JSON)
    assert response.status_code == 400
    assert [error["extensions"]["code"] for error in coded(response)] == ["BAD_USER_INPUT"]


def test_a_wrong_content_type_is_bad_input(api: Api) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = api.send(content=b"query={__typename}", headers={"content-type": content_type})
        assert response.status_code == 400
        assert coded(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_get_runs_queries_and_refuses_mutations(api: Api) -> None:
    answer = api.send("GET", params={"query": "{ __typename }"})
    assert answer.json()["data"] == {"__typename": "Query"}
    mutation = 'mutation { endAssignment(id: "A0001") { id } }'
    response = api.send("GET", params={"query": mutation})
    assert response.status_code == 400
    assert coded(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"
    response = api.send("GET", params={"query": "{ __typename }", "variables": "{nope"})
    assert coded(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_other_methods_are_refused_with_a_code(api: Api) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = api.send(method, json={"query": "{ __typename }"})
        assert response.status_code == 405
        assert coded(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"


BROKEN = [
    ("{ region(code: ", {}),  # syntax
    ('{ region(code: "420600") { nonsense } }', {}),  # validation
    ("{ region { code } }", {}),  # a required argument missing
    ("query($c: String!) { region(code: $c) { code } }", {}),  # a variable missing
    ("query($c: String!) { region(code: $c) { code } }", {"c": 420600}),  # of a wrong type
    ("query($d: Date) { stats(asOf: $d) { grids } }", {"d": "yesterday"}),  # a bad scalar
    ("query($d: Date) { stats(asOf: $d) { grids } }", {"d": "2026-02-30"}),
    ("query($t: DateTime) { cases(filter: {reportedFrom: $t}) { totalCount } }", {"t": "x"}),
    ("query($f: CaseFilter) { cases(filter: $f) { totalCount } }", {"f": {"state": "LOST"}}),
    ('{ cases(after: "not a cursor") { totalCount } }', {}),
    ('{ cases(after: "WzEsMl0=") { totalCount } }', {}),  # a cursor of two keys
    ('{ stats(within: "\\u0000") { grids } }', {}),
    ('{ region(code: "420600") { grids(first: 2147483647) { totalCount } } }', {}),
    ("subscription { cases { totalCount } }", {}),
    ('mutation { advanceCase(input: {caseNo: "nope", action: ACCEPT}) { seq } }', {}),
    ('mutation { endAssignment(id: "A0001", until: "1900-01-01") { id } }', {}),
    ('mutation { assign(input: {role: GRID_WORKER, holder: "x", target: "y"}) { id } }', {}),
]


@pytest.mark.parametrize(("query", "variables"), BROKEN)
def test_a_broken_request_gets_a_code_and_no_internals(
    demo: Graph, api: Api, query: str, variables: dict[str, Any]
) -> None:
    response = api.send(json={"query": query, "variables": variables})
    coded(response)


def test_an_unknown_operation_name_is_bad_input(api: Api) -> None:
    response = api.send(json={"query": "query A { __typename }", "operationName": "B"})
    assert coded(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"
