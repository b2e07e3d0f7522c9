"""Each request's id, log line, metrics, trace span and bookmark (issue #16).

The log line, the metrics and the spans hold the request's path without its query string,
its operation's name and type, its error code, its cost and the token's `sub`: never a
query text, variables or arguments, where ID numbers and phones travel (DESIGN §6)."""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from neo4j import AsyncGraphDatabase, Bookmarks
from opentelemetry import propagate, trace
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.core.db import request_cost
from schema.errors import INTERNAL_MESSAGE
from schema.telemetry import RequestRecord, current_request
from server import metrics
from server.http_guard import error_response

log = logging.getLogger("govgraph.requests")
errors = logging.getLogger("govgraph")
tracer = trace.get_tracer("govgraph.http")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
BOOKMARK_HEADER = "x-neo4j-bookmark"
# Bookmarks are opaque to clients; what comes back must look like what Neo4j hands out.
BOOKMARK = re.compile(r"[A-Za-z0-9:+/=_.-]{1,256}")
MAX_BOOKMARKS = 16
QUIET = ("/healthz", "/readyz", "/metrics")  # polled every few seconds: no log line


def request_id_of(headers: Headers) -> str:
    given = headers.get("x-request-id", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def bookmarks_of(headers: Headers) -> list[str]:
    given = [part.strip() for part in headers.get(BOOKMARK_HEADER, "").split(",")]
    return [part for part in given if BOOKMARK.fullmatch(part)][:MAX_BOOKMARKS]


class Observe:
    """Outermost middleware: every request, refused or not, gets its id, line and span."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        record = RequestRecord(request_id_of(headers))
        record.bookmarks = AsyncGraphDatabase.bookmark_manager(
            Bookmarks.from_raw_values(bookmarks_of(headers))
        )
        path, method = scope["path"], scope["method"]
        status, started_answer, finished = 500, False, False
        started = time.perf_counter()
        span = tracer.start_span(
            f"{method} {path}",
            context=propagate.extract(dict(headers)),
            kind=trace.SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path, "url.scheme": "http"},
        )

        def finish() -> None:
            """Before the answer's last byte leaves: a client that has it finds its line,
            figures and spans written."""
            nonlocal finished
            if finished:
                return
            finished = True
            seconds = time.perf_counter() - started
            record.end_operation()
            span.set_attribute("http.response.status_code", status)
            if status >= 500:
                span.set_status(trace.StatusCode.ERROR)
            if record.code:
                span.set_attribute("govgraph.error.code", record.code)
            span.end()
            route = getattr(scope.get("route"), "path", None)
            metrics.observe(record, route=route, status=status, seconds=seconds)
            if path not in QUIET:
                write_line(record, method=method, path=path, status=status, seconds=seconds)

        async def answer(message: Message) -> None:
            nonlocal status, started_answer
            if message["type"] == "http.response.start":
                status, started_answer = message["status"], True
                response_headers = MutableHeaders(scope=message)
                response_headers["x-request-id"] = record.request_id
                if record.cost.statements and (held := await record.bookmarks.get_bookmarks()):
                    response_headers[BOOKMARK_HEADER] = ",".join(sorted(held))
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finish()
            await send(message)

        tokens = current_request.set(record), request_cost.set(record.cost)
        try:
            with trace.use_span(
                span, end_on_exit=False, record_exception=False, set_status_on_exception=False
            ):
                await self.app(scope, receive, answer)
        except Exception as error:
            # Logged once, with the request's id; the client gets no detail of it.
            errors.error("unexpected error at %s", path, exc_info=error)
            if not started_answer:
                await error_response(500, INTERNAL_MESSAGE, "INTERNAL")(scope, receive, answer)
        finally:
            finish()
            current_request.reset(tokens[0])
            request_cost.reset(tokens[1])


def write_line(
    record: RequestRecord, *, method: str, path: str, status: int, seconds: float
) -> None:
    fields = {
        "method": method,
        "path": path,  # scope["path"] never holds the query string
        "status": status,
        "operation": record.operation,
        "type": record.operation_type,
        "code": record.code,
        "plan": record.plan,  # the read planner's path (schema/plan.py)
        "ms": round(seconds * 1000, 1),
        "statements": record.cost.statements,
        "db_ms": round(record.cost.seconds * 1000, 1),
        "sub": record.subject,
    }
    log.info("request", extra={"fields": fields})


class WithRequestId(logging.Filter):
    """Every line logged while a request runs names it, its errors' lines too."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = current_request.get()
        record.request_id = current.request_id if current else None
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,  # which worker
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", {})
        return text + "".join(f" {key}={value}" for key, value in fields.items())


def configure_logging(form: Literal["json", "text"]) -> None:
    """The `govgraph` loggers to stderr with times, one line per record; once per process."""
    logger = logging.getLogger("govgraph")
    for handler in list(logger.handlers):
        if getattr(handler, "govgraph", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.govgraph = True  # type: ignore[attr-defined]
    handler.addFilter(WithRequestId())
    handler.setFormatter(JsonLines() if form == "json" else TextLines())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
