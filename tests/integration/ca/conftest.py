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
PIN = "135790"


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


@pytest.fixture
def issue_pair(container):
    async def issue(account_id: UUID, *, pin: str = PIN, subject: SubjectInfo | None = None,
                    days: int = 365) -> DualPair:
        subject = subject or SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234")
        return await container.issue_dual_certificates()(IssueDualCertificatesCommand(
            account_id, subject, pin, container.clock().now() + timedelta(days=days)))

    return issue


def principal(account_id: UUID) -> Principal:
    return Principal(PrincipalKind.ACCOUNT, account_id, uuid4())
