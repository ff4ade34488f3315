"""OpenTelemetry (issue 16): nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset; when on, the request, its SQL and
the outbox delivery are spans, the delivery in a trace of its own linked to the request that wrote the message."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.observability import tracing


def test_nothing_without_an_endpoint():
    assert tracing.setup_tracing("sxq-test", env={}) is False
    assert tracing.enabled() is False and tracing.current_traceparent() is None


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    assert tracing.setup_tracing("sxq-test", exporter=exporter)
    yield exporter
    tracing.disable_tracing()
    exporter.clear()


async def test_request_sql_and_linked_delivery_are_spans(spans, settings, clock):
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app

    container = build_container(settings, clock=clock)  # made with tracing on: its engine is instrumented
    app = create_app(settings, container, run_worker=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            r = await client.post("/graphql", json={
                "query": "mutation($p: String!) { requestSmsCode(input: {phone: $p, purpose: REGISTER}) "
                         "{ userErrors { code } } }", "variables": {"p": "13600002222"}})
            assert r.status_code == 200 and r.json()["data"]["requestSmsCode"]["userErrors"] == []
        assert await container.dispatcher().dispatch_due() == 1
    finally:
        await container.engine().dispose()
        await container.http_client().aclose()

    finished = spans.get_finished_spans()
    server = [s for s in finished if s.kind.name == "SERVER" and "/graphql" in s.name]
    assert server, [s.name for s in finished]
    request_trace = server[0].context.trace_id
    sql = [s for s in finished if s.attributes.get("db.statement", "").startswith("INSERT INTO outbox_messages")]
    assert sql and sql[0].context.trace_id == request_trace
    delivery = [s for s in finished if s.name == "outbox deliver sms.send"]
    assert len(delivery) == 1
    assert delivery[0].context.trace_id != request_trace  # later, maybe in another process: its own trace
    assert [link.context.trace_id for link in delivery[0].links] == [request_trace]
    # No span carries the phone (statements are parameterised; variables are not recorded).
    assert not any("13600002222" in str(s.attributes) for s in finished)
