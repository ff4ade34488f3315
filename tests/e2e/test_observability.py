"""What an on-call engineer reads (issue 16): the Prometheus scrape on its own address, JSON log lines with the
request id and nothing personal, /readyz, and the request id carried into outbox deliveries and callbacks."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from dependency_injector import providers
from prometheus_client.parser import text_string_to_metric_families

from adapters.bootstrap.container import make_http_client
from adapters.observability import metrics, samplers
from adapters.observability.context import RequestInfo, bound
from adapters.observability.logging import JsonFormatter
from application.outbox import backoff
from application.scans.callbacks import CALLBACK_TOPIC
from tests.integration.test_scan_callback_delivery import Receiver, expired_login_session
from tests.support.platform import register_platform, resolving_to

PHONE = "13912345678"


@pytest.fixture(scope="module")
def scrape_url():
    server = metrics.serve_metrics("127.0.0.1:0")
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()


async def scrape(url: str) -> dict[tuple[str, tuple], float]:
    async with httpx.AsyncClient() as c:
        r = await c.get(url)
    assert r.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(r.text) for s in fam.samples}


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def json_lines():
    """Every log line as the JSON formatter writes it."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    # INFO, as in production (DEBUG lets libraries such as aiosqlite print statement parameters).
    handler = Keep(level=logging.INFO)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


async def test_metrics_are_not_on_the_public_port(client):
    assert (await client.get("/metrics")).status_code == 404


async def test_scrape_counts_operations_routes_and_user_errors(client, gql, scrape_url):
    before = await scrape(scrape_url)
    await gql.register(PHONE)
    # A second code at once is refused (cooldown): a userError, an SMS refused.
    again = await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"})
    again = await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"})
    assert again["requestSmsCode"]["userErrors"][0]["code"] == "SMS_COOLDOWN"
    assert (await client.get("/healthz")).status_code == 200
    after = await scrape(scrape_url)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("sxq_graphql_requests_total", operation="Register", type="mutation", result="ok") == 1
    assert delta("sxq_graphql_requests_total", operation="RequestSmsCode", type="mutation", result="user_error") == 1
    assert delta("sxq_graphql_request_seconds_count", operation="Register") == 1
    assert delta("sxq_user_errors_total", code="SMS_COOLDOWN") == 1
    assert delta("sxq_sms_refused_total", code="SMS_COOLDOWN") == 1
    assert delta("sxq_http_requests_total", route="/healthz", method="GET", status="2xx") == 1
    assert delta("sxq_http_request_seconds_count", route="/graphql", method="POST") >= 4
    # The pool gauge is kept by the pool's own events: nothing is left checked out between requests.
    assert value(after, "sxq_db_pool_checked_out") == 0


async def test_routes_are_labelled_by_template_not_path(client, scrape_url):
    before = await scrape(scrape_url)
    assert (await client.get("/files/seals/U2VhbDox/image")).status_code == 404
    after = await scrape(scrape_url)
    labels = {"route": "/files/seals/{seal_id}/image", "method": "GET", "status": "4xx"}
    assert value(after, "sxq_http_requests_total", **labels) - value(before, "sxq_http_requests_total", **labels) == 1
    assert not any("U2VhbDox" in str(key) for key in after)


async def test_operation_names_from_clients_are_a_bounded_label_set(monkeypatch):
    monkeypatch.setattr(metrics, "_operations", set())
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 2)
    assert metrics.operation_label("A", None) == "A"
    assert metrics.operation_label(None, "mutation B($x: Int) { b }") == "B"
    assert metrics.operation_label("C", None) == "other"  # the set is full
    assert metrics.operation_label("A", None) == "A"
    assert metrics.operation_label("13800138000; drop", None) == "other"
    assert metrics.operation_label(None, "{ me { id } }") == "anonymous"


@pytest.fixture
async def receiver(container):
    r = Receiver(fail=1)
    client = make_http_client(transport=httpx.MockTransport(r))
    container.http_client.override(providers.Object(client))
    # The platform's callback host resolves to a public address (the delivery-time destination check).
    container.callback_destinations.override(providers.Object(resolving_to()))
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    yield r
    container.http_client.reset_override()
    container.callback_destinations.reset_override()
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    await client.aclose()


