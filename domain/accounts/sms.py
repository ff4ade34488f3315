"""SMS verification codes: purpose-scoped, short-lived, single use, few tries."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, SmsCodeAttemptsExceeded, SmsCodeExpired, SmsCodeInvalid


class SmsPurpose(StrEnum):
    REGISTER = "REGISTER"
    LOGIN = "LOGIN"
    RESET_PASSWORD = "RESET_PASSWORD"
    CHANGE_PHONE = "CHANGE_PHONE"
    SIGN = "SIGN"
    DELETE_ACCOUNT = "DELETE_ACCOUNT"
    CERTIFICATE_PIN = "CERTIFICATE_PIN"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SmsPurpose.REGISTER: "注册",
    SmsPurpose.LOGIN: "登录",
    SmsPurpose.RESET_PASSWORD: "重置密码",
    SmsPurpose.CHANGE_PHONE: "更换手机号",
    SmsPurpose.SIGN: "签署",
    SmsPurpose.DELETE_ACCOUNT: "注销账户",
    SmsPurpose.CERTIFICATE_PIN: "设置证书密码",
}


@dataclass(eq=False)
class SmsChallenge:
    """One code sent to one phone for one purpose. Only the code's keyed hash is kept."""

    phone: str
    purpose: SmsPurpose
    code_hash: str
    sent_at: datetime
    expires_at: datetime
    max_attempts: int
    client_ip: str | None = None
    attempts: int = 0
    consumed_at: datetime | None = None
    id: UUID = field(default_factory=uuid4)

    def ensure_usable(self, now: datetime) -> None:
        """Refuses a code that is spent, used up or expired (in that order of telling)."""
        if self.consumed_at is not None:
            raise SmsCodeInvalid("验证码已使用，请重新获取", field="smsCode")
        if self.attempts >= self.max_attempts:
            raise SmsCodeAttemptsExceeded(field="smsCode")
        if now >= self.expires_at:
            raise SmsCodeExpired(field="smsCode")

    def matches(self, code_hash: str) -> bool:
        return hmac.compare_digest(code_hash, self.code_hash)

    def count_wrong_try(self, now: datetime) -> bool:
        """Counts a wrong try on a live code; False when it was no longer live. The repository does the same as one
        conditional UPDATE so that parallel tries each count."""
        if not self.is_live(now):
            return False
        self.attempts += 1
        return True

    def consume(self, now: datetime) -> bool:
        """Spends a live code; False when it was no longer live (the repository: one conditional UPDATE)."""
        if not self.is_live(now):
            return False
        self.consumed_at = now
        return True

    def wrong_try_error(self) -> DomainError:
        """What a wrong try that was just counted answers: the tries left, or that they are used up."""
        left = self.max_attempts - self.attempts
        if left <= 0:
            return SmsCodeAttemptsExceeded(field="smsCode", details={"attemptsLeft": 0})
        return SmsCodeInvalid(f"短信验证码错误，还可尝试 {left} 次", field="smsCode", details={"attemptsLeft": left})

    def verify(self, code_hash: str, now: datetime) -> None:
        """Check a submitted code on this object. A wrong one counts a try (the caller must persist it)."""
        self.ensure_usable(now)
        if not self.matches(code_hash):
            self.count_wrong_try(now)
            raise self.wrong_try_error()
        self.consume(now)

    def is_live(self, now: datetime) -> bool:
        return self.consumed_at is None and self.attempts < self.max_attempts and now < self.expires_at
