"""Every error gets `extensions.code` (DESIGN §7); unexpected faults show no details, and no
message shows an ID number or phone in clear."""

import logging
from collections.abc import Iterator
from functools import partial
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.core.errors import GovgraphError
from graph.security.personal_data import redact

log = logging.getLogger("govgraph")

INTERNAL_MESSAGE = "Something went wrong on our side; the error has been logged."


def add_code(error: GraphQLError) -> None:
    """Give `error` its code, in place; an unexpected fault is logged and its text replaced."""
    original = error.original_error
    if isinstance(original, GovgraphError):
        code = original.code
    elif original is None or isinstance(original, GraphQLError):
        # Syntax, validation and variable errors (a variable's value that its type refuses
        # wraps GraphQL's own error): the request itself is wrong.
        code = "BAD_USER_INPUT"
    else:
        code = "INTERNAL"
        log.error("unexpected error at %s", error.path, exc_info=original)
        error.message = INTERNAL_MESSAGE
    # A number sent where it does not belong (an ID number as an Int) is quoted by GraphQL's
    # own messages: never repeated in clear (DESIGN §6).
    error.message = redact(error.message)
    error.extensions = {**(error.extensions or {}), "code": code}


class DocumentOrder(SchemaExtension):
    """Errors listed in the order of the answer: by where their path leads in the data (its
    fields in the document's order, a list's items in theirs), then by the field's place
    in the document. graphql-core lists them as its resolvers finish, and fields resolved
    side by side (a household's members and its coverers, each a DataLoader's batch)
    finish in either order: the same question would answer its errors shuffled from one
    request to the next, and the read planner's could not be compared with them."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors and len(result.errors) > 1:
            result.errors = sorted(result.errors, key=partial(_place, data=result.data))


def _place(error: GraphQLError, *, data: Any) -> tuple[tuple[int, ...], tuple[int, int], str]:
    positions: list[int] = []
    node = data
    for part in error.path or ():
        if isinstance(node, dict) and part in node:
            positions.append(list(node).index(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            positions.append(part)
        else:
            break  # below a null: the field's place in the document decides
        node = node[part]
    first = error.locations[0] if error.locations else None
    return tuple(positions), (first.line, first.column) if first else (0, 0), str(error.path)
