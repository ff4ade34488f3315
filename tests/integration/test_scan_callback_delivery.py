"""Scan callbacks through the real outbox (SQLite, or PostgreSQL when configured), the real dispatcher and the
real signed HTTP sender (api/platform.graphql "Callbacks"): a platform that answers 500 gets the same event again
later, and a worker that dies between commit and delivery loses nothing."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
import pytest
from asn1crypto import x509 as ax509
from dependency_injector import providers
from sqlalchemy import select

from adapters.ca.x509 import public_key_of
from adapters.crypto.sm2 import default_backend
from adapters.persistence import tables
from adapters.vendors.platform_callbacks import callback_signing_string, callback_url_of
from application.outbox import LEASE, backoff
from application.scans.authenticate_platform import PlatformRequest
from application.scans.callbacks import CALLBACK_TOPIC
from application.scans.create_scan_session import CreateScanSessionCommand
from domain.commerce.entitlement import ScanOperation
from tests.support.platform import PUBLIC_ADDRESS, TestPlatform, register_platform, resolving_to

sm2 = default_backend()


class Receiver:
    """The platform's callback endpoint: answers 500 to the first `fail` requests, then 200; keeps every one."""

    def __init__(self, fail: int = 0) -> None:
        self.fail, self.requests = fail, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.fail:
            return httpx.Response(500, text="internal error")
        return httpx.Response(200, json={"ok": True})


@pytest.fixture
async def receiver(container):
    """The container's HTTP client swapped for one that reaches the receiver; the sender and the dispatcher made
    again over it (they are singletons), and put back afterwards."""
    r = Receiver()
    client = httpx.AsyncClient(transport=httpx.MockTransport(r))
    container.http_client.override(providers.Object(client))
    container.callback_destinations.override(providers.Object(resolving_to()))
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    yield r
    container.http_client.reset_override()
    container.callback_destinations.reset_override()
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    await client.aclose()


async def expired_login_session(container, clock, platform: TestPlatform) -> str:
    """A LOGIN session nobody scanned, past its time and recorded EXPIRED by the worker: one callback written."""
    scans = container.use_cases().scans
    body = b'{"query":"mutation { createScanSession }"}'
    headers = {k.lower(): v for k, v in platform.headers(body, timestamp=int(clock.now().timestamp())).items()}
    principal = await scans.authenticate_platform(PlatformRequest("POST", "/graphql", headers, body))
    created = await scans.create_scan_session(CreateScanSessionCommand(principal, ScanOperation.LOGIN))
    clock.advance(seconds=121)
    assert await scans.expire_scan_sessions() == 1
    return created.session.t_id


async def pending_callbacks(container) -> list:
    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(tables.outbox_messages).where(tables.outbox_messages.c.topic == CALLBACK_TOPIC))).all()
    return [r for r in rows if r.delivered_at is None]


def verify(platform: TestPlatform, request: httpx.Request) -> None:
    """What the platform does with a callback: checks the signature with the certificate it was given."""
    der = base64.b64decode("".join(platform.callback_certificate_pem.strip().splitlines()[1:-1]))
    key = public_key_of(ax509.Certificate.load(der))
    h = request.headers
    assert h["x-event-id"] == json.loads(request.content)["eventId"]
    message = callback_signing_string(h["x-timestamp"], h["x-event-id"], request.content)
    assert sm2.verify(key, message, base64.b64decode(h["x-signature"]))


async def test_a_platform_answering_500_gets_the_same_event_again_later(container, clock, receiver):
    receiver.fail = 1
    platform = await register_platform(container)
    t_id = await expired_login_session(container, clock, platform)
    dispatcher = container.dispatcher()

    assert await dispatcher.dispatch_due() == 0
    assert len(receiver.requests) == 1
    first = receiver.requests[0]
    # To the address checked at delivery, under the registered name (Host; SNI for TLS).
    assert callback_url_of(first) == platform.callback_url and first.url.host == PUBLIC_ADDRESS
    assert first.extensions["sni_hostname"] == "platform.example" and first.headers["connection"] == "close"
    [pending] = await pending_callbacks(container)
    assert pending.attempts == 1 and "500" in pending.last_error

    assert await dispatcher.dispatch_due() == 0 and len(receiver.requests) == 1  # not before its backoff
    clock.advance(seconds=backoff(1).total_seconds())
    assert await dispatcher.dispatch_due() == 1
    again = receiver.requests[1]
    assert again.headers["x-event-id"] == first.headers["x-event-id"] == f"{t_id}-EXPIRED"
    assert again.content == first.content
    body = json.loads(again.content)
    assert (body["type"], body["tId"], body["result"]) == ("EXPIRED", t_id, None)
    verify(platform, first)
    verify(platform, again)

    clock.advance(hours=1)
    assert await dispatcher.dispatch_due() == 0 and len(receiver.requests) == 2  # delivered: never again
    assert await pending_callbacks(container) == []


async def test_a_crash_between_commit_and_delivery_loses_nothing(container, clock, receiver):
    platform = await register_platform(container)
    t_id = await expired_login_session(container, clock, platform)
    # Committed with the state change: the message is in the outbox before anyone tries to send it.
    [pending] = await pending_callbacks(container)
    assert pending.payload["eventId"] == f"{t_id}-EXPIRED" and pending.attempts == 0

    # A worker claims it and dies before sending.
    async with container.uow() as uow:
        now = clock.now()
        assert [m.id for m in await uow.outbox.claim_due(now, now + LEASE, 10)] == [pending.id]
        await uow.commit()
    assert receiver.requests == []
    assert await container.dispatcher().dispatch_due() == 0  # still leased to the dead worker

    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await container.dispatcher().dispatch_due() == 1
    [delivered] = receiver.requests
    assert delivered.headers["x-event-id"] == f"{t_id}-EXPIRED"
    assert delivered.content.decode() == pending.payload["body"]
    verify(platform, delivered)
    assert await pending_callbacks(container) == []


async def test_an_unreachable_platform_is_retried_with_growing_backoff(container, clock, receiver):
    receiver.fail = 3
    platform = await register_platform(container)
    await expired_login_session(container, clock, platform)
    dispatcher = container.dispatcher()
    waits = []
    for attempt in range(1, 4):
        assert await dispatcher.dispatch_due() == 0
        [pending] = await pending_callbacks(container)
        assert pending.attempts == attempt
        waits.append(pending.next_attempt_at - clock.now())
        clock.advance(seconds=backoff(attempt).total_seconds() + 1)
    assert await dispatcher.dispatch_due() == 1
    assert len({r.headers["x-event-id"] for r in receiver.requests}) == 1 and len(receiver.requests) == 4
    assert all(abs(w - backoff(a)) < timedelta(seconds=2) for a, w in enumerate(waits, 1))
