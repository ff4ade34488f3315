"""OpenSSL asks a real server (`sxq serve`, uvicorn) about our certificates over HTTP, at the OCSP URL the
certificate itself names, and fetches the CRL from its distribution point."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest
from asn1crypto import crl as acrl

from adapters.ca import x509 as sx
from application.certificates.issue_dual_certificates import IssueDualCertificatesCommand
from application.certificates.ports import SubjectInfo
from application.certificates.revoke_certificate import RevokeCertificateCommand
from domain.accounts.account import Account
from domain.certificates.certificate import HolderKind
from tests.integration.ca.conftest import issue_dual, principal

# A subprocess on its own SQLite file, whatever the configured database: the PostgreSQL run skips it.
pytestmark = pytest.mark.own_database

MASTER_KEY = "5a" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live(tmp_path):
    """A server on its own SQLite database; it creates its sandbox CA at start."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    db = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_PORT": str(port), "SXQ_LOG_LEVEL": "WARNING",
           "SXQ_PASSWORD_SCRYPT_N": "1024", "SXQ_DATABASE_URL": db, "SXQ_MASTER_KEY": MASTER_KEY,
           "SXQ_PUBLIC_URL": base}
    proc = subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "serve", "--migrate"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/ca/certs/issuing.pem", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail(proc.stdout.read().decode())
        yield base, db, tmp_path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_openssl_queries_the_live_responder_named_in_the_certificate(live, openssl):
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings

    base, db, data_dir = live
    container = build_container(Settings(mode="sandbox", data_dir=data_dir, database_url=db, master_key=MASTER_KEY,
                                         public_url=base, password_scrypt_n=2**10))
    try:
        async with container.uow() as uow:
            account = Account(phone="13900000001", password_hash="x", created_at=container.clock().now())
            uow.accounts.add(account)
            await uow.commit()
        sm2 = container.sm2_backend()
        pair = await issue_dual(container, IssueDualCertificatesCommand(
            account.id, SubjectInfo(HolderKind.PERSON, "赵六", "ID-LIVE"), container.clock().now() + timedelta(days=30),
            signing_public_key=sm2.public_key(sm2.generate_private_key())))
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            openssl.write("issuing.pem", (await http.get("/ca/certs/issuing.pem")).text)
            openssl.write("root.pem", (await http.get("/ca/certs/root.pem")).text)
        openssl.write("sign.pem", sx.to_pem(sx.load_certificate(pair.signing.der)))
        url = openssl.out("x509", "-in", "sign.pem", "-noout", "-ocsp_uri").strip()
        assert url == f"{base}/ca/ocsp"

        def ask() -> str:
            proc = openssl.run("ocsp", "-issuer", "issuing.pem", "-cert", "sign.pem", "-url", url, "-CAfile",
                               "root.pem", "-no_signature_verify", "-no_cert_verify", "-resp_text")
            return proc.stdout.decode() + proc.stderr.decode()

        out = ask()
        assert "Response verify OK" in out, out  # includes the nonce check
        assert "sign.pem: good" in out

        await container.revoke_certificate()(RevokeCertificateCommand(principal(account.id), pair.signing.id,
                                                                      "key_compromise", with_pair=False))
        out = ask()
        assert "sign.pem: revoked" in out and "Reason: keyCompromise" in out

        cdp = sx.load_certificate(pair.signing.der).crl_distribution_points[0]["distribution_point"].native[0]
        async with httpx.AsyncClient(timeout=5) as http:
            res = await http.get(cdp)
        listed = acrl.CertificateList.load(res.content)["tbs_cert_list"]["revoked_certificates"]
        assert [r["user_certificate"].native for r in listed] == [int(pair.signing.serial, 16)]
    finally:
        await container.http_client().aclose()
        await container.engine().dispose()
