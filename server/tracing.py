"""OpenTelemetry traces, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.

Without it nothing is set up and every span is the API's no-op. The exporter reads the
standard OTEL_* variables (headers, service name, sampling). Spans are made by
server/observe.py (the HTTP request), schema/telemetry.py (the GraphQL operation) and
graph/core/db.py (each Cypher statement), none with a query's text, variables,
arguments or the URL's query string."""

import os

from opentelemetry import trace


def configure_tracing() -> bool:
    """Whether traces are exported; set up once per process."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return True
    service = os.environ.get("OTEL_SERVICE_NAME", "govgraph")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True
