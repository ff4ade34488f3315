"""`sxq platform register`: a platform registered from its PEM key file gets our certificate over that key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from asn1crypto import pem as asn1_pem
from asn1crypto import x509

from adapters.crypto.sm2 import default_backend
from adapters.crypto.sm2.keyfiles import public_key_to_pem

# A subprocess on its own SQLite file, whatever the configured database: the PostgreSQL run skips it.
pytestmark = pytest.mark.own_database


def _sxq(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path / "data"), "SXQ_LOG_LEVEL": "WARNING"}
    for name in ("SXQ_DATABASE_URL", "SXQ_MODE", "SXQ_MASTER_KEY"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "adapters.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_register_prints_the_callback_signing_certificate(tmp_path):
    sm2 = default_backend()
    public = sm2.public_key(sm2.generate_private_key())
    key_file = tmp_path / "platform.pub.pem"
    key_file.write_text(public_key_to_pem(public))
    assert _sxq(tmp_path, "migrate").returncode == 0
    args = ["platform", "register", "--code", "GGZYJY44001", "--name", "广东省公共资源交易平台", "--region", "广东省",
            "--callback-url", "https://ggzy.example/sxq/callback", "--public-key-file", str(key_file),
            "--certificate-out", str(tmp_path / "callback.pem")]
    done = _sxq(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert "GGZYJY44001" in done.stderr
    assert (tmp_path / "callback.pem").read_text() == done.stdout
    _, _, der = asn1_pem.unarmor(done.stdout.encode())
    cert = x509.Certificate.load(der)
    # Our platform-callback signer's certificate (what callbacks are signed with), not one over the platform key.
    assert cert.public_key["public_key"].native != public
    assert "平台回调签名服务" in cert.subject.human_friendly
    issuer = cert.issuer.human_friendly
    assert issuer and issuer != cert.subject.human_friendly  # signed by our issuing CA, not self-signed

    again = _sxq(tmp_path, *args)
    assert again.returncode == 2 and again.stdout == ""
    assert "error:" in again.stderr

    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    refused = _sxq(tmp_path, *args[:2], "--code", "GGZYJY44002", *args[4:10], "--public-key-file", str(bad))
    assert refused.returncode == 2 and "publicKeyPem" in refused.stderr
    other_key = tmp_path / "other.pub.pem"
    other_key.write_text(public_key_to_pem(sm2.public_key(sm2.generate_private_key())))
    second = _sxq(tmp_path, *args[:2], "--code", "GGZYJY44009", *args[4:10], "--public-key-file", str(other_key))
    assert second.returncode == 0 and second.stdout == done.stdout  # every platform trusts the same signer
    missing = _sxq(tmp_path, *args[:2], "--code", "GGZYJY44003", *args[4:10], "--public-key-file",
                   str(tmp_path / "nope.pem"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_plan_create_adds_a_plan_to_the_platforms_catalogue(tmp_path):
    sm2 = default_backend()
    key_file = tmp_path / "platform.pub.pem"
    key_file.write_text(public_key_to_pem(sm2.public_key(sm2.generate_private_key())))
    assert _sxq(tmp_path, "migrate").returncode == 0
    assert _sxq(tmp_path, "platform", "register", "--code", "GGZYJY44001", "--name", "广东省公共资源交易平台",
                "--region", "广东省", "--callback-url", "https://ggzy.example/cb",
                "--public-key-file", str(key_file)).returncode == 0
    done = _sxq(tmp_path, "plan", "create", "--platform-code", "GGZYJY44001", "--subject", "PERSONAL",
                "--name", "个人证书年度服务", "--operations", "LOGIN,SIGN", "--price", "99.00")
    assert done.returncode == 0, done.stderr
    assert "99.00 yuan" in done.stderr and len(done.stdout.strip()) == 36  # the plan's id
    unknown = _sxq(tmp_path, "plan", "create", "--platform-code", "NOSUCHPF001", "--subject", "PERSONAL",
                   "--name", "x", "--price", "1")
    assert unknown.returncode == 2 and "交易平台不存在" in unknown.stderr
    bad = _sxq(tmp_path, "plan", "create", "--platform-code", "GGZYJY44001", "--subject", "PERSONAL",
               "--name", "x", "--price", "abc")
    assert bad.returncode == 2
