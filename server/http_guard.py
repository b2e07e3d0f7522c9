"""Requests refused before GraphQL sees them, answered as coded GraphQL errors (DESIGN §7).

Strawberry answers a request it cannot read (bad JSON, a wrong content type, a
mutation over GET) in plain text, and a JSON body that is no object with a 500;
here each gets `{"errors": [{"message", "extensions": {"code"}}]}` and its status.
"""

import json
import logging
from typing import Any

import orjson
from cross_web import HTTPException
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graph.core.errors import Unavailable
from schema.errors import INTERNAL_MESSAGE
from server import console

log = logging.getLogger("govgraph")


class Refused(HTTPException):
    def __init__(self, status_code: int, reason: str, code: str) -> None:
        super().__init__(status_code, reason)
        self.code = code


def error_response(status_code: int, message: str, code: str) -> Response:
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": code}}]}
    if code != "INTERNAL":
        # Refused before GraphQL saw it: no statement ran, as every refusal says.
        body["extensions"] = {"cypherStatements": 0}
    return JSONResponse(body, status_code=status_code)


def code_of(error: HTTPException) -> str:
    return error.code if isinstance(error, Refused) else code_of_status(error.status_code)


def code_of_status(status_code: int) -> str:
    if status_code == 404:
        return "NOT_FOUND"
    return "BAD_USER_INPUT" if status_code < 500 else "INTERNAL"


async def coded_http_error(request: Request, error: Exception) -> Response:
    """FastAPI's own refusals at /graphql (a PUT: 405) as coded errors; elsewhere its default."""
    assert isinstance(error, StarletteHTTPException)
    if not request.url.path.startswith("/graphql"):
        return await http_exception_handler(request, error)
    return error_response(error.status_code, str(error.detail), code_of_status(error.status_code))


async def coded_internal_error(request: Request, error: Exception) -> Response:
    """Whatever escaped every other handler: logged, and answered without its details."""
    log.error("unexpected error at %s", request.url.path, exc_info=error)
    return error_response(500, INTERNAL_MESSAGE, "INTERNAL")


GRAPHQL_RESPONSE = "application/graphql-response+json"


class GovgraphRouter(GraphQLRouter):
    """Strawberry's router, answering what it cannot read as coded errors, and an answer
    that the database's absence spoiled with 503 and Retry-After to a client that asked for
    `application/graphql-response+json` (others get 200 and the UNAVAILABLE error)."""

    def __init__(self, *args: Any, retry_after: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after

    def encode_json(self, data: object) -> bytes:
        # The read planner's answers are plain values: orjson writes them in one call.
        return orjson.dumps(data)

    @property
    def graphql_ide_html(self) -> str:
        # GraphiQL from govgraph's own files, not a CDN: it works offline.
        return console.graphiql_html()

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            response = await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            return error_response(error.status_code, error.reason, code_of(error))
        if getattr(request.state, "unavailable", False) and GRAPHQL_RESPONSE in request.headers.get(
            "accept", ""
        ):
            response.status_code = 503
            response.headers["Retry-After"] = str(self.retry_after)
        return response

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        if any(isinstance(e.original_error, Unavailable) for e in result.errors or ()):
            request.state.unavailable = True
        return await super().process_result(request, result)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = json.loads(data)
        except ValueError:  # bad JSON, and bytes that are no UTF-8
            raise Refused(400, "The body is not valid JSON.", "BAD_USER_INPUT") from None
        if isinstance(parsed, list):
            raise Refused(
                400,
                "A JSON array (a batch of operations) is not accepted: "
                "send one operation per request.",
                "QUERY_TOO_COMPLEX",
            )
        if not isinstance(parsed, dict):
            raise Refused(400, "The body must be a JSON object.", "BAD_USER_INPUT")
        return parsed


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413, reading at most that much of it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        # Chunked bodies declare no length: read up to the limit, then hand on what was read.
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = (
            f"The request body is larger than {self.max_bytes:,} bytes "
            "(GOVGRAPH_MAX_BODY_BYTES); send a shorter query."
        )
        await error_response(413, message, "QUERY_TOO_COMPLEX")(scope, receive, send)
