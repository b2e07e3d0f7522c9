"""Strawberry types, inputs and enums: views over the records that `graph/` returns."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from schema.access import RoleCheck
from schema.errors import add_code
from schema.extensions import StatementCount
from schema.mutation import Mutation
from schema.query import Query


class GovgraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Called for every error, those of parsing and validation included.
        for error in errors:
            add_code(error)


schema = GovgraphSchema(
    query=Query,
    mutation=Mutation,
    # Classes, not instances: each request gets its own (the caches are shared anyway).
    extensions=[StatementCount, ParserCache, ValidationCache, RoleCheck],
)
