"""Every error gets `extensions.code` (DESIGN §7); unexpected faults show no details, and no
message shows an ID number or phone in clear."""

import logging

from graphql import GraphQLError

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
