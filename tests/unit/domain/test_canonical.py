"""One canonical spelling per identifier and name (domain/canonical.py and the value objects that use it).

The attack: Python's `\\d`, `str.isdigit()` and `int()` accept any Unicode digit, so "１１０１…" (full-width) or
"١١٠١…" (Arabic-Indic) would pass as an ID number or phone, be stored as typed and be a different key from the ASCII
spelling. Compatibility forms fold to ASCII; digits NFKC keeps are refused; names refuse what a reader cannot see."""

from __future__ import annotations

import pytest

from domain import canonical
from domain.accounts.phone import PhoneNumber
from domain.commerce.catalogue import InvalidPlatformCode, check_platform_code
from domain.commerce.invoice import Invoice, InvoiceTitleType, InvoiceType
from domain.enterprises.credit_code import CreditCode, InvalidCreditCode
from domain.errors import ErrorCode, InvalidDocumentNumber, InvalidIdNumber, InvalidName, InvalidPhone
from domain.identity.documents import DocumentType, normalize_document_number, normalize_legal_name
from domain.identity.id_number import IdNumber

ID = "11010519491231002X"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def test_nfkc_folds_compatibility_forms_and_trims() -> None:
    assert canonical.nfkc("  １２３ ") == "123"
    assert canonical.nfkc("¹²³") == "123"
    assert canonical.nfkc("①") == "1"
    assert canonical.nfkc(None) == ""
    assert canonical.identifier("ａｂ－１ ２", upper=True, drop=" -") == "AB12"


@pytest.mark.parametrize("text, ok", [
    ("0123456789", True), ("", False), ("１２３", False), ("١٢٣", False), ("²", False), ("12a", False),
    ("12\n", False), ("一二三", False),
])
def test_ascii_digits_are_the_ten_ascii_digits_only(text, ok) -> None:
    assert canonical.is_ascii_digits(text) is ok


def test_str_isdigit_would_have_accepted_them() -> None:
    # Why the helper exists: these all pass the methods the code used before.
    assert "١٢٣".isdigit() and "²".isdigit() and "１２３".isdecimal() and int("١٢٣") == 123


@pytest.mark.parametrize("spelling", [FULL_WIDTH, SUPERSCRIPT])
def test_compatibility_digits_of_an_id_number_fold_to_the_same_number(spelling) -> None:
    assert IdNumber.parse(ID.translate(spelling)).value == ID
    assert IdNumber.parse(ID[:5] + ID[5:].translate(spelling)).value == ID
    assert normalize_document_number(DocumentType.ID_CARD, ID.translate(spelling)) == ID


@pytest.mark.parametrize("spelling", [ARABIC_INDIC, EXTENDED_ARABIC_INDIC, DEVANAGARI])
def test_digits_nfkc_keeps_are_refused_in_id_numbers(spelling) -> None:
    for raw in (ID.translate(spelling), ID[:-2] + ID[-2:].translate(spelling)):
        with pytest.raises(InvalidIdNumber) as err:
            IdNumber.parse(raw)
        assert err.value.code is ErrorCode.INVALID_ID_NUMBER and err.value.field == "idNumber"
        assert "18位" in err.value.message


@pytest.mark.parametrize("raw", [ID.translate(ARABIC_INDIC), ID.translate(FULL_WIDTH), ID + "\n", "\u200b" + ID])
def test_the_value_object_refuses_any_non_canonical_spelling(raw) -> None:
    with pytest.raises(InvalidIdNumber):
        IdNumber(raw)


@pytest.mark.parametrize("raw", ["1١800138000", "13800138\u200b000", "13800138000\u200f", "1380013800۰"])
def test_phones_with_digits_nfkc_keeps_are_refused(raw) -> None:
    with pytest.raises(InvalidPhone):
        PhoneNumber.parse(raw)


@pytest.mark.parametrize("spelling", [FULL_WIDTH, SUPERSCRIPT])
def test_compatibility_digits_of_a_phone_fold_to_the_same_number(spelling) -> None:
    assert PhoneNumber.parse("13800138000".translate(spelling)).value == "13800138000"


