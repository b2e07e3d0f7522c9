"""Every error gets `extensions.code` (DESIGN §7); unexpected faults show no details."""

import logging

from graphql import GraphQLError

from graph.errors import GovgraphError

log = logging.getLogger("govgraph")

INTERNAL_MESSAGE = "Something went wrong on our side; the error has been logged."


def add_code(error: GraphQLError) -> None:
    """Give `error` its code, in place; an unexpected fault is logged and its text replaced."""
    original = error.original_error
    if isinstance(original, GovgraphError):
        code = original.code
    elif original is None:
        # Syntax, validation and variable errors: the request itself is wrong.
        code = "BAD_USER_INPUT"
    else:
        code = "INTERNAL"
        log.error("unexpected error at %s", error.path, exc_info=original)
        error.message = INTERNAL_MESSAGE
    error.extensions = {**(error.extensions or {}), "code": code}
