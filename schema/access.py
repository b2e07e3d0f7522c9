"""Roles, checked once per request against the fields its document selects (issue #6).

Each field declares who may select it where it is declared: `metadata=roles(...)` on the
field, or `@type_roles(...)` on its type for the fields that declare nothing (the sets
are in resolvers/access.py). A request that selects any field the reader's roles may not
select is refused as a whole with FORBIDDEN, naming each such field and who may select
it, before any Cypher runs. ADMIN is never checked.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, lru_cache
from typing import TypeVar

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    TypeInfo,
    visit,
)
from graphql.language import Visitor
from graphql.utilities import TypeInfoVisitor
from strawberry.extensions import SchemaExtension

from graph.core.errors import Forbidden
from graph.security.principal import AccessRole, Principal
from resolvers.access import ADMIN_ONLY, named

C = TypeVar("C", bound=type)
Roles = frozenset[AccessRole]
_ROLES = "roles"  # the key of a field's metadata, and the attribute of a type
_DEFINITION = "strawberry-definition"  # where graphql-core's types keep Strawberry's


def roles(allowed: Roles) -> dict[str, Roles]:
    """A field's metadata: the roles (besides ADMIN) that may select it."""
    return {_ROLES: allowed}


def type_roles(allowed: Roles) -> Callable[[C], C]:
    """The rule of a type's fields that declare none."""

    def declare(cls: C) -> C:
        setattr(cls, _ROLES, allowed)
        return cls

    return declare


@cache
def rules(schema: GraphQLSchema) -> Mapping[str, Roles]:
    """Every "Type.field" of the schema that declares a rule, or whose type does."""
    found: dict[str, Roles] = {}
    for name, kind in schema.type_map.items():
        if not isinstance(kind, GraphQLObjectType) or name.startswith("__"):
            continue
        definition = kind.extensions.get(_DEFINITION)
        default = getattr(definition.origin, _ROLES, None) if definition else None
        for field_name, field in kind.fields.items():
            declared = field.extensions.get(_DEFINITION)
            allowed = declared.metadata.get(_ROLES, default) if declared else default
            if allowed is not None:
                found[f"{name}.{field_name}"] = allowed
    return found


def roles_for(schema: GraphQLSchema, type_name: str, field_name: str) -> Roles | None:
    """The roles (besides ADMIN) that may select `type_name.field_name`; None when the
    field declares nothing (introspection, or a field that forgot: refused)."""
    return rules(schema).get(f"{type_name}.{field_name}")


def refused(
    schema: GraphQLSchema, principal: Principal, fields: Iterable[tuple[str, str]]
) -> list[str]:
    """Those of `fields` (type, field) that the reader's roles may not select, in order."""
    if AccessRole.ADMIN in principal.roles:
        return []
    out = []
    for type_name, field_name in fields:
        if type_name.startswith("__") or field_name.startswith("__"):
            continue  # introspection and __typename describe the schema, not the data
        allowed = roles_for(schema, type_name, field_name)
        if allowed is None or not principal.roles & allowed:
            out.append(f"{type_name}.{field_name}")
    return out


def who_may(schema: GraphQLSchema, coordinate: str) -> str:
    """The roles that may select a field, for a message: "PLANNER, AUDITOR or ADMIN"."""
    type_name, field_name = coordinate.split(".")
    return named(roles_for(schema, type_name, field_name) or ADMIN_ONLY)


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
        if denied := refused(schema, principal, fields):
            held = ", ".join(sorted(role.value for role in principal.roles))
            lines = "; ".join(f"{field} needs {who_may(schema, field)}" for field in denied)
            error = Forbidden(f"Your token's roles ({held}) may not ask for this: {lines}.")
            refusal = GraphQLError(error.message, original_error=error)
            context.result = ExecutionResult(data=None, errors=[refusal])
