"""Certificate profiles (GM/T 0015 / GB/T 20518, RFC 5280) and the lint that every to-be-signed certificate
passes before a CA key touches it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from asn1crypto import x509

from adapters.ca.oids import ID_KP_DOCUMENT_SIGNING, SIGNATURE_NAME, register_sm_oids

register_sm_oids()

SIGNING_KU = frozenset({"digital_signature", "non_repudiation"})
ENCRYPTION_KU = frozenset({"key_encipherment", "data_encipherment", "key_agreement"})
CA_KU = frozenset({"key_cert_sign", "crl_sign", "digital_signature"})

# ub-* upper bounds of RFC 5280 Appendix A
_UPPER_BOUNDS = {"common_name": 64, "organization_name": 64, "organizational_unit_name": 64,
                 "serial_number": 64, "organization_identifier": 64, "country_name": 2,
                 "locality_name": 128, "state_or_province_name": 128}

SERIAL_MIN_BITS = 64  # a serial this short was not drawn from 128 random bits (probability 2^-64)
SERIAL_MAX_BITS = 128


class ProfileViolation(ValueError):
    """The to-be-signed certificate breaks its profile; it is never signed."""

    def __init__(self, profile: str, problems: list[str]) -> None:
        super().__init__(f"{profile}: " + "; ".join(problems))
        self.profile = profile
        self.problems = problems


@dataclass(frozen=True)
class Profile:
    name: str
    max_validity: timedelta
    key_usage: frozenset[str]
    extended_key_usage: tuple[str, ...] = ()
    is_ca: bool = False
    path_length: int | None = None
    required_subject: tuple[str, ...] = ("common_name",)
    ocsp_no_check: bool = False
    # Leaves point at the CRL and the OCSP responder; the root has nobody above it to ask.
    revocation_pointers: bool = True
    description: str = field(default="", compare=False)


_DAY = timedelta(days=1)

ROOT_CA = Profile("ROOT_CA", 25 * 366 * _DAY, CA_KU, is_ca=True,
                  required_subject=("common_name", "organization_name", "country_name"),
                  revocation_pointers=False, description="self-signed root")
ISSUING_CA = Profile("ISSUING_CA", 12 * 366 * _DAY, CA_KU, is_ca=True, path_length=0,
                     required_subject=("common_name", "organization_name", "country_name"),
                     description="issues every end-entity certificate")
PERSONAL_SIGNING = Profile("PERSONAL_SIGNING", 5 * 366 * _DAY, SIGNING_KU, ("client_auth", "email_protection"),
                           required_subject=("common_name", "serial_number"))
PERSONAL_ENCRYPTION = Profile("PERSONAL_ENCRYPTION", 5 * 366 * _DAY, ENCRYPTION_KU,
                              required_subject=("common_name", "serial_number"))
ORG_SIGNING = Profile("ORG_SIGNING", 5 * 366 * _DAY, SIGNING_KU, ("client_auth", "email_protection"),
                      required_subject=("common_name", "organization_name", "organization_identifier"))
ORG_ENCRYPTION = Profile("ORG_ENCRYPTION", 5 * 366 * _DAY, ENCRYPTION_KU,
                         required_subject=("common_name", "organization_name", "organization_identifier"))
EVENT = Profile("EVENT", _DAY, SIGNING_KU, (ID_KP_DOCUMENT_SIGNING,),
                required_subject=("common_name", "serial_number"),
                description="short-lived certificate for one document confirmed by SMS")
OCSP_RESPONDER = Profile("OCSP_RESPONDER", 366 * _DAY, frozenset({"digital_signature"}), ("ocsp_signing",),
                         required_subject=("common_name", "organization_name"), ocsp_no_check=True)
PLATFORM_CALLBACK = Profile("PLATFORM_CALLBACK", 2 * 366 * _DAY, frozenset({"digital_signature"}),
                            (ID_KP_DOCUMENT_SIGNING,), required_subject=("common_name", "organization_name"),
                            description="signs the notifications we send to trading platforms")
SEAL_MAKER = Profile("SEAL_MAKER", 5 * 366 * _DAY, SIGNING_KU, (ID_KP_DOCUMENT_SIGNING,),
                     required_subject=("common_name", "organization_name"),
                     description="signs GB/T 38540 SES_Seal structures")

PROFILES: dict[str, Profile] = {p.name: p for p in (
    ROOT_CA, ISSUING_CA, PERSONAL_SIGNING, PERSONAL_ENCRYPTION, ORG_SIGNING, ORG_ENCRYPTION, EVENT,
    OCSP_RESPONDER, PLATFORM_CALLBACK, SEAL_MAKER)}


def profile_named(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown certificate profile {name!r}") from None


def lint(tbs: x509.TbsCertificate, profile: Profile, issuer: x509.Certificate | None = None) -> None:
    """Checks the to-be-signed certificate itself (not the inputs it was built from); raises ProfileViolation."""
    problems: list[str] = []
    add = problems.append

    if tbs["version"].native != "v3":
        add("version must be v3")
    serial = tbs["serial_number"].native
    if serial <= 0:
        add("serial must be positive")
    elif not SERIAL_MIN_BITS <= serial.bit_length() <= SERIAL_MAX_BITS:
        add("serial must be 128 random bits")
    if tbs["signature"]["algorithm"].native != SIGNATURE_NAME:
        add("signature algorithm must be SM2 with SM3")
    spki = tbs["subject_public_key_info"]
    if spki["algorithm"]["algorithm"].native != "ec" or spki["algorithm"]["parameters"].chosen.native != "sm2p256v1":
        add("subject key must be an SM2 key (id-ecPublicKey, sm2p256v1)")
    elif len(spki["public_key"].native) != 65:
        add("subject key must be an uncompressed point")

    not_before = tbs["validity"]["not_before"].native
    not_after = tbs["validity"]["not_after"].native
    if not_after <= not_before:
        add("notAfter must follow notBefore")
    elif not_after - not_before > profile.max_validity:
        add(f"validity exceeds the profile maximum of {profile.max_validity}")
    if issuer is not None:
        ivalid = issuer["tbs_certificate"]["validity"]
        if not_after > ivalid["not_after"].native or not_before < ivalid["not_before"].native:
            add("validity must lie within the issuer's")

    subject = tbs["subject"].native
    for attr in profile.required_subject:
        if not str(subject.get(attr) or "").strip():
            add(f"subject {attr} is required")
    for attr, value in subject.items():
        values = value if isinstance(value, list) else [value]
        bound = _UPPER_BOUNDS.get(attr)
        if bound is not None and any(len(str(v)) > bound for v in values):
            add(f"subject {attr} is longer than {bound}")
    if subject.get("country_name") not in (None, "CN") and len(str(subject.get("country_name"))) != 2:
        add("subject country must be a two-letter code")

    exts = {e["extn_id"].native: e for e in tbs["extensions"]}
    ku = exts.get("key_usage")
    if ku is None or not ku["critical"].native:
        add("key usage must be present and critical")
    elif set(ku["extn_value"].native) != set(profile.key_usage):
        add(f"key usage must be {sorted(profile.key_usage)}")
    eku = exts.get("extended_key_usage")
    got_eku = tuple(eku["extn_value"].native) if eku is not None else ()
    if set(got_eku) != set(profile.extended_key_usage):
        add(f"extended key usage must be {list(profile.extended_key_usage) or 'absent'}")
    bc = exts.get("basic_constraints")
    if profile.is_ca:
        if bc is None or not bc["critical"].native or not bc["extn_value"].native["ca"]:
            add("a CA certificate needs critical basicConstraints CA:TRUE")
        elif bc["extn_value"].native.get("path_len_constraint") != profile.path_length:
            add(f"path length must be {profile.path_length}")
    elif bc is not None and bc["extn_value"].native["ca"]:
        add("an end-entity certificate must not be a CA")
    if "key_identifier" not in exts:
        add("subject key identifier is required")
    if issuer is not None and "authority_key_identifier" not in exts:
        add("authority key identifier is required")
    if profile.ocsp_no_check and "ocsp_no_check" not in exts:
        add("an OCSP responder certificate carries id-pkix-ocsp-nocheck")
    if issuer is not None and tbs["issuer"].dump() != issuer["tbs_certificate"]["subject"].dump():
        add("issuer name must equal the issuer certificate's subject")
    if issuer is None and tbs["issuer"].dump() != tbs["subject"].dump():
        add("a self-signed certificate names itself as issuer")
    if problems:
        raise ProfileViolation(profile.name, problems)
