"""ServiceLetterDocuments (§6.3) over the PDF renderer and the PAdES signer: CPU-bound work in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asn1crypto import x509

from adapters.documents.fonts import CjkFont
from adapters.documents.letter_signing import sign_in_legal_rep_box
from adapters.documents.service_application_letter import ServiceLetterData, render_service_letter_with_boxes
from application.certificates.issue_event_certificate import EventCertificate
from application.crypto.ports import Sm2Backend
from application.enterprises.ports import LetterSignature
from application.enterprises.service_application_ports import ServiceLetterContent


def _data(c: ServiceLetterContent) -> ServiceLetterData:
    return ServiceLetterData(enterprise_name=c.enterprise_name, credit_code=c.credit_code,
                             legal_rep_name=c.legal_rep_name, applicant_name=c.applicant_name,
                             plan_name=c.plan_name, platform_name=c.platform_name, letter_date=c.letter_date,
                             letter_no=c.letter_no)


class PadesServiceLetterDocuments:
    def __init__(self, sm2: Sm2Backend, font: CjkFont | None,
                 chain: Callable[[], Awaitable[list[x509.Certificate]]]) -> None:
        self._sm2, self._font, self._chain = sm2, font, chain

    async def render(self, content: ServiceLetterContent) -> bytes:
        rendered = await asyncio.to_thread(render_service_letter_with_boxes, _data(content), self._font)
        return rendered.pdf

    async def sign(self, pdf: bytes, content: ServiceLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        def box():  # the layout is deterministic: re-rendering gives the stored letter's box
            return render_service_letter_with_boxes(_data(content), self._font).legal_rep_seal

        return await sign_in_legal_rep_box(pdf, box, signer=signer, signature=signature, sm2=self._sm2,
                                           chain=self._chain, font=self._font, reason="企业证书服务申请授权")
