"""Resident identity card numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.canonical import identifier
from domain.errors import InvalidIdNumber

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII only: `\d` would take any Unicode digit, and `int()` reads them all (see domain/canonical.py).
_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]", re.ASCII)
# First digit of the administrative division code: 1-6 are the six regions, 8 is HK/Macao/Taiwan residents.
_REGIONS = set("1234568")  # 7 and 9 are unassigned


def check_character(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str

    def __post_init__(self) -> None:
        _validate(self.value)

    @classmethod
    def parse(cls, raw: str, *, field: str = "idNumber") -> IdNumber:
        text = identifier(raw, upper=True)
        try:
            return cls(text)
        except InvalidIdNumber as err:
            raise err.at(field)

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def masked(self) -> str:
        return mask_document_number(self.value)


def _validate(text: str) -> None:
    if not isinstance(text, str) or not _SHAPE.fullmatch(text):
        raise InvalidIdNumber("身份证号码应为18位，最后一位可为数字或X")
    if text[0] not in _REGIONS:
        raise InvalidIdNumber("身份证号码的地区码有误")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号码中的出生日期不存在")
    if born.year < 1900 or born > date.today():
        raise InvalidIdNumber("身份证号码中的出生日期不合理")
    if check_character(text[:17]) != text[17]:
        raise InvalidIdNumber("身份证号码校验位有误，请检查后重新输入")


def mask_document_number(number: str) -> str:
    """`4401**********123X`: the first four and last four characters, the rest starred."""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 2) + number[-1:] if len(number) > 2 else "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
