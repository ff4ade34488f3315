"""pyhanko's `Signer` for SM2 keys: SM3 message digest, SM2-with-SM3 (1.2.156.10197.1.501) over the DER of
the signed attributes, signer ID 1234567812345678 — the CMS shape of GM/T 0010 that OpenSSL 3 also writes."""

from __future__ import annotations

from collections.abc import Iterable

from asn1crypto import algos, core, x509
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import SigningError, as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from adapters.ca.oids import DIGEST_NAME, SIGNATURE_NAME, register_sm_oids
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend

register_sm_oids()

# DER SEQUENCE{r, s} of two 256-bit integers is at most 72 bytes (both with a leading zero byte).
_MAX_SIGNATURE_LEN = 72


class _FixedAttribute(CMSAttributeProvider):
    """An attribute whose value never changes, kept as DER and parsed afresh for each signature, so that
    no signature sees what asn1crypto cached or flagged while encoding another."""

    def __init__(self, attribute_type: str, value: core.Asn1Value) -> None:
        self.attribute_type = attribute_type
        self._spec = type(value)
        self._der = value.dump()

    async def build_attr_value(self, dry_run: bool = False):
        return self._spec.load(self._der)


class Sm2PdfSigner(Signer):
    def __init__(self, private_key: bytes, signing_cert: x509.Certificate, backend: Sm2Backend, *,
                 chain: Iterable[x509.Certificate] = (), embed_roots: bool = False) -> None:
        # Roots are the verifier's to choose; embedding ours would only add bytes to every signature.
        super().__init__(
            signing_cert=signing_cert,
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": SIGNATURE_NAME}),
            cert_registry=SimpleCertificateStore.from_certs(list(chain)),
            embed_roots=embed_roots,
        )
        self._private_key = private_key
        self._public_key = bytes(signing_cert.public_key["public_key"].native)
        if backend.public_key(private_key) != self._public_key:
            raise SigningError("the private key does not belong to the signing certificate")
        self._backend = backend
        # The certificate digest in signing-certificate-v2 is SM3, like every other digest here. It also keeps
        # signing fast: with pyhanko's SHA-256 (the field's DEFAULT, so absent from the DER) asn1crypto
        # materialises the default during some dumps, flags it changed and from then on re-encodes the whole
        # CMS on every dump: 3 ms or 13 ms a signature depending on the certificate, before this.
        self._signing_certificate_v2 = _FixedAttribute("signing_certificate_v2",
                                                       as_signing_certificate_v2(signing_cert, DIGEST_NAME))

    def _signed_attr_providers(self, *args, **kwargs):
        # Swaps pyhanko's signing-certificate-v2 provider (always SHA-256) for ours. This hooks a pyhanko
        # internal; a test pins the SM3 digest, so a rename upstream shows up as a failure, not a slowdown.
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, SigningCertificateV2Provider):
                yield self._signing_certificate_v2
            else:
                yield provider

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm != DIGEST_NAME:
            # SM2 hashes Z || M with SM3 itself; any other message digest would be a mismatched pair.
            raise SigningError(f"SM2 signatures use SM3, not {digest_algorithm}")
        if dry_run:
            return bytes(_MAX_SIGNATURE_LEN)
        return self._backend.sign(self._private_key, data, signer_id=DEFAULT_SIGNER_ID,
                                  public_key=self._public_key)
