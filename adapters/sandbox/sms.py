"""The sandbox SMS gateway: keeps what it 'sent' in its own table so tests and the dev console can read it."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables as t
from application.ports import Clock, SmsDeliveryFailed


@dataclass(frozen=True)
class SentSms:
    phone: str
    purpose: str | None
    code: str | None
    text: str
    sent_at: datetime


class SandboxSmsGateway:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock, latency_seconds: float = 0.0) -> None:
        self._sf, self._clock, self._latency = session_factory, clock, latency_seconds
        self._failures_left = 0

    def fail_next(self, count: int = 1) -> None:
        """Makes the next deliveries fail as a carrier outage would (the outbox retries them)."""
        self._failures_left = count

    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        if self._latency:
            await asyncio.sleep(self._latency)
        if self._failures_left > 0:
            self._failures_left -= 1
            raise SmsDeliveryFailed("sandbox carrier: temporarily unavailable")
        message_id = f"sbx-sms-{secrets.token_hex(8)}"
        async with self._sf() as s, s.begin():
            await s.execute(t.sandbox_sms_messages.insert().values(
                id=message_id, phone=phone, purpose=purpose, code=code, text=text, sent_at=self._clock.now()))
        return message_id

    async def messages(self, phone: str, last: int = 5) -> list[SentSms]:
        c = t.sandbox_sms_messages.c
        async with self._sf() as s:
            rows = (await s.execute(select(t.sandbox_sms_messages).where(c.phone == phone)
                                    .order_by(c.sent_at.desc()).limit(max(1, min(last, 50))))).all()
        return [SentSms(r.phone, r.purpose, r.code, r.text, r.sent_at) for r in rows]
