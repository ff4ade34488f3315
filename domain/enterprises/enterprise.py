"""The Enterprise aggregate (SPEC §3): who the company is, how far its certification went, and who belongs.

Certification is one explicit state machine. A membership carries two independent flags, admin and legal rep,
because they move independently (§8.4 hands admin to another member; §8.6 replaces the legal rep); the role
a client sees is the stronger of the two (LEGAL_REP > ADMIN > MEMBER)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.enterprises.credit_code import CreditCode
from domain.errors import DomainError, ErrorCode


class CertificationStatus(StrEnum):
    DRAFT = "DRAFT"
    AWAITING_AUTHORIZATION = "AWAITING_AUTHORIZATION"
    AWAITING_TRANSFER = "AWAITING_TRANSFER"
    PENDING_REVIEW = "PENDING_REVIEW"
    CERTIFIED = "CERTIFIED"
    REJECTED = "REJECTED"


class CertificationMethod(StrEnum):
    LEGAL_REP_AUTHORIZATION = "LEGAL_REP_AUTHORIZATION"
    BANK_TRANSFER = "BANK_TRANSFER"
    MANUAL_REVIEW = "MANUAL_REVIEW"


class EnterpriseRole(StrEnum):
    LEGAL_REP = "LEGAL_REP"
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


_S = CertificationStatus
TRANSITIONS: dict[CertificationStatus, frozenset[CertificationStatus]] = {
    _S.DRAFT: frozenset({_S.AWAITING_AUTHORIZATION}),
    # Legal-rep authorisation certifies at once; bank transfer and manual review wait for the deposit.
    _S.AWAITING_AUTHORIZATION: frozenset({_S.CERTIFIED, _S.AWAITING_TRANSFER}),
    _S.AWAITING_TRANSFER: frozenset({_S.PENDING_REVIEW, _S.AWAITING_AUTHORIZATION}),
    _S.PENDING_REVIEW: frozenset({_S.CERTIFIED, _S.REJECTED}),
    # A rejected enterprise may try again: by authorisation, or straight into a new bank transfer (§5.1.2).
    _S.REJECTED: frozenset({_S.AWAITING_AUTHORIZATION, _S.AWAITING_TRANSFER}),
    _S.CERTIFIED: frozenset(),
}

# A passed four-element check opens every path; a failed one leaves only manual review (§5.1.3).
METHODS_AFTER_CHECK: dict[bool, tuple[CertificationMethod, ...]] = {
    True: (CertificationMethod.LEGAL_REP_AUTHORIZATION, CertificationMethod.BANK_TRANSFER),
    False: (CertificationMethod.MANUAL_REVIEW,),
}


class EnterpriseAlreadyCertified(DomainError):
    code = ErrorCode.ENTERPRISE_ALREADY_CERTIFIED
    default_message = "该企业已完成认证，请通过“加入企业”申请成为成员"


class NotLegalRepresentative(DomainError):
    code = ErrorCode.NOT_LEGAL_REPRESENTATIVE
    default_message = "您的实名信息与该企业法定代表人不一致，不能以法定代表人身份授权"


class EnterpriseNotCertified(DomainError):
    code = ErrorCode.ENTERPRISE_NOT_CERTIFIED
    default_message = "企业尚未完成认证，请先完成企业认证"


class MethodUnavailable(DomainError):
    code = ErrorCode.CERTIFICATION_METHOD_UNAVAILABLE
    default_message = "当前企业不能使用该认证方式"


@dataclass(frozen=True)
class LegalRepEvidence:
    """The legal rep's ID number as stored: encrypted, as a keyed index (the identity key space), and masked."""

    name: str
    number_ciphertext: bytes
    number_index: str
    number_masked: str


