"""Issue 15 item 6: docs/signing-vectors.json, the known answers an integrator checks a platform's request signing
and callback verification against, agree with the server's own code: the signing strings it verifies and writes,
both SM2 backends, our public-key parser and the callback sender. The file is what tools/signing_vectors.py
makes (a textbook SM2 with the given k, independent of the backends)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from adapters.crypto.sm2 import available_backends, public_key_to_pem
from adapters.crypto.sm2.public_keys import Sm2PublicKeyParser
from adapters.vendors.platform_callbacks import HttpPlatformCallbackSender, callback_signing_string
from application.scans.authenticate_platform import signing_string, sm3_hex
from tools import signing_vectors

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "docs" / "signing-vectors.json").read_text("utf-8"))
REQUEST, CALLBACK = VECTORS["platformRequest"], VECTORS["callback"]
BACKENDS = available_backends()


def _sig(b64: str) -> bytes:
    return base64.b64decode(b64, validate=True)


def test_the_file_is_what_the_tool_makes():
    assert VECTORS == signing_vectors.build(), "regenerate: python tools/signing_vectors.py --write"


def test_the_signing_strings_are_the_servers():
    body = REQUEST["body"].encode()
    assert sm3_hex(body) == REQUEST["bodySm3Hex"]
    assert signing_string("POST", "/graphql", REQUEST["timestamp"], REQUEST["nonce"], body).decode() \
        == REQUEST["signingString"]
    cb_body = CALLBACK["body"].encode()
    assert sm3_hex(cb_body) == CALLBACK["bodySm3Hex"]
    assert callback_signing_string(CALLBACK["timestamp"], CALLBACK["eventId"], cb_body).decode() \
        == CALLBACK["signingString"]
    assert REQUEST["headers"]["X-Signature"] == REQUEST["signatureDerBase64"]
    assert CALLBACK["headers"]["X-Signature"] == CALLBACK["signatureDerBase64"]


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_both_backends_agree_with_the_vectors(name):
    sm2 = BACKENDS[name]
    for v in (REQUEST, CALLBACK):
        key = v["key"]
        point = sm2.public_key(bytes.fromhex(key["privateKeyHex"]))
        assert point.hex() == key["publicKeyHex"]
        assert sm2.z_value(point).hex() == v["zHex"]
        message = v["signingString"].encode()
        assert sm2.verify(point, message, _sig(v["signatureDerBase64"]))
        # A signature of our own (random k) over the same string verifies too; the vector's does not verify
        # over anything else.
        assert sm2.verify(point, message, sm2.sign(bytes.fromhex(key["privateKeyHex"]), message))
        assert not sm2.verify(point, message + b" ", _sig(v["signatureDerBase64"]))
    callback_point = bytes.fromhex(CALLBACK["key"]["publicKeyHex"])
    for bad in VECTORS["callbackMustFail"]:
        h = bad["headers"]
        message = callback_signing_string(h["X-Timestamp"], h["X-Event-Id"], bad["body"].encode())
        assert not sm2.verify(callback_point, message, _sig(h["X-Signature"])), bad["what"]


def test_r_and_s_follow_from_k_and_e_is_sm3_of_z_and_the_string():
    for v in (REQUEST, CALLBACK):
        d, k = int(v["key"]["privateKeyHex"], 16), int(v["kHex"], 16)
        r, s, e = signing_vectors.sign_with_k(d, v["signingString"].encode(), k)
        assert (f"{r:064x}", f"{s:064x}", e.hex()) == (v["rHex"], v["sHex"], v["eHex"])
        assert signing_vectors.sm3(bytes.fromhex(v["zHex"]) + v["signingString"].encode()).hex() == v["eHex"]


def test_the_pem_keys_are_what_registration_takes():
    for v in (REQUEST, CALLBACK):
        point = Sm2PublicKeyParser().sm2_spki_from_pem(v["key"]["publicKeyPem"])
        assert point.hex() == v["key"]["publicKeyHex"]
        assert public_key_to_pem(point).strip() == v["key"]["publicKeyPem"].strip()


async def test_the_callback_sender_signs_what_the_vectors_verify():
    sm2 = BACKENDS[sorted(BACKENDS)[0]]

    async def signer():
        return None, bytes.fromhex(CALLBACK["key"]["privateKeyHex"])

    sender = HttpPlatformCallbackSender(None, signer, sm2, None, now=lambda: float(CALLBACK["timestamp"]))  # type: ignore[arg-type]
    headers = await sender.headers(CALLBACK["eventId"], CALLBACK["body"].encode())
    expected = {k: v for k, v in CALLBACK["headers"].items() if k != "X-Signature"}
    assert {k: v for k, v in headers.items() if k != "X-Signature"} == expected
    assert sm2.verify(bytes.fromhex(CALLBACK["key"]["publicKeyHex"]), CALLBACK["signingString"].encode(),
                      _sig(headers["X-Signature"]))
