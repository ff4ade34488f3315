"""Operators (工作人员): our staff, created from the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.accounts.account import PasswordLockout
from domain.canonical import identifier
from domain.errors import InvalidInput

_USERNAME = re.compile(r"[a-z][a-z0-9_.-]{2,31}")


def check_username(raw: str) -> str:
    name = identifier(raw).lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput("用户名须为3-32位小写字母、数字、点、下划线或连字符，并以字母开头", field="username")
    return name


class OperatorRole(StrEnum):
    """What a member of staff may do; each role may do everything the roles below it may."""

    REVIEWER = "REVIEWER"  # works the review queue, looks up certificates
    SUPERVISOR = "SUPERVISOR"  # also countersigns enterprise changes, revokes certificates, reads the audit log
    ADMIN = "ADMIN"  # also runs the catalogue (platforms, plans) and the health page

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, required: OperatorRole) -> bool:
        return self.rank >= required.rank

    @property
    def label(self) -> str:
        return _LABELS[self]


_RANKS = {OperatorRole.REVIEWER: 1, OperatorRole.SUPERVISOR: 2, OperatorRole.ADMIN: 3}
_LABELS = {OperatorRole.REVIEWER: "审核员", OperatorRole.SUPERVISOR: "主管", OperatorRole.ADMIN: "管理员"}


@dataclass(eq=False)
class Operator(PasswordLockout):
    username: str
    password_hash: str
    created_at: datetime
    failed_password_attempts: int = 0
    password_locked_until: datetime | None = None
    role: OperatorRole = OperatorRole.REVIEWER
    # The TOTP (RFC 6238) secret, encrypted at rest; None for an API-only operator made with --no-totp, who may
    # use GraphQL with the password alone but never the console.
    totp_secret_ciphertext: bytes | None = None
    # The last 30-second step whose code was accepted: a code works once (RFC 6238 §5.2).
    totp_last_step: int | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret_ciphertext is not None

    def accept_totp_step(self, step: int) -> bool:
        """Records the step of a valid code; False when that step (or a later one) was already used."""
        if self.totp_last_step is not None and step <= self.totp_last_step:
            return False
        self.totp_last_step = step
        return True
