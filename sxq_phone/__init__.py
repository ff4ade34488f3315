"""sxq_phone — the phone's half of 数信签's two-share SM2 signatures (协同签名, SPEC §C, GM/T 0144).

A person's signing key d exists only as two shares: d_device, made on the phone and kept under the PIN, and
d_server, kept by the server. Neither side can sign alone; together they produce an ordinary SM2 signature
(SM3, signer ID 1234567812345678) that OpenSSL or any platform verifies against the certificate.

This package is the reference client: enrolment, the PIN keystore, the 所见即所签 checks of what is signed,
and the co-signing step. It stands alone (standard library, `cryptography` for SM3, `asn1crypto` for CMS
signed attributes, `gmalglib` optional for speed) so a mobile team can port it; the server's tests, examples
and benchmarks use it as the phone. Protocol, formats and test vectors: docs/cosigning.md."""

from .cosign import co_sign
from .errors import CorruptKeystore, EnrolmentMismatch, InvalidRequest, PhoneError, RefusedToSign, WeakPin
from .phone import CoSignature, Enrolment, Phone
from .screen import OnScreen

__all__ = ["CoSignature", "CorruptKeystore", "Enrolment", "EnrolmentMismatch", "InvalidRequest", "OnScreen",
           "Phone", "PhoneError", "RefusedToSign", "WeakPin", "co_sign"]
