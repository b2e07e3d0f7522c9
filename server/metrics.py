"""Prometheus metrics (issue #16): requests, latency, Cypher statements and database time
per request, connections in use, memory.

Labels hold an operation's name only when it is a GraphQL name of at most 64 characters,
and only the first MAX_OPERATIONS names a process sees: clients choose names, and each
new one would make new series without end. With several workers, each writes its figures
to PROMETHEUS_MULTIPROC_DIR (`govgraph serve --workers` sets it) and a scrape adds them up.
"""

import hmac
import os
import time
from collections.abc import Awaitable, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import Response

from graph.core import db
from schema.telemetry import RequestRecord
from server.auth import is_loopback

MAX_OPERATIONS = 200
OTHER = "other"

REQUESTS = Counter(
    "govgraph_requests",
    "HTTP requests by GraphQL operation name (or route), type and error code.",
    ["operation", "type", "code"],
)
LATENCY = Histogram(
    "govgraph_request_duration_seconds",
    "Time to answer a request.",
    ["operation", "type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STATEMENTS = Histogram(
    "govgraph_request_cypher_statements",
    "Cypher statements one request ran.",
    buckets=(0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128),
)
DATABASE_TIME = Histogram(
    "govgraph_request_database_seconds",
    "Time one request spent waiting for Neo4j.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IN_USE = Gauge(
    "govgraph_neo4j_connections_in_use",
    "Connections of the driver's pool held by open sessions.",
    multiprocess_mode="livesum",
)
MEMORY = Gauge(
    "govgraph_process_resident_memory_bytes",
    "Resident memory of the server's processes (all workers together).",
    multiprocess_mode="livesum",
)
PAGE = os.sysconf("SC_PAGE_SIZE")
MEMORY_PERIOD = 1.0  # seconds between reads of memory by requests; a scrape always reads
memory_read = [-MEMORY_PERIOD]  # when it was last read (time.monotonic)

seen_operations: set[str] = set()


def operation_label(record: RequestRecord, route: str | None) -> str:
    if record.operation_type is None:  # no GraphQL operation: the route, a fixed few
        return route or OTHER
    name = record.operation or "anonymous"
    if name not in seen_operations and len(seen_operations) >= MAX_OPERATIONS:
        return OTHER
    seen_operations.add(name)
    return name


def observe(record: RequestRecord, *, route: str | None, status: int, seconds: float) -> None:
    operation = operation_label(record, route)
    kind = record.operation_type or "http"
    code = record.code or ("OK" if status < 400 else f"HTTP_{status}")
    REQUESTS.labels(operation, kind, code).inc()
    LATENCY.labels(operation, kind).observe(seconds)
    STATEMENTS.observe(record.cost.statements)
    DATABASE_TIME.observe(record.cost.seconds)
    sample_gauges(at_most_every=MEMORY_PERIOD)


def sample_gauges(*, at_most_every: float = 0.0) -> None:
    """Connections in use always; memory from /proc only when `at_most_every` seconds
    have passed since it was last read (a file read on every request cost a small read
    a few per cent of its time)."""
    IN_USE.set(db.sessions_open[0])
    now = time.monotonic()
    if now - memory_read[0] < at_most_every:
        return
    memory_read[0] = now
    with open("/proc/self/statm") as statm:  # sizes in pages; the second is resident
        MEMORY.set(int(statm.read().split()[1]) * PAGE)


def exposition() -> bytes:
    sample_gauges()
    if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def endpoint(token: str | None) -> Callable[[Request], Awaitable[Response]]:
    """GET /metrics: to loopback clients, or to anyone with the bearer token when one is set."""

    async def metrics(request: Request) -> Response:
        if token is not None:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return Response("A bearer token is needed.\n", 401, {"WWW-Authenticate": "Bearer"})
        elif not is_loopback(request.client.host if request.client else ""):
            return Response("Metrics are served to this machine only.\n", 403)
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics


def serve_apart(address: str, port: int) -> None:
    """Metrics on a listener of their own (a thread of this process), not at /metrics."""
    registry = REGISTRY
    if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
    start_http_server(port, address, registry)
