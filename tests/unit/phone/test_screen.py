"""所见即所签: the four message shapes the phone co-signs, and everything else it refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from asn1crypto import cms

from sxq_phone import InvalidRequest, OnScreen, RefusedToSign
from sxq_phone.messages import canonical_json
from sxq_phone.sm3z import sm3

T_ID, PLATFORM = "T20250101000001", "GGZY1100001"
DOC_A, DOC_B, UNLISTED = sm3(b"bid.pdf"), sm3(b"contract.pdf"), sm3(b"something else")
ENVELOPES = ["env-1", "env-2"]
SCREEN = OnScreen.scan(T_ID, PLATFORM, [DOC_A.hex(), DOC_B.hex().upper()], ENVELOPES)
AT = "2025-01-01T08:00:00+08:00"


def challenge(t_id=T_ID, platform=PLATFORM, operation="LOGIN", **extra) -> bytes:
    return canonical_json({"tId": t_id, "platformCode": platform, "operation": operation, "signedAt": AT,
                           **extra})


def statement(action="scan.consent", account="acc-1", **act_input) -> bytes:
    act_input = {"tId": T_ID, "platformCode": PLATFORM, **act_input}
    return canonical_json({"action": action, "input": act_input, "account": account, "time": AT})


def attribute(kind: str, value) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": kind, "values": [value]})


def signed_attrs(*attrs: cms.CMSAttribute) -> bytes:
    return cms.CMSAttributes(list(attrs)).dump()


def usual_signed_attrs(digest: bytes) -> bytes:
    return signed_attrs(attribute("content_type", "data"),
                        attribute("signing_time", cms.Time({"utc_time": datetime(2025, 1, 1, tzinfo=UTC)})),
                        attribute("message_digest", digest))


@pytest.mark.parametrize("message", [
    challenge(),
    challenge(operation="ENCRYPT"),
    DOC_A,
    DOC_B,
    usual_signed_attrs(DOC_A),
    signed_attrs(attribute("content_type", "data"), attribute("message_digest", DOC_B)),
    statement(),
    statement(documents=[DOC_A.hex()], envelopes=ENVELOPES, operation="DECRYPT"),
], ids=["login", "encrypt", "doc-a", "doc-b-listed-in-upper-case", "signed-attrs", "minimal-signed-attrs",
        "consent", "consent-naming-documents-and-envelopes"])
def test_a_scan_screen_accepts(message):
    assert SCREEN.relates(message)
    SCREEN.check(message)


REFUSED = {
    "another-tId": challenge(t_id="T20250101000002"),
    "another-platform": challenge(platform="GGZY1100002"),
    "another-operation": challenge(operation="SIGN"),
    "challenge-with-an-extra-key": challenge(nonce="1"),
    "challenge-without-time": canonical_json({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN"}),
    "challenge-time-not-text": canonical_json({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN",
                                               "signedAt": 1}),
    "spaced-json": json.dumps({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN",
                               "signedAt": AT}).encode(),
    "unsorted-keys": json.dumps({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN", "signedAt": AT},
                                separators=(",", ":")).encode(),
    "trailing-newline": challenge() + b"\n",
    "byte-order-mark": b"\xef\xbb\xbf" + challenge(),
    "duplicate-key": challenge().replace(b'"signedAt"', b'"signedAt":"x","signedAt"'),
    "unlisted-hash": UNLISTED,
    "short-hash": DOC_A[:31],
    "long-hash": DOC_A + b"\0",
    "bare-digest": sm3(DOC_A),
    "signed-attrs-of-another-digest": usual_signed_attrs(UNLISTED),
    "signed-attrs-without-content-type": signed_attrs(attribute("message_digest", DOC_A)),
    "signed-attrs-with-two-digests": signed_attrs(attribute("content_type", "data"),
                                                  attribute("message_digest", DOC_A),
                                                  attribute("message_digest", DOC_B)),
    "digest-attribute-with-two-values": signed_attrs(
        attribute("content_type", "data"), cms.CMSAttribute({"type": "message_digest", "values": [DOC_A, DOC_B]})),
    "truncated-signed-attrs": usual_signed_attrs(DOC_A)[:-1],
    "signed-attrs-and-trailing-byte": usual_signed_attrs(DOC_A) + b"\0",
    # The [0] IMPLICIT tag the attributes have inside SignerInfo, not the SET OF the signature covers.
    "signed-attrs-with-implicit-tag": b"\xa0" + usual_signed_attrs(DOC_A)[1:],
    "statement-of-another-act": statement(action="grant.approve"),
    "consent-for-another-tId": statement().replace(T_ID.encode(), b"T20250101000002"),
    "consent-for-another-platform": statement().replace(PLATFORM.encode(), b"GGZY1100002"),
    "consent-naming-an-unlisted-document": statement(documents=[UNLISTED.hex()]),
    "consent-documents-not-a-list": statement(documents=DOC_A.hex()),
    "consent-naming-a-malformed-hash": statement(documents=["zz" * 32]),
    "consent-naming-a-hash-in-upper-case": statement(documents=[DOC_A.hex().upper()]),
    "consent-naming-an-unlisted-envelope": statement(envelopes=["env-3"]),
    "consent-without-tId": canonical_json({"action": "scan.consent", "input": {"platformCode": PLATFORM},
                                           "account": "a", "time": AT}),
    "consent-input-not-an-object": canonical_json({"action": "scan.consent", "input": [T_ID], "account": "a",
                                                   "time": AT}),
    "json-array": canonical_json(["tId", T_ID]),
    "json-string": canonical_json("LOGIN"),
    "empty": b"",
    "lone-set-tag": b"\x31",
    "garbage": b"\xff" * 100,
    "nan": b"NaN",
}


@pytest.mark.parametrize("message", list(REFUSED.values()), ids=list(REFUSED))
def test_a_scan_screen_refuses(message):
    assert not SCREEN.relates(message)
    with pytest.raises(RefusedToSign) as refused:
        SCREEN.check(message)
    assert str(refused.value) == "签名内容与屏幕显示不符，已拒绝签名"


def test_a_non_canonical_unicode_escape_is_refused():
    screen = OnScreen.act("seal.create")
    text = {"action": "seal.create", "input": {"name": "公章"}, "account": "a", "time": AT}
    assert screen.relates(canonical_json(text))
    assert not screen.relates(json.dumps(text, separators=(",", ":"), sort_keys=True).encode())  # \\u516c…


def test_an_act_screen_accepts_only_its_statement():
    screen = OnScreen.act("certificate.claim")
    claim = canonical_json({"action": "certificate.claim", "input": {"certificateId": "c-1"}, "account": "a",
                            "time": AT})
    assert screen.relates(claim)
    assert not screen.relates(claim.replace(b"certificate.claim", b"certificate.revoke"))
    assert not screen.relates(canonical_json({"action": "certificate.claim", "input": {}, "account": "a"}))
    # What only a scan screen can show is refused on an act screen.
    assert not screen.relates(challenge())
    assert not screen.relates(statement())
    for digest in (DOC_A, usual_signed_attrs(DOC_A)):
        assert not screen.relates(digest)


def test_a_scan_screen_without_documents_signs_no_digest():
    screen = OnScreen.scan(T_ID, PLATFORM)
    assert screen.relates(challenge())
    assert not screen.relates(DOC_A) and not screen.relates(usual_signed_attrs(DOC_A))


@pytest.mark.parametrize("make", [
    lambda: OnScreen.scan("", PLATFORM),
    lambda: OnScreen.scan(T_ID, ""),
    lambda: OnScreen.scan(T_ID, PLATFORM, ["abc"]),
    lambda: OnScreen.scan(T_ID, PLATFORM, ["zz" * 32]),
    lambda: OnScreen.scan(T_ID, PLATFORM, ["00 " * 21 + "0"]),
    lambda: OnScreen.scan(T_ID, PLATFORM, [bytes(32)]),
    lambda: OnScreen.act(""),
    lambda: OnScreen.act("scan.consent"),
])
def test_malformed_screens_are_refused(make):
    with pytest.raises(InvalidRequest):
        make()
