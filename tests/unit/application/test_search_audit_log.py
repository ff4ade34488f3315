"""Supervisors search the audit log by time, actor, account and event; reviewers may not; exports are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.operators.search_audit_log import AuditFilter
from domain.errors import InvalidInput, PermissionDenied
from domain.operators.operator import OperatorRole
from tests.app_fixture import DEFAULT_META, FakeApp
from tests.unit.application.test_decide_review import decide, submitted


async def test_filters_by_actor_account_event_and_time(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    reviewer = await app.operator()
    start = app.clock.now()
    app.clock.advance(minutes=5)
    await app.decide_review(decide(reviewer, review_id, True))
    boss = await app.operator("boss", role=OperatorRole.SUPERVISOR)
    search = app.search_audit_log

    by_actor = await search(boss, AuditFilter(actor="reviewer", event="review."))
    assert [r.event.kind for r in by_actor] == ["review.decided"] and by_actor[0].operator == "reviewer"
    by_account = await search(boss, AuditFilter(account=user.phone))
    assert {"review.decided", "identity.review_submitted"} <= {r.event.kind for r in by_account}
    assert all(r.account == user.phone for r in by_account)
    assert [r.event.at for r in by_account] == sorted((r.event.at for r in by_account), reverse=True)
    later = await search(boss, AuditFilter(since=start + timedelta(minutes=1), event="review."))
    assert [r.event.kind for r in later] == ["review.decided"]
    assert await search(boss, AuditFilter(until=start + timedelta(minutes=1), event="review.")) == []
    assert await search(boss, AuditFilter(actor="nobody")) == []
    with pytest.raises(InvalidInput):
        await search(boss, AuditFilter(since=start, until=start))


async def test_reviewers_may_not_read_it_and_an_export_is_audited(app: FakeApp) -> None:
    await submitted(app)
    with pytest.raises(PermissionDenied):
        await app.search_audit_log(await app.operator(), AuditFilter())
    boss = await app.operator("boss", role=OperatorRole.SUPERVISOR)
    rows = await app.search_audit_log(boss, AuditFilter(), export=True, meta=DEFAULT_META)
    assert rows
    [exported] = app.db.audit_events("audit.exported")
    assert (exported.operator_id, exported.detail["rows"]) == (boss.id, len(rows))