async def test_a_failing_callback_receiver_shows_in_the_metrics_and_the_request_id_follows_the_callback(
        container, clock, receiver, scrape_url, json_lines):
    platform = await register_platform(container)
    with bound(RequestInfo(request_id="req-from-platform-1")):
        await expired_login_session(container, clock, platform)
    before = await scrape(scrape_url)
    dispatcher = container.dispatcher()
    assert await dispatcher.dispatch_due() == 0  # the receiver answers 500
    clock.advance(seconds=30)
    await samplers.sample(container.session_factory(), clock.now())
    failing = await scrape(scrape_url)
    assert value(failing, "sxq_outbox_deliveries_total", topic=CALLBACK_TOPIC, outcome="failed") - value(
        before, "sxq_outbox_deliveries_total", topic=CALLBACK_TOPIC, outcome="failed") == 1
    assert value(failing, "sxq_outbox_backlog", topic=CALLBACK_TOPIC) == 1
    assert value(failing, "sxq_outbox_oldest_age_seconds", topic=CALLBACK_TOPIC) >= 30
    assert value(failing, "sxq_scan_sessions", status="EXPIRED") == 1

    clock.advance(seconds=backoff(1).total_seconds())
    assert await dispatcher.dispatch_due() == 1
    await samplers.sample(container.session_factory(), clock.now())
    healed = await scrape(scrape_url)
    assert value(healed, "sxq_outbox_backlog", topic=CALLBACK_TOPIC) == 0
    assert value(healed, "sxq_outbox_oldest_age_seconds", topic=CALLBACK_TOPIC) == 0
    # Both attempts carried the id of the request that caused the callback, and the worker's lines name it.
    assert [r.headers.get("x-request-id") for r in receiver.requests] == ["req-from-platform-1"] * 2
    failed_line = [json.loads(line) for line in json_lines if "failed, retry at" in line]
    assert failed_line and failed_line[0]["request_id"] == "req-from-platform-1"


async def test_json_lines_carry_the_request_id_and_nothing_personal(client, gql, json_lines):
    r = await client.post("/graphql", headers={"X-Request-ID": "abc-123"}, json={
        "query": gql.document("RequestSmsCode"), "variables": {"phone": PHONE, "purpose": "REGISTER"}})
    assert r.status_code == 200 and r.headers["x-request-id"] == "abc-123"
    code = await gql.latest_code(PHONE)
    await gql.op("Register", {"phone": PHONE, "smsCode": code, "password": "S3cretPassw0rd"})
    wrong = await gql.op("LoginWithPassword", {"phone": PHONE, "password": "Wr0ngPassw0rd"})
    assert wrong["loginWithPassword"]["userErrors"]
    # A malformed document with values written into it: the error line keeps the message, not the document.
    await client.post("/graphql", json={"query": "mutation { login(input: {phone: \"13912345678\"}) { ok } }"})
    parsed = [json.loads(line) for line in json_lines]
    request_line = next(p for p in parsed if p.get("request_id") == "abc-123" and p.get("route") == "/graphql")
    assert request_line["operation"] == "RequestSmsCode" and request_line["status"] == 200
    assert request_line["level"] == "INFO" and "duration_ms" in request_line and "time" in request_line
    everything = "\n".join(json_lines)
    for secret in (PHONE, PHONE[-4:] + "\"", code, "S3cretPassw0rd", "Wr0ngPassw0rd"):
        assert secret not in everything
    # The outbox message the request wrote keeps its id, for the worker's lines.
    from sqlalchemy import select

    from adapters.persistence import tables

    async with gql.http._transport.app.state.container.engine().connect() as conn:
        ids = (await conn.execute(select(tables.outbox_messages.c.request_id))).scalars().all()
    assert "abc-123" in ids


async def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    for given in (b"phone 13800138000", b"a" * 65, "\u00e9t\u00e9".encode()):
        r = await client.get("/healthz", headers={"X-Request-ID": given})
        rid = r.headers["x-request-id"]
        assert rid.encode() != given and len(rid) == 32
    r = await client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32


@pytest.fixture
def patient_checks(monkeypatch):
    """Each check has 2 s in production; a loaded test machine gets more (the answers under test are not timeouts)."""
    from adapters.http import health

    monkeypatch.setattr(health, "CHECK_TIMEOUT", 20.0)


async def test_readyz_names_the_failed_part(client, container, clock, patient_checks):
    r = await client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["failed"] == ["worker"] and r.json()["checks"]["database"] == "ok"
    assert r.json()["checks"]["ca_keys"] == "ok"
    await samplers.beat(container.session_factory(), clock.now())
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "checks": {
        "database": "ok", "ca_keys": "ok", "worker": "ok"}}
    clock.advance(seconds=31)
    r = await client.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["worker"].startswith("failed: last heartbeat")


async def test_readyz_reports_an_unreachable_redis(container, settings, clock, patient_checks):
    import dataclasses

    from adapters.http.health import readiness

    await samplers.beat(container.session_factory(), clock.now())
    with_redis = dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = await readiness(container, with_redis)(None)
    body = json.loads(response.body)
    assert response.status_code == 503 and body["failed"] == ["redis"]
    assert body["checks"]["redis"].startswith("failed:") and "127.0.0.1" not in body["checks"]["redis"]
