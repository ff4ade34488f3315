"""The service application letter (服务申请授权书, manual §6.3): the enterprise, through its legal representative,
authorises a member to buy and use one enterprise certificate service on one trading platform.

The wording is the template; the data is what the application recorded when it was made. The signature boxes come
back with the PDF so signing can place the legal representative's appearance in theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import ChineseDocument, RenderedLetter, chinese_date

_CHINA = timezone(timedelta(hours=8))
TITLE = "服务申请授权书"


@dataclass(frozen=True)
class ServiceLetterData:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    applicant_name: str
    plan_name: str
    platform_name: str
    letter_date: date
    letter_no: str
    issuer_name: str = "数信签"




def render_service_letter_with_boxes(data: ServiceLetterData, font: CjkFont | None = None) -> RenderedLetter:
    created = datetime(data.letter_date.year, data.letter_date.month, data.letter_date.day, tzinfo=_CHINA)
    doc = ChineseDocument(title=TITLE, created=created, font=font)
    doc.title(TITLE)
    doc.right_aligned(f"编号：{data.letter_no}", size=10)
    doc.paragraph(f"致：{data.issuer_name}电子认证服务平台", indent=False)
    doc.paragraph(
        f"我单位成员{data.applicant_name}申请在{data.platform_name}使用我单位的机构数字证书服务"
        f"（{data.plan_name}）。经我单位同意，{data.applicant_name}可为我单位购买该项服务，"
        f"服务归属我单位，费用由{data.applicant_name}在{data.issuer_name}平台完成支付。")
    doc.paragraph("上述服务在有效期内以我单位名义办理的业务，我单位均予以认可，并承担相应的法律责任。")
    doc.fields([
        ("企业名称", data.enterprise_name),
        ("统一社会信用代码", data.credit_code),
        ("法定代表人", data.legal_rep_name),
        ("申请人", data.applicant_name),
        ("交易平台", data.platform_name),
        ("服务套餐", data.plan_name),
        ("申请日期", chinese_date(data.letter_date)),
    ])
    doc.paragraph("特此授权。")
    enterprise_box, legal_rep_box = doc.signature_block(["企业（盖章）：", "法定代表人（签章）："])
    doc.right_aligned(f"签署日期：{chinese_date(data.letter_date)}")
    return RenderedLetter(doc, enterprise_box, legal_rep_box)
