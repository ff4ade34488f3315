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
    provider = TracerProvider(resource=Resource.create({"service.name": e.get("OTEL_SERVICE_NAME", service_name)}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _enabled = True
    return True


def instrument_app(app: Any) -> None:
    if _enabled:
        from opentelemetry.instrumentation.starlette import StarletteInstrumentor

        StarletteInstrumentor.instrument_app(app)


def instrument_engine(engine: Any) -> None:
    if _enabled:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)


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
