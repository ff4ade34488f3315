"""PAdES signatures with SM2: pyhanko signs and validates, our SM2 backend does the cryptography."""

from adapters.documents.pades.appearance import SignatureAppearance, render_appearance
from adapters.documents.pades.signer import Sm2PdfSigner
from adapters.documents.pades.signing import SignaturePlacement, async_sign_pdf, sign_pdf
from adapters.documents.pades.validation import (
    PdfSignatureReport,
    async_validate_pdf,
    validate_pdf,
)
from adapters.documents.pades.validator import Sm2SignatureValidator

__all__ = [
    "PdfSignatureReport", "SignatureAppearance", "SignaturePlacement", "Sm2PdfSigner",
    "Sm2SignatureValidator", "async_sign_pdf", "async_validate_pdf", "render_appearance", "sign_pdf",
    "validate_pdf",
]
