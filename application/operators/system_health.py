"""The console's health page (admins): the outbox by topic with its failures (retry now, give up), scan sessions of
the last hour by status, and how old the published CRLs are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_operator
from application.outbox import OutboxDispatcher
from application.ports import Clock, OutboxMessage, OutboxTopicStats, UnitOfWorkFactory
from domain.errors import NotFound
from domain.operators.operator import OperatorRole

CA_NAMES = ("issuing", "root")


class CrlPublication(Protocol):
    async def crl_this_update(self, name: str) -> datetime | None: ...


@dataclass(frozen=True)
class SystemHealth:
    now: datetime
    topics: list[OutboxTopicStats]
    failures: list[OutboxMessage]
    scans_last_hour: dict[str, int]
    crls: dict[str, datetime | None]  # CA name → thisUpdate of its published CRL


class ReadSystemHealth:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, crls: CrlPublication) -> None:
        self._uow, self._clock, self._crls = uow, clock, crls

    async def __call__(self, principal: Principal | None) -> SystemHealth:
        require_operator(principal, OperatorRole.ADMIN)
        now = self._clock.now()
        async with self._uow() as uow:
            topics = await uow.outbox.topic_stats()
            failures = await uow.outbox.undelivered_failures(50)
            scans = await uow.scan_sessions.count_by_status(now - timedelta(hours=1))
        crls = {name: await self._crls.crl_this_update(name) for name in CA_NAMES}
        return SystemHealth(now, topics, failures, scans, crls)


class RetryOutboxMessage:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, message_id: UUID, meta: RequestMeta | None = None) -> None:
        op = require_operator(principal, OperatorRole.ADMIN)
        async with self._uow() as uow:
            now = self._clock.now()
            if not await uow.outbox.retry_now(message_id, now):
                raise NotFound("消息不存在或已送达", field="messageId")
            audit(uow, "outbox.retried", now, meta, operator_id=op.id, message=str(message_id))
            await uow.commit()


class GiveUpOutboxMessage:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, dispatcher: OutboxDispatcher) -> None:
        self._uow, self._clock, self._dispatcher = uow, clock, dispatcher

    async def __call__(self, principal: Principal | None, message_id: UUID, meta: RequestMeta | None = None) -> None:
        op = require_operator(principal, OperatorRole.ADMIN)
        if not await self._dispatcher.give_up(message_id, "given up by an operator"):
            raise NotFound("消息不存在、已送达或已放弃", field="messageId")
        async with self._uow() as uow:
            audit(uow, "outbox.given_up", self._clock.now(), meta, operator_id=op.id, message=str(message_id))
            await uow.commit()
