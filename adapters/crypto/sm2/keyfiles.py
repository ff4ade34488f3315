"""SM2 keys to and from the files OpenSSL and certificates use: SubjectPublicKeyInfo and PKCS#8, DER or PEM.

The byte layout is OpenSSL 3's own (id-ecPublicKey with the named curve sm2 1.2.156.10197.1.301), so a
key written here is what `openssl genpkey -algorithm SM2` would have written."""

from __future__ import annotations

from asn1crypto import keys, pem

from application.crypto.ports import Sm2Error

from .encoding import check_private_key, check_public_key

SM2_CURVE_OID = "1.2.156.10197.1.301"
_EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
# Some Chinese toolkits label the key itself with the SM2 OID instead of id-ecPublicKey.
_SM2_KEY_OIDS = {_EC_PUBLIC_KEY_OID, SM2_CURVE_OID}

if SM2_CURVE_OID not in keys.NamedCurve._map:  # asn1crypto keeps one global registry
    keys.NamedCurve.register("sm2p256v1", SM2_CURVE_OID, 32)


def _algorithm() -> dict:
    # The dotted OID, not a name: another module may have registered the curve under another name.
    return {"algorithm": "ec", "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)}


def _der(data: bytes | str, label: str) -> bytes:
    raw = data.encode("ascii") if isinstance(data, str) else bytes(data)
    if pem.detect(raw):
        found, _headers, body = pem.unarmor(raw)
        if found != label:
            raise Sm2Error(f"expected a PEM {label}, found {found}")
        return body
    return raw


def _check_algorithm(algorithm) -> None:
    oid = algorithm["algorithm"].dotted
    params = algorithm["parameters"]
    if oid not in _SM2_KEY_OIDS:
        raise Sm2Error(f"not an SM2 key (algorithm {oid})")
    if oid == _EC_PUBLIC_KEY_OID:
        # Explicit curve parameters are refused: we would have to check them against sm2p256v1 anyway.
        if params.name != "named" or params.chosen.dotted != SM2_CURVE_OID:
            raise Sm2Error("EC key is not on the SM2 curve")


def _armor(label: str, der_bytes: bytes) -> str:
    return pem.armor(label, der_bytes).decode("ascii")


def public_key_to_spki_der(public_key: bytes) -> bytes:
    check_public_key(public_key)
    return keys.PublicKeyInfo({"algorithm": _algorithm(), "public_key": bytes(public_key)}).dump()


def public_key_to_pem(public_key: bytes) -> str:
    return _armor("PUBLIC KEY", public_key_to_spki_der(public_key))


def public_key_from_spki(data: bytes | str) -> bytes:
    """65-byte 04||x||y from a SubjectPublicKeyInfo, DER or PEM; refuses other curves and off-curve points."""
    try:
        info = keys.PublicKeyInfo.load(_der(data, "PUBLIC KEY"), strict=True)
        _check_algorithm(info["algorithm"])
        point = info["public_key"].native
    except (ValueError, TypeError, KeyError) as exc:  # asn1crypto's parse errors; Sm2Error passes through
        raise Sm2Error(f"malformed SM2 SubjectPublicKeyInfo: {exc}") from None
    check_public_key(point)
    return bytes(point)


def private_key_to_pkcs8_der(private_key: bytes, public_key: bytes | None = None) -> bytes:
    """PKCS#8 with the public point inside, as OpenSSL writes it; public_key saves a point multiplication."""
    check_private_key(private_key)
    if public_key is None:
        from . import default_backend  # late: the package imports this module

        public_key = default_backend().public_key(private_key)
    scalar = keys.IntegerOctetString(int.from_bytes(private_key, "big"))
    scalar.set_encoded_width(32)  # RFC 5915: ceiling(log2(n)/8) bytes, leading zeros kept
    inner = keys.ECPrivateKey({"version": "ecPrivkeyVer1", "private_key": scalar,
                               "public_key": bytes(public_key)})
    return keys.PrivateKeyInfo({"version": 0, "private_key_algorithm": _algorithm(),
                                "private_key": inner}).dump()


def private_key_to_pem(private_key: bytes, public_key: bytes | None = None) -> str:
    return _armor("PRIVATE KEY", private_key_to_pkcs8_der(private_key, public_key))


def private_key_from_pkcs8(data: bytes | str) -> bytes:
    """32-byte scalar from an unencrypted PKCS#8 PrivateKeyInfo, DER or PEM."""
    try:
        info = keys.PrivateKeyInfo.load(_der(data, "PRIVATE KEY"), strict=True)
        _check_algorithm(info["private_key_algorithm"])
        inner = info["private_key"].parsed
        d = inner["private_key"].native
        if not isinstance(d, int):
            raise ValueError("no private scalar")
    except (ValueError, TypeError, KeyError) as exc:  # asn1crypto's parse errors; Sm2Error passes through
        raise Sm2Error(f"malformed SM2 PKCS#8 key: {exc}") from None
    if not 0 < d < 2**256:
        raise Sm2Error("SM2 private key out of range")
    private_key = d.to_bytes(32, "big")
    check_private_key(private_key)
    return private_key


__all__ = [
    "SM2_CURVE_OID", "public_key_to_spki_der", "public_key_to_pem", "public_key_from_spki",
    "private_key_to_pkcs8_der", "private_key_to_pem", "private_key_from_pkcs8",
]
