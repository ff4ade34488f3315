"""The two-share signing key over the fakes (SPEC §C): enrolment, co-signed approval (replay, expiry, another
account's or act's request, a partial batch, parallel finishes counted exactly), lock and reset with re-issued
certificates. The phone is sxq_phone; what the server holds never signs alone."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest

from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.start_pin_reset_face import StartPinResetFaceCommand
from application.signing.cosigning import Act, Message
from application.signing.enroll_signing_key import EnrollSigningKeyCommand
from application.signing.reset_signing_key import ResetSigningKeyCommand
from domain.accounts.sms import SmsPurpose
from domain.certificates.certificate import CertificateStatus, CertificateUsage, RevocationReason
from domain.errors import ErrorCode, FaceFailed, FaceTokenInvalid, SmsCodeInvalid
from domain.signing.cosignature import CoSignature
from domain.signing.signing_key import (
    InvalidKeyShare,
    PinIncorrect,
    PinLocked,
    SigningKeyExists,
    SigningKeyRequired,
    SigningKeyStatus,
)
from domain.signing.signing_request import (
    SigningPurpose,
    SigningRequestExpired,
    SigningRequestInvalid,
    SigningRequestUsed,
)
from sxq_phone import OnScreen, Phone
from tests.app_fixture import DEFAULT_META, ID_LI, wrong_code
from tests.fakes import Snapshot
from tests.support import independent_phone
from tests.support.phones import TEST_PIN, WRONG_PIN, finish_enrolment

ACT = Act("test.approve", SigningPurpose.REVOKE_SEAL, {"sealId": "S-1"}, "注销印章：测试")
SCREEN = OnScreen.act("test.approve")


async def ask(app, user, act=ACT, messages=None):
    async with app.uow() as uow:
        requests = await app.cosigning.ask(uow, user.account_id, act, messages)
        await uow.commit()
    return requests


async def approve(app, user, requests, pin=TEST_PIN, act=ACT, screen=SCREEN):
    return await app.cosigning.approve(user.account_id, act, app.phones.co_sign(user.account_id, requests, screen, pin),
                                       DEFAULT_META)


async def enrolled(app, *args):
    user = await app.verified_user(*args)
    await app.enrol(user)
    return user


# ---------------------------------------------------------------- enrolment


async def test_enrolment_needs_a_code_and_makes_one_live_key_the_phone_checks(app):
    user = await app.register_user()
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    enrolment = Phone.start_enrolment()
    with pytest.raises(SmsCodeInvalid):
        await app.enroll_signing_key(EnrollSigningKeyCommand(user.principal, wrong_code(code),
                                                             enrolment.device_public_share_b64))
    assert app.db.rows("signing_keys") == []
    done = await app.enroll_signing_key(EnrollSigningKeyCommand(user.principal, code,
                                                                enrolment.device_public_share_b64, DEFAULT_META))
    phone = finish_enrolment(enrolment, TEST_PIN, done.server_public_share, done.key.public_key)
    assert phone.public_key == done.key.public_key and done.signing_certificates == []
    (key,) = app.db.rows("signing_keys")
    assert key.status is SigningKeyStatus.ACTIVE and key.live_account_id == user.account_id
    assert done.server_public_share not in key.sealed_server_share and len(key.sealed_server_share) > 32
    assert any(e.kind == "signing_key.enrolled" for e in app.db.rows("audit"))


async def test_a_second_enrolment_is_refused_reset_is_the_way(app):
    user = await app.register_user()
    await app.enrol(user)
    app.clock.advance(seconds=61)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(SigningKeyExists) as err:
        await app.enroll_signing_key(EnrollSigningKeyCommand(user.principal, code,
                                                             Phone.start_enrolment().device_public_share_b64))
    assert err.value.code is ErrorCode.SIGNING_KEY_EXISTS and len(app.db.rows("signing_keys")) == 1


@pytest.mark.parametrize("share", ["", "not base64!", base64.b64encode(b"\x04" + bytes(64)).decode(),
                                   base64.b64encode(b"\x04" + b"\x01" * 64).decode(),
                                   base64.b64encode(b"\x02" + bytes(32)).decode()])
async def test_a_device_share_off_the_curve_is_refused_and_the_code_is_not_spent(app, share):
    user = await app.register_user()
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(InvalidKeyShare) as err:
        await app.enroll_signing_key(EnrollSigningKeyCommand(user.principal, code, share))
    assert err.value.field == "devicePublicShare" and app.db.rows("signing_keys") == []
    await app.enroll_signing_key(EnrollSigningKeyCommand(user.principal, code,
                                                         Phone.start_enrolment().device_public_share_b64))


async def test_parallel_enrolments_leave_exactly_one_key(app):
    user = await app.register_user()
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    results = await asyncio.gather(*(app.enroll_signing_key(EnrollSigningKeyCommand(
        user.principal, code, Phone.start_enrolment().device_public_share_b64)) for _ in range(5)),
        return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert len(app.db.rows("signing_keys")) == 1


# ---------------------------------------------------------------- approval


async def test_an_approval_is_an_ordinary_sm2_signature_an_independent_verifier_accepts(app):
    user = await enrolled(app)
    (request,) = await ask(app, user)
    approval = await approve(app, user, [request])
    (signed,) = approval.signed
    assert app.sm2.verify(approval.key.public_key, request.message, signed.signature)
    r, s = _scalars(signed.signature)
    assert independent_phone.verify(approval.key.public_key, request.message, r, s)
    stored = app.db.tables["signing_requests"][request.id]
    assert stored.spent_at is not None and stored.sealed_nonce == b"", "w1 is gone once used"


def _scalars(der: bytes) -> tuple[int, int]:
    from asn1crypto.algos import DSASignature

    sig = DSASignature.load(der)
    return int(sig["r"]), int(sig["s"])


async def test_a_replayed_co_signature_is_refused_and_counts_nothing(app):
    user = await enrolled(app)
    (request,) = await ask(app, user)
    co = app.phones.co_sign(user.account_id, [request], SCREEN)
    await app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META)
    with pytest.raises(SigningRequestUsed) as err:
        await app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META)
    assert err.value.code is ErrorCode.SIGNING_REQUEST_USED
    assert app.db.rows("signing_keys")[0].failed_cosignatures == 0


async def test_an_expired_request_is_refused(app):
    user = await enrolled(app)
    (request,) = await ask(app, user)
    app.clock.advance(minutes=5)
    with pytest.raises(SigningRequestExpired):
        await approve(app, user, [request])


async def test_a_request_of_another_account_reads_as_invalid(app):
    user = await enrolled(app)
    other = await enrolled(app, "13900139000", "李四", ID_LI)
    (request,) = await ask(app, user)
    co = app.phones.co_sign(user.account_id, [request], SCREEN)
    with pytest.raises(SigningRequestInvalid):
        await app.cosigning.approve(other.account_id, ACT, co, DEFAULT_META)


async def test_a_request_made_for_another_act_or_purpose_is_refused(app):
    user = await enrolled(app)
    (request,) = await ask(app, user)
    co = app.phones.co_sign(user.account_id, [request], SCREEN)
    other_input = Act(ACT.action, ACT.purpose, {"sealId": "S-2"}, ACT.display)
    other_purpose = Act(ACT.action, SigningPurpose.CHANGE_SEAL_FACE, ACT.input, ACT.display)
    for act in (other_input, other_purpose):
        with pytest.raises(SigningRequestInvalid):
            await app.cosigning.approve(user.account_id, act, co, DEFAULT_META)
    await app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META)  # unspent by the refusals


async def test_a_batch_is_approved_whole_or_not_at_all(app):
    user = await enrolled(app)
    messages = [Message(SigningPurpose.REVOKE_SEAL, b'{"n":1}', "一"), Message(SigningPurpose.REVOKE_SEAL, b'{"n":2}', "二")]
    requests = await ask(app, user, messages=messages)
    cos = [CoSignature(r.id, 1, 1) for r in requests]
    with pytest.raises(SigningRequestInvalid):
        await app.cosigning.approve(user.account_id, ACT, cos[:1], DEFAULT_META)
    with pytest.raises(SigningRequestInvalid):
        await app.cosigning.approve(user.account_id, ACT, [cos[0], cos[0]], DEFAULT_META)


async def test_made_up_halves_never_finish_into_a_valid_signature(app):
    """What the server holds cannot sign: without the phone's share, any (r, s1) fails and counts."""
    user = await enrolled(app)
    (request,) = await ask(app, user)
    with pytest.raises(PinIncorrect) as err:
        await app.cosigning.approve(user.account_id, ACT, [CoSignature(request.id, 12345, 67890)], DEFAULT_META)
    assert err.value.details == {"attemptsLeft": 5}


