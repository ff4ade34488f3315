"""Fixtures for the CA tests: the container's CA on the test database, accounts that hold certificates,
and a runner for the OpenSSL 3 CLI (the outside verifier our certificates, CRLs and OCSP answers face)."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from application.certificates.issue_dual_certificates import DualPair, IssueDualCertificatesCommand
from application.certificates.ports import SubjectInfo
from application.context import Principal
from domain.accounts.account import Account
from domain.accounts.session import PrincipalKind
from domain.certificates.certificate import HolderKind

SIGNER_ID = "1234567812345678"


class OpenSsl:
    """Runs `openssl` in a scratch folder; file names are relative to it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def write(self, name: str, data: bytes | str) -> str:
        path = self.workdir / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)

    def read(self, name: str) -> bytes:
        return (self.workdir / name).read_bytes()

    def run(self, *args: str, check: bool = True, input: bytes | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run(["openssl", *args], cwd=self.workdir, capture_output=True, input=input, timeout=60)
        if check and proc.returncode != 0:
            raise AssertionError(f"openssl {' '.join(args)} failed:\n{proc.stdout.decode()}\n{proc.stderr.decode()}")
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode()


@pytest.fixture
def openssl(tmp_path) -> OpenSsl:
    return OpenSsl(tmp_path)


@pytest.fixture
def ca(container):
    return container.certificate_authority()


@pytest.fixture
def new_account(container):
    async def make(phone: str | None = None) -> UUID:
        async with container.uow() as uow:
            account = Account(phone=phone or f"138{uuid4().int % 10**8:08d}", password_hash="x",
                              created_at=container.clock().now())
            uow.accounts.add(account)
            await uow.commit()
        return account.id

    return make


async def issue_dual(container, cmd: IssueDualCertificatesCommand) -> DualPair:
    """As the claims do it: the keys outside the transaction, then both certificates in one."""
    issue = container.issue_dual_certificates()
    prepared = issue.prepare_keys(cmd)
    async with container.uow() as uow:
        pair = await issue.record(uow, cmd, prepared)
        await uow.commit()
    return pair


@pytest.fixture
def issue_pair(container):
    """A person's dual pair. The CA only certifies the signing public key (a person's two-share key in
    production); here it is a plain key pair, and `signing_private_key` is there for tests that need its half."""
    async def issue(account_id: UUID, *, signing_private_key: bytes | None = None,
                    subject: SubjectInfo | None = None, days: int = 365) -> DualPair:
        sm2 = container.sm2_backend()
        private_key = signing_private_key or sm2.generate_private_key()
        subject = subject or SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234")
        return await issue_dual(container, IssueDualCertificatesCommand(
            account_id, subject, container.clock().now() + timedelta(days=days),
            signing_public_key=sm2.public_key(private_key)))

    return issue


def principal(account_id: UUID) -> Principal:
    return Principal(PrincipalKind.ACCOUNT, account_id, uuid4())
