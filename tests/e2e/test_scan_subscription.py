"""scanSessionChanged over a real websocket (uvicorn, graphql-transport-ws): the watch token authorises it, a
wrong one gets an error and no event; and a subscriber on one app instance hears changes made through another
instance on the same PostgreSQL database.

The sessions here are stored and moved directly, as the core's use cases do (store, commit, then publish), so
the subscription's plumbing is tested on its own; tests/e2e/test_example_platform.py drives whole flows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from tests.support.ws import SubscriptionError, collect, serving, subscription

WATCH = "subscription W($tId: String!, $watchToken: String!) { scanSessionChanged(tId: $tId, watchToken: $watchToken) { tId status } }"


async def _platform(container):
    from adapters.crypto.sm2.keyfiles import public_key_to_pem
    from application.commerce.register_platform import RegisterPlatformCommand

    sm2 = container.sm2_backend()
    pem = public_key_to_pem(sm2.public_key(sm2.generate_private_key()))
    code = "WS" + uuid.uuid4().hex[:9].upper()
    done = await container.use_cases().commerce.register_platform.register(RegisterPlatformCommand(
        None, code, "订阅测试平台", "北京市", "https://platform.example/callback", pem), operator_id=None)
    return done.platform


async def _session(container, platform, token: str, *, seconds: int = 120) -> str:
    from application.scans.watch_scan_session import WATCH_TOKEN_PURPOSE
    from domain.commerce.entitlement import ScanOperation
    from domain.scans.session import ScanSession

    hasher, now = container.secret_hasher(), container.clock().now()
    t_id = uuid.uuid4().hex
    async with container.uow() as uow:
        uow.scan_sessions.add(ScanSession(
            t_id=t_id, platform_id=platform.id, operation=ScanOperation.LOGIN, qr_hash=hasher.hash("qr", t_id),
            watch_token_hash=hasher.hash(WATCH_TOKEN_PURPOSE, token), created_at=now,
            expires_at=now + timedelta(seconds=seconds)))
        await uow.commit()
    return t_id


async def _move(container, t_id: str, status: str) -> None:
    """What the core does on scan/confirm: change the row, commit, then publish on the feed."""
    from application.scans.feed import ScanSessionChange
    from domain.scans.session import ScanStatus

    async with container.uow() as uow:
        scan = await uow.scan_sessions.by_t_id(t_id)
        scan.status = ScanStatus(status)
        await uow.commit()
    await container.scan_feed().publish(ScanSessionChange(t_id, status))


async def _wait_subscribed(feed, t_id: str) -> None:
    for _ in range(250):
        if feed.subscriber_count(t_id):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never reached the feed")


async def test_the_watch_token_streams_the_status_until_confirmed(app, container):
    platform = await _platform(container)
    t_id = await _session(container, platform, "wt-right")
    async with serving(app) as base, subscription(base, WATCH, {"tId": t_id, "watchToken": "wt-right"}) as events:
        first = await asyncio.wait_for(anext(events), 10)
        assert first == {"scanSessionChanged": {"tId": t_id, "status": "WAITING"}}
        await _move(container, t_id, "SCANNED")
        await _move(container, t_id, "CONFIRMED")
        assert await collect(events, "scanSessionChanged") == ["SCANNED", "CONFIRMED"]
    assert container.scan_feed().subscriber_count() == 0


async def test_a_wrong_watch_token_gets_an_error_and_no_event(app, container):
    platform = await _platform(container)
    t_id = await _session(container, platform, "wt-right")
    async with serving(app) as base:
        for t, token in ((t_id, "wt-wrong"), ("no-such-tid", "wt-right")):
            async with subscription(base, WATCH, {"tId": t, "watchToken": token}) as events:
                with pytest.raises(SubscriptionError) as err:
                    await asyncio.wait_for(anext(events), 10)
                assert "FORBIDDEN" in str(err.value)
    assert container.scan_feed().subscriber_count() == 0


async def test_closing_the_websocket_ends_the_subscription(app, container):
    platform = await _platform(container)
    t_id = await _session(container, platform, "wt-right")
    async with serving(app) as base:
        async with subscription(base, WATCH, {"tId": t_id, "watchToken": "wt-right"}) as events:
            assert (await asyncio.wait_for(anext(events), 10))["scanSessionChanged"]["status"] == "WAITING"
            assert container.scan_feed().subscriber_count(t_id) == 1
        for _ in range(100):
            if container.scan_feed().subscriber_count() == 0:
                break
            await asyncio.sleep(0.02)
        assert container.scan_feed().subscriber_count() == 0


async def test_http_still_answers_on_the_graphql_path(app):
    import httpx

    async with serving(app) as base, httpx.AsyncClient(base_url=base) as c:
        r = await c.post("/graphql", json={"query": "{ __typename }"})
        assert r.json() == {"data": {"__typename": "Query"}}


async def test_a_subscriber_on_one_instance_hears_changes_made_through_another(settings, container, database_url):
    """Two app instances (= two workers, each with its own container and LISTEN connection) on one PostgreSQL."""
    if not database_url.startswith("postgresql"):
        pytest.skip("across workers needs PostgreSQL (SXQ_TEST_DATABASE_URL)")
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app

    other = build_container(settings, clock=container.clock())
    try:
        app_a = create_app(settings, container, run_worker=False)
        platform = await _platform(container)
        t_id = await _session(container, platform, "wt-right")
        async with serving(app_a) as base, subscription(base, WATCH, {"tId": t_id, "watchToken": "wt-right"}) as ev:
            assert (await asyncio.wait_for(anext(ev), 10))["scanSessionChanged"]["status"] == "WAITING"
            await _wait_subscribed(container.scan_feed(), t_id)
            await container.scan_feed().start()
            await _move(other, t_id, "SCANNED")  # through the other instance's container and feed
            await _move(other, t_id, "DECLINED")
            assert await collect(ev, "scanSessionChanged") == ["SCANNED", "DECLINED"]
    finally:
        await other.scan_feed().close()
        await other.engine().dispose()
