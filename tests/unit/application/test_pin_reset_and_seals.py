"""The PIN reset (SMS + face liveness → new PIN, new signing certificate, escrowed encryption key kept) and
the personal seals: faces, handwritten signature, revocation, listing, export, appearances."""

from __future__ import annotations

import pytest

from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.reset_certificate_pin import ResetCertificatePinCommand
from application.certificates.start_pin_reset_face import StartPinResetFaceCommand
from application.identity.submit_manual_verification import UploadedImage
from application.seals.capture_handwritten_signature import CaptureHandwrittenSignatureCommand
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.revoke_seal import RevokeSealCommand
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.certificates.certificate import CertificateStatus, CertificateUsage, RevocationReason
from domain.certificates.claim import IdentityNotVerified
from domain.certificates.pin import PinLocked, WrongPin
from domain.errors import ErrorCode, FaceFailed, FaceTokenInvalid, FileTooLarge, InvalidImage, NotFound
from domain.identity.face import FacePurpose
from domain.seals.seal import FaceSource, SealNotActive, SealStatus, SealStyle, SealStyleNotAllowed
from tests.app_fixture import DEFAULT_META, ID_LI
from tests.fakes import Snapshot, jpeg, png

PIN = "135790"


async def holder(app):
    user = await app.verified_user()
    ent = await app.personal_entitlement(user)
    got = await app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent.id, PIN))
    return user, got


async def lock(app, user, got):
    ent = await app.personal_entitlement(user)
    for _ in range(6):
        with pytest.raises((WrongPin, PinLocked)):
            await app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent.id, "246802"))


async def passed_reset_face(app, user) -> str:
    ticket = await app.start_pin_reset_face(StartPinResetFaceCommand(user.principal, DEFAULT_META))
    app.faces.finish(ticket.token, passed=True)
    return ticket.token


# ---------------------------------------------------------------- PIN reset


async def test_reset_unlocks_with_a_new_pin_and_reissues_only_the_signing_certificate(app):
    user, got = await holder(app)
    await lock(app, user, got)
    token = await passed_reset_face(app, user)
    assert app.db.face_checks()[-1].purpose is FacePurpose.PIN_RESET
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    new_cert = await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, token, "975310"))
    assert new_cert.usage is CertificateUsage.SIGNING and new_cert.status is CertificateStatus.ACTIVE
    assert new_cert.pair_id == got.encryption.pair_id and new_cert.subject_dn == got.signing.subject_dn
    old = app.db.tables["certificates"][got.signing.id]
    assert old.status is CertificateStatus.REVOKED and old.revocation_reason is RevocationReason.SUPERSEDED
    assert app.db.tables["certificates"][got.encryption.id].status is CertificateStatus.ACTIVE
    pin = app.db.tables["certificate_pins"][user.account_id]
    assert not pin.is_locked and pin.failed_attempts == 0
    # The new PIN opens; the next claim reuses the new signing certificate with the kept encryption one.
    again = await app.claim_personal_certificate(ClaimPersonalCertificateCommand(
        user.principal, (await app.personal_entitlement(user)).id, "975310"))
    assert again.reused and again.signing.id == new_cert.id and again.encryption.id == got.encryption.id
    # The escrowed encryption key still opens.
    wrapped = app.db.tables["wrapped_keys"][got.encryption.id]
    assert app.vault.open_escrowed_key(wrapped.blob, user.account_id, got.encryption.public_key)


async def test_change_pin_after_a_reset_skips_the_revoked_key(app):
    from application.certificates.change_pin import ChangePinCommand

    user, got = await holder(app)
    token = await passed_reset_face(app, user)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, token, "975310"))
    assert await app.change_certificate_pin(ChangePinCommand(user.principal, "975310", "864209")) == 1


