"""One real Neo4j for the whole run: the one NEO4J_URI names, or a local "test" instance."""

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from graph.importing.online import import_dataset
from graph.store import local_server
from server.app import create_app
from server.settings import Settings
from tests.support import (
    DEMO,
    TEST_JWT_SECRET,
    TEST_PII_KEYS,
    TEST_PII_SETTINGS,
    Api,
    Graph,
    running,
    serve_in_thread,
)


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    if uri := os.environ.get("NEO4J_URI"):
        yield uri
        return
    port = int(os.environ.get("GOVGRAPH_TEST_BOLT_PORT", "7688"))
    # Another port, another folder: two suites on one machine never share a database.
    name = "test" if port == 7688 else f"test-{port}"
    # A `--replace` import switches a whole dataset in one transaction, held in the heap
    # (three quarters of it at most): the city of scale 0.01 needs more than 1 GB.
    instance = local_server.Instance(name=name, bolt_port=port, heap="3g", page_cache="512m")
    started = local_server.start(instance)
    yield instance.uri
    if started:
        local_server.stop(instance)


@pytest.fixture(scope="session")
def graph(neo4j_uri: str) -> Graph:
    graph = Graph(neo4j_uri)
    graph.migrate()
    return graph


@pytest.fixture
def empty_graph(graph: Graph) -> Graph:
    """The database emptied, for a test that writes."""
    graph.clear()
    return graph


def settings_for(graph: Graph, **overrides: Any) -> Settings:
    """The server's settings for the test database: checking tokens, unless overridden."""
    defaults: dict[str, Any] = {
        "auth": "jwt",
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_audience": "govgraph",
        **TEST_PII_SETTINGS,
    }
    return Settings(
        NEO4J_URI=graph.uri,
        NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"),
        NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", ""),
        **(defaults | overrides),
    )


@pytest.fixture(scope="session")
def api(graph: Graph) -> Iterator[Api]:
    """The real server over real HTTP, on the test database, checking tokens."""
    server, thread, base_url = serve_in_thread(create_app(settings_for(graph)))
    yield Api(base_url)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve(graph: Graph) -> Callable[..., AbstractContextManager[Api]]:
    """`with serve(max_cost=…) as api:` the real server with other settings, while a block runs."""
    return lambda **overrides: running(create_app(settings_for(graph, **overrides)))


@pytest.fixture(scope="module")
def uncapped(serve: Callable[..., AbstractContextManager[Api]]) -> Iterator[Api]:
    """The server without GOVGRAPH_MAX_COST, for tests that ask for pages of 500 at every
    level or for everything at once on purpose (statement counts, scope walks)."""
    with serve(max_cost=10**18) as api:
        yield api


@pytest.fixture(scope="module")
def demo(graph: Graph) -> Graph:
    """The demo dataset, freshly imported, for a module of tests that only read."""
    graph.clear()
    graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))
    return graph
