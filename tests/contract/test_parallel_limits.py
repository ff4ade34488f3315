"""Issue 13: counters and limits raced by parallel requests, fired over HTTP with the contract documents (twenty at
once with asyncio.gather, on SQLite or on PostgreSQL when SXQ_TEST_DATABASE_URL names one), and the count afterwards
exact: SMS tries, code requests against the cooldown, wrong passwords and the lock, join refusals, bank-transfer
tries."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from adapters.persistence import tables as t
from tests.contract.test_certificates_flows import verified
from tests.contract.test_enterprise_bank_transfer_flows import confirm, deposit_code, start
from tests.contract.test_enterprise_flows import LI, create
from tests.contract.test_enterprise_member_flows import LI_PHONE, apply_vars, certified

N = 20
PHONE = "13712340001"


def _codes(answers: list[dict]) -> Counter:
    return Counter(a["userErrors"][0]["code"] if a["userErrors"] else "OK" for a in answers)


async def _rows(container, table, **where) -> int:
    async with container.uow() as uow:
        q = select(func.count()).select_from(table).where(*(table.c[k] == v for k, v in where.items()))
        return int((await uow._session.execute(q)).scalar_one())


async def test_twenty_parallel_wrong_sms_codes_count_five_then_the_right_code_is_refused(gql):
    await gql.register(PHONE)
    assert (await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"}, token=""))["requestSmsCode"][
        "userErrors"] == []
    right = await gql.latest_code(PHONE)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    answers = await asyncio.gather(*(gql.op("LoginWithSmsCode", {"phone": PHONE, "smsCode": wrong}, token="")
                                     for _ in range(N)))

    assert _codes([a["loginWithSmsCode"] for a in answers]) == {"SMS_CODE_INVALID": 4,
                                                                  "SMS_CODE_ATTEMPTS_EXCEEDED": N - 4}
    messages = sorted(a["loginWithSmsCode"]["userErrors"][0]["message"] for a in answers
                      if a["loginWithSmsCode"]["userErrors"][0]["code"] == "SMS_CODE_INVALID")
    assert messages == [f"短信验证码错误，还可尝试 {n} 次" for n in (1, 2, 3, 4)]  # each try told its own count
    late = (await gql.op("LoginWithSmsCode", {"phone": PHONE, "smsCode": right}, token=""))["loginWithSmsCode"]
    assert late["session"] is None and late["userErrors"][0]["code"] == "SMS_CODE_ATTEMPTS_EXCEEDED"


async def test_twenty_parallel_code_requests_send_one(gql, container):
    answers = await asyncio.gather(*(gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "REGISTER"}, token="")
                                     for _ in range(N)))

    assert _codes([a["requestSmsCode"] for a in answers]) == {"OK": 1, "SMS_COOLDOWN": N - 1}
    assert await _rows(container, t.sms_challenges, phone=PHONE) == 1


async def test_twenty_parallel_wrong_passwords_lock_exactly_at_five(gql):
    await gql.register(PHONE)

    answers = await asyncio.gather(*(gql.op("LoginWithPassword", {"phone": PHONE, "password": "Wr0ngPass"},
                                            token="") for _ in range(N)))

    assert _codes([a["loginWithPassword"] for a in answers]) == {"INVALID_CREDENTIALS": 4, "LOGIN_LOCKED": N - 4}
    right = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "Passw0rdX"}, token=""))
    assert right["loginWithPassword"]["userErrors"][0]["code"] == "LOGIN_LOCKED"


async def test_twenty_parallel_refused_join_applications_count_five(gql, container):
    await certified(gql, container)
    await verified(gql, container, LI_PHONE, "李四", LI)
    li = gql.token
    wrong = apply_vars(phone="13712345679")  # not the admin's phone: refused

    answers = await asyncio.gather(*(gql.op("ApplyToJoinEnterprise", wrong, token=li) for _ in range(N)))

    assert _codes([a["applyToJoinEnterprise"] for a in answers]) == {"JOIN_REFUSED": 5,
                                                                      "JOIN_ATTEMPTS_EXCEEDED": N - 5}
    assert await _rows(container, t.audit_events, kind="enterprise.join_refused") == 5
    # The day's guesses are spent: even the right answer is not tested today.
    right = (await gql.op("ApplyToJoinEnterprise", apply_vars(), token=li))["applyToJoinEnterprise"]
    assert right["application"] is None and right["userErrors"][0]["code"] == "JOIN_ATTEMPTS_EXCEEDED"


async def test_twenty_parallel_wrong_transfer_codes_count_three_then_the_right_code_is_refused(gql, container):
    await verified(gql, container, "13712345678", "张三")
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    s = await start(gql, e["id"])
    transfer_id = s["transfer"]["id"]
    code = await deposit_code(gql)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = await asyncio.gather(*(confirm(gql, transfer_id, wrong) for _ in range(N)))

    assert _codes(answers) == {"BANK_TRANSFER_CODE_INVALID": 2, "BANK_TRANSFER_FAILED": N - 2}
    assert all(a["transfer"]["id"] == transfer_id for a in answers)  # each refusal shows the transfer (issue 19)
    async with container.uow() as uow:
        from graphql_schema.common.node import from_global_id

        stored = await uow.bank_transfers.get(from_global_id(transfer_id, "BankTransfer")[1])
    assert (stored.attempts, stored.status.value) == (3, "FAILED")
    late = await confirm(gql, transfer_id, code)
    assert late["userErrors"][0]["code"] == "BANK_TRANSFER_FAILED"
    assert (late["transfer"]["status"], late["transfer"]["attemptsLeft"]) == ("FAILED", 0)
