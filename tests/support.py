"""Synchronous helpers over the async graph layer, for tests."""

import asyncio
import base64
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from strawberry.types import ExecutionResult

from graph.case_machine import CaseChain
from graph.core.db import Database
from graph.security.principal import AccessRole, Principal
from graph.security.sealing import PiiKeys, unseal
from graph.store.migrations import migrate
from resolvers.context import Context
from schema import schema
from server.auth import mint

T = TypeVar("T")

DEMO = Path(__file__).resolve().parents[1] / "datasets" / "demo"
TEST_PII_KEYS = PiiKeys(hashing=b"test-key", sealing=bytes(range(32)))
TEST_CHAIN = CaseChain.of(TEST_PII_KEYS)  # seals case events as the test server does
# The same keys as the server's settings take them.
TEST_PII_SETTINGS = {
    "pii_key": TEST_PII_KEYS.hashing.decode(),
    "pii_encryption_key": base64.b64encode(TEST_PII_KEYS.sealing).decode(),
}


def open_seals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a dump with each sealed phone shown opened: each sealing draws a random
    nonce, so two imports store different ciphertexts, which must open (bound to their
    person) to the same number."""
    for row in rows:
        for props in row.values():
            if isinstance(props, dict) and "phoneSealed" in props:
                opened = unseal(TEST_PII_KEYS, props["id"], "phone", sealed=props["phoneSealed"])
                props["phoneSealed"] = f"opens to {opened}"
    return rows


TEST_JWT_SECRET = "test-jwt-secret-of-at-least-32-bytes"
TEST_AUDIENCE = "govgraph"


def token(role: AccessRole | str, *scope: str, sub: str = "tester", ttl: int = 86400) -> str:
    """A token the test server accepts, for a day (the whole run); no scope: the whole city
    (ADMIN only)."""
    roles = [AccessRole(role)]
    return mint(TEST_JWT_SECRET, TEST_AUDIENCE, roles, scope=scope or None, subject=sub, ttl=ttl)


# The codes of DESIGN §7 that an answer may carry (INTERNAL is a bug, never an answer),
# and what no error message may hold: traces, paths, Neo4j's codes and Cypher, exception
# classes.
CODES = {
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "INVALID_TRANSITION",
    "CONFLICT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "QUERY_TOO_COMPLEX",
    "UNAVAILABLE",
}
LEAKS = re.compile(
    r"Traceback|File \"|site-packages|/work/|\.py\b|Neo\.(Client|Transient|Database)"
    r"|\bMATCH \(|\) RETURN\b|\b[A-Z][a-z]+[A-Z]\w*(Error|Exception)\b"
)


class Graph:
    def __init__(self, uri: str) -> None:
        self.uri = uri

    def run(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """Run `work` with a fresh connection on a fresh event loop."""

        async def main() -> T:
            db = Database.connect(
                self.uri,
                os.environ.get("NEO4J_USER", "neo4j"),
                os.environ.get("NEO4J_PASSWORD", ""),
                name=os.environ.get("NEO4J_DATABASE", "neo4j"),
                timeout=600,  # imports of generated cities write large batches
            )
            try:
                return await work(db)
            finally:
                await db.close()

        return asyncio.run(main())

    def cypher(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        return self.run(lambda db: db.write(statement, params))

    def migrate(self) -> None:
        self.run(migrate)

    def clear(self) -> None:
        self.run(lambda db: db.empty())


class Api:
    """A client of the running GraphQL server, over real HTTP, as an ADMIN of the whole
    city unless made `as_` another reader."""

    app: Any = None  # the application served, when a test made its own

    def __init__(self, base_url: str, bearer: str | None = None) -> None:
        self.base_url = base_url
        self.bearer = bearer or token(AccessRole.ADMIN)
        self.http = httpx.Client(
            base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {self.bearer}"}
        )

    def as_(self, role: AccessRole | str, *scope: str, sub: str = "tester") -> "Api":
        """A client speaking for `role` within `scope` (region or grid codes)."""
        return Api(self.base_url, token(role, *scope, sub=sub))

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code in (200, 400), response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed."""
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def error_codes(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        body = self.post(query, variables)
        return [error["extensions"]["code"] for error in body.get("errors", [])]

    def send(self, method: str = "POST", **request: Any) -> httpx.Response:
        """A raw request to /graphql (`content`, `json`, `params`, `headers`), for those
        that are no well-formed GraphQL request."""
        return self.http.request(method, "/graphql", **request)

    def statements(self, query: str, variables: dict[str, Any] | None = None) -> int:
        """How many Cypher statements the query cost the database."""
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["extensions"]["cypherStatements"]


@contextmanager
def running(app: Any) -> Iterator[Api]:
    """A client of `app` served over real HTTP while the block runs."""
    server, thread, base_url = serve_in_thread(app)
    try:
        api = Api(base_url)
        api.app = app
        yield api
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve_in_thread(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


GOVGRAPH = Path(sys.executable).with_name("govgraph")


def govgraph(graph: Graph, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_URI": graph.uri, "GOVGRAPH_PII_KEY": "test-key", "COLUMNS": "200"}
    return subprocess.run(
        [str(GOVGRAPH), *args], capture_output=True, text=True, env=env, timeout=300
    )


def execute(graph: Graph, reader: Principal, query: str, **variables: Any) -> ExecutionResult:
    async def work(db: Any) -> ExecutionResult:
        context = Context(db, principal=reader, pii_keys=TEST_PII_KEYS)
        return await schema.execute(query, variable_values=variables, context_value=context)

    return graph.run(work)
