"""§8.5 certificate grants through the use cases (fakes): creating, the legal rep's signature, paying, what they
allow when scanning (§7.3), and how they end. Refusals change nothing."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from application.certificates.claim_enterprise_certificate import current_org_pair
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.commerce.pay_order import PayOrderCommand
from application.commerce.place_order import PlaceOrderCommand
from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.enterprises.remove_member import RemoveMemberCommand
from application.global_ids import global_id
from application.grants.approve_certificate_grant import ApproveCertificateGrantCommand
from application.grants.create_certificate_grant import CreateCertificateGrantCommand
from application.grants.revoke_certificate_grant import RevokeCertificateGrantCommand
from application.scans.confirm_scan_session import CertificateNotUsable
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.commerce.entitlement import HolderKind, ScanOperation, SubjectType
from domain.commerce.payment import PaymentChannel
from domain.enterprises.enterprise import Membership
from domain.errors import DomainError, ErrorCode
from domain.grants.grant import GrantStatus
from domain.scans.session import ScanStatus
from domain.signing.signing_key import PinIncorrect
from domain.signing.signing_request import SigningPurpose, SigningRequestInvalid
from tests.app_fixture import DEFAULT_META, ID_LI, ID_WANG, FakeApp, ScanHolder, User
from tests.fakes import FakeDocumentSignatures, Snapshot
from tests.support.platform import TestPlatform
from tests.unit.application.scan_helpers import WRONG_PIN, Scene, documents

IGNORED = ("audit", "sms", "outbox")


@dataclass
class Grants:
    scene: Scene  # the platform, and the legal rep (张三, also the admin) as its holder
    enterprise_id: UUID
    member: ScanHolder  # 李四, a plain member with his own certificate and phone (PIN SCAN_PIN)
    membership_id: UUID
    plan_id: UUID  # the enterprise plan on the platform

    @property
    def app(self) -> FakeApp:
        return self.scene.app

    @property
    def rep(self) -> User:
        return self.scene.holder.user

    async def pay(self, user: User, order_id: UUID) -> None:
        payment = await self.app.commerce.pay_order(PayOrderCommand(user.principal, order_id,
                                                                    PaymentChannel.WECHAT_PAY))
        await self.app.notify_paid(payment.id)

    async def create(self, by: User | None = None, operations=(ScanOperation.LOGIN, ScanOperation.SIGN),
                     days: int = 30, platform_id: UUID | None = None):
        return await self.app.grants.create_certificate_grant(CreateCertificateGrantCommand(
            (by or self.rep).principal, self.enterprise_id, self.membership_id, platform_id or self.scene.platform.id,
            list(operations), self.app.clock.now().date() + timedelta(days=days), DEFAULT_META))

    async def approve(self, grant_id: UUID, by: User | None = None):
        who = by or self.rep
        self.app.clock.advance(seconds=61)
        code = await self.app.send_code(who.phone, SmsPurpose.SIGN, principal=who.principal)
        return await self.app.grants.approve_certificate_grant(ApproveCertificateGrantCommand(
            who.principal, grant_id, (AppearanceKind.NAME_SIGNATURE, who.account_id), code, DEFAULT_META))

    async def buy(self, grant_id: UUID, by: User, plan_id: UUID | None = None):
        order = await self.app.commerce.place_order(PlaceOrderCommand(by.principal, [plan_id or self.plan_id],
                                                                      grant_id=grant_id))
        await self.pay(by, order.id)
        return order

    async def active(self, **kw):
        g = await self.create(**kw)
        await self.approve(g.id)
        await self.buy(g.id, self.member.user)
        return await self.stored(g.id)

    async def stored(self, grant_id: UUID):
        async with self.app.uow() as uow:
            return await uow.certificate_grants.get(grant_id)

    async def org_pair(self):
        async with self.app.uow() as uow:
            return await current_org_pair(uow, self.enterprise_id, self.app.clock.now())


async def world(app: FakeApp) -> Grants:
    platform = await app.scan_platform()
    rep = await app.scan_holder(None)  # 张三
    enterprise = (await app.create_enterprise(rep.user)).enterprise
    prepared = await app.enterprises.prepare_authorization_letter(rep.principal, enterprise.id)
    code = await app.send_code(rep.user.phone, SmsPurpose.SIGN, principal=rep.principal)
    await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        rep.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, rep.user.account_id), code, DEFAULT_META))
    plan = await app.service_plan(platform.id, subject="ENTERPRISE", name="企业标准版",
                                  operations=("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"), price_fen=199_900,
                                  sign_quota=10)
    order = await app.commerce.place_order(PlaceOrderCommand(rep.principal, [plan.id], enterprise_id=enterprise.id))
    g = Grants(Scene(app, platform, rep), enterprise.id, None, None, plan.id)  # type: ignore[arg-type]
    await g.pay(rep.user, order.id)
    async with app.uow() as uow:
        (ent,) = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, enterprise.id)
    await app.claim_enterprise(rep.user, enterprise.id, ent.id)
    member = await app.scan_holder(None, phone="13900139000", legal_name="李四", number=ID_LI)
    membership = Membership(enterprise_id=enterprise.id, account_id=member.user.account_id,
                            joined_at=app.clock.now())
    async with app.uow() as uow:
        uow.memberships.add(membership)
        await uow.commit()
    g.member, g.membership_id = member, membership.id
    return g


async def test_created_by_the_admin_it_waits_for_the_legal_rep_who_hears_of_it_with_the_approval_link(app):
    w = await world(app)
    other_admin = await app.verified_user("13700137000", "王五", ID_WANG)  # admin for this test only
    async with app.uow() as uow:
        m = Membership(enterprise_id=w.enterprise_id, account_id=other_admin.account_id, joined_at=app.clock.now())
        rep_m = await uow.memberships.of(w.enterprise_id, w.rep.account_id)
        rep_m.is_admin, m.is_admin = False, True
        uow.memberships.add(m)
        await uow.commit()
    g = await w.create(by=other_admin)
    assert g.status is GrantStatus.AWAITING_APPROVAL and g.granted_by == other_admin.account_id
    await app.deliver()
    texts = [m.text for m in app.sms.to(w.rep.phone) if "企业证书授权书" in m.text]
    assert texts and f"grant={global_id('CertificateGrant', g.id)}" in texts[-1]  # the ID the API takes


async def test_approval_signs_the_grant_letter_with_an_event_certificate(app):
    w = await world(app)
    g = await w.create()
    approved = await w.approve(g.id)
    assert approved.status is GrantStatus.AWAITING_PAYMENT and approved.certificate_id is not None
    signed, _type = await app.blobs.get(approved.signed_blob_id)
    assert signed.startswith(b"%PDF") and b"signed-by:" in signed
    content = signed.decode()
    assert "李四" in content and w.scene.platform.name in content and "扫码登录" in content


async def test_paying_makes_it_active_and_buys_the_enterprise_service(app):
    w = await world(app)
    g = await w.create()
    await w.approve(g.id)
    order = await w.buy(g.id, w.member.user)
    stored = await w.stored(g.id)
    assert stored.status is GrantStatus.ACTIVE and stored.order_id == order.id
    async with app.uow() as uow:
        ents = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, w.enterprise_id)
    assert [e.order_id for e in ents if e.order_id == order.id]  # the enterprise holds what the member bought


@pytest.mark.parametrize("case", ["stranger_member", "outsider", "before_approval", "personal_plan"])
async def test_nobody_else_pays_and_only_for_the_grants_platform(app, case):
    w = await world(app)
    g = await w.create()
    payer, plan_id = w.member.user, w.plan_id
    if case != "before_approval":
        await w.approve(g.id)
    if case in ("stranger_member", "outsider"):
        payer = await app.verified_user("13700137000", "王五", ID_WANG)
        if case == "stranger_member":
            async with app.uow() as uow:
                uow.memberships.add(Membership(enterprise_id=w.enterprise_id, account_id=payer.account_id,
                                               joined_at=app.clock.now()))
                await uow.commit()
    if case == "personal_plan":
        plan_id = (await app.service_plan(w.scene.platform.id)).id
    before = Snapshot.of(app.db, ignore=IGNORED)
    with pytest.raises(DomainError) as err:
        await app.commerce.place_order(PlaceOrderCommand(payer.principal, [plan_id], grant_id=g.id))
    assert err.value.code == {"stranger_member": ErrorCode.PERMISSION_DENIED, "outsider": ErrorCode.NOT_FOUND,
                              "before_approval": ErrorCode.CERTIFICATE_GRANT_CLOSED,
                              "personal_plan": ErrorCode.PLAN_SUBJECT_MISMATCH}[case]
    assert Snapshot.of(app.db, ignore=IGNORED) == before


@pytest.mark.parametrize("case, code", [
    ("no_entitlement_there", ErrorCode.ENTITLEMENT_REQUIRED),
    ("not_a_member", ErrorCode.NOT_FOUND),
    ("past", ErrorCode.INVALID_INPUT),
    ("beyond_entitlement", ErrorCode.INVALID_INPUT),
])
async def test_grants_that_cannot_hold_are_refused(app, case, code):
    w = await world(app)
    before = Snapshot.of(app.db, ignore=IGNORED)
    with pytest.raises(DomainError) as err:
        if case == "no_entitlement_there":
            await w.create(platform_id=(await app.scan_platform(TestPlatform(code="GGZYJY44999"))).id)
        elif case == "not_a_member":
            w.membership_id = uuid4()
            await w.create()
        else:
            await w.create(days=-1 if case == "past" else 400)
    assert err.value.code is code
    if case != "no_entitlement_there":
        assert Snapshot.of(app.db, ignore=IGNORED) == before


async def test_the_member_logs_in_and_signs_as_the_enterprise_with_their_own_pin(app):
    w = await world(app)
    await w.active()
    signing, _enc = await w.org_pair()
    s = w.scene
    view = await s.scan(await s.create("LOGIN"), w.member)
    org = [u for u in view.usable_certificates if u.enterprise_id == w.enterprise_id]
    assert [u.certificate.id for u in org] == [signing.id] and org[0].holder_kind is SubjectType.ENTERPRISE
    with pytest.raises(PinIncorrect) as wrong:
        await s.confirm(view, certificate_id=signing.id, pin=WRONG_PIN, holder=w.member)
    assert wrong.value.code is ErrorCode.PIN_INCORRECT and wrong.value.details["attemptsLeft"] == 5
    # The member's own key co-signs one consent to this use of the org key; the org key signs on the server.
    asked = await s.ask(view, certificate_id=signing.id, holder=w.member)
    (request,) = asked.requests
    consent = json.loads(request.message)
    assert request.purpose is SigningPurpose.SCAN_CONSENT and consent["action"] == "scan.consent"
    assert consent["input"] == {"tId": view.session.t_id, "platformCode": s.platform.code, "operation": "LOGIN",
                                "certificateSerial": signing.serial.upper(), "creditCode": "91110108MA01ABCD1E"}
    assert consent["account"] == str(w.member.user.account_id)
    assert request.display == f"以北京数信科技有限公司的企业证书登录 {s.platform.name}"
    assert request.public_key != signing.public_key  # the member's key, not the enterprise's
    await s.finish(view, s.co_sign(view, asked, holder=w.member), certificate_id=signing.id, holder=w.member)
    result = (await s.stored(view.session.t_id)).result
    holder = result["holder"]
    assert (holder["kind"], holder["name"], holder["creditCode"], holder["actingPersonName"]) == (
        "ENTERPRISE", "北京数信科技有限公司", "91110108MA01ABCD1E", "李四")
    assert len(holder["unifiedTransactionCode"]) == 32
    assert app.sm2.verify(signing.public_key, base64.b64decode(result["challenge"]),
                          base64.b64decode(result["signature"]))
    assert json.loads(base64.b64decode(result["challenge"]))["tId"] == view.session.t_id
    (event,) = [e for e in app.db.rows("audit") if e.kind == "scan.confirmed"]
    assert base64.b64decode(event.detail["evidence"]["signed"][0]["message"]) == request.message

    docs = documents(2)
    sign_view = await s.scan(await s.create("SIGN", documents=docs, continuous=True), w.member)
    asked = await s.ask(sign_view, certificate_id=signing.id, holder=w.member)
    (request,) = asked.requests
    assert json.loads(request.message)["input"]["documents"] == [d.sm3_hex for d in docs]
    assert "《标书1.pdf》" in request.display and "《标书2.pdf》" in request.display
    await s.finish(sign_view, s.co_sign(sign_view, asked, holder=w.member), certificate_id=signing.id,
                   holder=w.member)
    signed = (await s.stored(sign_view.session.t_id)).result["signatures"]
    for doc, sig in zip(docs, signed, strict=True):
        assert app.sm2.verify(signing.public_key, bytes.fromhex(doc.sm3_hex), base64.b64decode(sig["signature"]))
        attrs, cms_signature = FakeDocumentSignatures.opened(base64.b64decode(sig["signedDataDer"]))
        assert app.sm2.verify(signing.public_key, attrs, cms_signature)
    async with app.uow() as uow:
        ents = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, w.enterprise_id)
    bills = [b for b in app.db.rows("bill_records") if b.entitlement_id in {e.id for e in ents}]
    assert sum(e.signs_used for e in ents) == 2 and sorted(b.operation for b in bills) == ["LOGIN", "SIGN"]


async def test_requests_made_for_the_org_certificate_do_not_confirm_with_the_personal_one(app):
    w = await world(app)
    await w.active()
    signing, _enc = await w.org_pair()
    s = w.scene
    await app.entitlement_on(w.member.user, s.platform.id)  # his own certificate is usable here too
    view = await s.scan(await s.create("LOGIN"), w.member)
    asked = await s.ask(view, certificate_id=signing.id, holder=w.member)
    co = s.co_sign(view, asked, holder=w.member)
    with pytest.raises(SigningRequestInvalid) as err:
        await s.finish(view, co, certificate_id=w.member.signing_id, holder=w.member)
    assert err.value.code is ErrorCode.SIGNING_REQUEST_INVALID
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    done = await s.finish(view, co, certificate_id=signing.id, holder=w.member)
    assert done.status is ScanStatus.CONFIRMED


@pytest.mark.parametrize("ending", ["other_operation", "revoked", "member_removed", "certificate_revoked",
                                    "expired"])
async def test_outside_the_grant_the_org_certificate_is_neither_offered_nor_usable(app, ending):
    w = await world(app)
    g = await w.active(operations=(ScanOperation.LOGIN,))
    signing, _enc = await w.org_pair()
    s = w.scene
    await app.entitlement_on(w.member.user, s.platform.id)  # so that he can still scan with his own certificate
    operation = "ENCRYPT" if ending == "other_operation" else "LOGIN"
    if ending == "revoked":
        await app.grants.revoke_certificate_grant(RevokeCertificateGrantCommand(w.rep.principal, g.id))
    elif ending == "member_removed":
        await app.enterprises.members.remove_member(RemoveMemberCommand(w.rep.principal, w.membership_id,
                                                                        DEFAULT_META))
    elif ending == "certificate_revoked":
        await app.revoke_certificate(RevokeCertificateCommand(w.rep.principal, signing.id))
    elif ending == "expired":
        app.clock.advance(days=32)
        w.member.user = await app.login(w.member.user.phone)
    view = await s.scan(await s.create(operation), w.member)
    assert signing.id not in [u.certificate.id for u in view.usable_certificates]
    with pytest.raises(CertificateNotUsable):
        await s.confirm(view, certificate_id=signing.id, holder=w.member)
    status = (await w.stored(g.id)).status_at(app.clock.now())
    assert status is {"other_operation": GrantStatus.ACTIVE, "revoked": GrantStatus.REVOKED,
                      "member_removed": GrantStatus.ENDED, "certificate_revoked": GrantStatus.ENDED,
                      "expired": GrantStatus.EXPIRED}[ending]
    usable = await app.grants.my_granted_certificates(w.member.principal)
    assert [u.certificate.id for u in usable] == ([signing.id] if ending == "other_operation" else [])


async def test_a_grant_revoked_while_the_phone_co_signs_is_not_used(app, monkeypatch):
    w = await world(app)
    g = await w.active()
    signing, _enc = await w.org_pair()
    view = await w.scene.scan(await w.scene.create("LOGIN"), w.member)
    approve = app.cosigning.approve_in  # the confirm approves inside its own transaction

    async def approve_then_revoke(*args, **kwargs):
        approval = await approve(*args, **kwargs)
        await app.grants.revoke_certificate_grant(RevokeCertificateGrantCommand(w.rep.principal, g.id))
        return approval

    monkeypatch.setattr(app.cosigning, "approve_in", approve_then_revoke)
    with pytest.raises(CertificateNotUsable):
        await w.scene.confirm(view, certificate_id=signing.id, holder=w.member)
    assert (await w.scene.stored(view.session.t_id)).result is None
