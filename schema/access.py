"""Roles, checked once per request against the fields its document selects (issue #6).

A request that selects any field the reader's roles may not select is refused as a
whole with FORBIDDEN, naming each such field and who may select it, before any Cypher
runs; the table of who may select what is resolvers/access.py. ADMIN is never checked.
"""

from collections.abc import Iterator
from functools import lru_cache

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    visit,
)
from graphql.language import Visitor
from graphql.utilities import TypeInfoVisitor
from strawberry.extensions import SchemaExtension

from graph.core.errors import Forbidden
from graph.security.principal import AccessRole
from resolvers.access import refused, who_may


def selected_fields(schema: GraphQLSchema, document: DocumentNode) -> tuple[tuple[str, str], ...]:
    """Every (type, field) the document selects, fragments included, in order."""
    info = TypeInfo(schema)
    found: dict[tuple[str, str], None] = {}

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            parent = info.get_parent_type()
            if parent is not None:
                found[parent.name, node.name.value] = None

    visit(document, TypeInfoVisitor(info, Collect()))
    return tuple(found)


class _Document:
    """A parsed document, known by its text: the key of the cache below."""

    def __init__(self, schema: GraphQLSchema, text: str, parsed: DocumentNode) -> None:
        self.schema, self.text, self.parsed = schema, text, parsed

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Document) and other.text == self.text


@lru_cache(maxsize=256)
def _fields_of(document: _Document) -> tuple[tuple[str, str], ...]:
    return selected_fields(document.schema, document.parsed)


class RoleCheck(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        # Only a valid document gets here; a result set now is the answer, and nothing runs.
        self._check()
        yield

    def _check(self) -> None:
        context = self.execution_context
        principal = context.context.principal
        if AccessRole.ADMIN in principal.roles or context.graphql_document is None:
            return
        schema = context.schema._schema
        if context.query is not None:
            fields = _fields_of(_Document(schema, context.query, context.graphql_document))
        else:
            fields = selected_fields(schema, context.graphql_document)
        if denied := refused(principal, fields):
            roles = ", ".join(sorted(role.value for role in principal.roles))
            lines = "; ".join(f"{field} needs {who_may(field)}" for field in denied)
            error = Forbidden(f"Your token's roles ({roles}) may not ask for this: {lines}.")
            refusal = GraphQLError(error.message, original_error=error)
            context.result = ExecutionResult(data=None, errors=[refusal])