@dataclass(eq=False)
class Enterprise:
    name: str
    credit_code: str
    legal_rep_name: str
    legal_rep_id_ciphertext: bytes
    legal_rep_id_index: str
    legal_rep_id_masked: str
    licence_blob_id: str
    licence_content_type: str
    created_by: UUID
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: CertificationStatus = CertificationStatus.DRAFT
    method: CertificationMethod | None = None
    four_element_passed: bool | None = None
    # Set once certified: a unique column makes "one credit code, one certified enterprise" hold under races.
    certified_credit_code: str | None = None
    certified_at: datetime | None = None
    updated_at: datetime | None = None
    # Why an operator refused the last bank-transfer or manual-review certification (§5.1.2, §5.1.3).
    rejection_reason: str | None = None
    version: int = 1

    @classmethod
    def register(cls, *, name: str, credit_code: CreditCode, legal_rep: LegalRepEvidence, licence_blob_id: str,
                 licence_content_type: str, created_by: UUID, now: datetime,
                 enterprise_id: UUID | None = None) -> Enterprise:
        return cls(name=name, credit_code=credit_code.value, legal_rep_name=legal_rep.name,
                   legal_rep_id_ciphertext=legal_rep.number_ciphertext, legal_rep_id_index=legal_rep.number_index,
                   legal_rep_id_masked=legal_rep.number_masked, licence_blob_id=licence_blob_id,
                   licence_content_type=licence_content_type, created_by=created_by, created_at=now,
                   updated_at=now, id=enterprise_id or uuid4())

    @property
    def is_certified(self) -> bool:
        return self.status is CertificationStatus.CERTIFIED

    @property
    def available_methods(self) -> tuple[CertificationMethod, ...]:
        if self.four_element_passed is None or self.is_certified:
            return ()
        return METHODS_AFTER_CHECK[self.four_element_passed]

    def is_legal_rep(self, legal_name: str | None, document_index: str | None) -> bool:
        """Whether a verified person (name + document index) is this enterprise's legal representative."""
        return bool(legal_name and document_index and legal_name == self.legal_rep_name
                    and document_index == self.legal_rep_id_index)

    def _move(self, to: CertificationStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            if self.is_certified:
                raise EnterpriseAlreadyCertified("该企业已完成认证")
            raise DomainError("当前认证状态不允许此操作", code=ErrorCode.CONFLICT)
        self.status = to
        self.updated_at = now

    def four_element_checked(self, passed: bool, now: datetime) -> None:
        self._move(CertificationStatus.AWAITING_AUTHORIZATION, now)
        self.four_element_passed = passed

    def ensure_method(self, method: CertificationMethod) -> None:
        if self.is_certified:
            raise EnterpriseAlreadyCertified("该企业已完成认证")
        if method not in self.available_methods:
            raise MethodUnavailable()

    def certify_by_legal_rep(self, now: datetime) -> None:
        self.ensure_method(CertificationMethod.LEGAL_REP_AUTHORIZATION)
        self._move(CertificationStatus.CERTIFIED, now)
        self.method = CertificationMethod.LEGAL_REP_AUTHORIZATION
        self.certified_credit_code = self.credit_code
        self.certified_at = now

    # ---- §5.1.2 bank transfer and §5.1.3 manual review: deposit → signed letter → operator review

    @property
    def transfer_method(self) -> CertificationMethod:
        return CertificationMethod.BANK_TRANSFER if self.four_element_passed else CertificationMethod.MANUAL_REVIEW

    def start_transfer(self, now: datetime) -> CertificationMethod:
        """A corporate micro-deposit starts: BANK_TRANSFER after a passed four-element check, MANUAL_REVIEW
        after a failed one (the same deposit, with the operator judging the uploaded letter harder)."""
        method = self.transfer_method
        self.ensure_method(method)
        self._move(CertificationStatus.AWAITING_TRANSFER, now)
        self.method = method
        self.rejection_reason = None
        return method

    def transfer_failed(self, now: datetime) -> None:
        """The deposit failed, ran out of tries or expired: the enterprise may choose a path again."""
        self._move(CertificationStatus.AWAITING_AUTHORIZATION, now)
        self.method = None

    def submit_for_review(self, now: datetime) -> None:
        self._move(CertificationStatus.PENDING_REVIEW, now)

    def approve_certification(self, now: datetime) -> None:
        # Only a reviewed enterprise: AWAITING_AUTHORIZATION → CERTIFIED is the legal rep's signature, not this.
        if self.status is not CertificationStatus.PENDING_REVIEW:
            raise DomainError("企业认证不在审核中", code=ErrorCode.CONFLICT)
        self._move(CertificationStatus.CERTIFIED, now)
        self.certified_credit_code = self.credit_code
        self.certified_at = now

    def reject_certification(self, reason: str, now: datetime) -> None:
        self._move(CertificationStatus.REJECTED, now)
        self.rejection_reason = reason

    # ---- §8.6 information change, applied when the operator approves it

    def apply_change(self, *, new_name: str | None, new_legal_rep: LegalRepEvidence | None, now: datetime) -> None:
        if not self.is_certified:
            raise DomainError("企业尚未完成认证", code=ErrorCode.CONFLICT)
        if new_name is not None:
            self.name = new_name
        if new_legal_rep is not None:
            self.legal_rep_name = new_legal_rep.name
            self.legal_rep_id_ciphertext = new_legal_rep.number_ciphertext
            self.legal_rep_id_index = new_legal_rep.number_index
            self.legal_rep_id_masked = new_legal_rep.number_masked
        self.updated_at = now


@dataclass(eq=False)
class Membership:
    enterprise_id: UUID
    account_id: UUID
    joined_at: datetime
    is_admin: bool = False
    is_legal_rep: bool = False
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @property
    def role(self) -> EnterpriseRole:
        if self.is_legal_rep:
            return EnterpriseRole.LEGAL_REP
        return EnterpriseRole.ADMIN if self.is_admin else EnterpriseRole.MEMBER

    @property
    def may_administer(self) -> bool:
        # §8.1.2: the admin or the legal rep decides on join applications and members.
        return self.is_admin or self.is_legal_rep


def founding_membership(enterprise: Enterprise, *, founder_is_legal_rep: bool) -> Membership:
    """The initiator becomes ADMIN; when their verified identity is the legal rep's, LEGAL_REP as well."""
    return Membership(enterprise_id=enterprise.id, account_id=enterprise.created_by, joined_at=enterprise.created_at,
                      is_admin=True, is_legal_rep=founder_is_legal_rep)


@dataclass(eq=False)
class AuthorizationLetter:
    """The authorisation letter (§5.1.1.1) rendered for one enterprise and one signer; signed at most once."""

    enterprise_id: UUID
    account_id: UUID
    blob_id: str
    sha256: str
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    signed_blob_id: str | None = None
    signed_sha256: str | None = None
    signed_at: datetime | None = None
    certificate_id: UUID | None = None
    # Set when the letter was rendered by accepting a legal-rep invitation (§5.1.1.2): signing it then needs
    # that invitation's passed face check.
    invitation_id: UUID | None = None
    version: int = 1

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def mark_signed(self, blob_id: str, sha256: str, certificate_id: UUID, now: datetime) -> None:
        if self.is_signed:
            raise DomainError("授权书已签署", code=ErrorCode.CONFLICT)
        self.signed_blob_id, self.signed_sha256 = blob_id, sha256
        self.certificate_id, self.signed_at = certificate_id, now
