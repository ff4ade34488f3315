"""The platform hears every state change (§7): one outbox message per change, written with the change, with a
stable eventId and fixed body; delivered by the outbox worker, again after a failure, never lost by a crash; and
the expiry worker that moves WAITING/SCANNED sessions past their time to EXPIRED, telling the platform once."""

from __future__ import annotations

import json
from datetime import timedelta

from application.outbox import LEASE, backoff
from application.scans.callbacks import CALLBACK_TOPIC
from domain.scans.session import ScanStatus
from tests.unit.application.scan_helpers import scene


async def test_each_state_change_writes_one_callback_with_a_stable_event_id(app):
    s = await scene(app)
    created = await s.create()
    t_id = created.session.t_id
    assert s.callbacks_in_outbox() == []  # creating is the platform's own act: nothing to tell it
    await s.confirm(await s.scan(created))
    messages = s.callbacks_in_outbox(t_id)
    assert [m["type"] for m in messages] == ["SCANNED", "CONFIRMED"]
    assert [m["eventId"] for m in messages] == [f"{t_id}-SCANNED", f"{t_id}-CONFIRMED"]
    assert all(m["url"] == s.platform.callback_url and m["platformId"] == str(s.platform.id) for m in messages)
    scanned, confirmed = (json.loads(m["body"]) for m in messages)
    assert scanned == {"eventId": f"{t_id}-SCANNED", "type": "SCANNED", "tId": t_id, "result": None,
                       "occurredAt": scanned["occurredAt"]}
    assert confirmed["result"] == (await s.stored(t_id)).result
    assert app.scan_feed.statuses(t_id) == ["SCANNED", "CONFIRMED"]


async def test_the_worker_delivers_each_callback_once_to_the_platform(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    await s.decline(view)
    await app.deliver()
    await app.deliver()
    sent = app.platform_callbacks.sent
    assert [(c.url, c.json["type"]) for c in sent] == [(s.platform.callback_url, "SCANNED"),
                                                        (s.platform.callback_url, "DECLINED")]
    assert [c.event_id for c in sent] == [c.json["eventId"] for c in sent]
    assert [c.body.decode() for c in sent] == [m["body"] for m in s.callbacks_in_outbox()]


async def test_a_platform_that_answers_500_gets_the_same_event_again_later(app):
    s = await scene(app)
    created = await s.create()
    await s.confirm(await s.scan(created))
    app.platform_callbacks.fail_next(1)
    assert await app.deliver() == 1  # SCANNED failed, CONFIRMED went through
    (refused,) = app.platform_callbacks.refused
    assert await app.deliver() == 0  # not before its backoff
    app.clock.advance(backoff(1))
    assert await app.deliver() == 1
    again = next(c for c in app.platform_callbacks.sent if c.event_id == refused.event_id)
    assert again.body == refused.body and again.url == refused.url
    app.clock.advance(hours=1)
    assert await app.deliver() == 0
    assert sorted(c.json["type"] for c in app.platform_callbacks.sent) == ["CONFIRMED", "SCANNED"]


async def test_a_crash_between_commit_and_delivery_loses_nothing(app):
    s = await scene(app)
    await s.confirm(await s.scan(await s.create()))
    # A worker claims the messages and dies before sending them.
    async with app.uow() as uow:
        now = app.clock.now()
        claimed = await uow.outbox.claim_due(now, now + LEASE, 50)
        await uow.commit()
    assert {m.topic for m in claimed} == {CALLBACK_TOPIC}
    assert await app.deliver() == 0  # leased to the dead worker
    app.clock.advance(LEASE)
    assert await app.deliver() == 2
    assert [c.json["type"] for c in app.platform_callbacks.sent] == ["SCANNED", "CONFIRMED"]


async def test_the_expiry_worker_moves_overdue_sessions_to_expired_and_tells_the_platform_once(app):
    s = await scene(app)
    waiting = await s.create()
    scanned = await s.create()
    await s.scan(scanned)
    confirmed = await s.create()
    await s.confirm(await s.scan(confirmed))
    app.clock.advance(seconds=60)
    fresh = await s.create()
    assert await app.scans.expire_scan_sessions() == 0  # nothing is due yet
    app.clock.advance(app.scan_policy.session_ttl - timedelta(seconds=60))
    assert await app.scans.expire_scan_sessions() == 2
    assert await app.scans.expire_scan_sessions() == 0
    for created, status in ((waiting, ScanStatus.EXPIRED), (scanned, ScanStatus.EXPIRED),
                            (confirmed, ScanStatus.CONFIRMED), (fresh, ScanStatus.WAITING)):
        assert (await s.stored(created.session.t_id)).status is status
    assert (await s.stored(waiting.session.t_id)).expired_at == app.clock.now()
    expired = [m for m in s.callbacks_in_outbox() if m["type"] == "EXPIRED"]
    assert sorted(m["tId"] for m in expired) == sorted([waiting.session.t_id, scanned.session.t_id])
    assert all(m["eventId"] == f"{m['tId']}-EXPIRED" for m in expired)
    assert app.scan_feed.statuses(waiting.session.t_id) == ["EXPIRED"]
    await app.deliver()
    assert [c.json["type"] for c in app.platform_callbacks.sent].count("EXPIRED") == 2


async def test_a_session_confirmed_just_before_the_worker_runs_is_left_alone(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    app.clock.advance(app.scan_policy.session_ttl - timedelta(seconds=1))
    await s.confirm(view)
    app.clock.advance(seconds=1)
    assert await app.scans.expire_scan_sessions() == 0
    assert [m["type"] for m in s.callbacks_in_outbox()] == ["SCANNED", "CONFIRMED"]
