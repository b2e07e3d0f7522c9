"""Limits of hostile requests: each refused with QUERY_TOO_COMPLEX before any Cypher runs.

Tokens and bracket nesting are counted before parsing, fragment cycles, depth and
aliases before validation, page sizes and cost before execution: each check runs
before the step it protects, in time linear in the request.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from graph.core.errors import BadUserInput, QueryTooComplex
from resolvers.paging import DEFAULT_FIRST, MAX_FIRST
from schema.cost import operation_cost
from schema.shape import count_tokens, fragment_spreads, measure


@dataclass(frozen=True)
class Limits:
    """The defaults are the settings' (README, "Limits")."""

    depth: int = 20
    aliases: int = 100
    tokens: int = 2000
    first: int = MAX_FIRST
    cost: int = 50_000


class QueryLimits(SchemaExtension):
    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query:
            tokens = count_tokens(query, self.limits.tokens)
            if tokens.count > self.limits.tokens:
                raise QueryTooComplex(
                    f"The query has more than {self.limits.tokens:,} tokens; "
                    f"at most {self.limits.tokens:,} are allowed (GOVGRAPH_MAX_TOKENS)."
                )
            # Brackets nest around fields and argument values alike: twice the depth.
            if tokens.nesting > 2 * self.limits.depth:
                raise QueryTooComplex(
                    f"The query nests brackets {tokens.nesting} deep; at most "
                    f"{2 * self.limits.depth} are allowed (twice GOVGRAPH_MAX_DEPTH)."
                )
        yield

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            spreads = fragment_spreads(document)
            if spreads.cycle:
                raise QueryTooComplex(
                    f"Fragments {' → '.join(spreads.cycle)} spread one another in a cycle, "
                    "so the query would never end."
                )
            if spreads.chain > self.limits.depth:
                raise QueryTooComplex(
                    f"Fragments are spread in one another {spreads.chain} deep; "
                    f"at most {self.limits.depth} are allowed (GOVGRAPH_MAX_DEPTH)."
                )
            shape = measure(document)
            if shape.depth > self.limits.depth:
                raise QueryTooComplex(
                    f"The query is {shape.depth} fields deep; "
                    f"at most {self.limits.depth} are allowed (GOVGRAPH_MAX_DEPTH)."
                )
            if shape.aliases > self.limits.aliases:
                raise QueryTooComplex(
                    f"The query has {shape.aliases:,} aliases; "
                    f"at most {self.limits.aliases} are allowed (GOVGRAPH_MAX_ALIASES)."
                )
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = document and get_operation_ast(document, context.operation_name)
        if document is not None and operation is not None:
            cost = operation_cost(
                context.schema._schema,
                document,
                operation,
                variables=context.variables or {},
                default_first=DEFAULT_FIRST,
                check_first=self._check_first,
            )
            if cost > self.limits.cost:
                raise QueryTooComplex(
                    f"The answer could hold {cost:,} objects (page sizes multiplied down "
                    f"each list); at most {self.limits.cost:,} are allowed (GOVGRAPH_MAX_COST). "
                    "Ask for smaller pages or fewer nested lists."
                )
        yield

    def _check_first(self, first: int) -> None:
        # The contract (api.graphql, pagination) names this one BAD_USER_INPUT.
        if first > self.limits.first:
            raise BadUserInput(
                f"`first` may be at most {self.limits.first} (GOVGRAPH_MAX_FIRST); it was {first}."
            )
