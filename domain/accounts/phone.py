"""Mainland China mobile numbers: the account key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidPhone

# 11 digits, 1 then 3-9: the ranges carriers have assigned (13x-19x).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _MOBILE.match(self.value):
            raise InvalidPhone(field="phone")

    @classmethod
    def parse(cls, raw: str, *, field: str = "phone") -> PhoneNumber:
        text = (raw or "").strip().replace(" ", "").replace("-", "")
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        if len(text) > 11 or not _MOBILE.match(text):
            raise InvalidPhone(field=field)
        return cls(text)

    @property
    def masked(self) -> str:
        return f"{self.value[:3]}****{self.value[-4:]}"

    def __str__(self) -> str:
        return self.value
