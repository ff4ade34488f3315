"""Build and sign X.509 v3 SM2 certificates (GM/T 0015 / GB/T 20518: SM2 with SM3) with asn1crypto.

Stable API, used by the CA and by the documents and seals code:

    from adapters.ca import profiles, x509 as sx

    root = sx.make_root(root_key, sx.name(common_name="数信签根CA", organization_name="数信签", country_name="CN"),
                        not_before, not_after)
    leaf = sx.issue_certificate(root, root_key, sx.name(common_name="张三", serial_number="..."),
                                subject_public_key, profiles.EVENT, not_before, not_after)
    sx.verify_certificate(leaf, root)        # True when the issuer's key signed it
    sx.public_key_of(leaf)                   # b"\\x04" + x + y
    sx.to_pem(leaf); sx.load_certificate(pem_or_der)

- Keys are in the canonical forms of `application/crypto/ports.py`: the private key is the 32-byte scalar,
  the public key the 65-byte uncompressed point.
- `issue_certificate(issuer_cert | None, issuer_private_key, subject, subject_public_key, profile,
  not_before, not_after, serial=None, *, crl_url=None, ocsp_url=None, ca_issuers_url=None, backend=None)`
  returns an `asn1crypto.x509.Certificate`. `issuer_cert=None` makes a self-signed certificate
  (the subject key must then be the issuer key's public key). `subject` is an `asn1crypto.x509.Name` or a
  dict for `name()`. Times must be timezone-aware; they are truncated to whole seconds.
- The same in two steps, for a CA that stores the to-be-signed certificate before signing it:
  `tbs = prepare_tbs(...)` (builds and lints) then `cert = sign_tbs(tbs, issuer_private_key)`.
- Lint failures raise `profiles.ProfileViolation`; nothing is signed then.
- The signature is SM2 over Z(issuer key, ID "1234567812345678") || DER(tbsCertificate), DER (r, s).
- `backend` is any `Sm2Backend`; the default is `adapters.crypto.sm2.default_backend`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from asn1crypto import core, keys, pem, x509

from adapters.ca import profiles as p
from adapters.ca.oids import CURVE_NAME, SIGNATURE_NAME, register_sm_oids
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend

register_sm_oids()

_UTC_TIME_LIMIT = datetime(2050, 1, 1, tzinfo=UTC)


def default_backend() -> Sm2Backend:
    from adapters.crypto import sm2

    backend = sm2.default_backend
    if callable(backend) and not hasattr(backend, "sign"):
        backend = backend()
    return backend


def new_serial() -> int:
    """128 random bits from the CSPRNG, positive (RFC 5280 §4.1.2.2; CA/B Forum asks for ≥ 64)."""
    while True:
        serial = secrets.randbits(128)
        if serial.bit_length() >= p.SERIAL_MIN_BITS:
            return serial


def name(**attributes: str) -> x509.Name:
    """A distinguished name from asn1crypto attribute names (common_name, organization_name,
    organizational_unit_name, organization_identifier, serial_number, country_name, locality_name, ...).
    Text is UTF8String; country and serialNumber are PrintableString, as RFC 5280 requires."""
    given = {k: v for k, v in attributes.items() if v is not None}
    order = sorted(given, key=lambda k: _NAME_ORDER.index(k) if k in _NAME_ORDER else len(_NAME_ORDER))
    # One attribute per RDN, in the order Chinese CAs print (C, O, CN, serialNumber), not asn1crypto's own.
    rdns = [x509.Name.build({k: given[k]}).chosen[0] for k in order]
    return x509.Name(name="", value=x509.RDNSequence(rdns))


_NAME_ORDER = ["country_name", "state_or_province_name", "locality_name", "organization_name",
               "organizational_unit_name", "organization_identifier", "common_name", "serial_number"]


def spki(public_key: bytes) -> keys.PublicKeyInfo:
    if len(public_key) != 65 or public_key[0] != 4:
        raise ValueError("an SM2 public key is the 65-byte uncompressed point")
    return keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(name="named", value=CURVE_NAME)},
        "public_key": public_key,
    })


def public_key_of(cert: x509.Certificate) -> bytes:
    return bytes(cert["tbs_certificate"]["subject_public_key_info"]["public_key"].native)


def key_identifier(public_key: bytes) -> bytes:
    """RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security function)."""
    return hashlib.sha1(public_key, usedforsecurity=False).digest()


def _time(value: datetime) -> x509.Time:
    if value.tzinfo is None:
        raise ValueError("certificate times must be timezone-aware")
    value = value.astimezone(UTC).replace(microsecond=0)
    return x509.Time(name="utc_time" if value < _UTC_TIME_LIMIT else "general_time", value=value)


def _uri(url: str) -> x509.GeneralName:
    return x509.GeneralName(name="uniform_resource_identifier", value=url)


def _extension_der(extn_id: str, critical: bool, value: Any) -> bytes:
    return x509.Extension({"extn_id": extn_id, "critical": critical, "extn_value": value}).dump()


@functools.lru_cache(maxsize=256)
def _static_extensions(profile: p.Profile, issuer_public_key: bytes, crl_url: str | None, ocsp_url: str | None,
                       ca_issuers_url: str | None) -> tuple[bytes, bytes]:
    """DER of the extensions that do not depend on the subject: (those before the SKI, those after it)."""
    before: list[bytes] = []
    if profile.is_ca:
        before.append(_extension_der("basic_constraints", True,
                                     {"ca": True, "path_len_constraint": profile.path_length}))
    before.append(_extension_der("key_usage", True, x509.KeyUsage(set(profile.key_usage))))
    if profile.extended_key_usage:
        before.append(_extension_der("extended_key_usage", False, list(profile.extended_key_usage)))
    after = [_extension_der("authority_key_identifier", False, {"key_identifier": key_identifier(issuer_public_key)})]
    if profile.revocation_pointers and crl_url:
        after.append(_extension_der("crl_distribution_points", False, [
            {"distribution_point": x509.DistributionPointName(name="full_name", value=[_uri(crl_url)])}]))
    if profile.revocation_pointers and (ocsp_url or ca_issuers_url):
        access = []
        if ocsp_url:
            access.append({"access_method": "ocsp", "access_location": _uri(ocsp_url)})
        if ca_issuers_url:
            access.append({"access_method": "ca_issuers", "access_location": _uri(ca_issuers_url)})
        after.append(_extension_der("authority_information_access", False, access))
    if profile.ocsp_no_check:
        after.append(_extension_der("ocsp_no_check", False, core.Null()))
    return b"".join(before), b"".join(after)


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + body


@functools.lru_cache(maxsize=1)
def _constant_parts() -> tuple[bytes, bytes, bytes]:
    """(version [0] v3, AlgorithmIdentifier sm2-with-sm3, the SPKI's bytes before the point)."""
    version = _tlv(0xA0, core.Integer(2).dump())
    algorithm = x509.SignedDigestAlgorithm({"algorithm": SIGNATURE_NAME}).dump()
    spki_der = spki(b"\x04" + (1).to_bytes(32, "big") + (2).to_bytes(32, "big")).dump()
    return version, algorithm, spki_der[:-65]


@functools.lru_cache(maxsize=64)  # a dual pair names one subject twice in a row
def _name_der(items: tuple[tuple[str, str], ...]) -> bytes:
    return name(**dict(items)).dump()


def prepare_tbs(issuer_cert: x509.Certificate | None, issuer_public_key: bytes, subject: x509.Name | dict,
                subject_public_key: bytes, profile: p.Profile, not_before: datetime, not_after: datetime,
                serial: int | None = None, *, crl_url: str | None = None, ocsp_url: str | None = None,
                ca_issuers_url: str | None = None) -> x509.TbsCertificate:
    """Builds the to-be-signed certificate and lints it against the profile (raises ProfileViolation).

    The DER is assembled from pieces cached per issuer and profile (asn1crypto building dominated the cost
    of issuance); the lint then parses that DER, so it judges exactly the bytes that will be signed."""
    subject_der = subject.dump() if isinstance(subject, x509.Name) else _name_der(tuple(sorted(subject.items())))
    if issuer_cert is None:
        if subject_public_key != issuer_public_key:
            raise ValueError("a self-signed certificate certifies the issuer's own key")
        issuer_der = subject_der
    else:
        issuer_der = issuer_cert["tbs_certificate"]["subject"].dump()
        if public_key_of(issuer_cert) != issuer_public_key:
            raise ValueError("the issuer key does not belong to the issuer certificate")
    spki(subject_public_key)  # checks the point's form
    version, algorithm, spki_prefix = _constant_parts()
    before, after = _static_extensions(profile, issuer_public_key, crl_url, ocsp_url, ca_issuers_url)
    ski = _extension_der("key_identifier", False, core.OctetString(key_identifier(subject_public_key)))
    validity = _tlv(0x30, _time(not_before).dump() + _time(not_after).dump())
    body = b"".join((
        version,
        core.Integer(new_serial() if serial is None else serial).dump(),
        algorithm,
        issuer_der,
        validity,
        subject_der,
        spki_prefix + subject_public_key,
        _tlv(0xA3, _tlv(0x30, before + ski + after)),
    ))
    tbs = x509.TbsCertificate.load(_tlv(0x30, body))
    p.lint(tbs, profile, issuer_cert)
    return tbs


def sign_tbs(tbs: x509.TbsCertificate, issuer_private_key: bytes, *, backend: Sm2Backend | None = None,
             issuer_public_key: bytes | None = None) -> x509.Certificate:
    backend = backend or default_backend()
    signature = backend.sign(issuer_private_key, tbs.dump(), signer_id=DEFAULT_SIGNER_ID,
                             public_key=issuer_public_key)
    return x509.Certificate({
        "tbs_certificate": tbs,
        "signature_algorithm": {"algorithm": SIGNATURE_NAME},
        "signature_value": signature,
    })


def issue_certificate(issuer_cert: x509.Certificate | None, issuer_private_key: bytes, subject: x509.Name | dict,
                      subject_public_key: bytes, profile: p.Profile, not_before: datetime, not_after: datetime,
                      serial: int | None = None, *, crl_url: str | None = None, ocsp_url: str | None = None,
                      ca_issuers_url: str | None = None, backend: Sm2Backend | None = None) -> x509.Certificate:
    backend = backend or default_backend()
    issuer_public_key = backend.public_key(issuer_private_key)
    tbs = prepare_tbs(issuer_cert, issuer_public_key, subject, subject_public_key, profile, not_before,
                      not_after, serial, crl_url=crl_url, ocsp_url=ocsp_url, ca_issuers_url=ca_issuers_url)
    return sign_tbs(tbs, issuer_private_key, backend=backend, issuer_public_key=issuer_public_key)


def make_root(private_key: bytes, subject: x509.Name | dict, not_before: datetime, not_after: datetime,
              serial: int | None = None, *, backend: Sm2Backend | None = None) -> x509.Certificate:
    """A self-signed root CA certificate (profile ROOT_CA)."""
    backend = backend or default_backend()
    return issue_certificate(None, private_key, subject, backend.public_key(private_key), p.ROOT_CA,
                             not_before, not_after, serial, backend=backend)


def make_issuing_ca(root_cert: x509.Certificate, root_private_key: bytes, subject: x509.Name | dict,
                    public_key: bytes, not_before: datetime, not_after: datetime, serial: int | None = None, *,
                    crl_url: str | None = None, backend: Sm2Backend | None = None) -> x509.Certificate:
    """A subordinate CA certificate (profile ISSUING_CA, path length 0)."""
    return issue_certificate(root_cert, root_private_key, subject, public_key, p.ISSUING_CA, not_before, not_after,
                             serial, crl_url=crl_url, backend=backend)


def verify_signature(issuer_public_key: bytes, signed_der: bytes, signature: bytes, *,
                     backend: Sm2Backend | None = None) -> bool:
    return (backend or default_backend()).verify(issuer_public_key, signed_der, signature,
                                                 signer_id=DEFAULT_SIGNER_ID)


def verify_certificate(cert: x509.Certificate, issuer: x509.Certificate | bytes, *,
                       backend: Sm2Backend | None = None) -> bool:
    """True when `issuer` (a certificate or a 65-byte public key) signed `cert` with SM2-with-SM3."""
    if cert["signature_algorithm"]["algorithm"].native != SIGNATURE_NAME:
        return False
    issuer_key = issuer if isinstance(issuer, bytes) else public_key_of(issuer)
    return verify_signature(issuer_key, cert["tbs_certificate"].dump(), cert["signature_value"].native,
                            backend=backend)


def to_pem(cert: x509.Certificate) -> str:
    return pem.armor("CERTIFICATE", cert.dump()).decode()


def load_certificate(data: bytes | str) -> x509.Certificate:
    """PEM or DER."""
    raw = data.encode() if isinstance(data, str) else data
    if pem.detect(raw):
        _, _, raw = pem.unarmor(raw)
    return x509.Certificate.load(raw)


def certificates_from_pem(data: bytes | str) -> list[x509.Certificate]:
    raw = data.encode() if isinstance(data, str) else data
    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(raw, multiple=True)]
