"""Fixtures for the SM2 adapter tests: every backend that imports, and a runner for the OpenSSL 3 CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from adapters.crypto.sm2 import available_backends

BACKENDS = available_backends()


@pytest.fixture(params=sorted(BACKENDS))
def backend(request):
    return BACKENDS[request.param]


class OpenSsl:
    """Runs `openssl` in a scratch folder; files are named, written and read relative to it."""

    def __init__(self, workdir: Path):
        self.workdir = workdir

    def write(self, name: str, data: bytes | str) -> str:
        path = self.workdir / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)

    def read(self, name: str) -> bytes:
        return (self.workdir / name).read_bytes()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["openssl", *args], cwd=self.workdir, capture_output=True, timeout=30)
        if check and proc.returncode != 0:
            raise AssertionError(f"openssl {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
        return proc


@pytest.fixture
def openssl(tmp_path) -> OpenSsl:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not on PATH")
    return OpenSsl(tmp_path)