async def test_reset_with_a_failed_or_foreign_face_or_a_wrong_code_changes_nothing(app):
    user, got = await holder(app)
    ticket = await app.start_pin_reset_face(StartPinResetFaceCommand(user.principal))
    app.faces.finish(ticket.token, passed=False)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    before = Snapshot.of(app.db, ignore=("audit", "face_checks", "sms"))
    with pytest.raises(FaceFailed):
        await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, ticket.token, "975310"))
    # The face check of the real-name verification is not one for a PIN reset.
    real_name_token = app.db.face_checks()[0].token  # the REAL_NAME check of the identity
    with pytest.raises(FaceTokenInvalid):
        await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, real_name_token, "975310"))
    token = await passed_reset_face(app, user)
    with pytest.raises(Exception) as err:
        await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, "000000", token, "975310"))
    assert err.value.code is ErrorCode.SMS_CODE_INVALID
    app.clock.advance(minutes=16)
    with pytest.raises(FaceTokenInvalid):
        await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, token, "975310"))
    assert Snapshot.of(app.db, ignore=("audit", "face_checks", "sms")) == before


async def test_a_face_token_of_another_account_is_refused(app):
    user, _ = await holder(app)
    other = await app.verified_user("13900139000", "李四", ID_LI)
    from application.certificates.set_certificate_pin import SetCertificatePinCommand

    code = await app.send_code(other.phone, SmsPurpose.CERTIFICATE_PIN, principal=other.principal)
    await app.set_certificate_pin(SetCertificatePinCommand(other.principal, "975310", code))
    theirs = await passed_reset_face(app, other)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(FaceTokenInvalid):
        await app.reset_certificate_pin(ResetCertificatePinCommand(user.principal, code, theirs, "864209"))


async def test_starting_a_reset_needs_a_verified_identity(app):
    user = await app.register_user()
    with pytest.raises(IdentityNotVerified):
        await app.start_pin_reset_face(StartPinResetFaceCommand(user.principal))


# ---------------------------------------------------------------- personal seals


async def test_change_the_name_seal_face_from_a_template_keeps_the_face_history(app):
    user, got = await holder(app)
    seal = got.personal_seal
    app.clock.advance(minutes=1)
    view = await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal.id, PIN, style=SealStyle.OVAL))
    assert view.seal.style is SealStyle.OVAL
    data, _ = await app.read_seal_image(user.principal, seal.id)
    assert b"seal:OVAL:" in data
    async with app.uow() as uow:
        faces = await uow.seals.faces_of(seal.id)
    assert [f.style for f in faces] == [SealStyle.RECTANGLE, SealStyle.OVAL]
    first, _ = await app.read_seal_image(user.principal, seal.id, faces[0].id)
    assert b"seal:RECTANGLE:" in first, "the earlier face stays for signatures already made"


async def test_change_the_name_seal_face_to_an_uploaded_image(app):
    user, got = await holder(app)
    view = await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id, PIN,
                                                            image=UploadedImage(jpeg(), "seal.jpg")))
    assert view.seal.content_type == "image/jpeg" and view.seal.style is None


@pytest.mark.parametrize("kwargs, error", [
    ({}, ErrorCode.INVALID_INPUT),
    ({"style": SealStyle.CLASSIC}, ErrorCode.INVALID_INPUT),
    ({"image": UploadedImage(b"%PDF-1.7", "x.pdf")}, ErrorCode.INVALID_IMAGE),
    ({"image": UploadedImage(png(6 * 1024 * 1024), "big.png")}, ErrorCode.FILE_TOO_LARGE),
    ({"style": SealStyle.OVAL, "surrounding_text": "某某公司"}, ErrorCode.INVALID_INPUT),
])
async def test_bad_face_changes_are_refused_before_the_pin_and_change_nothing(app, kwargs, error):
    user, got = await holder(app)
    before = Snapshot.of(app.db)
    with pytest.raises(Exception) as err:
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id, PIN, **kwargs))
    assert err.value.code is error
    assert Snapshot.of(app.db) == before


async def test_a_wrong_pin_changes_no_face(app):
    user, got = await holder(app)
    with pytest.raises(WrongPin):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id, "246802",
                                                         style=SealStyle.SQUARE))
    assert app.db.tables["seals"][got.personal_seal.id].style is SealStyle.RECTANGLE


async def test_capture_a_handwritten_signature_then_recapture_it(app):
    user, got = await holder(app)
    first = await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
        user.principal, UploadedImage(png(), "sig.png"), PIN))
    assert first.seal.kind.value == "HANDWRITTEN" and first.seal.valid_until == got.signing.not_after
    second = await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
        user.principal, UploadedImage(jpeg(), "sig.jpg"), PIN))
    assert second.seal.id == first.seal.id
    async with app.uow() as uow:
        assert [f.source for f in await uow.seals.faces_of(first.seal.id)] == [FaceSource.UPLOAD] * 2


