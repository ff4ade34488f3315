"""Real-name identity of an account (SPEC §2): one explicit state machine, immutable once verified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import AlreadyVerified, DomainError, ErrorCode, VerificationInProgress
from domain.identity.documents import DocumentType


class RealNameStatus(StrEnum):
    UNVERIFIED = "UNVERIFIED"
    PENDING_FACE = "PENDING_FACE"
    PENDING_REVIEW = "PENDING_REVIEW"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"


class VerificationMethod(StrEnum):
    FACE = "FACE"
    MANUAL_REVIEW = "MANUAL_REVIEW"


_S = RealNameStatus
TRANSITIONS: dict[RealNameStatus, frozenset[RealNameStatus]] = {
    _S.UNVERIFIED: frozenset({_S.PENDING_FACE, _S.PENDING_REVIEW}),
    _S.REJECTED: frozenset({_S.PENDING_FACE, _S.PENDING_REVIEW}),
    # Starting face liveness again (a new token) or switching to manual review is allowed.
    _S.PENDING_FACE: frozenset({_S.PENDING_FACE, _S.PENDING_REVIEW, _S.VERIFIED, _S.REJECTED}),
    _S.PENDING_REVIEW: frozenset({_S.VERIFIED, _S.REJECTED}),
    _S.VERIFIED: frozenset(),
}


@dataclass(frozen=True)
class DocumentEvidence:
    """What a person claims: the number arrives encrypted and as a keyed hash, never in clear."""

    document_type: DocumentType
    legal_name: str
    number_ciphertext: bytes
    number_index: str
    number_masked: str
    expires_on: date | None = None


@dataclass(eq=False)
class Identity:
    account_id: UUID
    status: RealNameStatus = RealNameStatus.UNVERIFIED
    method: VerificationMethod | None = None
    document_type: DocumentType | None = None
    legal_name: str | None = None
    number_ciphertext: bytes | None = None
    number_index: str | None = None
    number_masked: str | None = None
    expires_on: date | None = None
    # Set while the document is claimed (in review or verified): a unique column makes
    # "one document, one account" hold under concurrency too.
    document_key: str | None = None
    verified_at: datetime | None = None
    rejected_reason: str | None = None
    updated_at: datetime | None = None
    # The face check this PENDING_FACE claim waits for: a verdict on any other (an earlier attempt's late callback
    # or poll) must not settle it, even for the same document.
    face_check_id: UUID | None = None
    version: int = 1

    @property
    def is_verified(self) -> bool:
        return self.status is RealNameStatus.VERIFIED

    def _move(self, to: RealNameStatus, now: datetime, *, from_: RealNameStatus | None = None) -> None:
        # from_ pins the event to its source state: a face verdict settles only a face claim,
        # an operator's decision only a claim under review.
        if to not in TRANSITIONS[self.status] or (from_ is not None and self.status is not from_):
            if self.status is RealNameStatus.VERIFIED:
                raise AlreadyVerified()
            if self.status is RealNameStatus.PENDING_REVIEW:
                raise VerificationInProgress()
            raise DomainError("当前状态不允许此操作", code=ErrorCode.CONFLICT)
        self.status = to
        self.updated_at = now

    def ensure_can_start(self) -> None:
        if self.status is RealNameStatus.VERIFIED:
            raise AlreadyVerified()
        if self.status is RealNameStatus.PENDING_REVIEW:
            raise VerificationInProgress()

    def _take(self, evidence: DocumentEvidence) -> None:
        self.document_type = evidence.document_type
        self.legal_name = evidence.legal_name
        self.number_ciphertext = evidence.number_ciphertext
        self.number_index = evidence.number_index
        self.number_masked = evidence.number_masked
        self.expires_on = evidence.expires_on

    def start_face(self, evidence: DocumentEvidence, now: datetime, face_check_id: UUID | None = None) -> None:
        self._move(RealNameStatus.PENDING_FACE, now)
        self.face_check_id = face_check_id
        self._take(evidence)
        self.method = VerificationMethod.FACE
        self.rejected_reason = None
        self.document_key = None

    def face_passed(self, now: datetime) -> None:
        self._move(RealNameStatus.VERIFIED, now, from_=RealNameStatus.PENDING_FACE)
        self.document_key = self.number_index
        self.verified_at = now

    def face_failed(self, now: datetime, reason: str = "人脸核验未通过") -> None:
        self._move(RealNameStatus.REJECTED, now, from_=RealNameStatus.PENDING_FACE)
        self.rejected_reason = reason
        self.document_key = None

    def awaits_face_check(self, check_id: UUID) -> bool:
        """Whether a verdict of this face check may settle the claim (claims started before the check was
        recorded on the identity accept any, as they did)."""
        return self.face_check_id is None or self.face_check_id == check_id

    def submit_for_review(self, evidence: DocumentEvidence, now: datetime) -> None:
        self._move(RealNameStatus.PENDING_REVIEW, now)
        self.face_check_id = None
        self._take(evidence)
        self.method = VerificationMethod.MANUAL_REVIEW
        self.rejected_reason = None
        self.document_key = evidence.number_index

    def approve(self, now: datetime) -> None:
        self._move(RealNameStatus.VERIFIED, now, from_=RealNameStatus.PENDING_REVIEW)
        self.verified_at = now

    def reject(self, reason: str, now: datetime) -> None:
        self._move(RealNameStatus.REJECTED, now, from_=RealNameStatus.PENDING_REVIEW)
        self.rejected_reason = reason
        self.document_key = None

    def erase(self) -> None:
        """Account deletion: personal data goes, the claim on the document is released."""
        for attr in ("legal_name", "number_ciphertext", "number_index", "number_masked", "document_key",
                     "expires_on", "rejected_reason", "method", "document_type", "verified_at"):
            setattr(self, attr, None)
        self.status = RealNameStatus.UNVERIFIED
