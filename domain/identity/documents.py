"""Identity documents accepted for manual review (§4.2) and the rules of their numbers."""

from __future__ import annotations

import re
from enum import StrEnum

from domain import canonical
from domain.errors import InvalidDocumentNumber, InvalidName
from domain.identity.id_number import IdNumber


class DocumentType(StrEnum):
    ID_CARD = "ID_CARD"
    PASSPORT = "PASSPORT"
    HK_MACAO_PERMIT = "HK_MACAO_PERMIT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"
    FOREIGNER_PERMANENT_RESIDENCE = "FOREIGNER_PERMANENT_RESIDENCE"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DocumentType.ID_CARD: "身份证",
    DocumentType.PASSPORT: "护照",
    DocumentType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    DocumentType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    DocumentType.FOREIGNER_PERMANENT_RESIDENCE: "外国人永久居留身份证",
}

# ASCII-only classes (re.ASCII, explicit [0-9]): `\d` takes any Unicode digit (see domain/canonical.py).
_NUMBER_RULES: dict[DocumentType, re.Pattern[str]] = {
    # Passports: ICAO 9303 allows up to 9 characters, some states use more; letters and digits only.
    DocumentType.PASSPORT: re.compile(r"[A-Z0-9]{5,17}", re.ASCII),
    # 回乡证: H or M then 8 digits (old booklets add 2 more).
    DocumentType.HK_MACAO_PERMIT: re.compile(r"[HM][0-9]{8}([0-9]{2})?", re.ASCII),
    # 台胞证: 8 digits (card since 2015), older ones 10 characters.
    DocumentType.TAIWAN_PERMIT: re.compile(r"[0-9]{8}|[A-Z0-9]{10}", re.ASCII),
    # 外国人永居证: 15 characters (2004 edition) or 18 starting with 9 (2017 edition).
    DocumentType.FOREIGNER_PERMANENT_RESIDENCE: re.compile(r"[A-Z]{3}[0-9]{12}|9[0-9]{16}[0-9X]", re.ASCII),
}

_NAME = re.compile(r"[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·.\- ]{0,48}[\u3400-\u9fffA-Za-z.]|[\u3400-\u9fff]")


def normalize_document_number(doc_type: DocumentType, raw: str, *, field: str = "documentNumber") -> str:
    text = canonical.identifier(raw, upper=True, drop=" ")
    if doc_type is DocumentType.ID_CARD:
        return IdNumber.parse(text, field=field).value
    if len(text) > 32 or not _NUMBER_RULES[doc_type].fullmatch(text):
        raise InvalidDocumentNumber(f"{doc_type.label}号码格式有误", field=field)
    return text


def normalize_legal_name(raw: str, *, field: str = "legalName") -> str:
    text = canonical.name(raw, field=field, error=InvalidName)
    if not 1 <= len(text) <= 50 or not _NAME.fullmatch(text):
        raise InvalidName(field=field)
    return text


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
