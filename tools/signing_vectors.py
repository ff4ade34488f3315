"""Writes docs/signing-vectors.json: known answers for a trading platform's signed requests and for verifying our
callbacks (examples/trading_platform/README.md §2 and §4), with fixed keys, timestamps, nonces and bodies.

SM2 signatures are randomised; to make the vectors reproducible each one also gives the nonce k it was made with,
and this file's small textbook SM2 (pure Python, independent of the server's backends) computes r and s from it.
A signer compares its signing string, body hash, Z and e exactly, and checks that its own (random) signature
verifies; a verifier checks that the given signatures verify and the broken ones do not.

    python tools/signing_vectors.py            # prints the JSON
    python tools/signing_vectors.py --write    # writes docs/signing-vectors.json
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path

# GB/T 32918.5 sm2p256v1
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
SIGNER_ID = b"1234567812345678"
OUT = Path(__file__).resolve().parent.parent / "docs" / "signing-vectors.json"


def _add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _mul(k: int, point=(GX, GY)):
    acc = None
    while k:
        if k & 1:
            acc = _add(acc, point)
        point = _add(point, point)
        k >>= 1
    return acc


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def public_key(d: int) -> bytes:
    x, y = _mul(d)
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def z_value(point: bytes, signer_id: bytes = SIGNER_ID) -> bytes:
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    curve = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))
    return sm3(entl + signer_id + curve + point[1:])


def sign_with_k(d: int, message: bytes, k: int) -> tuple[int, int, bytes]:
    """(r, s, e) of SM2 with SM3 over Z || message, with the given nonce k (GB/T 32918.2 §6.1)."""
    e = sm3(z_value(public_key(d)) + message)
    x1, _ = _mul(k)
    r = (int.from_bytes(e, "big") + x1) % N
    s = pow(1 + d, -1, N) * (k - r * d) % N
    if r == 0 or r + k == N or s == 0:
        raise ValueError("pick another k")
    return r, s, e


def der_signature(r: int, s: int) -> bytes:
    def integer(v: int) -> bytes:
        raw = v.to_bytes((v.bit_length() + 8) // 8, "big")  # a leading 0 when the top bit is set
        return b"\x02" + bytes([len(raw)]) + raw

    body = integer(r) + integer(s)
    return b"\x30" + bytes([len(body)]) + body


def spki_pem(point: bytes) -> str:
    # SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 }, BIT STRING point }
    alg = bytes.fromhex("301306072a8648ce3d020106082a811ccf5501822d")
    bits = b"\x03" + bytes([len(point) + 1]) + b"\x00" + point
    der = b"\x30" + bytes([len(alg) + len(bits)]) + alg + bits
    b64 = base64.b64encode(der).decode()
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64)) + \
        "\n-----END PUBLIC KEY-----\n"


def _scalar(label: str) -> int:
    """A fixed, documented private scalar or nonce: SM3 of a label, reduced into [1, n-1]."""
    return int.from_bytes(sm3(label.encode()), "big") % (N - 1) + 1


def _signed(d: int, message: bytes, k_label: str) -> dict:
    k = _scalar(k_label)
    r, s, e = sign_with_k(d, message, k)
    return {"zHex": z_value(public_key(d)).hex(), "eHex": e.hex(), "kHex": f"{k:064x}", "kLabel": k_label,
            "rHex": f"{r:064x}", "sHex": f"{s:064x}", "signatureDerBase64": base64.b64encode(der_signature(r, s)).decode()}


def _key(label: str) -> dict:
    d = _scalar(label)
    point = public_key(d)
    return {"label": label, "privateKeyHex": f"{d:064x}", "publicKeyHex": point.hex(), "publicKeyPem": spki_pem(point)}


def build() -> dict:
    platform_key = _key("shuxinqian test vector: platform key")
    callback_key = _key("shuxinqian test vector: callback-signing key")
    d_platform, d_callback = int(platform_key["privateKeyHex"], 16), int(callback_key["privateKeyHex"], 16)

    ts, nonce = "1796688000", "3f9c0a7e5d1b44c2a8e6f0b1c2d3e4f5"
    body = json.dumps({"query": "query ScanSessionByTid($tId: String!) { platformScanSession(tId: $tId) { tId status } }",
                       "variables": {"tId": "T00000000000000000000000000000000"}},
                      separators=(",", ":"), ensure_ascii=False)
    body_sm3 = sm3(body.encode()).hex()
    signing = f"POST\n/graphql\n{ts}\n{nonce}\n{body_sm3}"
    request_sig = _signed(d_platform, signing.encode(), "shuxinqian test vector: request k")

    cb_ts, t_id = "1796688030", "T00000000000000000000000000000000"
    event_id = f"{t_id}-SCANNED"
    cb_body = json.dumps({"eventId": event_id, "type": "SCANNED", "tId": t_id,
                          "occurredAt": "2026-12-08T02:00:30+00:00", "result": None},
                         separators=(",", ":"), ensure_ascii=False, sort_keys=True)  # as the server writes it
    cb_sm3 = sm3(cb_body.encode()).hex()
    cb_signing = f"{cb_ts}\n{event_id}\n{cb_sm3}"
    cb_sig = _signed(d_callback, cb_signing.encode(), "shuxinqian test vector: callback k")

    other_sig = _signed(d_platform, cb_signing.encode(), "shuxinqian test vector: wrong-key k")
    return {
        "about": ("Known answers for a trading platform's signed requests to 数信签 and for verifying 数信签's "
                  "callbacks (examples/trading_platform/README.md §2, §4). SM2 with SM3, signer ID "
                  "1234567812345678, signatures DER (SEQUENCE of two INTEGERs) in base64. SM2 signatures are "
                  "randomised: a signer reproduces bodySm3Hex, signingString, zHex and eHex exactly and checks that "
                  "its own signature verifies; with the given k, r and s are reproduced exactly (eHex is "
                  "SM3(Z || UTF-8 signingString)). Keys and k are SM3(label) mod (n-1) + 1. Made by "
                  "tools/signing_vectors.py; checked by tests/integration/test_signing_vectors.py against the "
                  "server's own code and by examples/node_platform's test."),
        "curve": "sm2p256v1 (1.2.156.10197.1.301)",
        "signerId": SIGNER_ID.decode(),
        "platformRequest": {
            "key": platform_key,
            "platformCode": "DEMOPF00001",
            "method": "POST", "path": "/graphql", "timestamp": ts, "nonce": nonce,
            "body": body, "bodySm3Hex": body_sm3, "signingString": signing, **request_sig,
            "headers": {"Content-Type": "application/json", "X-Platform-Code": "DEMOPF00001", "X-Timestamp": ts,
                        "X-Nonce": nonce, "X-Signature": request_sig["signatureDerBase64"]},
        },
        "callback": {
            "key": callback_key,
            "eventId": event_id, "timestamp": cb_ts,
            "body": cb_body, "bodySm3Hex": cb_sm3, "signingString": cb_signing, **cb_sig,
            "headers": {"Content-Type": "application/json; charset=utf-8", "X-Event-Id": event_id,
                        "X-Timestamp": cb_ts, "X-Signature": cb_sig["signatureDerBase64"]},
        },
        "callbackMustFail": [
            {"what": "the body changed after signing (SCANNED → CONFIRMED)",
             "body": cb_body.replace('"type":"SCANNED"', '"type":"CONFIRMED"'),
             "headers": {"X-Event-Id": event_id, "X-Timestamp": cb_ts, "X-Signature": cb_sig["signatureDerBase64"]}},
            {"what": "the timestamp header changed", "body": cb_body,
             "headers": {"X-Event-Id": event_id, "X-Timestamp": str(int(cb_ts) + 1),
                         "X-Signature": cb_sig["signatureDerBase64"]}},
            {"what": "signed by another key (the platform's own)", "body": cb_body,
             "headers": {"X-Event-Id": event_id, "X-Timestamp": cb_ts,
                         "X-Signature": other_sig["signatureDerBase64"]}},
        ],
    }


def main() -> None:
    text = json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
    if "--write" in sys.argv:
        OUT.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