async def test_twenty_parallel_finishes_of_one_request_one_wins(app):
    user = await enrolled(app)
    (request,) = await ask(app, user)
    co = app.phones.co_sign(user.account_id, [request], SCREEN)
    results = await asyncio.gather(*(app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META)
                                     for _ in range(20)), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, SigningRequestUsed) for r in results if isinstance(r, Exception))


async def test_twenty_parallel_wrong_pins_are_counted_exactly(app):
    user = await enrolled(app)
    requests = [(await ask(app, user))[0] for _ in range(20)]
    cos = [app.phones.co_sign(user.account_id, [r], SCREEN, WRONG_PIN) for r in requests]
    results = await asyncio.gather(*(app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META) for co in cos),
                                   return_exceptions=True)
    assert sum(isinstance(r, PinIncorrect) for r in results) == 5
    assert sum(isinstance(r, PinLocked) for r in results) == 15
    key = app.db.rows("signing_keys")[0]
    assert key.status is SigningKeyStatus.LOCKED and key.failed_cosignatures == 6


# ---------------------------------------------------------------- lock and reset


async def lock(app, user):
    for _ in range(6):
        (request,) = await ask(app, user)
        with pytest.raises((PinIncorrect, PinLocked)):
            await approve(app, user, [request], WRONG_PIN)


