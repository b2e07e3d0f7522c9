"""Errors that carry a code of DESIGN §7 and a message a district clerk can act on.

Raised at any layer; the GraphQL layer copies `code` into `extensions.code`.
"""


class GovgraphError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadUserInput(GovgraphError):
    code = "BAD_USER_INPUT"


class NotFound(GovgraphError):
    code = "NOT_FOUND"


class InvalidTransition(GovgraphError):
    code = "INVALID_TRANSITION"


class Conflict(GovgraphError):
    code = "CONFLICT"


class Unavailable(GovgraphError):
    code = "UNAVAILABLE"


class Unauthenticated(GovgraphError):
    code = "UNAUTHENTICATED"


class Forbidden(GovgraphError):
    code = "FORBIDDEN"


class QueryTooComplex(GovgraphError):
    """A request beyond one of the limits of hostile requests; refused before any Cypher runs."""

    code = "QUERY_TOO_COMPLEX"
