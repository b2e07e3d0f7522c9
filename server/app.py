"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser), the reports, and
the browser console at / (server/console.py).

Every request but the GraphiQL page needs a bearer token (server/auth.py). A missing or
bad one is refused with HTTP 401 and a GraphQL-shaped body whose error has
`extensions.code` UNAUTHENTICATED, before any Cypher runs."""

import asyncio
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rich.console import Console
from starlette.exceptions import HTTPException

from graph.case_machine import CaseChain
from graph.cases import reseal
from graph.core.db import Database
from graph.core.errors import Unauthenticated, Unavailable
from graph.people import seal_clear_values
from graph.search import prepare
from graph.security.principal import Principal
from graph.store import local_server
from graph.store.migrations import migrate
from resolvers.context import Context
from schema import build_schema
from server import console, reports
from server.auth import Authenticator
from server.http_guard import (
    BodyLimit,
    GovgraphRouter,
    coded_http_error,
    coded_internal_error,
)
from server.progress import bars
from server.settings import Settings
from server.uvicorn_log_filter import keep_query_strings_out_of_the_log

# Nothing runs for a GET without a query (the GraphiQL page): it needs no token.
NOBODY = Principal(subject=None, roles=frozenset(), scope=())


log = logging.getLogger("govgraph")


async def prepare_search(db: Database) -> None:
    try:
        await prepare(db)
    except Exception as error:  # only a head start: the first search plans it otherwise
        log.warning("search statements not planned ahead: %s", error)


def connect(settings: Settings, timeout: float | None = None) -> Database:
    return Database.connect(
        settings.database_uri,
        settings.neo4j_user,
        settings.neo4j_password,
        settings.neo4j_database,
        timeout or settings.transaction_timeout,
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


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    authenticator = Authenticator(settings)  # refuses settings that check no token
    pii_keys = settings.pii_keys  # checked before anything starts
    keep_query_strings_out_of_the_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = connect(settings)
        # At start-up Neo4j may still be opening its database: give it time. A graph
        # written by an older version may need minutes of migration: shown.
        starting = db.waiting(max(settings.unavailable_wait, STARTUP_WAIT))
        with bars(Console(stderr=True)) as progress:
            await migrate(starting, progress)
        await seal_clear_values(starting, pii_keys)
        await reseal(starting, CaseChain.of(pii_keys))
        app.state.db = db
        app.state.authenticator = authenticator
        planning = asyncio.create_task(prepare_search(db))  # while the first requests come
        yield
        planning.cancel()
        await db.close()

    async def context(request: Request) -> Context:
        if request.method == "GET" and "query" not in request.query_params:
            principal = NOBODY
        else:
            principal = authenticator.principal(request.headers.get("authorization"))
        return Context(
            request.app.state.db,
            settings.overdue_days,
            principal,
            pii_keys,
            planner=settings.planner,
        )

    app = FastAPI(title="govgraph", lifespan=lifespan)
    app.add_exception_handler(Unauthenticated, unauthenticated)  # type: ignore[arg-type]
    router = GovgraphRouter(
        build_schema(settings.limits, settings.introspection),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        retry_after=math.ceil(settings.unavailable_wait),
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(reports.router)
    if settings.console:
        console.mount(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(HTTPException, coded_http_error)
    app.add_exception_handler(Exception, coded_internal_error)
    return app


async def unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
    body = {
        "data": None,
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})
