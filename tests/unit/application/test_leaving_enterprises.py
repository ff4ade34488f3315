"""What follows a person's leaving an enterprise (use cases with fakes): a removed member's open service applications
are WITHDRAWN (§6.3), and deleting a plain member's account (注销账户) leaves every enterprise as a removal would —
grants end, applications are withdrawn — and withdraws their pending requests to join."""

from __future__ import annotations

import pytest

from application.accounts.delete_account import DeleteAccountCommand
from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseServiceCommand
from application.enterprises.apply_to_join import ApplyToJoinEnterpriseCommand
from application.enterprises.approve_service_application import ApproveServiceApplicationCommand
from application.enterprises.remove_member import RemoveMemberCommand
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.enterprises.members import JoinApplicationStatus
from domain.enterprises.service_application import ServiceApplicationClosed, ServiceApplicationStatus
from domain.grants.grant import GrantEndReason, GrantStatus
from tests.app_fixture import DEFAULT_META, ID_WANG, FakeApp
from tests.unit.application.test_certificate_grants import Grants, world


async def _applied(app: FakeApp, w: Grants):
    applied = await app.enterprises.services.apply_for_enterprise_service(ApplyForEnterpriseServiceCommand(
        w.member.principal, w.enterprise_id, w.plan_id, DEFAULT_META))
    return applied.application


async def _stored_application(app: FakeApp, application_id):
    async with app.uow() as uow:
        return await uow.service_applications.get(application_id)


async def test_a_removed_members_open_application_is_withdrawn_and_cannot_be_approved(app: FakeApp):
    w = await world(app)
    application = await _applied(app, w)
    await app.enterprises.members.remove_member(RemoveMemberCommand(w.rep.principal, w.membership_id, DEFAULT_META))
    stored = await _stored_application(app, application.id)
    assert (stored.status, stored.open_key) == (ServiceApplicationStatus.WITHDRAWN, None)
    listed = await app.enterprises.services.list_enterprise_service_applications(w.rep.principal, w.enterprise_id)
    assert [v.status for v in listed] == [ServiceApplicationStatus.WITHDRAWN]
    assert app.db.audit_events("enterprise.service_application_withdrawn")
    app.clock.advance(seconds=61)
    code = await app.send_code(w.rep.phone, SmsPurpose.SIGN, principal=w.rep.principal)
    with pytest.raises(ServiceApplicationClosed):
        await app.enterprises.services.approve_service_application(ApproveServiceApplicationCommand(
            w.rep.principal, application.id, (AppearanceKind.NAME_SIGNATURE, w.rep.account_id), code, DEFAULT_META))


async def test_deleting_a_members_account_leaves_the_enterprise_as_a_removal_would(app: FakeApp):
    w = await world(app)
    grant = await w.active()
    application = await _applied(app, w)
    code = await app.send_code(w.member.user.phone, SmsPurpose.DELETE_ACCOUNT, principal=w.member.principal)
    await app.delete_account(DeleteAccountCommand(w.member.principal, code, DEFAULT_META))
    async with app.uow() as uow:
        assert await uow.memberships.of(w.enterprise_id, w.member.user.account_id) is None
        ended = await uow.certificate_grants.get(grant.id)
    assert (ended.status, ended.end_reason) == (GrantStatus.ENDED, GrantEndReason.MEMBER_REMOVED.value)
    assert (await _stored_application(app, application.id)).status is ServiceApplicationStatus.WITHDRAWN
    [left] = app.db.audit_events("enterprise.member_left")
    assert left.account_id == w.member.user.account_id and left.detail["reason"] == "account_deleted"


async def test_deleting_an_account_withdraws_its_pending_request_to_join(app: FakeApp):
    w = await world(app)
    wang = await app.verified_user("13700137000", "王五", ID_WANG)
    async with app.uow() as uow:
        enterprise = await uow.enterprises.get(w.enterprise_id)
    request = await app.enterprises.members.apply_to_join(ApplyToJoinEnterpriseCommand(
        wang.principal, enterprise.name, "张三", w.rep.phone, "投标需要", DEFAULT_META))
    code = await app.send_code(wang.phone, SmsPurpose.DELETE_ACCOUNT, principal=wang.principal)
    await app.delete_account(DeleteAccountCommand(wang.principal, code, DEFAULT_META))
    async with app.uow() as uow:
        assert (await uow.join_applications.get(request.id)).status is JoinApplicationStatus.WITHDRAWN
