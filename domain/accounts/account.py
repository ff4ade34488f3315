"""The Account aggregate: a person keyed by a mainland mobile number."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import LoginLocked


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
            minutes = max(1, math.ceil((self.password_locked_until - now).total_seconds() / 60))
            raise LoginLocked(f"密码错误次数过多，密码登录已锁定，请 {minutes} 分钟后再试或使用验证码登录",
                              details={"lockedUntil": self.password_locked_until.isoformat()})

    def record_password_failure(self, now: datetime, policy: LoginPolicy) -> bool:
        """Count a wrong password; returns True when this failure locks password login."""
        if self.password_locked_until is not None and now >= self.password_locked_until:
            self.failed_password_attempts = 0
            self.password_locked_until = None
        self.failed_password_attempts += 1
        if self.failed_password_attempts >= policy.max_failures:
            self.password_locked_until = now + policy.lock_duration
            self.failed_password_attempts = 0
            return True
        return False

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
