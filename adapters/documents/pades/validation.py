"""Validates every signature in a PDF with pyhanko against trust anchors we choose, SM2 included.

No network: revocation is soft-fail without fetching, so a verdict depends only on the file and the
anchors given (our CRL/OCSP are consulted by the CA's own status checks, not here)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

from adapters.ca.oids import register_sm_oids
from adapters.documents.pades.validator import Sm2SignatureValidator
from application.crypto.ports import Sm2Backend

register_sm_oids()

# A document signature needs a key meant for signing; either bit will do (GB/T 20518 sets both).
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass(frozen=True)
class PdfSignatureReport:
    field_name: str
    intact: bool  # the signed byte ranges hash to the digest the signer signed
    valid: bool  # the signature over that digest verifies under the signer's key
    trusted: bool  # the signer's certificate chains to one of the trust anchors
    signer_subject: str | None
    covers_whole_file: bool  # nothing was appended after this signature
    summary: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


def _context(trust_roots: list[x509.Certificate], other_certs: list[x509.Certificate],
             backend: Sm2Backend, moment: datetime | None) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        signature_validator=Sm2SignatureValidator(backend),
        # pyhanko's default policy, which lets SM3 and SM2-with-SM3 through and still refuses MD5 or SHA-1.
        algorithm_usage_policy=DisallowWeakAlgorithmsPolicy(),
    )


async def async_validate_pdf(pdf: bytes, trust_roots: Iterable[x509.Certificate], backend: Sm2Backend, *,
                             other_certs: Iterable[x509.Certificate] = (), moment: datetime | None = None,
                             ) -> list[PdfSignatureReport]:
    roots, extra = list(trust_roots), list(other_certs)
    if not roots:
        # With no anchors pyhanko would fall back to the operating system's list, which is not ours.
        raise ValueError("validating a signature needs at least one trust anchor")
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reports = []
    for sig in reader.embedded_signatures:
        # A fresh context per signature: it caches paths and revocation state as it goes.
        context = _context(roots, extra, backend, moment)
        try:
            status = await async_validate_pdf_signature(sig, context, key_usage_settings=_KEY_USAGE)
        except SignatureValidationError as exc:
            # Structural failures (wrong content type, unreadable CMS) are a broken, not a valid, signature.
            reports.append(PdfSignatureReport(sig.field_name, False, False, False, None, False, str(exc)))
            continue
        subject = status.signing_cert.subject.human_friendly if status.signing_cert is not None else None
        reports.append(PdfSignatureReport(
            field_name=sig.field_name,
            intact=bool(status.intact),
            valid=bool(status.valid),
            trusted=bool(status.trusted),
            signer_subject=subject,
            covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
            summary=status.summary(),
        ))
    return reports


def validate_pdf(pdf: bytes, trust_roots: Iterable[x509.Certificate], backend: Sm2Backend, **options,
                 ) -> list[PdfSignatureReport]:
    return asyncio.run(async_validate_pdf(pdf, trust_roots, backend, **options))
