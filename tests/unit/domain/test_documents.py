"""Documents accepted for manual review (§4.2): number rules per type, legal names, masking."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, InvalidDocumentNumber, InvalidIdNumber, InvalidName
from domain.identity.documents import DocumentType, mask_name, normalize_document_number, normalize_legal_name

T = DocumentType


@pytest.mark.parametrize("doc_type, raw, expected", [
    (T.PASSPORT, "e12345678", "E12345678"),
    (T.PASSPORT, " G 1234 5678 ", "G12345678"),
    (T.PASSPORT, "123456789012", "123456789012"),
    (T.HK_MACAO_PERMIT, "H12345678", "H12345678"),
    (T.HK_MACAO_PERMIT, "m1234567801", "M1234567801"),
    (T.TAIWAN_PERMIT, "12345678", "12345678"),
    (T.TAIWAN_PERMIT, "A123456789", "A123456789"),
    (T.FOREIGNER_PERMANENT_RESIDENCE, "usa310012345678", "USA310012345678"),
    (T.FOREIGNER_PERMANENT_RESIDENCE, "93310019900101123x", "93310019900101123X"),
    (T.ID_CARD, "11010519491231002x", "11010519491231002X"),
])
def test_valid_numbers_are_normalised(doc_type: DocumentType, raw: str, expected: str) -> None:
    assert normalize_document_number(doc_type, raw) == expected


@pytest.mark.parametrize("doc_type, raw", [
    (T.PASSPORT, "E123"),                 # too short
    (T.PASSPORT, "E1234567890123456789"),  # too long
    (T.PASSPORT, "E1234-5678"),
    (T.HK_MACAO_PERMIT, "C12345678"),      # must start with H or M
    (T.HK_MACAO_PERMIT, "H1234567"),
    (T.HK_MACAO_PERMIT, "H123456789"),     # 9 digits: neither card nor booklet
    (T.TAIWAN_PERMIT, "1234567"),
    (T.TAIWAN_PERMIT, "123456789"),
    (T.FOREIGNER_PERMANENT_RESIDENCE, "US3100123456789"),
    (T.FOREIGNER_PERMANENT_RESIDENCE, "83310019900101123X"),  # the 2017 edition starts with 9
    (T.PASSPORT, ""),
])
def test_malformed_numbers_are_refused_with_the_document_name(doc_type: DocumentType, raw: str) -> None:
    with pytest.raises(InvalidDocumentNumber) as err:
        normalize_document_number(doc_type, raw)
    assert err.value.code is ErrorCode.INVALID_DOCUMENT_NUMBER
    assert err.value.field == "documentNumber"
    assert doc_type.label in err.value.message


def test_id_cards_in_manual_review_follow_gb_11643() -> None:
    with pytest.raises(InvalidIdNumber) as err:
        normalize_document_number(T.ID_CARD, "110105194912310021")
    assert err.value.field == "documentNumber"


def test_every_document_type_has_a_chinese_label() -> None:
    assert {t.label for t in DocumentType} == {
        "身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"}


@pytest.mark.parametrize("raw, expected", [
    ("张三", "张三"),
    ("  欧阳  娜娜 ", "欧阳 娜娜"),
    ("张", "张"),
    ("阿卜杜·热合曼", "阿卜杜·热合曼"),
    ("CHAN TAI MAN", "CHAN TAI MAN"),
    ("John  O.  Smith", "John O. Smith"),
    ("Jean-Luc Picard", "Jean-Luc Picard"),
])
def test_legal_names(raw: str, expected: str) -> None:
    assert normalize_legal_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "张三1", "·张三", "张三·", "Robert'); DROP", "张" * 51, "😀", "A"])
def test_refused_legal_names(raw: str) -> None:
    with pytest.raises(InvalidName) as err:
        normalize_legal_name(raw)
    assert err.value.code is ErrorCode.INVALID_NAME
    assert err.value.field == "legalName"


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "张"), ("", "")])
def test_mask_name_keeps_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked
