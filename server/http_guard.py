"""Requests refused before GraphQL sees them, answered as coded GraphQL errors (DESIGN §7).

Strawberry answers a request it cannot read (bad JSON, a wrong content type, a
mutation over GET) in plain text, and a JSON body that is no object with a 500;
here each gets `{"errors": [{"message", "extensions": {"code"}}]}` and its status.
"""

import json
from typing import Any

import orjson
from cross_web import HTTPException
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graph.core.errors import Unavailable
from schema.telemetry import current_request
from server import console
from server.media import as_graphql_response, prefers_graphql_response


class Refused(HTTPException):
    def __init__(self, status_code: int, reason: str, code: str) -> None:
        super().__init__(status_code, reason)
        self.code = code


def error_response(status_code: int, message: str, code: str) -> Response:
    if record := current_request.get():
        record.codes.append(code)
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


class GovgraphRouter(GraphQLRouter):
    """Strawberry's router, answering what it cannot read as coded errors, and an answer
    that the database's absence spoiled with 503 and Retry-After to a client that asked for
    `application/graphql-response+json` (others get 200 and the UNAVAILABLE error)."""

    persisted: Any = None  # server.persisted.PersistedQueries, when the app sets one

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

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET carrying only a persisted query's hash is a query, not a visit.
        persisted = request.query_params.get("extensions") is not None
        return not persisted and super().should_render_graphql_ide(request)

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)
        if self.persisted is not None:  # batches are refused while parsing
            return await self.persisted.resolve(data)
        return data

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            response = await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            response = error_response(error.status_code, error.reason, code_of(error))
        if prefers_graphql_response(request.headers.get("accept", "")):
            response = as_graphql_response(response)
            if getattr(request.state, "unavailable", False):
                response.status_code = 503
                response.headers["Retry-After"] = str(self.retry_after)
        return response

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The answer, its error codes noted for the log line and metrics, and the
        operation's span ended with the planner's path when it reports one."""
        if any(isinstance(e.original_error, Unavailable) for e in result.errors or ()):
            request.state.unavailable = True
        response = await super().process_result(request, result)
        if record := current_request.get():
            record.codes.extend(
                str((error.get("extensions") or {}).get("code", "INTERNAL"))
                for error in response.get("errors") or []
            )
            # Only the path's name: `planned` lists root keys, which are the client's aliases.
            plan = (response.get("extensions") or {}).get("plan")
            record.plan = plan if isinstance(plan, str) else None
            record.end_operation()
        return response

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
        if not isinstance(parsed.get("operationName"), str | None):
            raise Refused(400, "`operationName` must be a string or null.", "BAD_USER_INPUT")
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
