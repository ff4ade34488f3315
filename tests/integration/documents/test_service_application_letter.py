"""The service application letter (服务申请授权书, §6.3) renders its data as extractable Chinese text, the same bytes
for the same data, and PadesServiceLetterDocuments signs it in the legal representative's box with a PAdES SM2
signature that validates under our root."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from adapters.documents.pades.validation import async_validate_pdf
from adapters.documents.service_application_letter import ServiceLetterData, render_service_letter_with_boxes
from adapters.documents.service_application_letters import PadesServiceLetterDocuments
from application.enterprises.ports import LetterSignature
from application.enterprises.service_application_ports import ServiceLetterContent
from tests.integration.documents.test_letters import _text

CONTENT = ServiceLetterContent(
    enterprise_name="北京数信科技有限公司", credit_code="91110108MA01ABCD1E", legal_rep_name="张三",
    applicant_name="李四", plan_name="企业标准版", platform_name="北京市公共资源交易平台", letter_date=date(2026, 3, 8),
    letter_no="FW20260308ABCDEF12")
LETTER = ServiceLetterData(**vars(CONTENT))


def test_the_letter_names_the_enterprise_the_applicant_the_plan_and_the_platform():
    text = _text(render_service_letter_with_boxes(LETTER).pdf)
    for expected in ("服务申请授权书", "北京数信科技有限公司", "91110108MA01ABCD1E", "法定代表人张三", "申请人李四",
                     "交易平台北京市公共资源交易平台", "服务套餐企业标准版", "2026年3月8日", "FW20260308ABCDEF12",
                     "法定代表人（签章）"):
        assert expected in text, expected


def test_rendering_is_reproducible_so_signing_finds_the_same_box():
    one, two = render_service_letter_with_boxes(LETTER), render_service_letter_with_boxes(LETTER)
    assert one.pdf == two.pdf and one.legal_rep_seal == two.legal_rep_seal
    assert render_service_letter_with_boxes(ServiceLetterData(**{**vars(LETTER), "plan_name": "企业高级版"})).pdf \
        != one.pdf


async def test_the_legal_rep_s_signature_is_valid_and_trusted(pki):
    async def chain():
        return [pki.issuing.cert]

    documents = PadesServiceLetterDocuments(pki.backend, None, chain)
    pdf = await documents.render(CONTENT)
    event = SimpleNamespace(certificate=SimpleNamespace(der=pki.event.cert.dump()), private_key=pki.event.key)
    signed = await documents.sign(pdf, CONTENT, event, LetterSignature(None, ("法定代表人：张三",)))
    (report,) = await async_validate_pdf(signed, [pki.root.cert], pki.backend)
    assert (report.intact, report.valid, report.trusted, report.covers_whole_file) == (True, True, True, True)
    assert signed.startswith(pdf[:8]) and len(signed) > len(pdf)
