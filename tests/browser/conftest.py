"""Browser tests: a real `sxq serve` on its own SQLite file, driven by Debian's headless Chromium through
Playwright for Python. Playwright is pointed at /usr/bin/chromium (installed by `.ci/install-browser`), so it
never downloads a browser; without one the tests skip and say how to get it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = os.environ.get("SXQ_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.own_database)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LiveServer:
    base: str
    data_dir: Path


@pytest.fixture
def live_server_factory(tmp_path) -> Iterator[Callable[..., LiveServer]]:
    """Starts `sxq serve --migrate` in the sandbox on a free port, its own data directory and SQLite file, with
    extra environment variables (e.g. SXQ_ALLOWED_ORIGINS); every server started is stopped at teardown."""
    procs: list[tuple[subprocess.Popen, Any]] = []

    def start(**extra_env: str) -> LiveServer:
        data_dir = tmp_path / f"server{len(procs)}"
        data_dir.mkdir()
        port = _free_port()
        env = {**os.environ, "SXQ_DATA_DIR": str(data_dir), "SXQ_PORT": str(port), "SXQ_LOG_LEVEL": "WARNING",
               "SXQ_PASSWORD_SCRYPT_N": "1024", **extra_env}
        env.pop("SXQ_DATABASE_URL", None)
        log = (data_dir / "server.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "serve", "--migrate"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail((data_dir / "server.log").read_text())
        return LiveServer(base=base, data_dir=data_dir)

    try:
        yield start
    finally:
        for proc, log in procs:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


@pytest.fixture
def live_server(live_server_factory) -> LiveServer:
    """`sxq serve --migrate` in the sandbox with the default configuration."""
    return live_server_factory()


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: run .ci/install-browser (or `make browser-test`) to install it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OffsiteRequests:
    urls: list[str]


@pytest.fixture
def page(chromium):
    """A fresh browser context whose requests may only go to 127.0.0.1 (the console and pages vendor every asset:
    nothing may come from a CDN). Any other request is aborted and fails the test at teardown."""
    context = chromium.new_context(locale="zh-CN")
    offsite = OffsiteRequests(urls=[])

    def guard(route):
        host = urlsplit(route.request.url).hostname
        # chrome:// and chrome-extension:// are the browser's own files (its PDF viewer shows the letters the
        # console embeds): they never leave the machine.
        if (route.request.url.startswith(("data:", "blob:", "chrome:", "chrome-extension:"))
                or host in ("127.0.0.1", "localhost")):
            route.continue_()
        else:
            offsite.urls.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
    assert offsite.urls == [], f"requests left 127.0.0.1: {offsite.urls}"
