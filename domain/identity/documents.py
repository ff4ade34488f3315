"""Identity documents accepted for manual review (§4.2) and the rules of their numbers."""

from __future__ import annotations

import re
from enum import StrEnum

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

_NUMBER_RULES: dict[DocumentType, re.Pattern[str]] = {
    # Passports: ICAO 9303 allows up to 9 characters, some states use more; letters and digits only.
    DocumentType.PASSPORT: re.compile(r"^[A-Z0-9]{5,17}$"),
    # 回乡证: H or M then 8 digits (old booklets add 2 more).
    DocumentType.HK_MACAO_PERMIT: re.compile(r"^[HM]\d{8}(\d{2})?$"),
    # 台胞证: 8 digits (card since 2015), older ones 10 characters.
    DocumentType.TAIWAN_PERMIT: re.compile(r"^(\d{8}|[A-Z0-9]{10})$"),
    # 外国人永居证: 15 characters (2004 edition) or 18 starting with 9 (2017 edition).
    DocumentType.FOREIGNER_PERMANENT_RESIDENCE: re.compile(r"^([A-Z]{3}\d{12}|9\d{16}[\dX])$"),
}

_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·.\- ]{0,48}[\u3400-\u9fffA-Za-z.]$|^[\u3400-\u9fff]$")


def normalize_document_number(doc_type: DocumentType, raw: str, *, field: str = "documentNumber") -> str:
    text = (raw or "").strip().upper().replace(" ", "")
    if doc_type is DocumentType.ID_CARD:
        return IdNumber.parse(text, field=field).value
    if len(text) > 32 or not _NUMBER_RULES[doc_type].match(text):
        raise InvalidDocumentNumber(f"{doc_type.label}号码格式有误", field=field)
    return text


def normalize_legal_name(raw: str, *, field: str = "legalName") -> str:
    text = " ".join((raw or "").split())
    if not 1 <= len(text) <= 50 or not _NAME.match(text):
        raise InvalidName(field=field)
    return text


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
