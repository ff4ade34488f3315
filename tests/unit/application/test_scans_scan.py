"""ScanQrCode (§7.1-§7.4, the app's side): the first account to scan holds the session; what it is shown; and the
scans that are refused (another account, no entitlement here or for this operation, expired, revoked, unknown)."""

from __future__ import annotations

import pytest

from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.scans.scan_qr_code import NoEntitlementHere, ScanQrCodeCommand
from domain.errors import ErrorCode, Unauthenticated
from domain.scans.session import QrCodeInvalid, ScanSessionExpired, ScanSessionTaken, ScanStatus
from tests.app_fixture import ID_LI
from tests.fakes import Snapshot
from tests.support.platform import TestPlatform
from tests.unit.application.scan_helpers import scene


async def test_the_first_scan_binds_the_session_and_shows_what_is_asked(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    assert view.status is ScanStatus.SCANNED and view.platform.code == s.platform.code
    assert [u.certificate.id for u in view.usable_certificates] == [s.holder.signing_id]
    assert view.usable_certificates[0].entitlement.id == s.holder.entitlement.id
    assert view.usable_seals == []  # seals only for SIGN
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.SCANNED and stored.account_id == s.holder.user.account_id
    assert stored.scanned_at == app.clock.now()
    assert [c["type"] for c in s.callbacks_in_outbox(created.session.t_id)] == ["SCANNED"]
    assert app.scan_feed.statuses(created.session.t_id) == ["SCANNED"]


async def test_scanning_again_from_the_same_account_changes_nothing(app):
    s = await scene(app)
    created = await s.create()
    await s.scan(created)
    before = Snapshot.of(app.db)
    again = await s.scan(created)
    assert again.status is ScanStatus.SCANNED
    assert Snapshot.of(app.db) == before
    assert len(s.callbacks_in_outbox()) == 1


async def test_a_sign_session_shows_its_documents_and_the_personal_seals(app):
    s = await scene(app)
    created = await s.sign_session(2)
    view = await s.scan(created)
    assert [d.doc_id for d in view.session.scan_documents] == ["D1", "D2"]
    assert [seal.id for seal in view.usable_seals] == [s.holder.seal_id]


async def test_decrypt_offers_the_encryption_certificate(app):
    s = await scene(app)
    view = await s.scan(await s.decrypt_session(b"k" * 16))
    assert [u.certificate.id for u in view.usable_certificates] == [s.holder.encryption_id]


async def test_a_second_account_cannot_take_a_scanned_session(app):
    s = await scene(app)
    other = await app.scan_holder(s.platform.id, phone="13900139000", legal_name="李四", number=ID_LI)
    created = await s.create()
    await s.scan(created)
    before = Snapshot.of(app.db)
    with pytest.raises(ScanSessionTaken) as err:
        await s.scan(created, holder=other)
    assert err.value.code is ErrorCode.SCAN_SESSION_TAKEN and err.value.field == "qrContent"
    assert Snapshot.of(app.db) == before
    assert (await s.stored(created.session.t_id)).account_id == s.holder.user.account_id


async def test_no_entitlement_on_this_platform_refuses_the_scan_and_binds_nothing(app):
    s = await scene(app)
    elsewhere = await app.scan_platform(TestPlatform(code="GGZYJY11001"))
    created = await s.create()
    stranger = await app.scan_holder(elsewhere.id, phone="13900139000", legal_name="李四", number=ID_LI)
    with pytest.raises(NoEntitlementHere) as err:
        await s.scan(created, holder=stranger)
    assert err.value.code is ErrorCode.ENTITLEMENT_REQUIRED
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.WAITING and stored.account_id is None
    assert s.callbacks_in_outbox() == []
    # The entitled holder can still take it.
    assert (await s.scan(created)).status is ScanStatus.SCANNED


async def test_an_entitlement_that_does_not_cover_the_operation_is_not_enough(app):
    s = await scene(app, operations=("LOGIN",))
    with pytest.raises(NoEntitlementHere):
        await s.scan(await s.sign_session(1))
    assert (await s.scan(await s.create("LOGIN"))).status is ScanStatus.SCANNED


async def test_an_expired_entitlement_is_not_enough(app):
    s = await scene(app)
    created = await s.create()
    async with app.uow() as uow:
        ent = await uow.entitlements.get(s.holder.entitlement.id)
        ent.valid_until = app.clock.now()
        await uow.commit()
    with pytest.raises(NoEntitlementHere):
        await s.scan(created)


async def test_a_revoked_certificate_is_not_offered(app):
    s = await scene(app)
    await app.revoke_certificate(RevokeCertificateCommand(s.holder.principal, s.holder.signing_id, "KEY_COMPROMISE"))
    with pytest.raises(NoEntitlementHere):
        await s.scan(await s.create())


async def test_an_expired_qr_is_refused(app):
    s = await scene(app)
    created = await s.create()
    app.clock.advance(app.scan_policy.session_ttl)
    with pytest.raises(ScanSessionExpired) as err:
        await s.scan(created)
    assert err.value.field == "qrContent"
    assert (await s.stored(created.session.t_id)).account_id is None


@pytest.mark.parametrize("content", ["", "sxqscan_not-a-real-code", "x" * 201])
async def test_an_unknown_qr_is_invalid(app, content):
    s = await scene(app)
    await s.create()
    with pytest.raises(QrCodeInvalid):
        await app.scans.scan_qr_code(ScanQrCodeCommand(s.holder.principal, content))


async def test_scanning_needs_a_signed_in_account(app):
    s = await scene(app)
    created = await s.create()
    with pytest.raises(Unauthenticated):
        await app.scans.scan_qr_code(ScanQrCodeCommand(None, created.qr_content))


async def test_the_holder_reads_the_session_again_and_nobody_else_does(app):
    s = await scene(app)
    created = await s.create()
    assert await app.scans.get_my_scan_session(s.holder.principal, created.session.id) is None  # not scanned yet
    await s.scan(created)
    again = await app.scans.get_my_scan_session(s.holder.principal, created.session.id)
    assert again is not None and again.status is ScanStatus.SCANNED
    assert [u.certificate.id for u in again.usable_certificates] == [s.holder.signing_id]
    other = await app.verified_user("13900139000", "李四", ID_LI)
    assert await app.scans.get_my_scan_session(other.principal, created.session.id) is None
    assert await app.scans.get_my_scan_session(None, created.session.id) is None
