"""The signing keys and requests on the real database (SQLite here, PostgreSQL in the CI's second run): enrolment
through the container's HSM, parallel finishes of one request (one wins), parallel wrong PINs on one key counted
exactly, one live key per account under racing enrolments, and the clean-up of spent requests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.signing.cosigning import Act
from domain.accounts.account import Account
from domain.errors import Conflict
from domain.signing.signing_key import PinIncorrect, PinLocked, SigningKey, SigningKeyStatus
from domain.signing.signing_request import SigningPurpose, SigningRequestUsed
from sxq_phone import OnScreen, Phone
from tests.support.phones import TEST_PIN, WRONG_PIN, finish_enrolment

ACT = Act("test.approve", SigningPurpose.REVOKE_SEAL, {"sealId": "S-1"}, "注销印章：测试")
SCREEN = OnScreen.act("test.approve")


async def _person(container, phone_number: str):
    now = datetime.now(UTC)
    account = Account(phone=phone_number, password_hash="x", created_at=now)
    enrolment = Phone.start_enrolment()
    enrolled = container.cosigning_hsm().enrol(account.id, enrolment.device_public_share)
    key = SigningKey(account_id=account.id, public_key=enrolled.public_key, sealed_server_share=enrolled.sealed_share,
                     created_at=now)
    async with container.uow() as uow:
        uow.accounts.add(account)
        await uow.commit()
    async with container.uow() as uow:
        uow.signing_keys.add(key)
        await uow.commit()
    return account, key, finish_enrolment(enrolment, TEST_PIN, enrolled.server_public_share, enrolled.public_key)


async def _ask(container, account_id):
    async with container.uow() as uow:
        (request,) = await container.cosigning().ask(uow, account_id, ACT)
        await uow.commit()
    return request


def _co(phone, request, pin=TEST_PIN):
    from domain.signing.cosignature import CoSignature
    from tests.support.phones import request_mapping

    c = phone.co_sign(request_mapping(request), pin, SCREEN)
    return [CoSignature(request.id, c.r, c.s1)]


async def test_twenty_parallel_finishes_of_one_request_one_wins(container):
    account, _key, phone = await _person(container, "13200000301")
    request = await _ask(container, account.id)
    co = _co(phone, request)
    results = await asyncio.gather(*(container.cosigning().approve(account.id, ACT, co, None) for _ in range(20)),
                                   return_exceptions=True)
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1, results
    assert all(isinstance(r, SigningRequestUsed) for r in results if isinstance(r, Exception)), results
    async with container.uow() as uow:
        stored = await uow.signing_requests.get(request.id)
    assert stored.spent_at is not None and stored.sealed_nonce == b""


async def test_twenty_parallel_wrong_pins_are_counted_exactly(container):
    account, key, phone = await _person(container, "13200000302")
    requests = [await _ask(container, account.id) for _ in range(20)]
    results = await asyncio.gather(*(container.cosigning().approve(account.id, ACT, _co(phone, r, WRONG_PIN), None)
                                     for r in requests), return_exceptions=True)
    assert sum(isinstance(r, PinIncorrect) for r in results) == 5, results
    assert sum(isinstance(r, PinLocked) for r in results) == 15, results
    async with container.uow() as uow:
        stored = await uow.signing_keys.get(key.id)
    assert stored.status is SigningKeyStatus.LOCKED and stored.failed_cosignatures == 6


async def test_one_live_key_per_account_and_a_replaced_one_frees_the_slot(container):
    account, key, _phone = await _person(container, "13200000303")
    second = SigningKey(account_id=account.id, public_key=b"\x04" + bytes(64), sealed_server_share=b"s",
                        created_at=datetime.now(UTC))
    async with container.uow() as uow:
        uow.signing_keys.add(second)
        with pytest.raises(Conflict):
            await uow.commit()
    async with container.uow() as uow:
        (await uow.signing_keys.get(key.id)).replace(datetime.now(UTC))
        uow.signing_keys.add(second)
        await uow.commit()
    async with container.uow() as uow:
        assert (await uow.signing_keys.live_for(account.id)).id == second.id


async def test_spent_and_stale_requests_are_cleaned_up(container):
    account, _key, phone = await _person(container, "13200000304")
    spent = await _ask(container, account.id)
    await container.cosigning().approve(account.id, ACT, _co(phone, spent), None)
    fresh = await _ask(container, account.id)
    async with container.uow() as uow:
        gone = await uow.signing_requests.delete_spent_before(datetime.now(UTC) + timedelta(seconds=1))
        await uow.commit()
    async with container.uow() as uow:
        assert gone >= 1 and await uow.signing_requests.get(spent.id) is None
        assert await uow.signing_requests.get(fresh.id) is not None
        assert await uow.signing_requests.batch(uuid4()) == []


async def test_the_pruner_keeps_a_day_of_requests(container, clock):
    account, _key, phone = await _person(container, "13200000305")
    spent = await _ask(container, account.id)
    await container.cosigning().approve(account.id, ACT, _co(phone, spent), None)
    prune = container.use_cases().prune_signing_requests
    assert await prune() == 0
    clock.offset = clock.offset + timedelta(days=1, minutes=6)
    assert await prune() >= 1
    async with container.uow() as uow:
        assert await uow.signing_requests.get(spent.id) is None
