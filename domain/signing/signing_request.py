"""SigningRequest: one co-signature the server asks of a person's phone (SPEC §C).

It carries the exact message to sign, what the app shows, and the server's commitment Q1 = w1·G. w1 itself
is sealed by the co-signing module and wiped when the request is spent: a nonce used twice would give away the
server's share, so a request finishes once, within five minutes, for the account, key, purpose and act it was
made for. Requests made by one call form a batch (a scan's challenge or documents) and are spent together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode

REQUEST_LIFETIME = timedelta(minutes=5)


class SigningPurpose(StrEnum):
    CLAIM_PERSONAL_CERTIFICATE = "CLAIM_PERSONAL_CERTIFICATE"
    CLAIM_ENTERPRISE_CERTIFICATE = "CLAIM_ENTERPRISE_CERTIFICATE"
    CAPTURE_HANDWRITTEN_SIGNATURE = "CAPTURE_HANDWRITTEN_SIGNATURE"
    CREATE_ENTERPRISE_SEAL = "CREATE_ENTERPRISE_SEAL"
    CHANGE_SEAL_FACE = "CHANGE_SEAL_FACE"
    REVOKE_SEAL = "REVOKE_SEAL"
    SCAN_LOGIN = "SCAN_LOGIN"  # the LOGIN challenge the platform receives signed
    SCAN_ENCRYPT = "SCAN_ENCRYPT"  # the ENCRYPT consent the platform receives signed
    SCAN_DOCUMENT = "SCAN_DOCUMENT"  # a document's raw SM3 hash
    SCAN_SIGNED_ATTRIBUTES = "SCAN_SIGNED_ATTRIBUTES"  # the CMS signed attributes over that hash
    SCAN_CONSENT = "SCAN_CONSENT"  # a statement approving DECRYPT or a use of an org key


class SigningRequestInvalid(DomainError):
    code = ErrorCode.SIGNING_REQUEST_INVALID
    default_message = "签名请求无效，请重新发起"


class SigningRequestExpired(DomainError):
    code = ErrorCode.SIGNING_REQUEST_EXPIRED
    default_message = "签名请求已过期，请重新发起"


class SigningRequestUsed(DomainError):
    code = ErrorCode.SIGNING_REQUEST_USED
    default_message = "签名请求已使用，请重新发起"


@dataclass(eq=False)
class SigningRequest:
    account_id: UUID
    signing_key_id: UUID
    public_key: bytes  # P of that key, what the phone checks it signs for
    purpose: SigningPurpose
    binding: str  # statement.binding(action, input) of the act
    message: bytes
    display: str
    commitment: bytes  # Q1, 65 bytes
    sealed_nonce: bytes = field(repr=False)  # w1, sealed by the co-signing module
    created_at: datetime
    batch_id: UUID
    position: int = 0
    id: UUID = field(default_factory=uuid4)
    spent_at: datetime | None = None
    version: int = 1

    @property
    def expires_at(self) -> datetime:
        return self.created_at + REQUEST_LIFETIME

    def ensure_for(self, account_id: UUID, purposes: frozenset[SigningPurpose], binding: str) -> None:
        """Another account's request reads as unknown; one made for another act is refused as invalid."""
        if self.account_id != account_id:
            raise SigningRequestInvalid()
        if self.purpose not in purposes or self.binding != binding:
            raise SigningRequestInvalid("签名请求与本次操作不符，请重新发起")

    def spend(self, now: datetime) -> bytes:
        """Uses the request up and hands over the sealed nonce, which the row then no longer holds."""
        if self.spent_at is not None:
            raise SigningRequestUsed()
        if now >= self.expires_at:
            raise SigningRequestExpired()
        nonce, self.sealed_nonce, self.spent_at = self.sealed_nonce, b"", now
        return nonce
