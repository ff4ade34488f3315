"""The personal seals: faces, handwritten signature, revocation, listing, export, appearances. Changing a face,
capturing a signature and revoking are two calls approved by the holder's co-signature (SPEC §C)."""

from __future__ import annotations

import json

import pytest

from application.identity.submit_manual_verification import UploadedImage
from application.seals.capture_handwritten_signature import CaptureHandwrittenSignatureCommand
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.revoke_seal import RevokeSealCommand
from application.seals.signature_appearances import AppearanceKind
from application.signing.cosigning import NeedsCoSignature
from domain.errors import ErrorCode, FileTooLarge, InvalidImage, NotFound
from domain.seals.seal import FaceSource, SealNotActive, SealStatus, SealStyle, SealStyleNotAllowed
from domain.signing.signing_key import PinIncorrect, SigningKeyRequired
from domain.signing.signing_request import SigningPurpose, SigningRequestInvalid, SigningRequestUsed
from sxq_phone import OnScreen
from tests.app_fixture import DEFAULT_META, ID_LI
from tests.fakes import Snapshot, jpeg, png
from tests.support.phones import WRONG_PIN, evidence_statement, evidence_verifies

REVOKE, CHANGE_FACE, CAPTURE = "seal.revoke", "seal.change_face", "seal.capture_handwritten"


async def holder(app):
    user = await app.verified_user()
    await app.enrol(user)
    ent = await app.personal_entitlement(user)
    got = await app.claim_personal(user, ent.id)
    return user, got


def change_face(app, user, seal_id, **kwargs):
    return app.cosigned(user, lambda co: app.change_seal_face(ChangeSealFaceCommand(
        user.principal, seal_id, co, meta=DEFAULT_META, **kwargs)), CHANGE_FACE)


def capture(app, user, image):
    return app.cosigned(user, lambda co: app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
        user.principal, image, co, DEFAULT_META)), CAPTURE)


def revoke(app, user, seal_id):
    return app.cosigned(user, lambda co: app.revoke_seal(RevokeSealCommand(user.principal, seal_id, co, DEFAULT_META)),
                        REVOKE)




# ---------------------------------------------------------------- faces


async def test_change_the_name_seal_face_from_a_template_keeps_the_face_history(app):
    user, got = await holder(app)
    seal = got.personal_seal
    app.clock.advance(minutes=1)
    view = await change_face(app, user, seal.id, style=SealStyle.OVAL)
    assert view.seal.style is SealStyle.OVAL
    data, _ = await app.read_seal_image(user.principal, seal.id)
    assert b"seal:OVAL:" in data
    async with app.uow() as uow:
        faces = await uow.seals.faces_of(seal.id)
    assert [f.style for f in faces] == [SealStyle.RECTANGLE, SealStyle.OVAL]
    first, _ = await app.read_seal_image(user.principal, seal.id, faces[0].id)
    assert b"seal:RECTANGLE:" in first, "the earlier face stays for signatures already made"
    [event] = app.db.audit_events("seal.face_changed")
    assert evidence_statement(event)["input"] == {"sealId": str(seal.id), "style": "OVAL", "surroundingText": None,
                                            "infoCode": None, "imageSha256": None}
    assert await evidence_verifies(app, user.account_id, event)


async def test_change_the_name_seal_face_to_an_uploaded_image_names_the_image_in_the_statement(app):
    import hashlib

    user, got = await holder(app)
    image = jpeg()
    view = await change_face(app, user, got.personal_seal.id, image=UploadedImage(image, "seal.jpg"))
    assert view.seal.content_type == "image/jpeg" and view.seal.style is None
    [event] = app.db.audit_events("seal.face_changed")
    assert evidence_statement(event)["input"]["imageSha256"] == hashlib.sha256(image).hexdigest()


async def test_the_first_call_changes_nothing_but_makes_a_signing_request(app):
    user, got = await holder(app)
    before = Snapshot.of(app.db, ignore=("audit", "signing_requests"))
    requests = len(app.db.rows("signing_requests"))
    first = await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id,
                                                             style=SealStyle.OVAL))
    assert isinstance(first, NeedsCoSignature)
    (request,) = first.requests
    assert request.purpose is SigningPurpose.CHANGE_SEAL_FACE and request.display == "变更印章印模：张三"
    message = json.loads(request.message)
    assert message["action"] == CHANGE_FACE and message["account"] == str(user.account_id)
    assert Snapshot.of(app.db, ignore=("audit", "signing_requests")) == before
    assert len(app.db.rows("signing_requests")) == requests + 1


