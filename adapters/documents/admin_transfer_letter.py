"""The admin transfer letter (管理员变更授权书, manual §8.4): the enterprise, through its legal representative,
authorises moving the enterprise admin from one member to another.

The wording is the template; the data is what the transfer recorded when it was requested. The signature boxes
come back with the PDF so signing can place the legal representative's appearance in theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import ChineseDocument, RenderedLetter, chinese_date

_CHINA = timezone(timedelta(hours=8))
TITLE = "管理员变更授权书"


@dataclass(frozen=True)
class AdminTransferLetterData:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    from_admin_name: str
    to_admin_name: str
    letter_date: date
    letter_no: str
    platform_name: str = "数信签"




def render_admin_transfer_letter_with_boxes(data: AdminTransferLetterData,
                                            font: CjkFont | None = None) -> RenderedLetter:
    created = datetime(data.letter_date.year, data.letter_date.month, data.letter_date.day, tzinfo=_CHINA)
    doc = ChineseDocument(title=TITLE, created=created, font=font)
    doc.title(TITLE)
    doc.right_aligned(f"编号：{data.letter_no}", size=10)
    doc.paragraph(f"致：{data.platform_name}电子认证服务平台", indent=False)
    doc.paragraph(
        f"我单位原在{data.platform_name}平台的企业管理员为{data.from_admin_name}。现经我单位同意，"
        f"将企业管理员变更为{data.to_admin_name}。自本授权书签署之日起，{data.to_admin_name}作为我单位企业管理员，"
        f"代表我单位在{data.platform_name}平台管理企业成员、电子印章、数字证书及证书授权等相关事宜；"
        f"{data.from_admin_name}不再担任我单位企业管理员。")
    doc.paragraph("企业管理员在办理上述事宜过程中所签署的文件和提交的资料，我单位均予以认可，并承担相应的法律责任。")
    doc.fields([
        ("企业名称", data.enterprise_name),
        ("统一社会信用代码", data.credit_code),
        ("法定代表人", data.legal_rep_name),
        ("原企业管理员", data.from_admin_name),
        ("新企业管理员", data.to_admin_name),
        ("申请日期", chinese_date(data.letter_date)),
    ])
    doc.paragraph("特此授权。")
    enterprise_box, legal_rep_box = doc.signature_block(["企业（盖章）：", "法定代表人（签章）："])
    doc.right_aligned(f"签署日期：{chinese_date(data.letter_date)}")
    return RenderedLetter(doc, enterprise_box, legal_rep_box)
