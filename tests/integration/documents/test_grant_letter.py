"""The grant letter (企业证书授权书, §8.5) renders its data as extractable Chinese text, the same bytes for the same
data, with the legal representative's signature box on the page."""

from __future__ import annotations

from datetime import date

from adapters.documents.grant_letter import GrantLetterData, render_grant_letter_with_boxes
from tests.integration.documents.test_letters import _text

LETTER = GrantLetterData(
    enterprise_name="北京数信科技有限公司", credit_code="91110108MA01ABCD1E", legal_rep_name="张三",
    member_name="李四", platform_name="北京市公共资源交易平台", operations=("扫码登录", "扫码签章"),
    valid_until=date(2026, 12, 31), letter_date=date(2026, 3, 8), letter_no="SQ20260308ABCDEF12")


def test_the_letter_names_the_enterprise_the_member_the_platform_the_services_and_the_validity():
    text = _text(render_grant_letter_with_boxes(LETTER).pdf)
    for expected in ("企业证书授权书", "北京数信科技有限公司", "91110108MA01ABCD1E", "法定代表人张三", "被授权人李四",
                     "北京市公共资源交易平台", "扫码登录、扫码签章", "2026年12月31日", "SQ20260308ABCDEF12",
                     "法定代表人（签章）"):
        assert expected in text.replace(" ", ""), expected


def test_rendering_is_reproducible_so_signing_finds_the_same_box():
    one, two = render_grant_letter_with_boxes(LETTER), render_grant_letter_with_boxes(LETTER)
    assert one.pdf == two.pdf and one.legal_rep_seal == two.legal_rep_seal
    other = render_grant_letter_with_boxes(GrantLetterData(**{**vars(LETTER), "operations": ("扫码解密",)}))
    assert other.pdf != one.pdf
