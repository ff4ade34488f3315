"""The phone's half of one co-signature, as it arrives: (r, s1) for a signing request (SPEC §C)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from domain.errors import InvalidInput

# The order n of the SM2 curve (GB/T 32918.5): r and s1 are scalars below it.
SM2_ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _scalar(value: str, field: str) -> int:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise InvalidInput("签名分量须为64位十六进制数", field=field)
    number = int(value, 16)
    if not 0 < number < SM2_ORDER:
        raise InvalidInput("签名分量超出范围", field=field)
    return number


@dataclass(frozen=True)
class CoSignature:
    request_id: UUID
    r: int
    s1: int

    @classmethod
    def parse(cls, request_id: UUID, r: str, s1: str, field: str) -> CoSignature:
        return cls(request_id, _scalar(r, f"{field}.r"), _scalar(s1, f"{field}.s1"))


def der_signature(r: int, s: int) -> bytes:
    """SEQUENCE { r INTEGER, s INTEGER } (GB/T 35276), the form platforms and CMS take."""
    def integer(v: int) -> bytes:
        body = v.to_bytes((v.bit_length() + 8) // 8, "big")  # a leading 0x00 keeps it positive
        return b"\x02" + bytes([len(body)]) + body
    content = integer(r) + integer(s)
    return b"\x30" + bytes([len(content)]) + content
