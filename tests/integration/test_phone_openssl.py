"""Co-signatures finished by the server are ordinary SM2 signatures: OpenSSL 3 verifies them against the joint
public key with the GM/T 0009 signer ID, knowing nothing of shares. The server's half here is the independent
implementation (tests/support/independent_phone.py), the phone is sxq_phone."""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import algos, keys

from sxq_phone import OnScreen, Phone
from sxq_phone.messages import canonical_json
from sxq_phone.sm3z import sm3
from tests.support import independent_phone as ref

SM2_CURVE_OID = "1.2.156.10197.1.301"
DISTID = "distid:1234567812345678"
VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "vectors" / "sm2_cosign.json"

PIN = "246813"
T_ID, PLATFORM = "T20250101000042", "GGZY1100001"
DOCUMENT = sm3("投标文件.pdf".encode())
LOGIN = canonical_json({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN",
                        "signedAt": "2025-01-01T08:00:00+08:00"})
CONSENT = canonical_json({"action": "scan.consent", "input": {"tId": T_ID, "platformCode": PLATFORM,
                                                                "documents": [DOCUMENT.hex()]},
                          "account": "acc-1", "time": "2025-01-01T08:00:00+08:00"})


class OpenSsl:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def write(self, name: str, data: bytes) -> None:
        (self.workdir / name).write_bytes(data)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["openssl", *args], cwd=self.workdir, capture_output=True, timeout=30)

    def verifies(self, public_key: bytes, message: bytes, r: int, s: int) -> bool:
        self.write("pub.pem", public_key_pem(public_key))
        self.write("msg", message)
        self.write("sig.der", algos.DSASignature({"r": r, "s": s}).dump())
        proc = self.run("pkeyutl", "-verify", "-in", "msg", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID,
                        "-pubin", "-inkey", "pub.pem", "-sigfile", "sig.der")
        return proc.returncode == 0 and b"Signature Verified Successfully" in proc.stdout


def public_key_pem(public_key: bytes) -> bytes:
    """SubjectPublicKeyInfo: id-ecPublicKey with the SM2 curve's OID, the point uncompressed."""
    spki = keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec",
                      "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)},
        "public_key": public_key,
    })
    body = base64.encodebytes(spki.dump()).replace(b"\n", b"")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"-----BEGIN PUBLIC KEY-----\n" + b"\n".join(lines) + b"\n-----END PUBLIC KEY-----\n"


@pytest.fixture(scope="module")
def openssl(tmp_path_factory) -> OpenSsl:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not on PATH")
    tool = OpenSsl(tmp_path_factory.mktemp("openssl"))
    version = tool.run("version")
    assert version.returncode == 0 and version.stdout.startswith(b"OpenSSL 3"), version.stdout
    return tool


def test_openssl_verifies_finished_co_signatures(openssl):
    d_server = secrets.randbelow(ref.n - 1) + 1
    enrolment = Phone.start_enrolment()
    public_key = ref.joint_public_key(d_server, enrolment.device_public_share)
    phone = enrolment.finish(PIN, ref.public_share(d_server), public_key, kdf_log_n=10)
    screen = OnScreen.scan(T_ID, PLATFORM, [DOCUMENT.hex()])
    nonces = {}
    requests = []
    for i, message in enumerate((LOGIN, DOCUMENT, CONSENT)):
        nonces[str(i)] = w1 = secrets.randbelow(ref.n - 1) + 1
        requests.append({"id": str(i), "message": base64.b64encode(message).decode(),
                         "serverCommitment": base64.b64encode(ref.commitment(w1)).decode(),
                         "publicKey": phone.public_key_b64})

    for co_signature, message in zip(phone.co_sign_all(requests, PIN, screen), (LOGIN, DOCUMENT, CONSENT),
                                     strict=True):
        r = co_signature.r
        s = ref.finish(d_server, nonces[co_signature.request_id], r, co_signature.s1)
        assert openssl.verifies(public_key, message, r, s)
        assert not openssl.verifies(public_key, message + b" ", r, s)


def test_openssl_refuses_a_co_signature_made_with_a_wrong_pin(openssl):
    d_server, w1 = secrets.randbelow(ref.n - 1) + 1, secrets.randbelow(ref.n - 1) + 1
    enrolment = Phone.start_enrolment()
    public_key = ref.joint_public_key(d_server, enrolment.device_public_share)
    phone = enrolment.finish(PIN, ref.public_share(d_server), public_key, kdf_log_n=10)
    request = {"id": "1", "message": base64.b64encode(LOGIN).decode(),
               "serverCommitment": base64.b64encode(ref.commitment(w1)).decode(), "publicKey": phone.public_key_b64}
    co_signature = phone.co_sign(request, "246814", OnScreen.scan(T_ID, PLATFORM))
    assert not openssl.verifies(public_key, LOGIN, co_signature.r,
                                ref.finish(d_server, w1, co_signature.r, co_signature.s1))


def test_openssl_verifies_the_shared_vectors(openssl):
    for v in json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]:
        sig = algos.DSASignature.load(bytes.fromhex(v["signature_der"]))
        assert (sig["r"].native, sig["s"].native) == (int(v["r"], 16), int(v["s"], 16))
        assert openssl.verifies(bytes.fromhex(v["public_key"]), bytes.fromhex(v["message_hex"]),
                                sig["r"].native, sig["s"].native)
