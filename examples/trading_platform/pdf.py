"""Merging a SIGN result into a PDF (PAdES, interrupted signing with pyhanko):

1. `prepare(pdf)` adds an empty signature field and a /Contents placeholder and returns the SM3 of the
   PDF's /ByteRange: that hash is the document's `sm3Hex` in createScanSession;
2. after CONFIRMED, `finish(prepared, signedDataDer)` writes the returned detached SignedData (its
   messageDigest is that hash) into the placeholder. The PDF is then signed by the holder's certificate."""

from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import algos, cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

SM3_OID = "1.2.156.10197.1.401"
RESERVED = 16 * 1024


def _teach_asn1crypto_sm3() -> None:
    if SM3_OID not in algos.DigestAlgorithmId._map:
        algos.DigestAlgorithmId._map[SM3_OID] = "sm3"
        if algos.DigestAlgorithmId._reverse_map is not None:
            algos.DigestAlgorithmId._reverse_map["sm3"] = SM3_OID


@dataclass
class PreparedPdf:
    digest: bytes
    state: object  # pyhanko's PreparedByteRangeDigest
    output: io.BytesIO

    @property
    def sm3_hex(self) -> str:
        return self.digest.hex()


async def prepare(pdf: bytes, *, field_name: str = "HolderSignature") -> PreparedPdf:
    _teach_asn1crypto_sm3()
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sm3",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    external = signers.ExternalSigner(signing_cert=None, cert_registry=None, signature_value=bytes(72))
    pdf_signer = signers.PdfSigner(meta, signer=external, new_field_spec=fields.SigFieldSpec(field_name))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    prep, _tbs, output = await pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=RESERVED)
    return PreparedPdf(prep.document_digest, prep, output)


async def finish(prepared: PreparedPdf, signed_data_der: bytes) -> bytes:
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    await PdfTBSDocument.async_finish_signing(prepared.output, prepared.state,
                                              signature_cms=cms.ContentInfo.load(signed_data_der))
    return prepared.output.getvalue()
