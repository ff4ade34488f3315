"""Who among staff may do what (the operator counterpart of test_enterprise_authorization_matrix.py): a reviewer, a
supervisor and an admin each try every console act; an account and an anonymous caller are refused everything.
A refusal changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.commerce.create_service_plan import CreateServicePlanCommand
from application.identity.reviews import DecideReviewCommand
from application.operators.search_audit_log import AuditFilter
from domain.commerce.entitlement import ScanOperation, SubjectType
from domain.errors import Forbidden, PermissionDenied, Unauthenticated
from domain.operators.operator import OperatorRole
from tests.app_fixture import DEFAULT_META, FakeApp
from tests.fakes import Snapshot
from tests.unit.application.test_claim_certificate import claim, enrolled

R, S, A = OperatorRole.REVIEWER, OperatorRole.SUPERVISOR, OperatorRole.ADMIN


async def _world(app: FakeApp) -> dict:
    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    platform = await app.trading_platform()
    plan = await app.service_plan(platform.id)
    other = await app.register_user("13900139001")
    review = (await app.submit_manual(other)).review
    return {"user": user, "cert": got.signing, "platform": platform, "plan": plan, "review": review}


ACTS: dict[str, tuple[OperatorRole, Callable[[FakeApp, object, dict], Awaitable[object]]]] = {
    "list reviews": (R, lambda app, p, w: app.list_reviews(p, kind=None, status=None, first=10, after=None)),
    "open a review file": (R, lambda app, p, w: app.review_dossier(p, w["review"].id, DEFAULT_META)),
    "decide a review": (R, lambda app, p, w: app.decide_review(
        DecideReviewCommand(p, w["review"].id, False, "照片不清晰", DEFAULT_META))),
    "search certificates": (R, lambda app, p, w: app.search_certificates(p, "张三")),
    "revoke a certificate": (S, lambda app, p, w: app.revoke_certificate(
        RevokeCertificateCommand(p, w["cert"].id, "KEY_COMPROMISE", meta=DEFAULT_META))),
    "read the audit log": (S, lambda app, p, w: app.search_audit_log(p, AuditFilter())),
    "list platforms": (A, lambda app, p, w: app.list_platforms(p)),
    "suspend a platform": (A, lambda app, p, w: app.set_platform_status(p, w["platform"].id, active=False)),
    "create a plan": (A, lambda app, p, w: app.commerce.create_service_plan(CreateServicePlanCommand(
        p, w["platform"].id, SubjectType.PERSONAL, "新套餐", [ScanOperation.LOGIN], 12, 100))),
    "retire a plan": (A, lambda app, p, w: app.retire_plan(p, w["plan"].id)),
}


@pytest.mark.parametrize("act", list(ACTS))
@pytest.mark.parametrize("role", [R, S, A])
async def test_each_role_may_do_what_its_rank_allows_and_nothing_more(app: FakeApp, act: str, role) -> None:
    world = await _world(app)
    needed, run = ACTS[act]
    principal = await app.operator(f"staff.{role.value.lower()}", role=role)
    if role.allows(needed):
        await run(app, principal, world)
        return
    before = Snapshot.of(app.db, ignore=("audit", "outbox", "sms", "sessions"))
    with pytest.raises(PermissionDenied):
        await run(app, principal, world)
    after = Snapshot.of(app.db, ignore=("audit", "outbox", "sms", "sessions"))
    assert [t for t in after.tables if after.tables[t] != before.tables.get(t)] == []


@pytest.mark.parametrize("act", [a for a in ACTS if a != "revoke a certificate"])
async def test_accounts_and_anonymous_callers_are_refused_every_console_act(app: FakeApp, act: str) -> None:
    world = await _world(app)
    _needed, run = ACTS[act]
    with pytest.raises(Forbidden):
        await run(app, world["user"].principal, world)
    with pytest.raises(Unauthenticated):
        await run(app, None, world)
