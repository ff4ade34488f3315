"""The grant letter (企业证书授权书, manual §8.5): the enterprise, through its legal representative, authorises one
member to use its organisation certificate on one trading platform for the listed services until a date.

The signature boxes come back with the PDF so signing can place the legal representative's appearance in theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import ChineseDocument, RenderedLetter, chinese_date
from domain.clock import CHINA_TZ

TITLE = "企业证书授权书"


@dataclass(frozen=True)
class GrantLetterData:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    member_name: str
    platform_name: str
    operations: tuple[str, ...]
    valid_until: date
    letter_date: date
    letter_no: str
    seal_names: tuple[str, ...] = ()
    service_name: str = "数信签"




def render_grant_letter_with_boxes(data: GrantLetterData, font: CjkFont | None = None) -> RenderedLetter:
    created = datetime(data.letter_date.year, data.letter_date.month, data.letter_date.day, tzinfo=CHINA_TZ)
    doc = ChineseDocument(title=TITLE, created=created, font=font)
    doc.title(TITLE)
    doc.right_aligned(f"编号：{data.letter_no}", size=10)
    doc.paragraph(f"致：{data.service_name}电子认证服务平台", indent=False)
    services = "、".join(data.operations)
    doc.paragraph(
        f"现授权我单位员工{data.member_name}，自本授权书签署之日起至{chinese_date(data.valid_until)}止，"
        f"在{data.platform_name}使用我单位的机构数字证书办理{services}业务。")
    doc.paragraph("被授权人在授权范围内使用我单位机构证书所办理的业务，我单位均予以认可，并承担相应的法律责任。"
                  "授权期间如被授权人离开我单位或本授权被撤销，授权自动终止。")
    rows = [
        ("企业名称", data.enterprise_name),
        ("统一社会信用代码", data.credit_code),
        ("法定代表人", data.legal_rep_name),
        ("被授权人", data.member_name),
        ("交易平台", data.platform_name),
        ("授权服务", services),
        ("授权有效期至", chinese_date(data.valid_until)),
    ]
    if data.seal_names:  # a grant naming seals signs with those alone, and ends when one is revoked
        rows.insert(6, ("授权印章", "、".join(data.seal_names)))
    doc.fields(rows)
    doc.paragraph("特此授权。")
    enterprise_box, legal_rep_box = doc.signature_block(["企业（盖章）：", "法定代表人（签章）："])
    doc.right_aligned(f"出具日期：{chinese_date(data.letter_date)}")  # drawn up when the grant is made
    return RenderedLetter(doc, enterprise_box, legal_rep_box)
