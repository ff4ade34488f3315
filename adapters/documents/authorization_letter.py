"""The enterprise authorisation letter (企业认证授权书): the enterprise names the person who applies for it.

The wording is the template; the data comes from the enterprise record. Signature boxes are returned with
the PDF so the signing step can put the enterprise seal and the legal representative's seal in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import ChineseDocument, RenderedLetter, chinese_date

_CHINA = timezone(timedelta(hours=8))
TITLE = "企业认证授权书"


@dataclass(frozen=True)
class AuthorizationLetterData:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    applicant_name: str
    letter_date: date
    applicant_id_number: str | None = None  # shown as given: the caller decides whether to mask it
    platform_name: str = "数信签"
    letter_no: str | None = None




def render_authorization_letter_with_boxes(data: AuthorizationLetterData,
                                           font: CjkFont | None = None) -> RenderedLetter:
    created = datetime(data.letter_date.year, data.letter_date.month, data.letter_date.day, tzinfo=_CHINA)
    doc = ChineseDocument(title=TITLE, created=created, font=font)
    doc.title(TITLE)
    if data.letter_no:
        doc.right_aligned(f"编号：{data.letter_no}", size=10)
    doc.paragraph(f"致：{data.platform_name}电子认证服务平台", indent=False)
    applicant = data.applicant_name
    if data.applicant_id_number:
        applicant += f"（身份证号码：{data.applicant_id_number}）"
    doc.paragraph(
        f"兹授权{applicant}作为我单位经办人，代表我单位在{data.platform_name}平台办理企业实名认证、"
        f"数字证书申请与领取、电子印章制作等相关事宜。经办人在办理上述事宜过程中所签署的文件和提交的资料，"
        f"我单位均予以认可，并承担相应的法律责任。")
    doc.paragraph("授权期限：自本授权书签署之日起至上述事宜办理完毕之日止。经办人无转委托权。")
    doc.fields([
        ("企业名称", data.enterprise_name),
        ("统一社会信用代码", data.credit_code),
        ("法定代表人", data.legal_rep_name),
        ("被授权经办人", data.applicant_name),
        ("授权日期", chinese_date(data.letter_date)),
    ])
    doc.paragraph("特此授权。")
    enterprise_box, legal_rep_box = doc.signature_block(["企业（盖章）：", "法定代表人（签章）："])
    doc.right_aligned(f"签署日期：{chinese_date(data.letter_date)}")
    return RenderedLetter(doc, enterprise_box, legal_rep_box)


def render_authorization_letter(data: AuthorizationLetterData, font: CjkFont | None = None) -> bytes:
    return render_authorization_letter_with_boxes(data, font).pdf
