"""SubmitManualVerification (§4.2): other documents, three photos, nothing left behind on failure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import (
    DocumentAlreadyUsed,
    DocumentExpired,
    ErrorCode,
    FileTooLarge,
    InvalidDocumentNumber,
    InvalidImage,
    VerificationInProgress,
)
from domain.identity.documents import DocumentType
from domain.identity.identity import Identity, RealNameStatus, VerificationMethod
from domain.identity.review import ReviewKind, ReviewStatus
from tests.app_fixture import ID_ZHANG, FakeApp
from tests.fakes import Snapshot, png

PHONE = "13800138000"
MB = 1024 * 1024


def unchanged(app: FakeApp, before: Snapshot) -> bool:
    return Snapshot.of(app.db) == before and app.blobs.blobs == {}


async def test_submission_stores_three_photos_and_waits_for_review(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    result = await app.submit_manual(user, legal_name="Chan Tai Man", number="e12345678",
                                     expires_on=date(2030, 6, 6))
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.PENDING_REVIEW
    assert identity.method is VerificationMethod.MANUAL_REVIEW
    assert (identity.document_type, identity.legal_name, identity.expires_on) == (
        DocumentType.PASSPORT, "Chan Tai Man", date(2030, 6, 6))
    assert identity.number_masked == "E123*5678"
    assert identity.document_key == app.sealer.document_key(DocumentType.PASSPORT, "E12345678")
    assert app.sealer.reveal_number(user.account_id, identity.number_ciphertext) == "E12345678"
    [review] = app.db.reviews()
    assert (review.kind, review.status, review.subject_account_id) == (
        ReviewKind.IDENTITY, ReviewStatus.PENDING, user.account_id)
    assert review.subject_summary == "C*********** · 护照 · E123*5678"
    assert set(review.attachments) == {"front", "back", "portrait"}
    assert {app.blobs.blobs[b][1] for b in review.attachments.values()} == {"image/png", "image/jpeg"}
    assert len(app.blobs.blobs) == 3
    assert result.review.id == review.id
    assert result.view.identity.status is RealNameStatus.PENDING_REVIEW


@pytest.mark.parametrize("doc_type, number", [
    (DocumentType.HK_MACAO_PERMIT, "H12345678"),
    (DocumentType.TAIWAN_PERMIT, "12345678"),
    (DocumentType.FOREIGNER_PERMANENT_RESIDENCE, "USA310012345678"),
    (DocumentType.ID_CARD, ID_ZHANG),
])
async def test_every_document_type_is_accepted(app: FakeApp, doc_type: DocumentType, number: str) -> None:
    user = await app.register_user(PHONE)
    await app.submit_manual(user, document_type=doc_type, legal_name="陈大文", number=number)
    assert app.db.identity(user.account_id).document_type is doc_type


@pytest.mark.parametrize("days", [0, -1, -365])
async def test_an_expired_document_is_refused(app: FakeApp, days: int) -> None:
    user = await app.register_user(PHONE)
    before = Snapshot.of(app.db)
    today = app.clock.now().date()
    with pytest.raises(DocumentExpired) as err:
        await app.submit_manual(user, expires_on=today + timedelta(days=days))
    assert err.value.field == "expiresOn"
    assert unchanged(app, before)


async def test_a_document_valid_until_tomorrow_is_accepted(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.submit_manual(user, expires_on=app.clock.now().date() + timedelta(days=1))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW


@pytest.mark.parametrize("slot, field", [("front", "frontImage"), ("back", "backImage"),
                                         ("portrait", "portraitImage")])
async def test_a_non_image_is_refused_and_nothing_is_kept(app: FakeApp, slot: str, field: str) -> None:
    user = await app.register_user(PHONE)
    before = Snapshot.of(app.db)
    with pytest.raises(InvalidImage) as err:
        await app.submit_manual(user, **{slot: b"%PDF-1.7\n%not an image"})
    assert err.value.code is ErrorCode.INVALID_IMAGE
    assert err.value.field == field
    assert unchanged(app, before)


async def test_an_oversized_image_is_refused_and_nothing_is_kept(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    before = Snapshot.of(app.db)
    with pytest.raises(FileTooLarge) as err:
        await app.submit_manual(user, back=png(5 * MB + 1))
    assert err.value.field == "backImage"
    assert "5MB" in err.value.message
    assert unchanged(app, before)


async def test_an_image_of_exactly_the_limit_is_accepted(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.submit_manual(user, portrait=png(5 * MB))
    assert len(app.blobs.blobs) == 3


async def test_a_storage_failure_midway_leaves_no_photo_behind(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    before = Snapshot.of(app.db)
    app.blobs.fail_on_put(3)
    with pytest.raises(OSError):
        await app.submit_manual(user)
    assert unchanged(app, before)


async def test_a_document_claimed_meanwhile_leaves_no_photo_behind(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    rival = await app.register_user("13900139000")
    key = app.sealer.document_key(DocumentType.PASSPORT, "E12345678")

    async def claim(uow) -> None:
        uow.identities.add(Identity(account_id=rival.account_id, status=RealNameStatus.PENDING_REVIEW,
                                    document_key=key))

    app.uow.interleave(claim)
    with pytest.raises(DocumentAlreadyUsed) as err:
        await app.submit_manual(user)
    assert err.value.field == "documentNumber"
    assert app.blobs.blobs == {}
    assert app.db.identity(user.account_id) is None
    assert app.db.reviews() == []


async def test_a_document_in_review_on_another_account_is_refused(app: FakeApp) -> None:
    first = await app.register_user(PHONE)
    await app.submit_manual(first)
    second = await app.register_user("13900139000")
    with pytest.raises(DocumentAlreadyUsed):
        await app.submit_manual(second)
    assert app.db.identity(second.account_id) is None
    assert len(app.blobs.blobs) == 3


async def test_a_second_submission_while_pending_is_refused(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.submit_manual(user)
    with pytest.raises(VerificationInProgress):
        await app.submit_manual(user, number="E87654321")
    assert len(app.db.reviews()) == 1
    assert len(app.blobs.blobs) == 3


async def test_a_malformed_number_is_refused(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(InvalidDocumentNumber):
        await app.submit_manual(user, document_type=DocumentType.HK_MACAO_PERMIT, number="X1234")
    assert app.blobs.blobs == {}


async def test_switching_from_a_pending_face_check_to_manual_review(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.start_face(user)
    await app.submit_manual(user)
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW
