"""TransferLetterDocuments (§8.4) over the PDF renderer and the PAdES signer: CPU-bound work in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asn1crypto import x509

from adapters.documents.admin_transfer_letter import (
    AdminTransferLetterData,
    render_admin_transfer_letter_with_boxes,
)
from adapters.documents.fonts import CjkFont
from adapters.documents.letter_signing import sign_in_legal_rep_box
from application.certificates.issue_event_certificate import EventCertificate
from application.crypto.ports import Sm2Backend
from application.enterprises.admin_transfer_ports import TransferLetterContent
from application.enterprises.ports import LetterSignature


def _data(content: TransferLetterContent) -> AdminTransferLetterData:
    return AdminTransferLetterData(enterprise_name=content.enterprise_name, credit_code=content.credit_code,
                                   legal_rep_name=content.legal_rep_name, from_admin_name=content.from_admin_name,
                                   to_admin_name=content.to_admin_name, letter_date=content.letter_date,
                                   letter_no=content.letter_no)


class PadesTransferLetterDocuments:
    def __init__(self, sm2: Sm2Backend, font: CjkFont | None,
                 chain: Callable[[], Awaitable[list[x509.Certificate]]]) -> None:
        self._sm2, self._font, self._chain = sm2, font, chain

    async def render(self, content: TransferLetterContent) -> bytes:
        rendered = await asyncio.to_thread(render_admin_transfer_letter_with_boxes, _data(content), self._font)
        return rendered.pdf

    async def sign(self, pdf: bytes, content: TransferLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        def box():  # the layout is deterministic: re-rendering gives the stored letter's box
            return render_admin_transfer_letter_with_boxes(_data(content), self._font).legal_rep_seal

        return await sign_in_legal_rep_box(
            pdf, box, signer=signer, signature=signature, sm2=self._sm2, chain=self._chain, font=self._font, reason="企业管理员变更授权")
