"""WatchScanSession: the watch token alone authorises following one session; the stream starts with the current
status, carries each later one once, and ends after a final status."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from adapters.realtime.inprocess import InProcessScanSessionFeed
from application.scans.feed import ScanSessionChange
from application.scans.watch_scan_session import (
    WATCH_TOKEN_PURPOSE,
    WatchedSession,
    WatchScanSession,
    WatchScanSessionCommand,
    WatchTokenRefused,
)
from tests.fakes import FakeClock, FakeSecretHasher


class Sessions:
    def __init__(self) -> None:
        self.by_t_id: dict[str, WatchedSession] = {}

    async def watched(self, t_id: str, now: datetime) -> WatchedSession | None:
        s = self.by_t_id.get(t_id)
        if s is not None and s.status in ("WAITING", "SCANNED") and now >= s.expires_at:
            return replace(s, status="EXPIRED")
        return s


@pytest.fixture
def world():
    clock, hasher, feed, sessions = FakeClock(), FakeSecretHasher(), InProcessScanSessionFeed(), Sessions()
    sessions.by_t_id["T1"] = WatchedSession("T1", hasher.hash(WATCH_TOKEN_PURPOSE, "wt-good"), "WAITING",
                                            clock.now() + timedelta(seconds=120))
    return clock, feed, sessions, WatchScanSession(sessions, feed, hasher, clock, expiry_grace_seconds=0.0)


async def _take(stream, n: int) -> list[str]:
    return [(await asyncio.wait_for(anext(stream), 5)).status for _ in range(n)]


async def test_the_watch_token_of_the_session_opens_the_stream(world):
    _, feed, sessions, watch = world
    stream = await watch(WatchScanSessionCommand("T1", "wt-good"))
    assert await _take(stream, 1) == ["WAITING"]
    sessions.by_t_id["T1"] = replace(sessions.by_t_id["T1"], status="SCANNED")
    await feed.publish(ScanSessionChange("T1", "SCANNED"))
    await feed.publish(ScanSessionChange("T1", "SCANNED"))  # a second worker announcing the same change
    await feed.publish(ScanSessionChange("T1", "CONFIRMED"))
    assert await _take(stream, 2) == ["SCANNED", "CONFIRMED"]
    with pytest.raises(StopAsyncIteration):  # CONFIRMED is final: the stream ends
        await asyncio.wait_for(anext(stream), 5)
    assert feed.subscriber_count() == 0


@pytest.mark.parametrize("t_id,token", [("T1", "wt-wrong"), ("T1", ""), ("T-unknown", "wt-good")])
async def test_a_wrong_token_or_unknown_session_is_refused_before_any_event(world, t_id, token):
    _, feed, _, watch = world
    with pytest.raises(WatchTokenRefused):
        await watch(WatchScanSessionCommand(t_id, token))
    assert feed.subscriber_count() == 0


async def test_a_session_that_lapses_unannounced_ends_expired(world):
    clock, feed, sessions, watch = world
    sessions.by_t_id["T1"] = replace(sessions.by_t_id["T1"], expires_at=clock.now() + timedelta(milliseconds=100))
    stream = await watch(WatchScanSessionCommand("T1", "wt-good"))
    assert await _take(stream, 1) == ["WAITING"]
    clock.advance(seconds=1)
    assert [c.status async for c in stream] == ["EXPIRED"]
    assert feed.subscriber_count() == 0


async def test_a_watcher_arriving_late_gets_the_final_status_and_the_end(world):
    _, feed, sessions, watch = world
    sessions.by_t_id["T1"] = replace(sessions.by_t_id["T1"], status="DECLINED")
    stream = await watch(WatchScanSessionCommand("T1", "wt-good"))
    assert [c.status async for c in stream] == ["DECLINED"]
    assert feed.subscriber_count() == 0