@pytest.mark.parametrize("image, error", [(None, InvalidImage), (UploadedImage(b"GIF89a....", "a.gif"), InvalidImage),
                                          (UploadedImage(png(5 * 1024 * 1024 + 1), "big.png"), FileTooLarge)])
async def test_bad_signature_uploads_are_refused(app, image, error):
    user, _ = await holder(app)
    before = Snapshot.of(app.db)
    with pytest.raises(error) as err:
        await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(user.principal, image, PIN))
    assert err.value.field == "image"
    assert Snapshot.of(app.db) == before


async def test_revoke_a_seal_is_final_and_it_stays_listed_as_invalid(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    with pytest.raises(WrongPin):
        await app.revoke_seal(RevokeSealCommand(user.principal, seal_id, "246802"))
    view = await app.revoke_seal(RevokeSealCommand(user.principal, seal_id, PIN))
    assert view.status is SealStatus.REVOKED
    assert await app.list_my_seals(user.principal) == []
    listed = await app.list_my_seals(user.principal, include_invalid=True)
    assert [(v.seal.id, v.status) for v in listed] == [(seal_id, SealStatus.REVOKED)]
    with pytest.raises(SealNotActive):
        await app.revoke_seal(RevokeSealCommand(user.principal, seal_id, PIN))
    with pytest.raises(SealNotActive):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, PIN, style=SealStyle.OVAL))
    assert await app.export_seal(user.principal, seal_id) is None


async def test_expired_seals_are_listed_as_invalid(app):
    user, got = await holder(app)
    app.clock.advance(days=400)
    assert await app.list_my_seals(user.principal) == []
    assert [v.status for v in await app.list_my_seals(user.principal, True)] == [SealStatus.EXPIRED]


async def test_another_accounts_seal_is_not_found_anywhere(app):
    user, got = await holder(app)
    other = await app.verified_user("13900139000", "李四", ID_LI)
    seal_id = got.personal_seal.id
    before = Snapshot.of(app.db)
    with pytest.raises(NotFound):
        await app.revoke_seal(RevokeSealCommand(other.principal, seal_id, PIN))
    with pytest.raises(NotFound):
        await app.change_seal_face(ChangeSealFaceCommand(other.principal, seal_id, PIN, style=SealStyle.OVAL))
    assert await app.get_my_seal(other.principal, seal_id) is None
    assert await app.read_seal_image(other.principal, seal_id) is None
    assert await app.export_seal(other.principal, seal_id) is None
    assert Snapshot.of(app.db) == before


async def test_export_names_the_active_signing_certificate(app):
    user, got = await holder(app)
    der = await app.export_seal(user.principal, got.personal_seal.id)
    assert der == b"SES_Seal:" + got.personal_seal.id.hex.upper().encode()
    request = app.seal_maker.requests[-1]
    assert request.personal and list(request.holder_certificates) == [got.signing.der]
    assert request.valid_end == got.signing.not_after


async def test_signature_appearances_offer_seals_signature_and_the_name_signature(app):
    user = await app.verified_user()
    assert [a.kind for a in await app.list_signature_appearances(user.principal)] == [AppearanceKind.NAME_SIGNATURE]
    assert "signature:张三".encode() in await app.name_signature_image(user.principal)
    user2 = await app.register_user("13700137000")
    assert await app.list_signature_appearances(user2.principal) == []
    assert await app.name_signature_image(user2.principal) is None
    ent = await app.personal_entitlement(user)
    await app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent.id, PIN))
    await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
        user.principal, UploadedImage(png(), "s.png"), PIN))
    kinds = [a.kind for a in await app.list_signature_appearances(user.principal)]
    assert kinds == [AppearanceKind.PERSONAL_NAME, AppearanceKind.HANDWRITTEN, AppearanceKind.NAME_SIGNATURE]


async def test_styles_of_org_seals_are_not_for_personal_ones(app):
    user, got = await holder(app)
    with pytest.raises(SealStyleNotAllowed):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id, PIN,
                                                         style=SealStyle.AGED))
