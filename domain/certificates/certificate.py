"""The Certificate aggregate: one X.509 certificate we issued, its holder, and its life (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from uuid import UUID, uuid4

from domain.canonical import is_ascii_digits
from domain.errors import DomainError, ErrorCode


class CertificateUsage(StrEnum):
    SIGNING = "SIGNING"
    ENCRYPTION = "ENCRYPTION"


class CertificateStatus(StrEnum):
    PENDING = "PENDING"  # the to-be-signed certificate is stored; the CA has not signed it yet
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class HolderKind(StrEnum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    SERVICE = "SERVICE"  # our own OCSP responder, platform-callback signer, seal maker


class RevocationReason(IntEnum):
    """CRLReason of RFC 5280 §5.3.1; the values are the wire codes (7 is unused)."""

    UNSPECIFIED = 0
    KEY_COMPROMISE = 1
    CA_COMPROMISE = 2
    AFFILIATION_CHANGED = 3
    SUPERSEDED = 4
    CESSATION_OF_OPERATION = 5
    CERTIFICATE_HOLD = 6
    REMOVE_FROM_CRL = 8
    PRIVILEGE_WITHDRAWN = 9
    AA_COMPROMISE = 10

    @classmethod
    def parse(cls, value: str | int) -> RevocationReason:
        try:
            return cls(int(value)) if isinstance(value, int) or is_ascii_digits(str(value)) else cls[str(value).upper()]
        except (KeyError, ValueError):
            raise InvalidRevocationReason(field="reason") from None


# Reasons a subscriber or operator may give. CA_COMPROMISE and AA_COMPROMISE belong to CA certificates;
# REMOVE_FROM_CRL only undoes a hold, and we do not put certificates on hold.
SUBSCRIBER_REASONS = frozenset({
    RevocationReason.UNSPECIFIED, RevocationReason.KEY_COMPROMISE, RevocationReason.AFFILIATION_CHANGED,
    RevocationReason.SUPERSEDED, RevocationReason.CESSATION_OF_OPERATION, RevocationReason.PRIVILEGE_WITHDRAWN,
})


class InvalidRevocationReason(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "吊销原因无效"


class CertificateNotRevocable(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "该证书已吊销或已过期，无法吊销"


class CertificateNotSigned(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "证书尚未签发"


@dataclass(eq=False)
class Certificate:
    serial: str  # lower-case hex of the positive serial number, no leading zeros
    usage: CertificateUsage
    profile: str
    issuer: str  # the CA that signs it: "root" | "issuing"
    subject_dn: str
    holder_kind: HolderKind
    public_key: bytes  # 65-byte uncompressed SM2 point
    not_before: datetime
    not_after: datetime
    tbs: bytes  # DER tbsCertificate, stored before the CA signs it
    created_at: datetime
    holder_account_id: UUID | None = None
    holder_enterprise_id: UUID | None = None
    pair_id: UUID | None = None  # the signing and encryption certificates of one dual pair share it
    der: bytes | None = None
    status: CertificateStatus = CertificateStatus.PENDING
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def __post_init__(self) -> None:
        if self.not_after <= self.not_before:
            raise DomainError("证书有效期无效")
        if not self.serial or self.serial != self.serial.lower().lstrip("0") or int(self.serial, 16) <= 0:
            raise DomainError("证书序列号无效")

    def signed(self, der: bytes) -> None:
        if self.status is not CertificateStatus.PENDING:
            raise DomainError("证书已签发")
        self.der = der
        self.status = CertificateStatus.ACTIVE

    def is_expired(self, now: datetime) -> bool:
        return now >= self.not_after

    def status_at(self, now: datetime) -> CertificateStatus:
        """REVOKED wins over EXPIRED: a revoked certificate stays on the CRL story even after it lapses."""
        if self.status is CertificateStatus.ACTIVE and self.is_expired(now):
            return CertificateStatus.EXPIRED
        return self.status

    def expire(self, now: datetime) -> bool:
        """Records the lapse; True when the status changed."""
        if self.status is CertificateStatus.ACTIVE and self.is_expired(now):
            self.status = CertificateStatus.EXPIRED
            return True
        return False

    def revoke(self, reason: RevocationReason, now: datetime, *, by_ca: bool = False) -> None:
        if not by_ca and reason not in SUBSCRIBER_REASONS:
            raise InvalidRevocationReason(field="reason")
        if reason is RevocationReason.REMOVE_FROM_CRL:
            raise InvalidRevocationReason(field="reason")
        if self.status is CertificateStatus.PENDING:
            raise CertificateNotSigned()
        if self.status_at(now) is not CertificateStatus.ACTIVE:
            raise CertificateNotRevocable()
        self.status = CertificateStatus.REVOKED
        self.revoked_at = now
        self.revocation_reason = reason

    @property
    def serial_number(self) -> int:
        return int(self.serial, 16)


def serial_hex(serial: int) -> str:
    if serial <= 0:
        raise ValueError("serial numbers are positive")
    return format(serial, "x")
