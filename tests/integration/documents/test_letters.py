"""The authorisation letter renders to a PDF whose Chinese text is really there: extractable, in an
embedded CJK font, reproducible byte for byte; and a missing or non-Chinese font stops start-up."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from adapters.documents import (
    AuthorizationLetterData,
    MissingCjkFontError,
    render_authorization_letter,
    render_authorization_letter_with_boxes,
    resolve_font,
)

LETTER = AuthorizationLetterData(
    enterprise_name="北京数信科技有限公司",
    credit_code="91110108MA01ABCD2X",
    legal_rep_name="王建国",
    applicant_name="李小明",
    letter_date=date(2025, 3, 8),
    letter_no="SQ-2025-0001",
)


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # pypdf reads fpdf2's two-byte CID codes through the ToUnicode map one byte at a time, so a NUL
    # (the map's entry for code 0) lands between the characters; poppler reads the same file cleanly.
    return re.sub(r"[\s\x00]+", "", raw)


def test_letter_carries_the_enterprise_data_in_chinese():
    text = _text(render_authorization_letter(LETTER))
    for expected in ("企业认证授权书", "北京数信科技有限公司", "91110108MA01ABCD2X", "法定代表人王建国",
                     "被授权经办人李小明", "2025年3月8日", "企业（盖章）", "法定代表人（签章）"):
        assert expected in text


def test_the_cjk_font_is_embedded_not_referenced():
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(render_authorization_letter(LETTER)))
    fonts = reader.root["/Pages"]["/Kids"][0]["/Resources"]["/Font"]
    (font,) = [f.get_object() for f in fonts.values()]
    assert font["/Subtype"] == "/Type0"  # CID-keyed: Chinese needs more than 256 glyphs
    descendant = font["/DescendantFonts"][0].get_object()
    assert "NotoSansCJK" in str(descendant["/BaseFont"])
    descriptor = descendant["/FontDescriptor"]
    assert any(k in descriptor for k in ("/FontFile2", "/FontFile3"))  # the glyphs travel with the file
    assert "/ToUnicode" in font  # and stay searchable


def test_same_letter_same_bytes_and_a_different_letter_differs():
    first = render_authorization_letter(LETTER)
    assert render_authorization_letter(LETTER) == first
    other = AuthorizationLetterData(**{**LETTER.__dict__, "applicant_name": "赵六"})
    assert render_authorization_letter(other) != first


def test_signature_boxes_sit_on_the_page_side_by_side():
    rendered = render_authorization_letter_with_boxes(LETTER)
    a, b = rendered.enterprise_seal, rendered.legal_rep_seal
    assert a.page == b.page == 0
    for x1, y1, x2, y2 in (a.box, b.box):
        assert 0 < x1 < x2 < 595 and 0 < y1 < y2 < 842
        assert x2 - x1 == y2 - y1 >= 90  # room for a 40 mm seal
    assert a.box[2] <= b.box[0]


def test_a_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(MissingCjkFontError, match="not found"):
        resolve_font(str(tmp_path / "nowhere.ttc"))
    garbage = tmp_path / "garbage.ttf"
    garbage.write_bytes(b"not a font at all" * 10)
    with pytest.raises(MissingCjkFontError, match="cannot be read"):
        resolve_font(str(garbage))


def test_a_font_without_chinese_glyphs_is_refused_rather_than_printing_tofu(tmp_path):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    bundled = resolve_font()
    latin = TTFont(str(bundled.path), fontNumber=bundled.index)
    subsetter = subset.Subsetter()
    subsetter.populate(text="ABCabc0123")
    subsetter.subset(latin)
    path = tmp_path / "latin-only.otf"
    latin.save(str(path))
    with pytest.raises(MissingCjkFontError, match="no glyphs"):
        resolve_font(str(path))


def test_font_spec_selects_a_face_of_a_collection():
    bundled = resolve_font()
    assert resolve_font(f"{bundled.path}#{bundled.index}") == bundled
