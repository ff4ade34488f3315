"""The sandbox face-liveness vendor: sessions, a result to poll, and signed asynchronous callbacks."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables as t
from adapters.vendors import signing
from application.ports import (
    Clock,
    ExternalServiceUnavailable,
    FaceOutcome,
    FaceSessionTicket,
    InvalidCallback,
)
from domain.identity.face import FacePurpose

log = logging.getLogger(__name__)

CallbackSink = Callable[[bytes, dict[str, str]], Awaitable[object]]
SIGNATURE_HEADER, TIMESTAMP_HEADER = signing.SIGNATURE_HEADER, signing.TIMESTAMP_HEADER


class UnknownFaceSession(Exception):
    pass


class SandboxFaceVerifier:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock, secret: bytes, public_url: str,
                 ttl: timedelta = timedelta(minutes=10), callback_delay_seconds: float = 0.05) -> None:
        self._sf, self._clock, self._secret = session_factory, clock, secret
        self._public_url = public_url.rstrip("/")
        self._ttl, self._delay = ttl, callback_delay_seconds
        self._sink: CallbackSink | None = None
        self._tasks: set[asyncio.Task] = set()
        self._down = False

    def connect(self, sink: CallbackSink | None) -> None:
        """Where the vendor posts its callbacks: the same handler as the HTTP endpoint /callbacks/face."""
        self._sink = sink

    def outage(self, down: bool = True) -> None:
        self._down = down

    async def start(self, *, legal_name: str, id_number: str | None, purpose: FacePurpose) -> FaceSessionTicket:
        if self._down:
            raise ExternalServiceUnavailable("sandbox face vendor: unavailable")
        token = f"face_{secrets.token_urlsafe(24)}"
        now = self._clock.now()
        async with self._sf() as s, s.begin():
            await s.execute(t.sandbox_face_sessions.insert().values(
                token=token, purpose=purpose.value, legal_name=legal_name, status="PENDING",
                created_at=now, expires_at=now + self._ttl, notified=False))
        return FaceSessionTicket(token=token, url=f"{self._public_url}/sandbox/face/{token}",
                                 expires_at=now + self._ttl)

    async def result(self, token: str) -> FaceOutcome:
        async with self._sf() as s:
            row = (await s.execute(select(t.sandbox_face_sessions)
                                   .where(t.sandbox_face_sessions.c.token == token))).first()
        if row is None:
            return FaceOutcome(token, "FAILED", "人脸核验会话不存在")
        if row.status == "PENDING" and self._clock.now() >= row.expires_at:
            return FaceOutcome(token, "FAILED", "人脸核验已超时")
        return FaceOutcome(token, row.status, row.reason)

    async def finish(self, token: str, passed: bool) -> None:
        """What the person does in front of the camera; the vendor then notifies us asynchronously."""
        now = self._clock.now()
        reason = None if passed else "活体检测未通过"
        async with self._sf() as s, s.begin():
            res = await s.execute(update(t.sandbox_face_sessions)
                                  .where(t.sandbox_face_sessions.c.token == token,
                                         t.sandbox_face_sessions.c.status == "PENDING")
                                  .values(status="PASSED" if passed else "FAILED", reason=reason, finished_at=now))
            if res.rowcount != 1:
                raise UnknownFaceSession(token)
        task = asyncio.get_running_loop().create_task(self._notify(token, passed, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        return signing.sign(self._secret, body, timestamp)

    async def _notify(self, token: str, passed: bool, reason: str | None) -> None:
        await asyncio.sleep(self._delay)
        if self._sink is None:
            return
        body = json.dumps({"token": token, "status": "PASSED" if passed else "FAILED", "reason": reason}).encode()
        try:
            await self._sink(body, self.sign(body))
        except Exception:  # the real vendor would retry; the client's poll covers a lost callback
            log.exception("sandbox face callback for %s failed", token)
            return
        async with self._sf() as s, s.begin():
            await s.execute(update(t.sandbox_face_sessions).where(t.sandbox_face_sessions.c.token == token)
                            .values(notified=True))

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> FaceOutcome:
        signing.verify(self._secret, body, headers)
        return parse_face_notification(body)


def parse_face_notification(body: bytes) -> FaceOutcome:
    try:
        data = json.loads(body)
        return FaceOutcome(str(data["token"]), str(data["status"]), data.get("reason"))
    except (ValueError, KeyError, TypeError):
        raise InvalidCallback("malformed body")
