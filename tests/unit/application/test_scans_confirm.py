"""ConfirmScanSession and DeclineScanSession (§7.1-§7.4): what the platform receives for LOGIN, SIGN, ENCRYPT and
DECRYPT (signatures checked with the SM2 backend), and the confirms that are refused — wrong or locked PIN, a
revoked certificate, a quota used up (all or nothing), a declined, expired or already confirmed session."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest

from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.scans.confirm_scan_session import CertificateNotUsable, SealRequired
from application.scans.create_scan_session import EnvelopeInput
from application.scans.decline_scan_session import DeclineScanSessionCommand
from domain.certificates.pin import PinLocked, WrongPin
from domain.commerce.entitlement import QuotaExhausted
from domain.errors import DomainError, ErrorCode, NotFound
from domain.scans.session import ScanSessionClosed, ScanSessionExpired, ScanStatus
from tests.app_fixture import ID_LI, SCAN_PIN
from tests.fakes import FakeDocumentSignatures, Snapshot
from tests.support.platform import TestPlatform
from tests.unit.application.scan_helpers import WRONG_PIN, Scene, documents, scene


async def public_key(app, certificate_id):
    async with app.uow() as uow:
        return (await uow.certificates.get(certificate_id)).public_key


def b64(text: str) -> bytes:
    return base64.b64decode(text)


async def test_login_signs_a_challenge_binding_the_session_and_names_the_holder(app):
    s = await scene(app)
    created = await s.create()
    done = await s.confirm(await s.scan(created))
    assert done.status is ScanStatus.CONFIRMED and done.confirmed_at == app.clock.now()
    r = (await s.stored(created.session.t_id)).result
    challenge = b64(r["challenge"])
    bound = json.loads(challenge)
    assert (bound["tId"], bound["platformCode"], bound["operation"]) == (created.session.t_id, s.platform.code,
                                                                         "LOGIN")
    assert bound["signedAt"] == app.clock.now().isoformat()
    assert app.sm2.verify(await public_key(app, s.holder.signing_id), challenge, b64(r["signature"]))
    assert r["signingCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert r["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    h = r["holder"]
    assert (h["kind"], h["name"]) == ("PERSONAL", "张三") and "*" in h["maskedIdNumber"]
    assert len(h["personalTransactionCode"]) == 32
    assert r["signatures"] is None and r["decryptedKeys"] is None
    # LOGIN uses the service once and leaves a bill record; the quota is for signatures only.
    assert [(b.operation, b.count) for b in app.db.rows("bill_records")] == [("LOGIN", 1)]
    assert (await s.entitlement()).signs_used == 0


async def test_the_personal_transaction_code_is_the_same_person_on_every_platform(app):
    s = await scene(app)
    other = await app.scan_platform(TestPlatform(code="GGZYJY11001"))
    await app.entitlement_on(s.holder.user, other.id)
    first = await s.create()
    await s.confirm(await s.scan(first))
    there = Scene(app, other, s.holder)
    second = await there.create()
    await there.confirm(await there.scan(second))
    codes = {(await s.stored(c.session.t_id)).result["holder"]["personalTransactionCode"] for c in (first, second)}
    assert len(codes) == 1


async def test_continuous_signing_signs_every_document_in_one_confirmation(app):
    s = await scene(app, sign_quota=3)
    created = await s.sign_session(2)
    view = await s.scan(created)
    with pytest.raises(SealRequired) as err:
        await s.confirm(view)
    assert err.value.field == "sealId"
    await s.confirm(view, seal_id=s.holder.seal_id)
    r = (await s.stored(created.session.t_id)).result
    pub = await public_key(app, s.holder.signing_id)
    image, _ = await app.blobs.get(next(x for x in app.db.rows("seals") if x.id == s.holder.seal_id).image_blob_id)
    assert [x["docId"] for x in r["signatures"]] == ["D1", "D2"]
    for doc, sig in zip(documents(2), r["signatures"], strict=True):
        digest = bytes.fromhex(doc.sm3_hex)
        assert app.sm2.verify(pub, digest, b64(sig["signature"]))
        in_cms, cms_signature = FakeDocumentSignatures.opened(b64(sig["signedDataDer"]))
        assert in_cms == digest and app.sm2.verify(pub, digest, cms_signature)
        assert b64(sig["sealImagePng"]) == image
    assert r["challenge"] is None and r["decryptedKeys"] is None
    ent = await s.entitlement()
    assert (ent.signs_used, ent.signs_left) == (2, 1)
    assert [(b.operation, b.count, b.entitlement_id) for b in app.db.rows("bill_records")] == [("SIGN", 2, ent.id)]


async def test_a_quota_too_small_for_every_document_signs_none_of_them(app):
    s = await scene(app, sign_quota=3)
    await s.confirm(await s.scan(await s.sign_session(2)), seal_id=s.holder.seal_id)
    created = await s.sign_session(2)
    view = await s.scan(created)
    before = Snapshot.of(app.db, ignore=("audit", "certificate_pins"))
    with pytest.raises(QuotaExhausted) as err:
        await s.confirm(view, seal_id=s.holder.seal_id)
    assert err.value.code is ErrorCode.QUOTA_EXHAUSTED and err.value.field == "certificateId"
    assert Snapshot.of(app.db, ignore=("audit", "certificate_pins")) == before
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.SCANNED and stored.result is None
    # The one signature left is still there for a one-document session.
    await s.confirm(await s.scan(await s.sign_session(1)), seal_id=s.holder.seal_id)
    assert (await s.entitlement()).signs_left == 0


async def test_a_quota_used_up_between_scan_and_confirm_is_caught_at_commit(app):
    s = await scene(app, sign_quota=2)
    view = await s.scan(await s.sign_session(2))

    async def used_elsewhere(uow):
        (await uow.entitlements.get(s.holder.entitlement.id)).consume_signs(1)

    app.uow.interleave(used_elsewhere)
    with pytest.raises(QuotaExhausted) as err:
        await s.confirm(view, seal_id=s.holder.seal_id)
    assert err.value.code is ErrorCode.QUOTA_EXHAUSTED
    assert (await s.entitlement()).signs_used == 1
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    assert app.db.rows("bill_records") == []


async def test_encrypt_hands_over_the_encryption_certificate_with_a_signed_challenge(app):
    s = await scene(app)
    created = await s.create("ENCRYPT")
    await s.confirm(await s.scan(created))
    r = (await s.stored(created.session.t_id)).result
    assert r["operation"] == "ENCRYPT" and r["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert json.loads(b64(r["challenge"]))["operation"] == "ENCRYPT"
    assert app.sm2.verify(await public_key(app, s.holder.signing_id), b64(r["challenge"]), b64(r["signature"]))


async def test_decrypt_opens_each_envelope_and_reencrypts_the_key_to_the_platform(app):
    s = await scene(app)
    keys = [bytes(range(16)), bytes(range(16, 48))]
    created = await s.decrypt_session(*keys)
    await s.confirm(await s.scan(created), certificate_id=s.holder.encryption_id)
    r = (await s.stored(created.session.t_id)).result
    assert [k["envelopeId"] for k in r["decryptedKeys"]] == ["BID-1", "BID-2"]
    opened = [app.sm2.decrypt(s.platform.private_key, b64(k["keyForPlatform"])) for k in r["decryptedKeys"]]
    assert opened == keys
    # The plaintext keys are nowhere in what is stored or sent.
    stored_text = json.dumps(r) + json.dumps([m.payload for m in app.db.outbox_messages()])
    for k in keys:
        assert k.hex() not in stored_text and base64.b64encode(k).decode() not in stored_text
    assert (await s.entitlement()).signs_used == 0


async def test_decrypt_refuses_the_signing_certificate(app):
    s = await scene(app)
    view = await s.scan(await s.decrypt_session(b"k" * 16))
    with pytest.raises(CertificateNotUsable):
        await s.confirm(view, certificate_id=s.holder.signing_id)


async def test_an_envelope_made_for_another_certificate_cannot_be_opened(app):
    s = await scene(app)
    foreign = app.sm2.public_key(app.sm2.generate_private_key())
    envelope = EnvelopeInput("BID-1", base64.b64encode(app.sm2.encrypt(foreign, b"k" * 16)).decode())
    view = await s.scan(await s.create("DECRYPT", envelopes=[envelope]))
    with pytest.raises(DomainError) as err:
        await s.confirm(view, certificate_id=s.holder.encryption_id)
    assert err.value.field == "envelopes.0"
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


async def test_a_wrong_pin_counts_and_says_how_many_attempts_are_left(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    with pytest.raises(WrongPin) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.details["attemptsLeft"] == 5 and "还可尝试 5 次" in err.value.message
    with pytest.raises(WrongPin) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.details["attemptsLeft"] == 4
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.SCANNED and stored.result is None
    assert [c["type"] for c in s.callbacks_in_outbox()] == ["SCANNED"]
    # The right PIN still works, and the count starts again.
    await s.confirm(view)
    assert app.db.rows("certificate_pins")[0].failed_attempts == 0


async def test_a_locked_pin_refuses_even_the_right_pin(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    for _ in range(5):
        with pytest.raises(WrongPin):
            await s.confirm(view, pin=WRONG_PIN)
    with pytest.raises(PinLocked) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.code is ErrorCode.LOGIN_LOCKED and err.value.details["attemptsLeft"] == 0
    with pytest.raises(PinLocked):
        await s.confirm(view, pin=SCAN_PIN)
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


async def test_a_certificate_revoked_after_the_scan_is_not_usable(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    await app.revoke_certificate(RevokeCertificateCommand(s.holder.principal, s.holder.signing_id, "KEY_COMPROMISE"))
    with pytest.raises(CertificateNotUsable) as err:
        await s.confirm(view)
    assert err.value.code is ErrorCode.CERTIFICATE_NOT_USABLE and err.value.field == "certificateId"
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    assert app.db.rows("certificate_pins")[0].failed_attempts == 0  # refused before the PIN was even tried


async def test_an_entitlement_ended_after_the_scan_refuses_the_confirm(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    async with app.uow() as uow:
        (await uow.entitlements.get(s.holder.entitlement.id)).revoke(app.clock.now())
        await uow.commit()
    with pytest.raises(CertificateNotUsable):
        await s.confirm(view)


async def test_declined_then_confirm_is_refused(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    declined = await s.decline(view)
    assert declined.status is ScanStatus.DECLINED and declined.declined_at == app.clock.now()
    with pytest.raises(ScanSessionClosed) as err:
        await s.confirm(view)
    assert err.value.code is ErrorCode.SCAN_SESSION_CLOSED
    with pytest.raises(ScanSessionClosed):
        await s.decline(view)
    assert [c["type"] for c in s.callbacks_in_outbox()] == ["SCANNED", "DECLINED"]
    assert app.db.rows("bill_records") == []


async def test_a_confirmed_session_cannot_be_confirmed_again_or_declined(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    await s.confirm(view)
    with pytest.raises(ScanSessionClosed):
        await s.confirm(view)
    with pytest.raises(ScanSessionClosed):
        await s.decline(view)
    assert len(app.db.rows("bill_records")) == 1


async def test_a_confirm_after_expiry_is_refused(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    app.clock.advance(app.scan_policy.session_ttl)
    with pytest.raises(ScanSessionExpired):
        await s.confirm(view)
    assert (await s.stored(view.session.t_id)).result is None


async def test_only_the_account_that_scanned_can_confirm_or_decline(app):
    s = await scene(app)
    other = await app.scan_holder(s.platform.id, phone="13900139000", legal_name="李四", number=ID_LI)
    view = await s.scan(await s.create())
    with pytest.raises(NotFound):
        await s.confirm(view, holder=other)
    with pytest.raises(NotFound):
        await app.scans.decline_scan_session(DeclineScanSessionCommand(other.principal, view.session.id))
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


async def test_only_one_of_two_confirms_wins(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    outcomes = await asyncio.gather(s.confirm(view), s.confirm(view), return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), outcomes
    assert errors[0].code in (ErrorCode.SCAN_SESSION_CLOSED, ErrorCode.CONFLICT)
    assert [c["type"] for c in s.callbacks_in_outbox()].count("CONFIRMED") == 1
    assert len(app.db.rows("bill_records")) == 1
