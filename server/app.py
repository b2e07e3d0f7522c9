"""The FastAPI application: GraphQL at /graphql (GraphiQL in a browser)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from graph.db import Database
from graph.migrations import migrate
from graph.people import seal_clear_values
from resolvers.context import Context
from schema import schema
from server import reports
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
    pii_keys = settings.pii_keys  # checked before anything starts

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = connect(settings)
        await migrate(db)
        await seal_clear_values(db, pii_keys)
        app.state.db = db
        yield
        await db.close()

    async def context(request: Request) -> Context:
        return Context(request.app.state.db, settings.overdue_days, pii_keys=pii_keys)

    app = FastAPI(title="govgraph", lifespan=lifespan)
    router = GraphQLRouter(
        schema, context_getter=context, graphql_ide="graphiql" if settings.graphiql else None
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(reports.router)
    return app
