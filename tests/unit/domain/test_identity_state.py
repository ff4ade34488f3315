"""Identity: UNVERIFIED → (PENDING_FACE | PENDING_REVIEW) → VERIFIED | REJECTED, immutable once verified."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import AlreadyVerified, DomainError, ErrorCode, VerificationInProgress
from domain.identity.documents import DocumentType
from domain.identity.identity import (
    TRANSITIONS,
    DocumentEvidence,
    Identity,
    RealNameStatus,
    VerificationMethod,
)

S = RealNameStatus
T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=3)

ID_CARD = DocumentEvidence(DocumentType.ID_CARD, "张三", b"cipher-1", "key-1", "4401**********1235")
PASSPORT = DocumentEvidence(DocumentType.PASSPORT, "CHAN TAI MAN", b"cipher-2", "key-2", "E123*5678",
                            expires_on=date(2030, 1, 1))


def identity_in(status: RealNameStatus) -> Identity:
    """An identity brought into `status` the way the use cases bring it there."""
    i = Identity(account_id=uuid4())
    if status is S.UNVERIFIED:
        return i
    if status is S.PENDING_FACE:
        i.start_face(ID_CARD, T0)
    elif status is S.PENDING_REVIEW:
        i.submit_for_review(PASSPORT, T0)
    elif status is S.VERIFIED:
        i.start_face(ID_CARD, T0)
        i.face_passed(T0)
    elif status is S.REJECTED:
        i.start_face(ID_CARD, T0)
        i.face_failed(T0)
    assert i.status is status
    return i


EVENTS = {
    "start_face": (S.PENDING_FACE, lambda i: i.start_face(ID_CARD, LATER)),
    "submit_for_review": (S.PENDING_REVIEW, lambda i: i.submit_for_review(PASSPORT, LATER)),
    "face_passed": (S.VERIFIED, lambda i: i.face_passed(LATER)),
    "face_failed": (S.REJECTED, lambda i: i.face_failed(LATER)),
    "approve": (S.VERIFIED, lambda i: i.approve(LATER)),
    "reject": (S.REJECTED, lambda i: i.reject("照片模糊", LATER)),
}

ALLOWED = [
    (S.UNVERIFIED, "start_face"), (S.UNVERIFIED, "submit_for_review"),
    (S.REJECTED, "start_face"), (S.REJECTED, "submit_for_review"),
    (S.PENDING_FACE, "start_face"), (S.PENDING_FACE, "submit_for_review"),
    (S.PENDING_FACE, "face_passed"), (S.PENDING_FACE, "face_failed"),
    (S.PENDING_REVIEW, "approve"), (S.PENDING_REVIEW, "reject"),
]

REFUSED = [(state, event) for state in S for event, (target, _) in EVENTS.items()
           if target not in TRANSITIONS[state]]


def test_the_table_is_what_the_spec_says() -> None:
    assert TRANSITIONS == {
        S.UNVERIFIED: {S.PENDING_FACE, S.PENDING_REVIEW},
        S.REJECTED: {S.PENDING_FACE, S.PENDING_REVIEW},
        S.PENDING_FACE: {S.PENDING_FACE, S.PENDING_REVIEW, S.VERIFIED, S.REJECTED},
        S.PENDING_REVIEW: {S.VERIFIED, S.REJECTED},
        S.VERIFIED: set(),
    }


@pytest.mark.parametrize("state, event", ALLOWED, ids=[f"{s}-{e}" for s, e in ALLOWED])
def test_allowed_transitions(state: RealNameStatus, event: str) -> None:
    i = identity_in(state)
    target, apply = EVENTS[event]
    apply(i)
    assert i.status is target
    assert i.updated_at == LATER


@pytest.mark.parametrize("state, event", REFUSED, ids=[f"{s}-{e}" for s, e in REFUSED])
def test_refused_transitions_change_nothing(state: RealNameStatus, event: str) -> None:
    i = identity_in(state)
    before = dict(vars(i))
    _, apply = EVENTS[event]
    with pytest.raises(DomainError) as err:
        apply(i)
    expected = {S.VERIFIED: ErrorCode.ALREADY_VERIFIED, S.PENDING_REVIEW: ErrorCode.VERIFICATION_IN_PROGRESS}
    assert err.value.code is expected.get(state, ErrorCode.CONFLICT)
    assert vars(i) == before


def test_refused_transitions_are_enumerated() -> None:
    # PENDING_FACE may move anywhere; every other state refuses something, VERIFIED refuses everything.
    assert {s for s, _ in REFUSED} == set(S) - {S.PENDING_FACE}
    assert sorted(e for s, e in REFUSED if s is S.VERIFIED) == sorted(EVENTS)
    assert len(REFUSED) == 16


def test_a_verified_identity_is_immutable() -> None:
    i = identity_in(S.VERIFIED)
    with pytest.raises(AlreadyVerified):
        i.ensure_can_start()
    with pytest.raises(AlreadyVerified):
        i.start_face(PASSPORT, LATER)
    assert i.legal_name == "张三"


def test_nothing_starts_while_a_review_is_pending() -> None:
    i = identity_in(S.PENDING_REVIEW)
    with pytest.raises(VerificationInProgress):
        i.ensure_can_start()
    for s in (S.UNVERIFIED, S.PENDING_FACE, S.REJECTED):
        identity_in(s).ensure_can_start()  # does not raise


def test_start_face_takes_the_evidence_but_claims_no_document_yet() -> None:
    i = identity_in(S.UNVERIFIED)
    i.start_face(ID_CARD, T0)
    assert (i.method, i.document_type, i.legal_name) == (VerificationMethod.FACE, DocumentType.ID_CARD, "张三")
    assert (i.number_ciphertext, i.number_index, i.number_masked) == (b"cipher-1", "key-1", "4401**********1235")
    assert i.document_key is None
    assert not i.is_verified


def test_face_passed_claims_the_document() -> None:
    i = identity_in(S.PENDING_FACE)
    i.face_passed(LATER)
    assert i.is_verified
    assert i.document_key == "key-1"
    assert i.verified_at == LATER


def test_face_failed_records_the_reason_and_releases_nothing_claimed() -> None:
    i = identity_in(S.PENDING_FACE)
    i.face_failed(LATER, "活体检测未通过")
    assert i.status is S.REJECTED
    assert i.rejected_reason == "活体检测未通过"
    assert i.document_key is None


def test_submit_for_review_claims_the_document_while_in_review() -> None:
    i = identity_in(S.REJECTED)
    i.submit_for_review(PASSPORT, LATER)
    assert i.method is VerificationMethod.MANUAL_REVIEW
    assert i.document_key == "key-2"
    assert i.expires_on == date(2030, 1, 1)
    assert i.rejected_reason is None


def test_reject_releases_the_document_and_a_retry_clears_the_reason() -> None:
    i = identity_in(S.PENDING_REVIEW)
    i.reject("证件照片不清晰", LATER)
    assert (i.status, i.rejected_reason, i.document_key) == (S.REJECTED, "证件照片不清晰", None)
    i.start_face(ID_CARD, LATER)
    assert i.rejected_reason is None
    assert i.status is S.PENDING_FACE


def test_approve_verifies_with_the_claimed_document() -> None:
    i = identity_in(S.PENDING_REVIEW)
    i.approve(LATER)
    assert i.is_verified
    assert i.verified_at == LATER
    assert i.document_key == "key-2"


def test_erase_removes_personal_data_and_the_claim() -> None:
    i = identity_in(S.VERIFIED)
    i.erase()
    assert i.status is S.UNVERIFIED
    for attr in ("legal_name", "number_ciphertext", "number_index", "number_masked", "document_key",
                 "expires_on", "rejected_reason"):
        assert getattr(i, attr) is None, attr
