"""Operators (工作人员): our staff, created from the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
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


@dataclass(eq=False)
class Operator(PasswordLockout):
    username: str
    password_hash: str
    created_at: datetime
    failed_password_attempts: int = 0
    password_locked_until: datetime | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1
