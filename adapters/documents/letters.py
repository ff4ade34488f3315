"""LetterDocuments over the PDF renderer and the PAdES signer: CPU-bound work runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asn1crypto import x509

from adapters.documents.authorization_letter import (
    AuthorizationLetterData,
    render_authorization_letter_with_boxes,
)
from adapters.documents.fonts import CjkFont
from adapters.documents.letter_signing import sign_in_legal_rep_box
from application.certificates.issue_event_certificate import EventCertificate
from application.crypto.ports import Sm2Backend
from application.enterprises.ports import LetterContent, LetterSignature


def _data(content: LetterContent) -> AuthorizationLetterData:
    return AuthorizationLetterData(enterprise_name=content.enterprise_name, credit_code=content.credit_code,
                                   legal_rep_name=content.legal_rep_name, applicant_name=content.applicant_name,
                                   letter_date=content.letter_date, letter_no=content.letter_no)


class PadesLetterDocuments:
    def __init__(self, sm2: Sm2Backend, font: CjkFont | None,
                 chain: Callable[[], Awaitable[list[x509.Certificate]]]) -> None:
        self._sm2, self._font, self._chain = sm2, font, chain

    async def render(self, content: LetterContent) -> bytes:
        rendered = await asyncio.to_thread(render_authorization_letter_with_boxes, _data(content), self._font)
        return rendered.pdf

    async def sign(self, pdf: bytes, content: LetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        def box():  # the layout is deterministic: re-rendering gives the stored letter's box
            return render_authorization_letter_with_boxes(_data(content), self._font).legal_rep_seal

        return await sign_in_legal_rep_box(
            pdf, box, signer=signer, signature=signature, sm2=self._sm2, chain=self._chain, font=self._font, reason="企业认证授权")
