"""The certificate PIN (证书密码): six digits that, with the master key, open an account's signing keys.

The domain keeps the rules and the counter. What proves a PIN (a salted, keyed verifier) is opaque bytes
made by the key vault: the domain never sees a derived key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.errors import DomainError, ErrorCode

PIN_LENGTH = 6
MAX_WRONG_PINS = 6


class WeakPin(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "证书密码须为6位数字，不能全部相同，也不能是连续数字"


class WrongPin(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS
    default_message = "证书密码错误"


class PinLocked(DomainError):
    code = ErrorCode.LOGIN_LOCKED
    default_message = "证书密码错误次数过多，已锁定，请通过短信验证和人脸核验重置"


class PinNotSet(DomainError):
    code = ErrorCode.NOT_FOUND
    default_message = "尚未设置证书密码"


class PinAlreadySet(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "证书密码已设置"


@dataclass(frozen=True)
class Pin:
    """A PIN that may be chosen: 6 digits, not one digit six times, not a straight run up or down."""

    value: str = field(repr=False)

    def __post_init__(self) -> None:
        v = self.value
        if len(v) != PIN_LENGTH or not v.isascii() or not v.isdigit():
            raise WeakPin(field="pin")
        steps = {int(b) - int(a) for a, b in zip(v, v[1:], strict=False)}
        if steps in ({0}, {1}, {-1}):
            raise WeakPin(field="pin")

    def __str__(self) -> str:
        return "******"


@dataclass(eq=False)
class CertificatePin:
    """One per account. Six wrong PINs in a row lock it; while locked no PIN is even tried."""

    account_id: UUID
    verifier: bytes = field(repr=False)
    set_at: datetime
    failed_attempts: int = 0
    locked_at: datetime | None = None
    version: int = 1

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def attempts_left(self) -> int:
        return 0 if self.is_locked else max(0, MAX_WRONG_PINS - self.failed_attempts)

    def ensure_can_try(self) -> None:
        if self.is_locked or self.failed_attempts >= MAX_WRONG_PINS:
            raise PinLocked(details={"attemptsLeft": 0})

    def begin_attempt(self) -> None:
        """Counts the attempt before the PIN is checked. Committed first, this makes parallel guesses
        collide on the version counter instead of each reading the same count (and none being counted)."""
        self.ensure_can_try()
        self.failed_attempts += 1

    def wrong_attempt(self, now: datetime) -> WrongPin | PinLocked:
        """The attempt begun was wrong (it is already counted); returns the error to report after commit."""
        if self.failed_attempts >= MAX_WRONG_PINS:
            if self.locked_at is None:
                self.locked_at = now
            return PinLocked(details={"attemptsLeft": 0})
        left = self.attempts_left
        return WrongPin(f"证书密码错误，还可尝试 {left} 次", field="pin", details={"attemptsLeft": left})

    def right_attempt(self) -> None:
        """The attempt begun was right: the count starts again."""
        if self.is_locked:  # locked meanwhile by parallel wrong attempts: the lock stands
            raise PinLocked(details={"attemptsLeft": 0})
        self.failed_attempts = 0

    def change(self, verifier: bytes, now: datetime) -> None:
        """A new PIN (the old one was proven): the counter starts again."""
        self.ensure_can_try()
        self.verifier = verifier
        self.set_at = now
        self.failed_attempts = 0

    def reset(self, verifier: bytes, now: datetime) -> None:
        """After SMS + face liveness: unlocks with a new PIN. The old signing keys cannot follow (they are
        wrapped under the forgotten PIN), so the caller re-issues the signing pair."""
        self.verifier = verifier
        self.set_at = now
        self.failed_attempts = 0
        self.locked_at = None
