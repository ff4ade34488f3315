"""The second relying-party example (examples/node_platform, Node.js with sm-crypto from the npm registry) against
the real server, like tests/e2e/test_example_platform.py drives the Python one: `npm ci` from its lock file, its
own tests of docs/signing-vectors.json, then its key, its registration through the operator API and its web app
as real processes: a QR login page, our signed callbacks received over HTTP and verified (signature, chain to our
root), the LOGIN result verified, a forged callback refused."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from domain.operators.operator import OperatorRole
from tests.contract.test_certificates_flows import PHONE, account_uuid, entitlement, verified
from tests.contract.test_scan_flows import claim_with_phone
from tests.e2e.test_example_platform import _scan_and_confirm
from tests.support.platform import entitlement_on
from tests.support.ws import serving

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "node_platform"
CODE = "DEMOPF00002"
NODE, NPM = shutil.which("node"), shutil.which("npm")

pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="node and npm are not installed: the Node.js example (examples/node_platform) is not tested here; "
           "install Node.js 18+ with npm (e.g. apt-get install nodejs npm) to run it")


@pytest.fixture(scope="module")
def node_example(tmp_path_factory) -> Path:
    """The example copied out of the tree (no node_modules there, none left behind) and installed by `npm ci`,
    exactly the versions its package-lock.json pins, with their integrity hashes."""
    work = tmp_path_factory.mktemp("node_platform") / "node_platform"
    shutil.copytree(EXAMPLE, work, ignore=shutil.ignore_patterns("node_modules", "*.key", "*.pem"))
    done = subprocess.run([NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return work


def test_its_own_tests_of_the_signing_vectors_pass(node_example):
    done = subprocess.run([NODE, "--test", "test/"], cwd=node_example, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SXQ_VECTORS": str(ROOT / "docs" / "signing-vectors.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^# pass 3$", done.stdout, re.M) and re.search(r"^# fail 0$", done.stdout, re.M), done.stdout


async def _node(cwd: Path, *args: str, env: dict[str, str]) -> str:
    """Runs a node script without blocking the event loop our server is served from."""
    proc = await asyncio.create_subprocess_exec(NODE, *args, cwd=cwd, env={**os.environ, **env},
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, (out + err).decode()
    return out.decode()


@pytest.fixture
async def world(node_example, app, container, gql):
    """Our server on a real port; the Node platform's key made by keygen.js, its web app started, registered by
    register.js through the operator API; a holder with a certificate pair and an entitlement on it."""
    await container.use_cases().create_operator("catalogue", "Oper4tor!x", OperatorRole.ADMIN)
    async with serving(app) as sxq_url:
        await _node(node_example, "keygen.js", "platform.key", "platform.pub.pem", env={})
        env = {"SXQ_URL": sxq_url, "PLATFORM_CODE": CODE, "PLATFORM_KEY": "platform.key",
               "CALLBACK_CERT": "callback.pem", "PORT": "0"}
        proc = await asyncio.create_subprocess_exec(NODE, "server.js", cwd=node_example, env={**os.environ, **env},
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line.startswith("listening http://127.0.0.1:"), line
            rp_url = line.split()[1]
            await _node(node_example, "register.js", env={
                **env, "OPERATOR_USERNAME": "catalogue", "OPERATOR_PASSWORD": "Oper4tor!x",
                "PLATFORM_NAME": "示例交易平台（Node.js）", "PLATFORM_REGION": "北京市",
                "CALLBACK_URL": f"{rp_url}/sxq/callback"})
            account = await verified(gql, container)
            assert (await claim_with_phone(gql, PHONE, await entitlement(container, account)))["userErrors"] == []
            async with container.uow() as uow:
                platform = await uow.trading_platforms.by_code(CODE)
            assert platform is not None and platform.name == "示例交易平台（Node.js）"
            await entitlement_on(container, account_uuid(account), platform.id)
            certs = (await gql.op("MyCertificates"))["me"]["certificates"]
            yield node_example, rp_url, certs
        finally:
            proc.terminate()
            await proc.wait()


async def test_login_over_the_qr_page_with_a_verified_callback(world, gql, container):
    _cwd, rp_url, certs = world
    async with httpx.AsyncClient(base_url=rp_url, follow_redirects=False, timeout=20) as browser:
        started = await browser.post("/login")
        assert started.status_code == 303, started.text
        qr_page = started.headers["location"]
        t_id = qr_page.rsplit("/", 1)[1]
        page = (await browser.get(qr_page)).text
        assert "<svg" in page and "等待扫码" in page and "<script" not in page
        session = (await browser.get(f"/sessions/{t_id}")).json()
        await _scan_and_confirm(gql, session["qrContent"], certs)
        await container.dispatcher().dispatch_due()  # our signed callbacks go over HTTP to the Node platform
        shown = (await browser.get(f"/result/{t_id}")).json()
        assert shown["status"] == "CONFIRMED" and shown["error"] is None and shown["verified"] is True, shown
        assert shown["holder"]["name"] == "张三"
        assert "已验证：张三" in (await browser.get(qr_page)).text


async def test_a_forged_callback_is_refused(world):
    _cwd, rp_url, _certs = world
    from adapters.crypto.sm2 import default_backend

    async with httpx.AsyncClient(base_url=rp_url, follow_redirects=False, timeout=20) as browser:
        t_id = (await browser.post("/login")).headers["location"].rsplit("/", 1)[1]
        event_id = f"{t_id}-SCANNED"
        body = json.dumps({"eventId": event_id, "occurredAt": "2026-12-08T02:00:30+00:00", "result": None,
                           "tId": t_id, "type": "SCANNED"}, separators=(",", ":")).encode()
        ts = str(int(time.time()))
        sm2 = default_backend()
        forger = sm2.generate_private_key()
        import hashlib

        message = f"{ts}\n{event_id}\n{hashlib.new('sm3', body).hexdigest()}".encode()
        refused = await browser.post("/sxq/callback", content=body, headers={
            "X-Event-Id": event_id, "X-Timestamp": ts, "X-Signature": base64.b64encode(sm2.sign(forger, message)).decode()})
        assert refused.status_code == 400
        assert (await browser.get(f"/result/{t_id}")).json()["status"] == "WAITING"
