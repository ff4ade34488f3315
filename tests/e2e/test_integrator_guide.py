"""Issue 15 item 6: docs/integrator-guide.md from nothing, step by step over the public API against a real
server: an operator (made as `sxq operator create` makes one) registers the platform (the Python example's
register.py) and gives it a plan (examples/sandbox_kit.py `plan`); a sandbox test user registers, is verified,
buys the plan and claims a certificate (`user`), with no test helper making anything behind the API's back;
the platform starts a LOGIN session and the user scans and confirms it (`scan`); the platform verifies the
callback. Before the plan is bought the user has no certificate to scan with, and the kit says why."""

from __future__ import annotations

import httpx
import pytest

from domain.operators.operator import OperatorRole
from examples import sandbox_kit
from examples.trading_platform import gm
from examples.trading_platform.app import create_app as create_platform_app
from examples.trading_platform.platform import RelyingParty
from examples.trading_platform.register import register_with_operator_api
from tests.support.ws import serving

CODE = "DEMOPF00003"


async def test_from_nothing_to_a_verified_login(app, container, tmp_path):
    await container.use_cases().create_operator("ops", "Oper4tor!x", OperatorRole.ADMIN)  # what `sxq operator create` does
    key = gm.new_private_key()
    async with httpx.AsyncClient(timeout=30) as http, serving(app) as sxq:
        party = RelyingParty(server_url=sxq, platform_code=CODE, private_key=key, callback_certificate_pem="",
                             http=http)
        async with serving(create_platform_app(party)) as rp:
            party.callback_certificate_pem = await register_with_operator_api(
                http, sxq, username="ops", password="Oper4tor!x", platform_code=CODE, name="指南平台",
                region="北京市", callback_url=f"{rp}/sxq/callback", private_key=key)

            # Without a plan there is nothing to buy: the kit says what is missing.
            with pytest.raises(sandbox_kit.KitError, match="no PERSONAL plan"):
                await sandbox_kit.create_test_user(http, sxq, platform_code=CODE, phone="13800138000")

            plan = await sandbox_kit.create_plan(http, sxq, platform_code=CODE, operator="ops", password="Oper4tor!x")
            assert set(plan["operations"]) == {"LOGIN", "SIGN", "ENCRYPT", "DECRYPT"}
            again = await sandbox_kit.create_plan(http, sxq, platform_code=CODE, operator="ops",
                                                  password="Oper4tor!x")
            assert again["id"] == plan["id"], "an existing plan is kept"

            user = await sandbox_kit.create_test_user(http, sxq, platform_code=CODE, phone="13800138001",
                                                      name="李四", number=sandbox_kit.id_number("44010619900307456"))
            state = tmp_path / "user.json"
            user.save(state)
            user = sandbox_kit.TestUser.load(state)

            session = await party.start_login()
            confirmed = await user.scan_and_confirm(http, sxq, session["qrContent"])
            assert confirmed["status"] == "CONFIRMED"
            await container.dispatcher().dispatch_due()
            outcome = party.outcomes[session["tId"]]
            assert outcome.status == "CONFIRMED" and outcome.verified and outcome.error is None, outcome.error
            assert outcome.holder["name"] == "李四"
