"""pyhanko_certvalidator's `SignatureValidator` extension point, taught SM2-with-SM3.

One validator serves both places pyhanko checks a signature: the CMS signer info of a PDF signature and
every certificate on the path to the trust anchor. Anything that is not SM2 goes to pyhanko's default."""

from __future__ import annotations

from asn1crypto import algos, keys
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.errors import AlgorithmNotSupported
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
    SignatureValidator,
)

from adapters.ca.oids import CURVE_NAME, SIGNATURE_NAME, register_sm_oids
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend, Sm2Error

register_sm_oids()

# Some GM toolkits put the bare SM2 signature OID (sm2sign, GM/T 0006) in SignerInfo.signatureAlgorithm,
# with SM3 given by digestAlgorithm; it means the same computation.
_SM2_SIGN_OID = "1.2.156.10197.1.301.1"


def _is_sm2_key(key: keys.PublicKeyInfo) -> bool:
    algorithm = key["algorithm"]
    if algorithm["algorithm"].native != "ec":
        return False
    params = algorithm["parameters"]
    return params.name == "named" and params.chosen.native == CURVE_NAME


class Sm2SignatureValidator(SignatureValidator):
    def __init__(self, backend: Sm2Backend, fallback: SignatureValidator | None = None) -> None:
        self._backend = backend
        self._fallback = fallback or DefaultSignatureValidator()

    def validate_signature(self, signature: bytes, signed_data: bytes, public_key_info: keys.PublicKeyInfo,
                           signature_algorithm: algos.SignedDigestAlgorithm,
                           context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT) -> None:
        algorithm = signature_algorithm["algorithm"]
        is_sm2 = algorithm.native == SIGNATURE_NAME or algorithm.dotted == _SM2_SIGN_OID
        if not is_sm2:
            self._fallback.validate_signature(signature, signed_data, public_key_info, signature_algorithm,
                                              context)
            return
        if not _is_sm2_key(public_key_info):
            # An SM2 signature claimed under an RSA or P-256 key is a forgery attempt or a broken signer.
            raise InvalidSignature("SM2 signature with a key that is not on the SM2 curve")
        if context.prehashed:
            # SM2 signs SM3(Z || M); a bare SM3(M) (CMS without signed attributes) cannot be checked.
            raise AlgorithmNotSupported("SM2 signatures over a pre-hashed digest are not supported")
        if algorithm.dotted == _SM2_SIGN_OID and (context.contextual_md_algorithm or "sm3") != "sm3":
            raise InvalidSignature("SM2 signatures use SM3")
        public_key = bytes(public_key_info["public_key"].native)
        try:
            ok = self._backend.verify(public_key, signed_data, signature, signer_id=DEFAULT_SIGNER_ID)
        except Sm2Error as exc:  # malformed DER, a point off the curve: not a valid signature either
            raise InvalidSignature(str(exc)) from exc
        if not ok:
            raise InvalidSignature("SM2 signature does not verify")
