"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from graph.db import Database
from graph.migrations import migrate
from resolvers.context import Context
from schema import build_schema
from server import reports
from server.http_guard import (
    BodyLimit,
    GovgraphRouter,
    coded_http_error,
    coded_internal_error,
)
from server.settings import Settings


def connect(settings: Settings, timeout: float | None = None) -> Database:
    return Database.connect(
        settings.database_uri,
        settings.neo4j_user,
        settings.neo4j_password,
        settings.neo4j_database,
        timeout or settings.transaction_timeout,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = connect(settings)
        await migrate(db)
        app.state.db = db
        yield
        await db.close()

    async def context(request: Request) -> Context:
        return Context(request.app.state.db, settings.overdue_days)

    app = FastAPI(title="govgraph", lifespan=lifespan)
    router = GovgraphRouter(
        build_schema(settings.limits, settings.introspection),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(reports.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(HTTPException, coded_http_error)
    app.add_exception_handler(Exception, coded_internal_error)
    return app
