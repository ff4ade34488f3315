"""The CA hierarchy: created once, imported in production (`sxq ca init` / `sxq ca import`), keys at rest
only under the master key; the service signers and event certificates it issues."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.ca import x509 as sx
from adapters.ca.authority import (
    OCSP,
    PLATFORM_CALLBACK,
    SEAL_MAKER,
    CaConfig,
    CaNotInitialised,
    Sm2CertificateAuthority,
)
from adapters.crypto.sm2 import default_backend, private_key_to_pem
from adapters.persistence.tables_ca import ca_keys
from adapters.security.keys import KeyRing
from application.certificates.ports import SubjectInfo
from domain.certificates.certificate import CertificateStatus, HolderKind
from tests.integration.ca.conftest import SIGNER_ID


async def test_ca_private_keys_rest_encrypted_under_the_master_key(container, settings):
    # A second CA object on the same (emptied) database, so the test sees the rows it creates.
    fresh = Sm2CertificateAuthority(container.ca_store(), container.keyring(), container.sm2_backend(),
                                    container.clock(), CaConfig(base_url=settings.base_url, sandbox=True))
    made = await fresh.initialise()
    async with container.session_factory()() as s:
        rows = {r["name"]: r for r in (await s.execute(select(ca_keys))).mappings().all()}
    assert set(rows) == {"root", "issuing", OCSP}
    for name, row in rows.items():
        private = fresh._keys[name].private_key
        assert len(row["wrapped_private_key"]) == 1 + 12 + 32 + 16  # SM4-GCM: version, nonce, key, tag
        assert private not in row["wrapped_private_key"]
    assert rows["root"]["certificate"] == made["root"].dump()
    # Another master key cannot read them.
    other = Sm2CertificateAuthority(container.ca_store(), KeyRing(b"\x01" * 32), container.sm2_backend(),
                                    container.clock(), CaConfig(base_url=settings.base_url, sandbox=True))
    with pytest.raises(ValueError, match="does not authenticate"):
        await other.ensure_ready()
    with pytest.raises(CaNotInitialised):
        await fresh.initialise()


@pytest.mark.parametrize(("name", "eku"), [(OCSP, "OCSP Signing"), (PLATFORM_CALLBACK, "1.3.6.1.5.5.7.3.36"),
                                           (SEAL_MAKER, "1.3.6.1.5.5.7.3.36")])
async def test_service_signers_are_issued_by_the_issuing_ca(ca, openssl, name, eku):
    cert, key = await ca.service_signer(name)
    assert default_backend().public_key(key) == sx.public_key_of(cert)
    openssl.write("issuing.pem", await ca.certificate_pem("issuing"))
    openssl.write("svc.pem", sx.to_pem(cert))
    assert eku in openssl.out("x509", "-in", "svc.pem", "-noout", "-text")
    openssl.run("verify", "-vfyopt", f"distid:{SIGNER_ID}", "-partial_chain", "-CAfile", "issuing.pem", "svc.pem")
    again, _ = await ca.service_signer(name)
    assert again.dump() == cert.dump()


async def test_event_certificates_live_an_hour_and_are_recorded(container, openssl, new_account):
    account = await new_account()
    event = await container.issue_event_certificate()(SubjectInfo(HolderKind.PERSON, "张三", "ID-1"), account)
    cert = event.certificate
    assert cert.status is CertificateStatus.ACTIVE and cert.profile == "EVENT"
    assert cert.not_after - cert.not_before == timedelta(hours=1)
    assert container.sm2_backend().public_key(event.private_key) == cert.public_key
    assert "private_key" not in repr(event) or event.private_key.hex() not in repr(event)
    async with container.uow() as uow:
        assert (await uow.certificates.get(cert.id)).der == cert.der
    with pytest.raises(Exception, match="validity exceeds"):
        await container.issue_event_certificate()(SubjectInfo(HolderKind.PERSON, "张三", "ID-1"), account,
                                                  validity=timedelta(days=2))


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_MASTER_KEY": "7b" * 32,
           "SXQ_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "SXQ_LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "adapters.cli.main", *args], env=env, capture_output=True,
                          timeout=120)


@pytest.mark.own_database  # the CLI on its own SQLite file
def test_sxq_ca_import_adopts_an_external_hierarchy_with_an_offline_root(tmp_path, openssl):
    b = default_backend()
    now = datetime.now(UTC)
    root_key, issuing_key = b.generate_private_key(), b.generate_private_key()
    root = sx.make_root(root_key, {"country_name": "CN", "organization_name": "外部", "common_name": "外部根"},
                        now - timedelta(days=1), now + timedelta(days=3650))
    issuing = sx.make_issuing_ca(root, root_key, {"country_name": "CN", "organization_name": "外部",
                                                  "common_name": "外部签发"}, b.public_key(issuing_key),
                                 now - timedelta(days=1), now + timedelta(days=3000))
    (tmp_path / "root.pem").write_text(sx.to_pem(root))
    (tmp_path / "issuing.pem").write_text(sx.to_pem(issuing))
    (tmp_path / "issuing.key").write_text(private_key_to_pem(issuing_key))
    (tmp_path / "other.key").write_text(private_key_to_pem(b.generate_private_key()))
    assert _cli(tmp_path, "migrate").returncode == 0

    wrong = _cli(tmp_path, "ca", "import", "--root-cert", str(tmp_path / "root.pem"), "--issuing-cert",
                 str(tmp_path / "issuing.pem"), "--issuing-key", str(tmp_path / "other.key"))
    assert wrong.returncode == 2 and b"does not match" in wrong.stderr

    done = _cli(tmp_path, "ca", "import", "--root-cert", str(tmp_path / "root.pem"), "--issuing-cert",
                str(tmp_path / "issuing.pem"), "--issuing-key", str(tmp_path / "issuing.key"))
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "root key stays offline" in out and format(issuing.serial_number, "x") in out
    assert issuing_key.hex() not in out + done.stderr.decode()
    again = _cli(tmp_path, "ca", "init")
    assert again.returncode == 2 and b"already exists" in again.stderr


@pytest.mark.own_database  # the CLI on its own SQLite file
def test_sxq_ca_init_creates_a_hierarchy_openssl_accepts(tmp_path, openssl):
    assert _cli(tmp_path, "migrate").returncode == 0
    done = _cli(tmp_path, "ca", "init", "--root-out", str(tmp_path / "root.pem"))
    assert done.returncode == 0, done.stderr.decode()
    assert "SHA-256" in done.stdout.decode()
    text = openssl.out("x509", "-in", str(tmp_path / "root.pem"), "-noout", "-text")
    assert "CA:TRUE" in text and "Signature Algorithm: SM2-with-SM3" in text
    root = sx.load_certificate((tmp_path / "root.pem").read_bytes())
    assert sx.verify_certificate(root, root)
