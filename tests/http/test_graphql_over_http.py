"""GraphQL over HTTP as frontends expect it: graphql-http's server audits (MUST, SHOULD and
MAY), application/graphql-response+json on request, and CORS from an allow-list."""

import json
import shutil
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from tests.support import Api, Graph

HERE = Path(__file__).parent
Serve = Callable[..., AbstractContextManager[Api]]
GRAPHQL_RESPONSE = "application/graphql-response+json"


def node_modules() -> None:
    """The audits' pinned packages (package-lock.json), installed once."""
    if not (HERE / "node_modules" / "graphql-http").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("The GraphQL-over-HTTP audits need Node 20 and npm.")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600)


def test_every_graphql_http_server_audit_passes(graph: Graph, serve: Serve) -> None:
    node_modules()
    with serve(auth="off") as api:
        audited = subprocess.run(
            ["node", "audit.mjs", f"{api.base_url}/graphql"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert audited.returncode == 0, audited.stderr
    results = json.loads(audited.stdout)
    assert len(results) > 50
    failed = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failed == []


def test_graphql_response_json_when_asked_for(graph: Graph, api: Api) -> None:
    ask = {"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
    good = api.send(json={"query": "{ __typename }"}, headers=ask)
    assert good.status_code == 200
    assert good.headers["content-type"] == GRAPHQL_RESPONSE
    assert good.json()["data"] == {"__typename": "Query"}

    broken = api.send(json={"query": "{ region(code: 5) { name } }"}, headers=ask)
    assert broken.status_code == 400 and "data" not in broken.json()
    assert broken.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Asked for plain JSON (or nothing), the same error keeps 200 and `data: null`.
    plain = api.send(json={"query": "{ region(code: 5) { name } }"})
    assert plain.status_code == 200 and plain.json()["data"] is None
    assert plain.headers["content-type"] == "application/json"
    # An error of execution has data: it stays 200.
    missing = api.send(
        json={"query": 'mutation { endAssignment(id: "none", until: "2026-01-01") { id } }'},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert missing.status_code == 200 and "data" in missing.json()


def test_cors_answers_only_the_origins_allowed(graph: Graph, serve: Serve) -> None:
    allowed = "https://grid.example.gov.cn"
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with serve(cors_origins=[allowed]) as api:
        bare = httpx.Client(base_url=api.base_url)
        ok = bare.options("/graphql", headers={"Origin": allowed, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == allowed
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()
        other = bare.options("/graphql", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in other.headers
        answered = api.send(json={"query": "{ __typename }"}, headers={"Origin": allowed})
        assert answered.headers["access-control-allow-origin"] == allowed
        exposed = answered.headers["access-control-expose-headers"].lower()
        assert "x-request-id" in exposed and "x-neo4j-bookmark" in exposed
    # None by default: no CORS header at all.
    with serve() as api:
        answered = api.send(json={"query": "{ __typename }"}, headers={"Origin": allowed})
        assert "access-control-allow-origin" not in answered.headers
