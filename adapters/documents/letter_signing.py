"""Signing a rendered letter in the legal rep's box with an event certificate (PAdES, SM2), shared by every letter
the legal rep signs (the authorisation letter of §5.1.1, the admin transfer letter of §8.4, later ones)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asn1crypto import x509

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import SignatureBox
from adapters.documents.pades import SignatureAppearance, Sm2PdfSigner, sign_pdf
from application.certificates.issue_event_certificate import EventCertificate
from application.crypto.ports import Sm2Backend
from application.enterprises.ports import LetterSignature

Chain = Callable[[], Awaitable[list[x509.Certificate]]]


async def sign_in_legal_rep_box(pdf: bytes, legal_rep_box: Callable[[], SignatureBox], *, signer: EventCertificate,
                                signature: LetterSignature, sm2: Sm2Backend, chain: Chain, font: CjkFont | None,
                                reason: str) -> bytes:
    """`legal_rep_box` re-renders the letter's layout (deterministic for the same content) to find the box of the
    stored PDF; both it and the signing are CPU-bound and run in a worker thread."""
    assert signer.certificate.der is not None
    cert = x509.Certificate.load(signer.certificate.der)
    pdf_signer = Sm2PdfSigner(signer.private_key, cert, sm2, chain=await chain())

    def work() -> bytes:
        return sign_pdf(pdf, pdf_signer, field_name="LegalRepSignature", placement=legal_rep_box(),
                        appearance=SignatureAppearance(lines=signature.lines, seal_png=signature.image_png),
                        reason=reason, font=font)
    return await asyncio.to_thread(work)
