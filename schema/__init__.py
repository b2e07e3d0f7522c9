"""Strawberry types, inputs and enums: views over the records that `graph/` returns."""

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from schema.access import RoleCheck
from schema.errors import DocumentOrder, add_code
from schema.extensions import StatementCount
from schema.limits import Limits, QueryLimits
from schema.mutation import Mutation
from schema.plan import ReadPlanner
from schema.query import Query
from schema.telemetry import OperationTelemetry


class GovgraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Called for every error, those of parsing and validation included.
        for error in errors:
            add_code(error)


def build_schema(limits: Limits | None = None, introspection: bool = True) -> GovgraphSchema:
    # Classes and factories, not instances: each request gets its own (the caches are
    # shared anyway). The limits come first: each refuses before the step it protects.
    extensions: list = [
        OperationTelemetry,
        StatementCount,
        partial(QueryLimits, limits or Limits()),
        ParserCache,
        ValidationCache,
        RoleCheck,
        DocumentOrder,  # its errors sorted once the planner has completed the result
        ReadPlanner,  # last: after every check, before any resolver
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return GovgraphSchema(query=Query, mutation=Mutation, extensions=extensions)


schema = build_schema()
