"""Every profile yields a certificate OpenSSL reads as intended; the lint refuses what breaks a profile,
and nothing is signed then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as ax509

from adapters.ca import profiles as p
from adapters.ca import x509 as sx
from adapters.crypto.sm2 import default_backend
from tests.integration.ca.conftest import SIGNER_ID

NOW = datetime.now(UTC).replace(microsecond=0)


class CountingBackend:
    def __init__(self, inner):
        self._inner, self.signatures = inner, 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def sign(self, *args, **kwargs):
        self.signatures += 1
        return self._inner.sign(*args, **kwargs)


@pytest.fixture(scope="module")
def hierarchy():
    b = default_backend()
    root_key, issuing_key = b.generate_private_key(), b.generate_private_key()
    root = sx.make_root(root_key, sx.name(country_name="CN", organization_name="测试", common_name="测试根"),
                        NOW - timedelta(days=1), NOW + timedelta(days=3650))
    issuing = sx.make_issuing_ca(root, root_key, sx.name(country_name="CN", organization_name="测试",
                                                         common_name="测试签发"),
                                 b.public_key(issuing_key), NOW - timedelta(days=1), NOW + timedelta(days=3000))
    return b, root, issuing, issuing_key


SUBJECTS = {
    "person": {"country_name": "CN", "common_name": "李四", "serial_number": "ID-0001"},
    "org": {"country_name": "CN", "organization_name": "某某科技有限公司", "common_name": "某某科技有限公司",
            "organization_identifier": "91350100M000100Y43"},
    "service": {"country_name": "CN", "organization_name": "数信签", "common_name": "服务"},
}
CASES = [
    (p.PERSONAL_SIGNING, "person", ["Digital Signature, Non Repudiation", "E-mail Protection"]),
    (p.PERSONAL_ENCRYPTION, "person", ["Key Encipherment, Data Encipherment, Key Agreement"]),
    (p.ORG_SIGNING, "org", ["Digital Signature, Non Repudiation", "organizationIdentifier=91350100M000100Y43"]),
    (p.ORG_ENCRYPTION, "org", ["Key Encipherment, Data Encipherment, Key Agreement"]),
    (p.EVENT, "person", ["Digital Signature, Non Repudiation", "1.3.6.1.5.5.7.3.36"]),
    (p.OCSP_RESPONDER, "service", ["OCSP Signing", "OCSP No Check"]),
    (p.PLATFORM_CALLBACK, "service", ["Digital Signature", "1.3.6.1.5.5.7.3.36"]),
    (p.SEAL_MAKER, "service", ["Digital Signature, Non Repudiation", "1.3.6.1.5.5.7.3.36"]),
]


@pytest.mark.parametrize(("profile", "who", "expected"), CASES, ids=[c[0].name for c in CASES])
def test_each_profile_issues_what_openssl_reads_and_verifies(hierarchy, openssl, profile, who, expected):
    b, _root, issuing, issuing_key = hierarchy
    key = b.generate_private_key()
    validity = min(profile.max_validity, timedelta(days=30))
    cert = sx.issue_certificate(issuing, issuing_key, SUBJECTS[who], b.public_key(key), profile, NOW,
                                NOW + validity)
    openssl.write("issuing.pem", sx.to_pem(issuing))
    openssl.write("leaf.pem", sx.to_pem(cert))
    text = openssl.out("x509", "-in", "leaf.pem", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus")
    for fragment in expected:
        assert fragment in text
    assert "X509v3 Key Usage: critical" in text
    openssl.run("verify", "-vfyopt", f"distid:{SIGNER_ID}", "-partial_chain", "-CAfile", "issuing.pem", "leaf.pem")


def _refused(hierarchy, profile, subject, not_after, serial=None, **kw):
    b, _root, issuing, issuing_key = hierarchy
    counting = CountingBackend(b)
    with pytest.raises(p.ProfileViolation) as caught:
        sx.issue_certificate(issuing, issuing_key, subject, b.public_key(b.generate_private_key()), profile,
                             NOW, not_after, serial, backend=counting, **kw)
    assert counting.signatures == 0
    return " ".join(caught.value.problems)


def test_an_event_certificate_lives_one_day_at_most(hierarchy):
    assert "validity exceeds" in _refused(hierarchy, p.EVENT, SUBJECTS["person"], NOW + timedelta(days=1, seconds=1))


def test_no_profile_outlives_its_maximum_or_its_issuer(hierarchy):
    assert "validity exceeds" in _refused(hierarchy, p.OCSP_RESPONDER, SUBJECTS["service"], NOW + timedelta(days=400))
    b, root, _issuing, _key = hierarchy
    short_key = b.generate_private_key()
    short_lived = sx.issue_certificate(None, short_key, {"country_name": "CN", "organization_name": "测试",
                                                         "common_name": "短期签发"}, b.public_key(short_key),
                                       p.ROOT_CA, NOW - timedelta(days=1), NOW + timedelta(days=10))
    problems = _refused((b, root, short_lived, short_key), p.PERSONAL_SIGNING, SUBJECTS["person"],
                        NOW + timedelta(days=30))
    assert "validity must lie within the issuer's" in problems


def test_subject_fields_are_required_per_profile(hierarchy):
    problems = _refused(hierarchy, p.PERSONAL_SIGNING, {"country_name": "CN", "common_name": "王五"},
                        NOW + timedelta(days=30))
    assert "subject serial_number is required" in problems
    problems = _refused(hierarchy, p.ORG_SIGNING, {"country_name": "CN", "common_name": "某公司"},
                        NOW + timedelta(days=30))
    assert "organization_name" in problems and "organization_identifier" in problems
    problems = _refused(hierarchy, p.PERSONAL_SIGNING, {"common_name": "名" * 65, "serial_number": "x"},
                        NOW + timedelta(days=30))
    assert "longer than 64" in problems


def test_serials_must_be_128_random_bits(hierarchy):
    assert "128 random bits" in _refused(hierarchy, p.PERSONAL_SIGNING, SUBJECTS["person"],
                                         NOW + timedelta(days=30), serial=12345)
    assert "128 random bits" in _refused(hierarchy, p.PERSONAL_SIGNING, SUBJECTS["person"],
                                         NOW + timedelta(days=30), serial=1 << 130)
    serials = {sx.new_serial() for _ in range(1000)}
    assert len(serials) == 1000 and all(64 <= s.bit_length() <= 128 for s in serials)


def test_the_lint_checks_the_tbs_itself_not_the_inputs(hierarchy):
    """A TBS whose key usage was altered after it was built (e.g. in the database) is refused at signing."""
    b, _root, issuing, issuing_key = hierarchy
    tbs = sx.prepare_tbs(issuing, b.public_key(issuing_key), SUBJECTS["person"],
                         b.public_key(b.generate_private_key()), p.PERSONAL_SIGNING, NOW, NOW + timedelta(days=30))
    altered = ax509.TbsCertificate.load(tbs.dump())
    exts = [e for e in altered["extensions"] if e["extn_id"].native != "key_usage"]
    exts.append(ax509.Extension({"extn_id": "key_usage", "critical": True,
                                 "extn_value": ax509.KeyUsage({"digital_signature", "key_cert_sign"})}))
    altered["extensions"] = exts
    with pytest.raises(p.ProfileViolation, match="key usage"):
        p.lint(ax509.TbsCertificate.load(altered.dump()), p.PERSONAL_SIGNING, issuing)
    altered = ax509.TbsCertificate.load(tbs.dump())
    altered["extensions"] = [e for e in altered["extensions"] if e["extn_id"].native != "extended_key_usage"]
    with pytest.raises(p.ProfileViolation, match="extended key usage"):
        p.lint(ax509.TbsCertificate.load(altered.dump()), p.PERSONAL_SIGNING, issuing)


def test_end_entities_cannot_claim_to_be_cas_and_roots_must_be_cas(hierarchy):
    b, _root, issuing, issuing_key = hierarchy
    tbs = sx.prepare_tbs(issuing, b.public_key(issuing_key), SUBJECTS["person"],
                         b.public_key(b.generate_private_key()), p.PERSONAL_SIGNING, NOW, NOW + timedelta(days=30))
    altered = ax509.TbsCertificate.load(tbs.dump())
    altered["extensions"] = list(altered["extensions"]) + [ax509.Extension(
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": True}})]
    with pytest.raises(p.ProfileViolation, match="must not be a CA"):
        p.lint(ax509.TbsCertificate.load(altered.dump()), p.PERSONAL_SIGNING, issuing)


def test_the_assembled_tbs_is_canonical_der(hierarchy):
    """The TBS is assembled from cached DER pieces; re-encoding every parsed field gives the same bytes."""
    b, _root, issuing, issuing_key = hierarchy
    for profile, who, _ in CASES:
        tbs = sx.prepare_tbs(issuing, b.public_key(issuing_key), SUBJECTS[who], b.public_key(b.generate_private_key()),
                             profile, NOW, NOW + min(profile.max_validity, timedelta(days=30)),
                             crl_url="http://x/crl", ocsp_url="http://x/ocsp", ca_issuers_url="http://x/ca.cer")
        reparsed = ax509.TbsCertificate.load(tbs.dump())
        reparsed.native  # noqa: B018 - parse every field
        assert reparsed.dump(force=True) == tbs.dump()
