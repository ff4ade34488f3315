"""The Account aggregate: a person keyed by a mainland mobile number."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import InvalidCredentials, LoginLocked


class EntryMode(StrEnum):
    CA_MUTUAL_RECOGNITION = "CA_MUTUAL_RECOGNITION"


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DELETED = "DELETED"


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lock_duration: timedelta = timedelta(minutes=15)


class PasswordLockout:
    """Counting wrong passwords and locking password login; shared by accounts and operators."""

    failed_password_attempts: int
    password_locked_until: datetime | None

    def ensure_password_login_open(self, now: datetime) -> None:
        if self.password_locked_until is not None and now < self.password_locked_until:
            raise self.locked_error(now)

    def locked_error(self, now: datetime) -> LoginLocked:
        until = self.password_locked_until or now
        seconds = max(1, math.ceil((until - now).total_seconds()))
        minutes = max(1, math.ceil(seconds / 60))
        return LoginLocked(f"密码错误次数过多，密码登录已锁定，请 {minutes} 分钟后再试或使用验证码登录",
                           details={"lockedUntil": until.isoformat(), "retryAfterSeconds": seconds})

    def take_password_try(self, now: datetime, policy: LoginPolicy) -> int | None:
        """Counts a password try *before* the password is checked, so parallel guesses cannot outrun the count.

        Returns the try's number in the current run (1..max_failures), or None while password login is locked. The
        max_failures-th try locks at once (the run starts again at 0 when the lock ends); if its password turns out
        right, record_login_success lifts the lock. A wrong try needs nothing more: it was counted here.
        The persistence adapter does the same as one conditional UPDATE (take_password_try of the repositories)."""
        if self.password_locked_until is not None:
            if now < self.password_locked_until:
                return None
            self.password_locked_until = None
            self.failed_password_attempts = 0
        self.failed_password_attempts += 1
        number = self.failed_password_attempts
        if number >= policy.max_failures:
            self.password_locked_until = now + policy.lock_duration
            self.failed_password_attempts = 0
        return number

    def wrong_password(self, number: int, now: datetime, policy: LoginPolicy) -> InvalidCredentials | LoginLocked:
        """The error for a wrong password on try `number` (from take_password_try): the tries left, or the lock."""
        left = policy.max_failures - number
        if left <= 0:
            return self.locked_error(now)
        return InvalidCredentials(f"手机号或密码错误，还可尝试 {left} 次", details={"attemptsLeft": left})

    def record_login_success(self) -> None:
        self.failed_password_attempts = 0
        self.password_locked_until = None


@dataclass(eq=False)
class Account(PasswordLockout):
    phone: str
    password_hash: str
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: AccountStatus = AccountStatus.ACTIVE
    entry_mode: EntryMode | None = None
    failed_password_attempts: int = 0
    password_locked_until: datetime | None = None
    password_changed_at: datetime | None = None
    deleted_at: datetime | None = None
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE

    def change_password(self, new_hash: str, now: datetime) -> None:
        self.password_hash = new_hash
        self.password_changed_at = now
        self.record_login_success()

    def choose_entry_mode(self, mode: EntryMode) -> None:
        self.entry_mode = mode

    def change_phone(self, phone: str) -> None:
        self.phone = phone

    def delete(self, now: datetime) -> None:
        """Erase what identifies the person; the row stays so orders, invoices and audit keep their owner."""
        self.status = AccountStatus.DELETED
        self.deleted_at = now
        self.phone = f"deleted:{self.id}"
        self.password_hash = "!"
        self.entry_mode = None
