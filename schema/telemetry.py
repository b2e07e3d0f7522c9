"""What each request tells its log line, metrics and trace about its GraphQL operation.

Only the operation's name and type, its error codes and cost: never its text, variables
or arguments, which may hold ID numbers and phones (DESIGN §6). Strawberry's own tracing
extension records the query and every resolver's arguments, so it is not used."""

import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from strawberry.extensions import SchemaExtension

from graph.core.db import Cost

tracer = trace.get_tracer("govgraph.graphql")
# A name a client chose: kept when it looks like a GraphQL name of a sensible length.
SAFE_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


@dataclass
class RequestRecord:
    """One HTTP request, filled in as it goes down and read when it is answered."""

    request_id: str
    cost: Cost = field(default_factory=Cost)
    operation: str | None = None  # a safe name only, or "other"
    operation_type: str | None = None
    codes: list[str] = field(default_factory=list)  # of the errors it was answered with
    plan: str | None = None  # the read planner's path: compiled, resolvers or mixed
    subject: str | None = None  # the token's `sub`
    span: trace.Span | None = None  # the operation's, ended once its result is known
    bookmarks: Any = None  # the neo4j.AsyncBookmarkManager its sessions share

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None

    def end_operation(self) -> None:
        if self.span is None:
            return
        if self.plan is not None:
            self.span.set_attribute("govgraph.plan", self.plan)
        if self.codes:
            self.span.set_attribute("govgraph.error.code", self.code or "")
        self.span.end()
        self.span = None


current_request: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)


def safe_name(name: str | None) -> str | None:
    if name is None:
        return None
    return name if SAFE_NAME.fullmatch(name) else "other"


class OperationTelemetry(SchemaExtension):
    """Opens the operation's span (the Cypher statements' spans nest in it) and notes the
    operation's name and type in the request's record; the router ends the span once the
    result, its error codes and its plan are known."""

    def on_operation(self) -> Iterator[None]:
        record = current_request.get()
        span = tracer.start_span("graphql.operation", kind=trace.SpanKind.INTERNAL)
        try:
            with trace.use_span(
                span, end_on_exit=False, record_exception=False, set_status_on_exception=False
            ):
                yield
        finally:
            name, kind = safe_name(self.execution_context.operation_name), self.kind()
            span.update_name(f"{kind or 'graphql'} {name or 'anonymous'}")
            span.set_attribute("graphql.operation.name", name or "")
            span.set_attribute("graphql.operation.type", kind or "")
            if record is None:  # executed outside HTTP
                span.end()
            else:
                record.operation, record.operation_type, record.span = name, kind, span

    def kind(self) -> str | None:
        if self.execution_context.graphql_document is None:
            return None  # the query did not parse
        try:
            return self.execution_context.operation_type.value
        except RuntimeError:  # no operation of the name given
            return None
