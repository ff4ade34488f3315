"""ConfirmScanSession and DeclineScanSession (§7.1-§7.4, SPEC §C): two calls, the phone co-signing in between.
What the person's key co-signs for LOGIN, SIGN, ENCRYPT and DECRYPT and what the platform receives (signatures
checked with the SM2 backend against the certificate's key), and the confirms that are refused — a wrong or
locked PIN, co-signatures replayed, partial or made for another session, a revoked certificate, a quota used
up (all or nothing), a declined, expired or already confirmed session, parallel finishes."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest

from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.scans.confirm_scan_session import CertificateNotUsable, SealRequired
from application.scans.create_scan_session import EnvelopeInput
from application.scans.decline_scan_session import DeclineScanSessionCommand
from domain.commerce.entitlement import QuotaExhausted
from domain.errors import DomainError, ErrorCode, NotFound
from domain.scans.session import ScanSessionClosed, ScanSessionExpired, ScanStatus
from domain.signing.signing_key import PinIncorrect, PinLocked
from domain.signing.signing_request import SigningPurpose, SigningRequestInvalid, SigningRequestUsed
from sxq_phone import OnScreen, RefusedToSign
from sxq_phone.messages import signed_attributes_digest
from tests.app_fixture import ID_LI
from tests.fakes import FakeDocumentSignatures, Snapshot
from tests.support.platform import TestPlatform
from tests.unit.application.scan_helpers import WRONG_PIN, Scene, documents, scene


async def public_key(app, certificate_id):
    async with app.uow() as uow:
        return (await uow.certificates.get(certificate_id)).public_key


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def signing_key(app):
    (key,) = app.db.rows("signing_keys")
    return key


def confirmed_events(app):
    return [e for e in app.db.rows("audit") if e.kind == "scan.confirmed"]


async def test_login_signs_a_challenge_binding_the_session_and_names_the_holder(app):
    s = await scene(app)
    created = await s.create()
    view = await s.scan(created)
    asked = await s.ask(view)
    (request,) = asked.requests
    assert request.purpose is SigningPurpose.SCAN_LOGIN and request.display == f"登录 {s.platform.name}"
    bound = json.loads(request.message)
    assert set(bound) == {"tId", "platformCode", "operation", "signedAt"}
    assert (bound["tId"], bound["platformCode"], bound["operation"]) == (created.session.t_id, s.platform.code,
                                                                         "LOGIN")
    assert bound["signedAt"] == app.clock.now().isoformat()
    done = await s.finish(view, s.co_sign(view, asked))
    assert done.status is ScanStatus.CONFIRMED and done.confirmed_at == app.clock.now()
    r = (await s.stored(created.session.t_id)).result
    # The platform gets exactly the message the phone co-signed, and the signature verifies under the
    # signing certificate's key, which is the person's two-share key.
    challenge = b64(r["challenge"])
    assert challenge == request.message
    pub = await public_key(app, s.holder.signing_id)
    assert pub == signing_key(app).public_key
    assert app.sm2.verify(pub, challenge, b64(r["signature"]))
    assert r["signingCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert r["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    h = r["holder"]
    assert (h["kind"], h["name"]) == ("PERSONAL", "张三") and "*" in h["maskedIdNumber"]
    assert len(h["personalTransactionCode"]) == 32
    assert r["signatures"] is None and r["decryptedKeys"] is None
    # LOGIN uses the service once and leaves a bill record; the quota is for signatures only.
    assert [(b.operation, b.count) for b in app.db.rows("bill_records")] == [("LOGIN", 1)]
    assert (await s.entitlement()).signs_used == 0
    # The audit keeps the evidence: the co-signed challenge and its signature.
    (event,) = confirmed_events(app)
    (evidence,) = event.detail["evidence"]["signed"]
    assert evidence["purpose"] == "SCAN_LOGIN" and b64(evidence["message"]) == challenge
    assert b64(evidence["signature"]) == b64(r["signature"])


async def test_the_first_call_changes_nothing_but_the_signing_requests(app):
    s = await scene(app)
    view = await s.scan(await s.sign_session(2))
    before = Snapshot.of(app.db, ignore=("audit", "signing_requests"))
    earlier = len(app.db.rows("signing_requests"))  # the claim's, spent
    asked = await s.ask(view, seal_id=s.holder.seal_id)
    assert Snapshot.of(app.db, ignore=("audit", "signing_requests")) == before
    assert len(app.db.rows("signing_requests")) - earlier == len(asked.requests) == 4
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


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


async def test_continuous_signing_co_signs_every_hash_and_its_cms_attributes(app):
    s = await scene(app, sign_quota=3)
    created = await s.sign_session(2)
    view = await s.scan(created)
    with pytest.raises(SealRequired) as err:
        await s.ask(view)
    assert err.value.field == "sealId"
    asked = await s.ask(view, seal_id=s.holder.seal_id)
    docs = documents(2)
    # Per document, in document order: the raw hash, then the CMS signed attributes over that hash.
    assert [r.purpose for r in asked.requests] == [SigningPurpose.SCAN_DOCUMENT,
                                                   SigningPurpose.SCAN_SIGNED_ATTRIBUTES] * 2
    for doc, raw, attrs in zip(docs, asked.requests[::2], asked.requests[1::2], strict=True):
        assert raw.message == bytes.fromhex(doc.sm3_hex) and raw.display == f"签署《{doc.file_name}》"
        assert attrs.message[0] == 0x31 and signed_attributes_digest(attrs.message) == raw.message
    await s.finish(view, s.co_sign(view, asked), seal_id=s.holder.seal_id)
    r = (await s.stored(created.session.t_id)).result
    pub = await public_key(app, s.holder.signing_id)
    image, _ = await app.blobs.get(next(x for x in app.db.rows("seals") if x.id == s.holder.seal_id).image_blob_id)
    assert [x["docId"] for x in r["signatures"]] == ["D1", "D2"]
    for doc, attrs, sig in zip(docs, asked.requests[1::2], r["signatures"], strict=True):
        digest = bytes.fromhex(doc.sm3_hex)
        assert app.sm2.verify(pub, digest, b64(sig["signature"]))
        in_cms, cms_signature = FakeDocumentSignatures.opened(b64(sig["signedDataDer"]))
        assert in_cms == attrs.message and app.sm2.verify(pub, in_cms, cms_signature)
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
    before = Snapshot.of(app.db)
    with pytest.raises(QuotaExhausted) as err:
        await s.confirm(view, seal_id=s.holder.seal_id)
    assert err.value.code is ErrorCode.QUOTA_EXHAUSTED and err.value.field == "certificateId"
    assert Snapshot.of(app.db) == before  # refused at the first call: not even a signing request
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.SCANNED and stored.result is None
    # The one signature left is still there for a one-document session.
    await s.confirm(await s.scan(await s.sign_session(1)), seal_id=s.holder.seal_id)
    assert (await s.entitlement()).signs_left == 0


async def test_a_quota_used_up_while_the_phone_co_signs_is_caught_when_confirming(app):
    s = await scene(app, sign_quota=2)
    view = await s.scan(await s.sign_session(2))
    asked = await s.ask(view, seal_id=s.holder.seal_id)
    co = s.co_sign(view, asked)

    async def used_elsewhere(uow):
        (await uow.entitlements.get(s.holder.entitlement.id)).consume_signs(1)

    app.uow.interleave(used_elsewhere)  # lands just before the approval commits
    with pytest.raises(QuotaExhausted) as err:
        await s.finish(view, co, seal_id=s.holder.seal_id)
    assert err.value.code is ErrorCode.QUOTA_EXHAUSTED
    assert (await s.entitlement()).signs_used == 1
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    assert app.db.rows("bill_records") == []


async def test_encrypt_hands_over_the_encryption_certificate_with_a_co_signed_challenge(app):
    s = await scene(app)
    created = await s.create("ENCRYPT")
    view = await s.scan(created)
    asked = await s.ask(view)
    (request,) = asked.requests
    assert request.purpose is SigningPurpose.SCAN_ENCRYPT and json.loads(request.message)["operation"] == "ENCRYPT"
    await s.finish(view, s.co_sign(view, asked))
    r = (await s.stored(created.session.t_id)).result
    assert r["operation"] == "ENCRYPT" and r["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert b64(r["challenge"]) == request.message
    assert app.sm2.verify(await public_key(app, s.holder.signing_id), b64(r["challenge"]), b64(r["signature"]))


async def test_decrypt_opens_each_envelope_only_after_the_co_signed_consent(app):
    s = await scene(app)
    keys = [bytes(range(16)), bytes(range(16, 48))]
    created = await s.decrypt_session(*keys)
    view = await s.scan(created)
    asked = await s.ask(view, certificate_id=s.holder.encryption_id)
    (request,) = asked.requests
    consent = json.loads(request.message)
    assert request.purpose is SigningPurpose.SCAN_CONSENT and consent["action"] == "scan.consent"
    assert consent["input"] == {"tId": created.session.t_id, "platformCode": s.platform.code,
                                "operation": "DECRYPT", "envelopes": ["BID-1", "BID-2"]}
    assert consent["account"] == str(s.holder.user.account_id)
    await s.finish(view, s.co_sign(view, asked), certificate_id=s.holder.encryption_id)
    r = (await s.stored(created.session.t_id)).result
    assert [k["envelopeId"] for k in r["decryptedKeys"]] == ["BID-1", "BID-2"]
    opened = [app.sm2.decrypt(s.platform.private_key, b64(k["keyForPlatform"])) for k in r["decryptedKeys"]]
    assert opened == keys
    # The plaintext keys are nowhere in what is stored or sent.
    stored_text = json.dumps(r) + json.dumps([m.payload for m in app.db.outbox_messages()])
    for k in keys:
        assert k.hex() not in stored_text and base64.b64encode(k).decode() not in stored_text
    assert (await s.entitlement()).signs_used == 0
    (event,) = confirmed_events(app)
    assert b64(event.detail["evidence"]["signed"][0]["message"]) == request.message


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
    with pytest.raises(PinIncorrect) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.code is ErrorCode.PIN_INCORRECT and err.value.field == "coSignatures"
    assert err.value.details["attemptsLeft"] == 5 and "还可尝试 5 次" in err.value.message
    with pytest.raises(PinIncorrect) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.details["attemptsLeft"] == 4
    stored = await s.stored(created.session.t_id)
    assert stored.status is ScanStatus.SCANNED and stored.result is None
    assert [c["type"] for c in s.callbacks_in_outbox()] == ["SCANNED"]
    assert app.db.rows("bill_records") == [] and confirmed_events(app) == []
    # The session is still confirmable with fresh requests and the right PIN, and the count starts again.
    await s.confirm(view)
    assert signing_key(app).failed_cosignatures == 0
    assert (await s.stored(created.session.t_id)).status is ScanStatus.CONFIRMED


async def test_six_wrong_pins_lock_the_key_and_even_the_right_pin_is_refused(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    for left in range(5, 0, -1):
        with pytest.raises(PinIncorrect) as err:
            await s.confirm(view, pin=WRONG_PIN)
        assert err.value.details["attemptsLeft"] == left
    with pytest.raises(PinLocked) as err:
        await s.confirm(view, pin=WRONG_PIN)
    assert err.value.code is ErrorCode.PIN_LOCKED and err.value.details["attemptsLeft"] == 0
    with pytest.raises(PinLocked):  # refused at the first call already: no request is made for a locked key
        await s.ask(view)
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


async def test_replayed_co_signatures_are_refused_and_not_counted_again(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    asked = await s.ask(view)
    wrong = s.co_sign(view, asked, pin=WRONG_PIN)
    with pytest.raises(PinIncorrect):
        await s.finish(view, wrong)
    with pytest.raises(SigningRequestUsed) as err:
        await s.finish(view, wrong)
    assert err.value.code is ErrorCode.SIGNING_REQUEST_USED
    assert signing_key(app).failed_cosignatures == 1
    # Right co-signatures over spent requests are refused just the same: a spent nonce never finishes again.
    with pytest.raises(SigningRequestUsed):
        await s.finish(view, s.co_sign(view, asked))
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


async def test_co_signatures_for_part_of_the_batch_are_refused(app):
    s = await scene(app, sign_quota=3)
    view = await s.scan(await s.sign_session(2))
    asked = await s.ask(view, seal_id=s.holder.seal_id)
    co = s.co_sign(view, asked)
    with pytest.raises(SigningRequestInvalid) as err:
        await s.finish(view, co[:3], seal_id=s.holder.seal_id)
    assert err.value.code is ErrorCode.SIGNING_REQUEST_INVALID
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    # Nothing was spent: the whole batch, in any order, still confirms.
    done = await s.finish(view, tuple(reversed(co)), seal_id=s.holder.seal_id)
    assert done.status is ScanStatus.CONFIRMED
    r = (await s.stored(view.session.t_id)).result
    assert [x["docId"] for x in r["signatures"]] == ["D1", "D2"]


async def test_requests_made_for_another_session_are_refused(app):
    s = await scene(app)
    one = await s.scan(await s.create())
    other = await s.scan(await s.create())
    asked = await s.ask(one)
    co = s.co_sign(one, asked)
    with pytest.raises(SigningRequestInvalid) as err:
        await s.finish(other, co)
    assert err.value.code is ErrorCode.SIGNING_REQUEST_INVALID and err.value.field.startswith("coSignatures")
    assert (await s.stored(other.session.t_id)).status is ScanStatus.SCANNED
    assert (await s.finish(one, co)).status is ScanStatus.CONFIRMED  # still good for the session they name


async def test_the_phone_refuses_a_challenge_for_another_session(app):
    s = await scene(app)
    shown = await s.scan(await s.create())
    other = await s.scan(await s.create())
    asked = await s.ask(other)
    # The server asks the phone to sign the other session's LOGIN challenge while the app shows this one.
    with pytest.raises(RefusedToSign):
        app.phones.co_sign(s.holder.user.account_id, asked.requests, s.screen(shown))
    # Or another platform's, for the same tId.
    elsewhere = OnScreen.scan(other.session.t_id, "GGZYJY99999")
    with pytest.raises(RefusedToSign):
        app.phones.co_sign(s.holder.user.account_id, asked.requests, elsewhere)
    # A document hash the screen does not list is refused as well, raw or inside CMS attributes.
    signing = await s.scan(await s.sign_session(2))
    asked = await s.ask(signing, seal_id=s.holder.seal_id)
    one_doc = OnScreen.scan(signing.session.t_id, s.platform.code, [documents(1)[0].sm3_hex])
    with pytest.raises(RefusedToSign):
        app.phones.co_sign(s.holder.user.account_id, asked.requests, one_doc)
    assert signing_key(app).failed_cosignatures == 0


async def test_a_certificate_revoked_after_the_scan_is_not_usable(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    await app.revoke_certificate(RevokeCertificateCommand(s.holder.principal, s.holder.signing_id, "KEY_COMPROMISE"))
    with pytest.raises(CertificateNotUsable) as err:
        await s.confirm(view)
    assert err.value.code is ErrorCode.CERTIFICATE_NOT_USABLE and err.value.field == "certificateId"
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED
    assert all(r.spent_at for r in app.db.rows("signing_requests"))  # refused before the phone was even asked


async def test_a_certificate_revoked_while_the_phone_co_signs_is_not_used(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    asked = await s.ask(view)
    await app.revoke_certificate(RevokeCertificateCommand(s.holder.principal, s.holder.signing_id, "KEY_COMPROMISE"))
    with pytest.raises(CertificateNotUsable):
        await s.finish(view, s.co_sign(view, asked))
    assert signing_key(app).failed_cosignatures == 0
    assert (await s.stored(view.session.t_id)).status is ScanStatus.SCANNED


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


async def test_declined_while_the_phone_co_signs_is_refused(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    asked = await s.ask(view)
    await s.decline(view)
    with pytest.raises(ScanSessionClosed):
        await s.finish(view, s.co_sign(view, asked))
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
    asked = await s.ask(view)
    co = s.co_sign(view, asked)
    app.clock.advance(app.scan_policy.session_ttl)
    with pytest.raises(ScanSessionExpired):
        await s.finish(view, co)
    with pytest.raises(ScanSessionExpired):
        await s.ask(view)
    assert (await s.stored(view.session.t_id)).result is None


async def test_only_the_account_that_scanned_can_confirm_or_decline(app):
    s = await scene(app)
    other = await app.scan_holder(s.platform.id, phone="13900139000", legal_name="李四", number=ID_LI)
    view = await s.scan(await s.create())
    with pytest.raises(NotFound):
        await s.confirm(view, holder=other)
    # Nor with the holder's own co-signatures: the requests are his, the session is not the other's.
    asked = await s.ask(view)
    with pytest.raises(NotFound):
        await s.finish(view, s.co_sign(view, asked), holder=other)
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


@pytest.mark.parametrize("parallel", [2, 5, 20])
async def test_parallel_identical_finishes_confirm_exactly_once(app, parallel):
    s = await scene(app)
    view = await s.scan(await s.create())
    asked = await s.ask(view)
    co = s.co_sign(view, asked)
    outcomes = await asyncio.gather(*(s.finish(view, co) for _ in range(parallel)), return_exceptions=True)
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and won[0].status is ScanStatus.CONFIRMED, outcomes
    assert all(isinstance(e, DomainError) and e.code in (
        ErrorCode.SIGNING_REQUEST_USED, ErrorCode.SCAN_SESSION_CLOSED, ErrorCode.CONFLICT) for e in lost), lost
    assert [c["type"] for c in s.callbacks_in_outbox()].count("CONFIRMED") == 1
    assert len(app.db.rows("bill_records")) == 1 and len(confirmed_events(app)) == 1
    assert signing_key(app).failed_cosignatures == 0


async def test_without_an_enrolled_key_nothing_is_asked(app):
    s = await scene(app)
    view = await s.scan(await s.create())
    async with app.uow() as uow:
        key = await uow.signing_keys.live_for(s.holder.user.account_id)
        key.replace(app.clock.now())
        await uow.commit()
    with pytest.raises(DomainError) as err:
        await s.ask(view)
    assert err.value.code is ErrorCode.SIGNING_KEY_REQUIRED
    assert all(r.spent_at for r in app.db.rows("signing_requests"))