async def passed_face(app, user) -> str:
    ticket = await app.start_pin_reset_face(StartPinResetFaceCommand(user.principal, DEFAULT_META))
    app.faces.finish(ticket.token, passed=True)
    return ticket.token


async def reset(app, user, token, pin="975310", code=None):
    if code is None:
        app.clock.advance(seconds=61)  # past the resend cooldown of the enrolment's code
    code = code or await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    enrolment = Phone.start_enrolment()
    done = await app.reset_signing_key(ResetSigningKeyCommand(user.principal, code, token,
                                                              enrolment.device_public_share_b64, DEFAULT_META))
    app.phones.keep(user.account_id, finish_enrolment(enrolment, pin, done.server_public_share, done.key.public_key))
    return done


async def test_a_locked_key_refuses_new_requests(app):
    user = await enrolled(app)
    await lock(app, user)
    with pytest.raises(PinLocked):
        await ask(app, user)


async def test_reset_makes_a_new_key_revokes_the_old_certificate_and_keeps_the_encryption_pair(app):
    user = await enrolled(app)
    got = await app.claim_personal(user, (await app.personal_entitlement(user)).id)
    await lock(app, user)
    done = await reset(app, user, await passed_face(app, user))
    (new_cert,) = done.signing_certificates
    certs = app.db.tables["certificates"]
    assert certs[got.signing.id].status is CertificateStatus.REVOKED
    assert certs[got.signing.id].revocation_reason is RevocationReason.SUPERSEDED
    assert certs[got.encryption.id].status is CertificateStatus.ACTIVE
    assert new_cert.public_key == done.key.public_key != got.signing.public_key
    assert new_cert.pair_id == got.encryption.pair_id and new_cert.usage is CertificateUsage.SIGNING
    keys = {k.id: k for k in app.db.rows("signing_keys")}
    assert keys[done.key.id].status is SigningKeyStatus.ACTIVE
    assert [k.status for k in keys.values() if k.id != done.key.id] == [SigningKeyStatus.REPLACED]
    # the new PIN works, the old one is gone with the old share
    (request,) = await ask(app, user)
    await approve(app, user, [request], "975310")
    (request,) = await ask(app, user)
    with pytest.raises(PinIncorrect):
        await approve(app, user, [request], TEST_PIN)


async def test_requests_of_the_replaced_key_cannot_be_finished(app):
    user = await enrolled(app)
    (old_request,) = await ask(app, user)
    co = app.phones.co_sign(user.account_id, [old_request], SCREEN)
    await reset(app, user, await passed_face(app, user))
    with pytest.raises(SigningRequestInvalid):
        await app.cosigning.approve(user.account_id, ACT, co, DEFAULT_META)


async def test_reset_with_a_failed_face_a_wrong_code_or_no_key_changes_nothing(app):
    user = await enrolled(app)
    ticket = await app.start_pin_reset_face(StartPinResetFaceCommand(user.principal))
    app.faces.finish(ticket.token, passed=False)
    before = Snapshot.of(app.db)
    with pytest.raises(FaceFailed):
        await reset(app, user, ticket.token, code="123456")
    token = await passed_face(app, user)
    app.clock.advance(seconds=61)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(SmsCodeInvalid):
        await reset(app, user, token, code=wrong_code(code))
    assert [k.status for k in app.db.rows("signing_keys")] == [SigningKeyStatus.ACTIVE]
    assert Snapshot.of(app.db).tables["certificates"] == before.tables["certificates"]
    stranger = await app.verified_user("13900139000", "李四", ID_LI)
    with pytest.raises(SigningKeyRequired):
        await app.start_pin_reset_face(StartPinResetFaceCommand(stranger.principal))


async def test_a_stale_face_or_one_of_another_person_is_refused(app):
    user = await enrolled(app)
    other = await enrolled(app, "13900139000", "李四", ID_LI)
    with pytest.raises(FaceTokenInvalid):
        await reset(app, user, await passed_face(app, other))
    token = await passed_face(app, user)
    app.clock.advance(minutes=16)
    with pytest.raises(FaceTokenInvalid):
        await reset(app, user, token)


async def test_claiming_after_a_reset_returns_the_reissued_pair(app):
    user = await enrolled(app)
    await app.claim_personal(user, (await app.personal_entitlement(user)).id)
    done = await reset(app, user, await passed_face(app, user))
    again = await app.claim_personal(user, (await app.personal_entitlement(user)).id, "975310")
    assert again.reused and again.signing.id == done.signing_certificates[0].id
    first = await app.claim_personal_certificate(ClaimPersonalCertificateCommand(
        user.principal, (await app.personal_entitlement(user)).id, None))
    assert first.requests[0].public_key == done.key.public_key
    assert first.requests[0].expires_at == app.clock.now() + timedelta(minutes=5)
