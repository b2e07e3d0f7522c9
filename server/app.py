"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser), the reports, the
probes and the metrics, and the browser console at / (server/console.py).

Every request but the GraphiQL page, the probes and the metrics needs a bearer token
(server/auth.py). A missing or bad one is refused with HTTP 401 and a GraphQL-shaped body
whose error has `extensions.code` UNAUTHENTICATED, before any Cypher runs."""

import asyncio
import gc
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from rich.console import Console
from starlette.exceptions import HTTPException

from graph import search
from graph.case_machine import CaseChain
from graph.cases import reseal
from graph.core.db import Database
from graph.core.errors import Unauthenticated, Unavailable
from graph.people import seal_clear_values
from graph.security.principal import Principal
from graph.security.sealing import PiiKeys
from graph.store import local_server
from graph.store.migrations import prepare, version
from resolvers.context import Context
from schema import build_schema
from schema.telemetry import current_request
from server import console, metrics, probes, reports
from server.auth import Authenticator
from server.http_guard import BodyLimit, GovgraphRouter, coded_http_error
from server.observe import Observe, configure_logging
from server.persisted import PersistedQueries
from server.progress import bars
from server.settings import Settings
from server.tracing import configure_tracing
from server.uvicorn_log_filter import keep_query_strings_out_of_the_log

log = logging.getLogger("govgraph")

NO_FRAMEWORK_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}
# Headers a browser page reads and sends back (server/observe.py).
CLIENT_HEADERS = ["x-request-id", "x-neo4j-bookmark"]
# Nothing runs for a GET without a query (the GraphiQL page): it needs no token.
NOBODY = Principal(subject=None, roles=frozenset(), scope=())


async def prepare_search(db: Database) -> None:
    try:
        await search.prepare(db)
    except Exception as error:  # only a head start: the first search plans it otherwise
        log.warning("search statements not planned ahead: %s", error)


def connect(settings: Settings, timeout: float | None = None) -> Database:
    return Database.connect(
        settings.database_uri,
        settings.neo4j_user,
        settings.neo4j_password,
        name=settings.neo4j_database,
        timeout=timeout or settings.transaction_timeout,
        unavailable_wait=settings.unavailable_wait,
    )


STARTUP_WAIT = 60.0  # seconds the migrations at start-up wait for Neo4j

NOT_RUNNING = (
    "The local Neo4j is not running (it answers at {uri} when it is). Start it with "
    "`govgraph neo4j start`, or with `make run`, which also serves the API."
)


def connect_command(settings: Settings, timeout: float | None = None) -> Database:
    """The connection of a command run on the server machine, refused at once when the local
    Neo4j it would use is not running, rather than after the wait for an absent server."""
    instance = settings.local_neo4j
    if settings.uses_local_neo4j and not local_server.listening(instance):
        raise Unavailable(NOT_RUNNING.format(uri=instance.uri))
    return connect(settings, timeout)


def converting(keys: PiiKeys) -> Callable[[Database], Awaitable[None]]:
    """What a start does once the migrations are current: ID numbers and phones stored in
    clear are sealed, case histories chained before the key are re-sealed."""

    async def convert(db: Database) -> None:
        await seal_clear_values(db, keys)
        await reseal(db, CaseChain.of(keys))

    return convert


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    authenticator = Authenticator(settings)  # refuses settings that check no token
    pii_keys = settings.pii_keys  # checked before anything starts
    keep_query_strings_out_of_the_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = connect(settings)
        # At start-up Neo4j may still be opening its database: give it time. One start at a
        # time, under a lock in the database: several workers start at once. A graph
        # written by an older version may need minutes of migration: shown.
        starting = db.waiting(max(settings.unavailable_wait, STARTUP_WAIT))
        with bars(Console(stderr=True)) as progress:
            if await prepare(starting, converting(pii_keys), progress=progress):
                log.info("Migrated the graph to version %s.", version())
        app.state.db = db
        app.state.authenticator = authenticator
        planning = asyncio.create_task(prepare_search(db))  # while the first requests come
        # What start-up made (the schema, the modules) lives as long as the process: out of
        # the collector's sight, a full collection takes well under a millisecond, not the
        # 60-70 ms pause it was (a request's p99 at 16 clients).
        gc.collect()
        gc.freeze()
        yield
        planning.cancel()
        await db.close()

    async def context(request: Request) -> Context:
        params = request.query_params
        if request.method == "GET" and "query" not in params and "extensions" not in params:
            principal = NOBODY
        else:
            principal = authenticator.principal(request.headers.get("authorization"))
        db = request.app.state.db
        if record := current_request.get():
            record.subject = principal.subject
            db = db.sharing(record.bookmarks)
        return Context(
            db, settings.overdue_days, principal, pii_keys=pii_keys, planner=settings.planner
        )

    # FastAPI's own OpenTelemetry records the URL's query string (where a GET carries its
    # query and variables) and the values of refused input: off; server/observe.py traces.
    app = FastAPI(title="govgraph", lifespan=lifespan, telemetry=NO_FRAMEWORK_TELEMETRY)
    app.add_exception_handler(Unauthenticated, unauthenticated)  # type: ignore[arg-type]
    router = GovgraphRouter(
        build_schema(settings.limits, settings.introspection),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        retry_after=math.ceil(settings.unavailable_wait),
    )
    router.persisted = PersistedQueries(
        lambda: app.state.db, only_registered=settings.persisted_only
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(reports.router)
    app.include_router(probes.router)
    if settings.metrics and settings.metrics_port is None:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        app.add_route("/metrics", metrics.endpoint(token), include_in_schema=False)
    if settings.console:
        console.mount(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", *CLIENT_HEADERS],
            expose_headers=CLIENT_HEADERS,
            max_age=600,
        )
    app.add_middleware(Observe)  # the outermost: every answer gets its id and log line
    app.add_exception_handler(HTTPException, coded_http_error)
    return app


async def unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
    if record := current_request.get():
        record.codes.append(error.code)
    body = {
        "data": None,
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def from_environment() -> FastAPI:
    """The app of one worker of `govgraph serve --workers N` (uvicorn imports it by name),
    which checked the settings before starting any."""
    settings = Settings()
    configure_logging(settings.log_format)
    configure_tracing()
    return create_app(settings)
