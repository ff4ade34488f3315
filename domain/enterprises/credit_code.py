"""Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character
computed MOD 31 over the 30-character alphabet without I, O, S, V and Z. Also the company tax number on invoices."""

from __future__ import annotations

from dataclasses import dataclass

from domain.canonical import identifier
from domain.errors import DomainError, ErrorCode

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registering authority; second: the kind of organisation within it.
_AUTHORITIES = set("123456789ANY")


class InvalidCreditCode(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "统一社会信用代码（纳税人识别号）有误，请检查后重新输入"


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True, slots=True)
class CreditCode:
    value: str

    def __post_init__(self) -> None:
        v = self.value
        if (not isinstance(v, str) or len(v) != 18 or any(c not in ALPHABET for c in v)
                or v[0] not in _AUTHORITIES or any(c not in "0123456789" for c in v[2:8])):
            raise InvalidCreditCode()
        if check_character(v[:17]) != v[17]:
            raise InvalidCreditCode("统一社会信用代码校验位不正确，请检查后重新输入")

    @classmethod
    def parse(cls, raw: str | None, *, field: str = "taxNumber") -> CreditCode:
        text = identifier(raw, upper=True)
        try:
            return cls(text)
        except InvalidCreditCode as err:
            raise err.at(field) from None
