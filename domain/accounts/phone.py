"""Mainland China mobile numbers: the account key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.canonical import identifier
from domain.errors import InvalidPhone

# 11 digits, 1 then 3-9: the ranges carriers have assigned (13x-19x).
# ASCII digits only: a full-width or Arabic-Indic spelling is folded by `parse` or refused, never a second key.
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _MOBILE.fullmatch(self.value):
            raise InvalidPhone(field="phone")

    @classmethod
    def parse(cls, raw: str, *, field: str = "phone") -> PhoneNumber:
        text = identifier(raw, drop=" -")
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        if not _MOBILE.fullmatch(text):
            raise InvalidPhone(field=field)
        return cls(text)

    @property
    def masked(self) -> str:
        return f"{self.value[:3]}****{self.value[-4:]}"

    def __str__(self) -> str:
        return self.value
