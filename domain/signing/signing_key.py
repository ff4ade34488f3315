"""SigningKey: one person's SM2 signing key, held as two shares (SPEC §C, GM/T 0144 协同签名).

The public key P = d_device⁻¹·P_server − G is all the server can use on its own: it holds d_server (sealed, opaque
here) and the phone holds d_device under the PIN. A co-signature that does not verify means the phone used a
wrong share, i.e. a wrong PIN: six in a row lock the key, one that verifies starts the count again.

    ACTIVE ──6 failed co-signatures──▶ LOCKED
    ACTIVE | LOCKED ──reset (SMS + face + a new device share)──▶ REPLACED   (a new ACTIVE key takes its place)

One live key per account: `live_account_id` is the account while the key is ACTIVE or LOCKED and None once it is
REPLACED, so a unique column makes a second live key impossible even under racing enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode

MAX_FAILED_COSIGNATURES = 6


class SigningKeyStatus(StrEnum):
    ACTIVE = "ACTIVE"
    LOCKED = "LOCKED"
    REPLACED = "REPLACED"


class PinIncorrect(DomainError):
    code = ErrorCode.PIN_INCORRECT
    default_message = "证书密码错误"


class PinLocked(DomainError):
    code = ErrorCode.PIN_LOCKED
    default_message = "证书密码错误次数过多，签名密钥已锁定，请通过短信验证和人脸核验重置"


class SigningKeyRequired(DomainError):
    code = ErrorCode.SIGNING_KEY_REQUIRED
    default_message = "尚未在本机启用签名密钥，请先设置证书密码"


class SigningKeyExists(DomainError):
    code = ErrorCode.SIGNING_KEY_EXISTS
    default_message = "已启用签名密钥；如忘记证书密码，请通过短信验证和人脸核验重置"


class InvalidKeyShare(DomainError):
    code = ErrorCode.INVALID_KEY_SHARE
    default_message = "设备密钥分量无效，请重新生成"


@dataclass(eq=False)
class SigningKey:
    account_id: UUID
    public_key: bytes  # 65 bytes 04‖x‖y of P
    sealed_server_share: bytes = field(repr=False)  # d_server, sealed by the co-signing module; opaque here
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: SigningKeyStatus = SigningKeyStatus.ACTIVE
    failed_cosignatures: int = 0
    locked_at: datetime | None = None
    replaced_at: datetime | None = None
    live_account_id: UUID | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if self.status is not SigningKeyStatus.REPLACED and self.live_account_id is None:
            self.live_account_id = self.account_id

    @property
    def attempts_left(self) -> int:
        if self.status is not SigningKeyStatus.ACTIVE:
            return 0
        return max(0, MAX_FAILED_COSIGNATURES - self.failed_cosignatures)

    def ensure_usable(self) -> None:
        if self.status is SigningKeyStatus.LOCKED:
            raise PinLocked(details={"attemptsLeft": 0})
        if self.status is SigningKeyStatus.REPLACED:
            raise SigningKeyRequired("签名密钥已更换，请使用新密钥重新确认")

    def cosignature_verified(self) -> None:
        self.ensure_usable()
        self.failed_cosignatures = 0

    def cosignature_failed(self, now: datetime) -> PinIncorrect | PinLocked:
        """Counts one wrong PIN; returns the error to report once the count is committed."""
        self.ensure_usable()
        self.failed_cosignatures += 1
        if self.failed_cosignatures >= MAX_FAILED_COSIGNATURES:
            self.status = SigningKeyStatus.LOCKED
            self.locked_at = now
            return PinLocked(details={"attemptsLeft": 0})
        left = self.attempts_left
        return PinIncorrect(f"证书密码错误，还可尝试 {left} 次", details={"attemptsLeft": left})

    def replace(self, now: datetime) -> None:
        """A reset made a new key: this one signs nothing more, whatever its state."""
        if self.status is SigningKeyStatus.REPLACED:
            raise SigningKeyRequired("签名密钥已更换")
        self.status = SigningKeyStatus.REPLACED
        self.replaced_at = now
        self.live_account_id = None
