"""§8.3 证书管理 "可查看证书拥有的服务信息", with the in-memory fakes: the services a certificate carries are its
holder's entitlements whose window overlaps the certificate's usable life [not_before, revoked_at or not_after);
only the holder account (personal) or the enterprise's admins and legal rep (org) see them."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.certificates.certificate import (
    Certificate,
    CertificateStatus,
    CertificateUsage,
    RevocationReason,
)
from domain.certificates.certificate import (
    HolderKind as CertHolder,
)
from domain.commerce.entitlement import Entitlement, HolderKind
from tests.app_fixture import FakeApp
from tests.unit.application.test_enterprise_orders import _enterprise, _member

DAY = timedelta(days=1)


async def certificate(app: FakeApp, *, enterprise_id: UUID | None = None, account_id: UUID | None = None,
                      starts: timedelta = timedelta(0), lasts: timedelta = 365 * DAY,
                      status: CertificateStatus = CertificateStatus.ACTIVE) -> Certificate:
    now = app.clock.now()
    cert = Certificate(serial=format(uuid4().int, "x").lstrip("0") or "1", usage=CertificateUsage.SIGNING,
                       profile="ORG_SIGNING" if enterprise_id else "PERSONAL_SIGNING", issuer="issuing",
                       subject_dn="CN=test", holder_kind=CertHolder.ORGANIZATION if enterprise_id else CertHolder.PERSON,
                       public_key=b"\x04" + b"\x01" * 64, not_before=now + starts, not_after=now + starts + lasts,
                       tbs=b"tbs", created_at=now, holder_account_id=account_id, holder_enterprise_id=enterprise_id,
                       der=None if status is CertificateStatus.PENDING else b"der", status=status)
    async with app.uow() as uow:
        uow.certificates.add(cert)
        await uow.commit()
    return cert


async def entitlement(app: FakeApp, kind: HolderKind, holder_id: UUID, *, starts: timedelta = timedelta(0),
                      lasts: timedelta = 365 * DAY, revoked_after: timedelta | None = None) -> Entitlement:
    now: datetime = app.clock.now()
    ent = Entitlement(holder_kind=kind, holder_id=holder_id, platform_id=uuid4(), plan_id=uuid4(), order_id=uuid4(),
                      operations=["LOGIN", "SIGN"], valid_from=now + starts, valid_until=now + starts + lasts,
                      revoked_at=None if revoked_after is None else now + revoked_after)
    async with app.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent


async def test_the_legal_rep_and_the_admin_see_an_org_certificates_services_newest_first(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    async with app.uow() as uow:  # 张三 stays legal rep only; 王五 is the (one) admin
        (await uow.memberships.of(enterprise.id, rep.account_id)).is_admin = False
        await uow.commit()
    admin = await _member(app, enterprise.id, "13700137000", "王五", "11010119900307803X", admin=True)
    cert = await certificate(app, enterprise_id=enterprise.id, account_id=rep.account_id)
    older = await entitlement(app, HolderKind.ENTERPRISE, enterprise.id, starts=-30 * DAY)
    newer = await entitlement(app, HolderKind.ENTERPRISE, enterprise.id, starts=10 * DAY)
    await entitlement(app, HolderKind.ACCOUNT, rep.account_id)  # the claimer's own service is not the org's
    await entitlement(app, HolderKind.ENTERPRISE, uuid4())  # another enterprise's
    for who in (rep, admin):
        assert [e.id for e in await app.certificate_services(who.principal, cert.id)] == [newer.id, older.id]


async def test_a_plain_member_an_outsider_and_nobody_see_nothing(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    member = await _member(app, enterprise.id)
    outsider = await app.verified_user("13700137000", "王五", "11010119900307803X")
    cert = await certificate(app, enterprise_id=enterprise.id, account_id=rep.account_id)
    await entitlement(app, HolderKind.ENTERPRISE, enterprise.id)
    assert await app.certificate_services(member.principal, cert.id) == []
    assert await app.certificate_services(outsider.principal, cert.id) == []
    assert await app.certificate_services(None, cert.id) == []
    assert await app.certificate_services(rep.principal, uuid4()) == []
    # Demoted (no longer admin nor legal rep): the claimer sees nothing either.
    async with app.uow() as uow:
        m = await uow.memberships.of(enterprise.id, rep.account_id)
        m.is_admin = m.is_legal_rep = False
        await uow.commit()
    assert await app.certificate_services(rep.principal, cert.id) == []


async def test_a_personal_certificate_shows_its_holders_services_to_the_holder_only(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    holder = await _member(app, enterprise.id)
    cert = await certificate(app, account_id=holder.account_id)
    mine = await entitlement(app, HolderKind.ACCOUNT, holder.account_id)
    await entitlement(app, HolderKind.ENTERPRISE, enterprise.id)  # the enterprise's services are not carried
    assert [e.id for e in await app.certificate_services(holder.principal, cert.id)] == [mine.id]
    assert await app.certificate_services(rep.principal, cert.id) == []  # an admin of the holder's enterprise


async def test_only_entitlements_overlapping_the_certificates_life_are_carried(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    cert = await certificate(app, account_id=rep.account_id, starts=10 * DAY, lasts=100 * DAY)  # [+10d, +110d)

    async def ent(**kw) -> Entitlement:
        return await entitlement(app, HolderKind.ACCOUNT, rep.account_id, **kw)

    ended_before = await ent(starts=-20 * DAY, lasts=30 * DAY)  # [-20d, +10d): ends as the certificate begins
    overlaps_start = await ent(starts=-20 * DAY, lasts=31 * DAY)  # [-20d, +11d)
    within = await ent(starts=20 * DAY, lasts=10 * DAY)
    spans = await ent(starts=0 * DAY, lasts=400 * DAY)
    overlaps_end = await ent(starts=109 * DAY, lasts=30 * DAY)
    begins_after = await ent(starts=110 * DAY, lasts=30 * DAY)  # begins as the certificate lapses
    revoked_early = await ent(starts=-20 * DAY, lasts=400 * DAY, revoked_after=5 * DAY)  # revoked before +10d
    carried = {e.id for e in await app.certificate_services(rep.principal, cert.id)}
    assert carried == {overlaps_start.id, within.id, spans.id, overlaps_end.id}
    assert not carried & {ended_before.id, begins_after.id, revoked_early.id}


async def test_a_revoked_certificate_does_not_carry_a_service_that_began_after_its_revocation(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    cert = await certificate(app, enterprise_id=enterprise.id, account_id=rep.account_id)
    before = await entitlement(app, HolderKind.ENTERPRISE, enterprise.id, starts=-DAY)
    app.clock.advance(days=30)
    async with app.uow() as uow:
        (await uow.certificates.get(cert.id)).revoke(RevocationReason.SUPERSEDED, app.clock.now())
        await uow.commit()
    app.clock.advance(days=1)
    after = await entitlement(app, HolderKind.ENTERPRISE, enterprise.id)
    carried = [e.id for e in await app.certificate_services(rep.principal, cert.id)]
    assert carried == [before.id] and after.id not in carried


async def test_a_pending_certificate_carries_nothing(app: FakeApp):
    rep, _enterprise_ = await _enterprise(app, certify=False)
    cert = await certificate(app, account_id=rep.account_id, status=CertificateStatus.PENDING)
    await entitlement(app, HolderKind.ACCOUNT, rep.account_id)
    assert await app.certificate_services(rep.principal, cert.id) == []