@pytest.mark.parametrize("kwargs, error", [
    ({}, ErrorCode.INVALID_INPUT),
    ({"style": SealStyle.CLASSIC}, ErrorCode.INVALID_INPUT),
    ({"image": UploadedImage(b"%PDF-1.7", "x.pdf")}, ErrorCode.INVALID_IMAGE),
    ({"image": UploadedImage(png(6 * 1024 * 1024), "big.png")}, ErrorCode.FILE_TOO_LARGE),
    ({"style": SealStyle.OVAL, "surrounding_text": "某某公司"}, ErrorCode.INVALID_INPUT),
])
async def test_bad_face_changes_are_refused_at_the_first_call_and_change_nothing(app, kwargs, error):
    user, got = await holder(app)
    before = Snapshot.of(app.db)
    with pytest.raises(Exception) as err:
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id, **kwargs))
    assert err.value.code is error
    assert Snapshot.of(app.db) == before, "not even a signing request"


async def test_a_wrong_pin_changes_no_face_and_says_how_many_attempts_are_left(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    first = await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, style=SealStyle.SQUARE))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(CHANGE_FACE), WRONG_PIN)
    faces = len(app.db.rows("seal_faces"))
    with pytest.raises(PinIncorrect) as err:
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.SQUARE))
    assert err.value.code is ErrorCode.PIN_INCORRECT and err.value.details["attemptsLeft"] == 5
    assert app.db.tables["seals"][seal_id].style is SealStyle.RECTANGLE
    assert len(app.db.rows("seal_faces")) == faces and app.db.audit_events("seal.face_changed") == []


async def test_a_co_signature_for_another_act_or_another_seal_is_refused(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    # A revoke request answered to changeSealFace.
    first = await app.revoke_seal(RevokeSealCommand(user.principal, seal_id))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(REVOKE))
    with pytest.raises(SigningRequestInvalid) as err:
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.OVAL))
    assert err.value.code is ErrorCode.SIGNING_REQUEST_INVALID and err.value.field == "coSignature.requestId"
    # The same act for another seal (the handwritten signature): the binding differs.
    signature = await capture(app, user, UploadedImage(png(), "sig.png"))
    first = await app.revoke_seal(RevokeSealCommand(user.principal, seal_id))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(REVOKE))
    with pytest.raises(SigningRequestInvalid):
        await app.revoke_seal(RevokeSealCommand(user.principal, signature.seal.id, co))
    # A changed choice on the second call is another act too.
    first = await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, style=SealStyle.OVAL))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(CHANGE_FACE))
    with pytest.raises(SigningRequestInvalid):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.SQUARE))
    assert app.db.tables["seals"][seal_id].status is SealStatus.ACTIVE
    assert app.db.tables["seals"][seal_id].style is SealStyle.RECTANGLE


async def test_a_replayed_co_signature_is_refused(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    first = await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, style=SealStyle.OVAL))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(CHANGE_FACE))
    await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.OVAL))
    faces = len(app.db.rows("seal_faces"))
    with pytest.raises(SigningRequestUsed) as err:
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.OVAL))
    assert err.value.code is ErrorCode.SIGNING_REQUEST_USED
    assert len(app.db.rows("seal_faces")) == faces


async def test_without_an_enrolled_signing_key_nothing_is_asked(app):
    user, got = await holder(app)
    other = await app.verified_user("13900139000", "李四", ID_LI)
    before = Snapshot.of(app.db)
    with pytest.raises(SigningKeyRequired):
        await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
            other.principal, UploadedImage(png(), "sig.png")))
    assert Snapshot.of(app.db) == before


# ---------------------------------------------------------------- handwritten signature


async def test_capture_a_handwritten_signature_then_recapture_it(app):
    import hashlib

    user, got = await holder(app)
    image = png()
    first = await capture(app, user, UploadedImage(image, "sig.png"))
    assert first.seal.kind.value == "HANDWRITTEN" and first.seal.valid_until == got.signing.not_after
    second = await capture(app, user, UploadedImage(jpeg(), "sig.jpg"))
    assert second.seal.id == first.seal.id
    async with app.uow() as uow:
        assert [f.source for f in await uow.seals.faces_of(first.seal.id)] == [FaceSource.UPLOAD] * 2
    event = app.db.audit_events("seal.handwritten_captured")[0]
    statement = evidence_statement(event)
    assert statement["action"] == CAPTURE and statement["input"] == {"imageSha256": hashlib.sha256(image).hexdigest()}
    assert await evidence_verifies(app, user.account_id, event)


