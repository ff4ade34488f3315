"""GrantLetterDocuments (§8.5) over the PDF renderer and the PAdES signer: CPU-bound work in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asn1crypto import x509

from adapters.documents.fonts import CjkFont
from adapters.documents.grant_letter import GrantLetterData, render_grant_letter_with_boxes
from adapters.documents.letter_signing import sign_in_legal_rep_box
from application.certificates.issue_event_certificate import EventCertificate
from application.crypto.ports import Sm2Backend
from application.enterprises.ports import LetterSignature
from application.grants.ports import GrantLetterContent


def _data(c: GrantLetterContent) -> GrantLetterData:
    return GrantLetterData(enterprise_name=c.enterprise_name, credit_code=c.credit_code,
                           legal_rep_name=c.legal_rep_name, member_name=c.member_name, platform_name=c.platform_name,
                           operations=c.operations, valid_until=c.valid_until, letter_date=c.letter_date,
                           letter_no=c.letter_no, seal_names=c.seal_names)


class PadesGrantLetterDocuments:
    def __init__(self, sm2: Sm2Backend, font: CjkFont | None,
                 chain: Callable[[], Awaitable[list[x509.Certificate]]]) -> None:
        self._sm2, self._font, self._chain = sm2, font, chain

    async def render(self, content: GrantLetterContent) -> bytes:
        rendered = await asyncio.to_thread(render_grant_letter_with_boxes, _data(content), self._font)
        return rendered.pdf

    async def sign(self, pdf: bytes, content: GrantLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        def box():  # the layout is deterministic: re-rendering gives the rendered letter's box
            return render_grant_letter_with_boxes(_data(content), self._font).legal_rep_seal

        return await sign_in_legal_rep_box(pdf, box, signer=signer, signature=signature, sm2=self._sm2,
                                           chain=self._chain, font=self._font, reason="企业证书授权")
