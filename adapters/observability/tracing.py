"""OpenTelemetry tracing, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard OTEL_* variables configure
the exporter): Starlette requests, SQLAlchemy statements and httpx calls become spans, and an outbox delivery is a
span linked to the request that wrote the message (its W3C traceparent is stored with the message). Unset: nothing
is imported or installed and no message carries a trace context."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

_enabled = False
_provider: Any = None


def enabled() -> bool:
    return _enabled


def setup_tracing(service_name: str, *, exporter: Any = None, env: dict[str, str] | None = None) -> bool:
    """Installs the tracer provider once per process. `exporter` (tests: an in-memory one) replaces OTLP."""
    global _enabled
    e = os.environ if env is None else env
    if exporter is None and not e.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if _enabled:
        return True
    global _provider
    if _provider is not None:  # enabled again after disable_tracing (tests): the installed provider stays
        if exporter is not None:
            _provider.add_span_processor(SimpleSpanProcessor(exporter))
        _enabled = True
        return True
    provider = _provider = TracerProvider(resource=Resource.create({"service.name": e.get("OTEL_SERVICE_NAME", service_name)}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _enabled = True
    return True


def disable_tracing() -> None:
    """Stops making spans and storing trace contexts (the provider stays installed: OpenTelemetry sets it once)."""
    global _enabled
    _enabled = False


def instrument_app(app: Any) -> None:
    if _enabled:
        from opentelemetry.instrumentation.starlette import StarletteInstrumentor

        StarletteInstrumentor.instrument_app(app)


def instrument_engine(engine: Any) -> None:
    """A client span per statement (its text, parameterised: never the values). Our own two event hooks rather than
    opentelemetry-instrumentation-sqlalchemy: that instrumentor is a process-wide singleton (one engine only) and
    refuses SQLAlchemy releases newer than it knows."""
    if not _enabled:
        return
    from opentelemetry import trace
    from sqlalchemy import event

    tracer = trace.get_tracer("sxq.sqlalchemy")
    system = engine.dialect.name

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _start(conn, _cursor, statement, _params, context, _many) -> None:
        if not _enabled:
            return
        span = tracer.start_span(statement.split(None, 1)[0].upper() if statement else "SQL",
                                 kind=trace.SpanKind.CLIENT,
                                 attributes={"db.system": system, "db.statement": statement[:2000]})
        context._sxq_span = span

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _end(conn, _cursor, _statement, _params, context, _many) -> None:
        span = getattr(context, "_sxq_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine.sync_engine, "handle_error")
    def _error(exception_context) -> None:
        span = getattr(exception_context.execution_context, "_sxq_span", None)
        if span is not None:
            span.set_status(trace.StatusCode.ERROR, type(exception_context.original_exception).__name__)
            span.end()


def instrument_http_client(client: Any) -> None:
    if _enabled:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(client)


def current_traceparent() -> str | None:
    if not _enabled:
        return None
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


@contextlib.contextmanager
def delivery_span(topic: str, traceparent: str | None, attributes: dict[str, Any]) -> Iterator[Any]:
    """A new trace per delivery (it happens later, maybe in another process), linked to the writing request."""
    if not _enabled:
        yield None
        return
    from opentelemetry import context, propagate, trace

    links = []
    if traceparent:
        linked = trace.get_current_span(propagate.extract({"traceparent": traceparent})).get_span_context()
        if linked.is_valid:
            links.append(trace.Link(linked))
    tracer = trace.get_tracer("sxq.outbox")
    token = context.attach(context.Context())  # a root span: not a child of whatever ran the worker loop
    try:
        with tracer.start_as_current_span(f"outbox deliver {topic}", links=links, attributes=attributes,
                                          kind=trace.SpanKind.CONSUMER) as span:
            yield span
    finally:
        context.detach(token)
