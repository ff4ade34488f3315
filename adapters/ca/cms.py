"""GB/T 35275 / RFC 5652 detached SignedData over SM2/SM3 (the DocumentSignatures port of the scan services),
and the GM/T 0009 ciphertext shape check. The signed attributes and the SignedData are two steps, since a
person's signature over the attributes is co-signed on the phone (SPEC §C).

SignedData: version 1, digestAlgorithms {SM3}, encapContentInfo {id-data, no content}, the signing certificate,
one SignerInfo (issuerAndSerialNumber, SM3, signed attributes contentType = id-data, messageDigest = the
document's SM3 hash, signingTime; signatureAlgorithm SM2-with-SM3; signature with signer ID
1234567812345678 over the DER of the signed attributes as a SET)."""

from __future__ import annotations

from datetime import datetime

from asn1crypto import cms, x509

from adapters.ca.oids import DIGEST_NAME, SIGNATURE_NAME, register_sm_oids
from adapters.crypto.sm2.der import INTEGER, OCTET_STRING, DerError, read_sequence
from application.crypto.ports import Sm2Backend

_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF  # the sm2p256v1 field prime


def signed_attributes(digest: bytes, signing_time: datetime) -> cms.CMSAttributes:
    register_sm_oids()
    return cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}),
        cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ])


class Sm2DocumentSignatures:
    def __init__(self, backend: Sm2Backend) -> None:
        self._backend = backend

    def signed_attributes(self, digest: bytes, signing_time: datetime) -> bytes:
        if len(digest) != 32:
            raise ValueError("an SM3 digest is 32 bytes")
        return signed_attributes(digest, signing_time).dump()  # universal SET OF (0x31), RFC 5652 §5.4

    def signed_data(self, certificate_der: bytes, signed_attributes: bytes, signature: bytes) -> bytes:
        register_sm_oids()
        cert = x509.Certificate.load(certificate_der)
        attrs = cms.CMSAttributes.load(signed_attributes, strict=True)
        # Loaded, not rebuilt: the SignerInfo re-tags these very bytes [0] IMPLICIT, so the SET a verifier
        # re-encodes is byte for byte the one that was signed.
        signer = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
                "issuer": cert.issuer, "serial_number": cert.serial_number})}),
            "digest_algorithm": {"algorithm": DIGEST_NAME},
            "signed_attrs": attrs,
            "signature_algorithm": {"algorithm": SIGNATURE_NAME},
            "signature": signature,
        })
        signed = cms.SignedData({
            "version": "v1",
            "digest_algorithms": [{"algorithm": DIGEST_NAME}],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cert],
            "signer_infos": [signer],
        })
        return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()

    def detached_signed_data(self, *, certificate_der: bytes, private_key: bytes, public_key: bytes,
                             digest: bytes, signing_time: datetime) -> bytes:
        to_sign = self.signed_attributes(digest, signing_time)
        signature = self._backend.sign(private_key, to_sign, public_key=public_key)
        return self.signed_data(certificate_der, to_sign, signature)

    def is_sm2_ciphertext(self, der: bytes) -> bool:
        try:
            x, y, c3, c2 = read_sequence(der, (INTEGER, INTEGER, OCTET_STRING, OCTET_STRING))
        except DerError:
            return False
        assert isinstance(x, int) and isinstance(y, int) and isinstance(c3, bytes) and isinstance(c2, bytes)
        return x < _P and y < _P and len(c3) == 32 and 0 < len(c2) <= 512


def signed_attributes_der(signed_data_der: bytes) -> bytes:
    """The bytes the SignerInfo's signature covers (for verifiers and tests)."""
    register_sm_oids()
    info = cms.ContentInfo.load(signed_data_der)
    attrs = info["content"]["signer_infos"][0]["signed_attrs"]
    return cms.CMSAttributes(list(attrs)).dump()


__all__ = ["Sm2DocumentSignatures", "signed_attributes_der"]