def test_document_numbers_fold_and_refuse() -> None:
    assert normalize_document_number(DocumentType.PASSPORT, "ｅ１２３４５６７８") == "E12345678"
    assert normalize_document_number(DocumentType.HK_MACAO_PERMIT, "Ｈ１２３４５６７８") == "H12345678"
    assert normalize_document_number(DocumentType.TAIWAN_PERMIT, "１２３４５６７８") == "12345678"
    for doc_type, raw in [(DocumentType.HK_MACAO_PERMIT, "H١٢٣٤٥٦٧٨"), (DocumentType.TAIWAN_PERMIT, "1234567٨"),
                          (DocumentType.FOREIGNER_PERMANENT_RESIDENCE, "ABC١23456789012"),
                          (DocumentType.PASSPORT, "E1234\u200b5678"), (DocumentType.PASSPORT, "É12345678"),
                          (DocumentType.PASSPORT, "E1234567ß"), (DocumentType.PASSPORT, "E12ı45678")]:
        with pytest.raises(InvalidDocumentNumber):
            normalize_document_number(doc_type, raw)


def test_credit_codes_and_tax_numbers_fold_and_refuse() -> None:
    code = "91110108MA01ABCD1E"
    full = code.translate(str.maketrans({c: chr(ord(c) + 0xFEE0) for c in code}))
    assert CreditCode.parse(full).value == code
    assert CreditCode.parse(code.lower()).value == code
    with pytest.raises(InvalidCreditCode):
        CreditCode.parse(code[:2] + "١" + code[3:])
    with pytest.raises(InvalidCreditCode):
        CreditCode(full)


def test_platform_codes_fold_and_refuse() -> None:
    assert check_platform_code("ＧＧＺＹＪＹ４４００１") == "GGZYJY44001"
    with pytest.raises(InvalidPlatformCode):
        check_platform_code("GGZYJY4400١")


@pytest.mark.parametrize("raw", [
    "张\u200b三",       # zero-width space
    "张\u200d三",       # zero-width joiner
    "\u202e张三",       # right-to-left override
    "张三\u2066",       # left-to-right isolate
    "\ufeff张三",       # byte order mark
    "张\ue000三",       # private use
    "张\u0007三",       # control
    "张\u2028三",       # line separator
    "张\u2029三",       # paragraph separator
    "张\U000f0000三",   # supplementary private use
    "张\u0378三",       # unassigned
])
def test_names_with_hidden_characters_are_refused(raw) -> None:
    with pytest.raises(InvalidName) as err:
        normalize_legal_name(raw)
    assert err.value.code is ErrorCode.INVALID_NAME and err.value.field == "legalName"
    assert "零宽" in err.value.message
    assert not canonical.is_canonical_name(raw)


def test_names_are_nfkc_with_one_space() -> None:
    assert normalize_legal_name("ＪＯＨＮ　ＳＭＩＴＨ") == "JOHN SMITH"
    assert normalize_legal_name(" 张  三 ") == "张 三"
    assert canonical.is_canonical_name("张三") and not canonical.is_canonical_name("ＪＯＨＮ")


def test_enterprise_names_take_the_registry_brackets() -> None:
    assert canonical.enterprise_name("北京数信(海淀)有限公司", field="name") == "北京数信（海淀）有限公司"
    assert canonical.enterprise_name("北京数信（海淀）有限公司", field="name") == "北京数信（海淀）有限公司"
    assert canonical.is_canonical_enterprise_name("北京数信（海淀）有限公司")
    assert not canonical.is_canonical_enterprise_name("北京数信(海淀)有限公司")
    with pytest.raises(canonical.HiddenCharacters) as err:
        canonical.enterprise_name("北京\u202e数信", field="name")
    assert err.value.field == "name"


def test_invoice_titles_and_tax_numbers_are_canonical() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    invoice = Invoice.request(order_id=uuid4(), account_id=uuid4(), amount_fen=100,
                              invoice_type=InvoiceType.NORMAL, title_type=InvoiceTitleType.COMPANY,
                              title="北京数信(海淀)有限公司", tax_number="９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ",
                              email="a@example.com", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert (invoice.title, invoice.tax_number) == ("北京数信（海淀）有限公司", "91110108MA01ABCD1E")


def test_anchored_patterns_do_not_let_a_trailing_newline_through() -> None:
    # `$` matches before a final "\n"; every pattern is applied with fullmatch instead.
    from domain.accounts.password import check_password_policy
    from domain.errors import InvalidInput, WeakPassword
    from domain.operators.operator import check_username
    from domain.scans.session import check_envelope_ids

    with pytest.raises(WeakPassword):
        check_password_policy("Passw0rdX\n")
    with pytest.raises(InvalidInput):
        check_envelope_ids(["env-1", "env\u00b2"])
    assert check_username(" ａｌｉｃｅ ") == "alice"
    with pytest.raises(InvalidInput):
        check_username("alic\u0435")  # a Cyrillic е
