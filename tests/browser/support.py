"""Helpers of the console's browser tests: operators made by the real CLI, a GraphQL client on the live server,
and screenshots for docs/console/."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pyotp

T = TypeVar("T")
PASSWORD = "Oper4tor!x"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


def server_env(live_server) -> dict[str, str]:
    env = {**os.environ, "SXQ_DATA_DIR": str(live_server.data_dir), "SXQ_LOG_LEVEL": "WARNING",
           "SXQ_PASSWORD_SCRYPT_N": "1024"}
    env.pop("SXQ_DATABASE_URL", None)
    return env


def create_operator(live_server, username: str, role: str) -> pyotp.TOTP:
    """`sxq operator create` as staff run it; the TOTP is read from the otpauth URI it prints."""
    done = subprocess.run([sys.executable, "-m", "adapters.cli.main", "operator", "create", "--username", username,
                           "--role", role], env=server_env(live_server), input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    uri = next(line for line in done.stdout.splitlines() if line.startswith("otpauth://totp/"))
    return pyotp.TOTP(pyotp.parse_uri(uri).secret)


def fresh_code(totp: pyotp.TOTP, used: set[str] | None = None) -> str:
    """The current code; a code works once, so wait for the next step when this one was used already."""
    import time

    while True:
        code = totp.now()
        if used is None or code not in used:
            if used is not None:
                used.add(code)
            return code
        time.sleep(1)


def log_in(page, live_server, username: str, totp: pyotp.TOTP, used: set[str] | None = None) -> None:
    page.goto(f"{live_server.base}/console/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#totp", fresh_code(totp, used))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.base}/console/")


def log_out(page) -> None:
    page.click("header.bar form button")
    page.wait_for_url("**/console/login")


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Runs a coroutine on a loop of its own thread (Playwright's sync API owns this one's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, make()).result()


async def with_gql(live_server, act: Callable[[Any], Awaitable[T]]) -> T:
    from tests.support.graphql import GraphQLClient

    async with httpx.AsyncClient(base_url=live_server.base, timeout=30) as http:
        return await act(GraphQLClient(http))


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def verified_live(gql, phone: str, name: str, number: str) -> str:
    """Registers and verifies by the sandbox's face check, polling the live server until the verdict is in."""
    reg = await gql.register(phone)
    r = await gql.op("StartIdCardVerification", {"legalName": name, "idNumber": number})
    token = r["startIdCardVerification"]["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    # The sandbox notifies the server of the verdict (POST /callbacks/face), which verifies the person; the app's
    # CompleteFaceVerification may race that callback (CONFLICT), so poll what the app shows instead.
    for _ in range(200):
        if (await gql.op("Me"))["me"]["realNameStatus"] == "VERIFIED":
            return reg["account"]["id"]
        await asyncio.sleep(0.1)
    done = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    assert done["userErrors"] == [] and done["account"]["realNameStatus"] == "VERIFIED", done
    return reg["account"]["id"]
