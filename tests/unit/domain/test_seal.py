"""The Seal aggregate: statuses, face history, final revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import DomainError
from domain.seals.seal import (
    FaceSource,
    Seal,
    SealKind,
    SealNotActive,
    SealStatus,
    SealStyle,
    SealStyleNotAllowed,
)

NOW = datetime(2025, 3, 10, 2, tzinfo=UTC)


def seal(kind=SealKind.PERSONAL_NAME, days=365):
    return Seal.made(kind=kind, name="张三", holder_account_id=uuid4(), face_blob="a" * 32, content_type="image/png",
                     source=FaceSource.TEMPLATE, style=SealStyle.RECTANGLE, now=NOW,
                     valid_until=NOW + timedelta(days=days))


def test_a_new_seal_is_active_with_its_first_face():
    s, face = seal()
    assert s.status_at(NOW) is SealStatus.ACTIVE
    assert face.seal_id == s.id and face.image_blob_id == s.image_blob_id and face.style is SealStyle.RECTANGLE


def test_a_seal_expires_with_its_validity_and_revoked_wins_over_expired():
    s, _ = seal(days=1)
    later = NOW + timedelta(days=2)
    assert s.status_at(later) is SealStatus.EXPIRED and not s.is_usable(later)
    s.revoke(later)
    assert s.status_at(later) is SealStatus.REVOKED and s.revoked_at == later


def test_revocation_is_final():
    s, _ = seal()
    s.revoke(NOW)
    with pytest.raises(SealNotActive):
        s.revoke(NOW)
    with pytest.raises(SealNotActive):
        s.change_face("b" * 32, "image/png", FaceSource.TEMPLATE, SealStyle.OVAL, NOW)
    s.extend_to(NOW + timedelta(days=900), NOW)
    assert s.status is SealStatus.REVOKED


def test_changing_the_face_keeps_the_old_one_in_the_history():
    s, first = seal()
    new = s.change_face("b" * 32, "image/png", FaceSource.TEMPLATE, SealStyle.OVAL, NOW + timedelta(hours=1))
    assert s.image_blob_id == "b" * 32 and s.style is SealStyle.OVAL
    assert new.id != first.id and first.image_blob_id == "a" * 32


def test_an_uploaded_face_has_no_style():
    s, _ = seal()
    s.change_face("c" * 32, "image/jpeg", FaceSource.UPLOAD, None, NOW)
    assert s.style is None and s.content_type == "image/jpeg"


def test_a_personal_name_seal_takes_personal_styles_only():
    s, _ = seal()
    with pytest.raises(SealStyleNotAllowed):
        s.change_face("b" * 32, "image/png", FaceSource.TEMPLATE, SealStyle.DOUBLE_RING, NOW)
    assert s.image_blob_id == "a" * 32


def test_validity_must_end_after_creation_and_a_name_is_needed():
    with pytest.raises(DomainError):
        seal(days=0)
    with pytest.raises(DomainError):
        Seal(kind=SealKind.HANDWRITTEN, name=" ", created_at=NOW, valid_until=NOW + timedelta(days=1),
             image_blob_id="a" * 32, content_type="image/png")


def test_only_name_seals_and_handwritten_signatures_are_personal():
    assert {k for k in SealKind if k.is_personal} == {SealKind.PERSONAL_NAME, SealKind.HANDWRITTEN}
