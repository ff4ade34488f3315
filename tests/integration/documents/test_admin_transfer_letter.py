"""The admin transfer letter (管理员变更授权书, §8.4) renders its data as extractable Chinese text, the same bytes
for the same data, with the legal representative's signature box on the page."""

from __future__ import annotations

from datetime import date

from adapters.documents.admin_transfer_letter import (
    AdminTransferLetterData,
    render_admin_transfer_letter_with_boxes,
)
from tests.integration.documents.test_letters import _text

LETTER = AdminTransferLetterData(
    enterprise_name="北京数信科技有限公司", credit_code="91110108MA01ABCD1E", legal_rep_name="张三",
    from_admin_name="王五", to_admin_name="李四", letter_date=date(2026, 3, 8), letter_no="ZS20260308ABCDEF12")


def test_the_letter_names_the_enterprise_both_admins_the_date_and_its_number():
    text = _text(render_admin_transfer_letter_with_boxes(LETTER).pdf)
    for expected in ("管理员变更授权书", "北京数信科技有限公司", "91110108MA01ABCD1E", "法定代表人张三",
                     "原企业管理员王五", "新企业管理员李四", "2026年3月8日", "ZS20260308ABCDEF12", "法定代表人（签章）"):
        assert expected in text, expected


def test_rendering_is_reproducible_so_signing_finds_the_same_box():
    one, two = render_admin_transfer_letter_with_boxes(LETTER), render_admin_transfer_letter_with_boxes(LETTER)
    assert one.pdf == two.pdf and one.legal_rep_seal == two.legal_rep_seal
    other = render_admin_transfer_letter_with_boxes(AdminTransferLetterData(**{**vars(LETTER), "to_admin_name": "赵六"}))
    assert other.pdf != one.pdf