async def test_a_capture_answered_with_another_image_is_refused(app):
    user, _ = await holder(app)
    first = await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
        user.principal, UploadedImage(png(), "sig.png")))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(CAPTURE))
    with pytest.raises(SigningRequestInvalid):
        await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(
            user.principal, UploadedImage(jpeg(), "sig.jpg"), co))
    assert [s for s in app.db.rows("seals") if s.kind.value == "HANDWRITTEN"] == []


@pytest.mark.parametrize("image, error", [(None, InvalidImage), (UploadedImage(b"GIF89a....", "a.gif"), InvalidImage),
                                          (UploadedImage(png(5 * 1024 * 1024 + 1), "big.png"), FileTooLarge)])
async def test_bad_signature_uploads_are_refused_at_the_first_call(app, image, error):
    user, _ = await holder(app)
    before = Snapshot.of(app.db)
    with pytest.raises(error) as err:
        await app.capture_handwritten_signature(CaptureHandwrittenSignatureCommand(user.principal, image))
    assert err.value.field == "image"
    assert Snapshot.of(app.db) == before


# ---------------------------------------------------------------- revocation


async def test_revoke_a_seal_is_final_and_it_stays_listed_as_invalid(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    view = await revoke(app, user, seal_id)
    assert view.status is SealStatus.REVOKED
    assert await app.list_my_seals(user.principal) == []
    listed = await app.list_my_seals(user.principal, include_invalid=True)
    assert [(v.seal.id, v.status) for v in listed] == [(seal_id, SealStatus.REVOKED)]
    [event] = app.db.audit_events("seal.revoked")
    statement = evidence_statement(event)
    assert statement["action"] == REVOKE and statement["input"] == {"sealId": str(seal_id)}
    assert await evidence_verifies(app, user.account_id, event)
    with pytest.raises(SealNotActive):
        await app.revoke_seal(RevokeSealCommand(user.principal, seal_id))
    with pytest.raises(SealNotActive):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, style=SealStyle.OVAL))
    assert await app.export_seal(user.principal, seal_id) is None


async def test_a_wrong_pin_revokes_nothing(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    first = await app.revoke_seal(RevokeSealCommand(user.principal, seal_id))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(REVOKE), WRONG_PIN)
    with pytest.raises(PinIncorrect) as err:
        await app.revoke_seal(RevokeSealCommand(user.principal, seal_id, co))
    assert err.value.details["attemptsLeft"] == 5
    assert app.db.tables["seals"][seal_id].status is SealStatus.ACTIVE


async def test_a_seal_revoked_between_the_two_calls_is_refused_at_commit(app):
    user, got = await holder(app)
    seal_id = got.personal_seal.id
    first = await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, style=SealStyle.OVAL))
    (co,) = app.phones.co_sign(user.account_id, first.requests, OnScreen.act(CHANGE_FACE))
    await revoke(app, user, seal_id)
    with pytest.raises(SealNotActive):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, co, style=SealStyle.OVAL))
    assert app.db.tables["seals"][seal_id].style is SealStyle.RECTANGLE


async def test_expired_seals_are_listed_as_invalid(app):
    user, got = await holder(app)
    app.clock.advance(days=400)
    assert await app.list_my_seals(user.principal) == []
    assert [v.status for v in await app.list_my_seals(user.principal, True)] == [SealStatus.EXPIRED]


async def test_another_accounts_seal_is_not_found_anywhere(app):
    user, got = await holder(app)
    other = await app.verified_user("13900139000", "李四", ID_LI)
    await app.enrol(other)
    seal_id = got.personal_seal.id
    before = Snapshot.of(app.db)
    with pytest.raises(NotFound):
        await app.revoke_seal(RevokeSealCommand(other.principal, seal_id))
    with pytest.raises(NotFound):
        await app.change_seal_face(ChangeSealFaceCommand(other.principal, seal_id, style=SealStyle.OVAL))
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
    await app.enrol(user)
    ent = await app.personal_entitlement(user)
    await app.claim_personal(user, ent.id)
    await capture(app, user, UploadedImage(png(), "s.png"))
    kinds = [a.kind for a in await app.list_signature_appearances(user.principal)]
    assert kinds == [AppearanceKind.PERSONAL_NAME, AppearanceKind.HANDWRITTEN, AppearanceKind.NAME_SIGNATURE]


async def test_styles_of_org_seals_are_not_for_personal_ones(app):
    user, got = await holder(app)
    with pytest.raises(SealStyleNotAllowed):
        await app.change_seal_face(ChangeSealFaceCommand(user.principal, got.personal_seal.id,
                                                         style=SealStyle.AGED))
