"""The login password policy of SPEC §1 (8-16 characters, upper, lower and digit)."""

from __future__ import annotations

import re

from domain.errors import WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 16
_ALLOWED = re.compile(r"[\x21-\x7e]+")  # printable ASCII without space


def check_password_policy(password: str, *, field: str = "password") -> str:
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise WeakPassword(field=field)
    if not _ALLOWED.fullmatch(password):
        raise WeakPassword("密码只能包含字母、数字和常用符号", field=field)
    if not (re.search(r"[A-Z]", password) and re.search(r"[a-z]", password) and re.search(r"[0-9]", password)):
        raise WeakPassword(field=field)
    return password
