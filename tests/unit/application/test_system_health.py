"""The health page's use cases: outbox by topic and its failures, retry now, give up (with the topic's hook),
scan sessions of the last hour, CRL age; admins only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.operators.system_health import GiveUpOutboxMessage, ReadSystemHealth, RetryOutboxMessage
from domain.errors import NotFound, PermissionDenied
from domain.operators.operator import OperatorRole
from tests.app_fixture import FakeApp


class Crls:
    def __init__(self, at: datetime | None) -> None:
        self.at = at

    async def crl_this_update(self, name: str) -> datetime | None:
        return self.at if name == "issuing" else None


async def failing_sms(app: FakeApp) -> None:
    """A login code whose SMS fails once (the carrier is down)."""
    from domain.accounts.sms import SmsPurpose

    app.sms.fail_next(1)
    await app.send_code("13800138000", SmsPurpose.REGISTER)
    await app.deliver()


async def test_the_outbox_by_topic_and_a_failure_retried_now(app: FakeApp) -> None:
    crl_at = datetime(2026, 12, 1, tzinfo=UTC)
    read = ReadSystemHealth(app.uow, app.clock, Crls(crl_at))
    admin = await app.operator("admin", role=OperatorRole.ADMIN)
    await failing_sms(app)
    health = await read(admin)
    [sms] = [t for t in health.topics if t.topic == "sms.send"]
    assert (sms.waiting, sms.failing, sms.given_up) == (1, 1, 0)
    [failure] = health.failures
    assert failure.attempts == 1 and failure.last_error
    assert health.crls == {"issuing": crl_at, "root": None}
    assert health.scans_last_hour == {}

    await RetryOutboxMessage(app.uow, app.clock)(admin, failure.id)
    assert await app.deliver() == 1  # due at once, not after the backoff
    assert [t for t in (await read(admin)).topics if t.topic == "sms.send"] == []
    [event] = app.db.audit_events("outbox.retried")
    assert event.operator_id == admin.id
    with pytest.raises(NotFound):
        await RetryOutboxMessage(app.uow, app.clock)(admin, failure.id)  # delivered now


async def test_give_up_stops_the_retries(app: FakeApp) -> None:
    admin = await app.operator("admin", role=OperatorRole.ADMIN)
    await failing_sms(app)
    [failure] = (await ReadSystemHealth(app.uow, app.clock, Crls(None))(admin)).failures
    give_up = GiveUpOutboxMessage(app.uow, app.clock, app.dispatcher)
    await give_up(admin, failure.id)
    app.clock.advance(hours=2)
    assert await app.deliver() == 0
    [sms] = [t for t in (await ReadSystemHealth(app.uow, app.clock, Crls(None))(admin)).topics if t.topic == "sms.send"]
    assert (sms.waiting, sms.given_up) == (0, 1)
    with pytest.raises(NotFound):
        await give_up(admin, failure.id)  # already given up


async def test_only_admins_see_health(app: FakeApp) -> None:
    for role in (OperatorRole.REVIEWER, OperatorRole.SUPERVISOR):
        with pytest.raises(PermissionDenied):
            await ReadSystemHealth(app.uow, app.clock, Crls(None))(await app.operator(role.value.lower(), role=role))
