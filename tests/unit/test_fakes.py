"""The fakes behave like the adapters they stand for, where the use cases can tell the difference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.ports import InvalidCallback
from domain.accounts.account import Account
from domain.errors import Conflict, InvalidImage
from domain.identity.face import FacePurpose
from domain.identity.identity import Identity
from tests.fakes import (
    FakeClock,
    FakeFaceVerifier,
    FakeFieldCipher,
    FakeImageInspector,
    FakePasswordHasher,
    InMemoryDatabase,
    InMemoryUnitOfWorkFactory,
    jpeg,
    png,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow(clock: FakeClock) -> InMemoryUnitOfWorkFactory:
    return InMemoryUnitOfWorkFactory(InMemoryDatabase(), clock)


def new_account(clock: FakeClock, phone: str = "13800138000") -> Account:
    return Account(phone=phone, password_hash="h", created_at=clock.now())


async def test_nothing_is_kept_without_commit(uow, clock) -> None:
    async with uow() as tx:
        tx.accounts.add(new_account(clock))
        assert await tx.accounts.by_phone("13800138000") is not None
    assert uow.db.accounts() == []


async def test_changes_to_loaded_objects_roll_back_too(uow, clock) -> None:
    async with uow() as tx:
        a = new_account(clock)
        tx.accounts.add(a)
        await tx.commit()
    async with uow() as tx:
        (await tx.accounts.get(a.id)).phone = "13900139000"
    assert uow.db.account(a.id).phone == "13800138000"


async def test_an_exception_inside_rolls_back(uow, clock) -> None:
    with pytest.raises(RuntimeError):
        async with uow() as tx:
            tx.accounts.add(new_account(clock))
            raise RuntimeError("boom")
    assert uow.db.accounts() == []


async def test_a_commit_keeps_what_came_before_it_only(uow, clock) -> None:
    async with uow() as tx:
        tx.accounts.add(new_account(clock))
        await tx.commit()
        tx.accounts.add(new_account(clock, "13900139000"))
    assert [a.phone for a in uow.db.accounts()] == ["13800138000"]


async def test_one_unit_of_work_sees_one_object_per_row(uow, clock) -> None:
    async with uow() as tx:
        a = new_account(clock)
        tx.accounts.add(a)
        assert await tx.accounts.get(a.id) is a
        assert await tx.accounts.by_phone(a.phone) is a


async def test_unique_phone_is_enforced_across_transactions(uow, clock) -> None:
    first, second = uow(), uow()
    async with first as t1, second as t2:
        t1.accounts.add(new_account(clock))
        t2.accounts.add(new_account(clock))
        await t1.commit()
        with pytest.raises(Conflict):
            await t2.commit()
    assert len(uow.db.accounts()) == 1


async def test_unique_document_key_is_enforced(uow, clock) -> None:
    async with uow() as tx:
        a, b = new_account(clock), new_account(clock, "13900139000")
        tx.accounts.add(a)
        tx.accounts.add(b)
        tx.identities.add(Identity(account_id=a.id, document_key="k"))
        tx.identities.add(Identity(account_id=b.id, document_key="k"))
        with pytest.raises(Conflict):
            await tx.commit()
    assert uow.db.accounts() == []


async def test_a_stale_version_is_a_conflict(uow, clock) -> None:
    async with uow() as tx:
        a = new_account(clock)
        tx.accounts.add(a)
        await tx.commit()
    first, second = uow(), uow()
    async with first as t1, second as t2:
        (await t1.accounts.get(a.id)).choose_entry_mode("CA_MUTUAL_RECOGNITION")
        (await t2.accounts.get(a.id)).change_phone("13900139000")
        await t1.commit()
        with pytest.raises(Conflict):
            await t2.commit()
    stored = uow.db.account(a.id)
    assert (stored.phone, stored.version) == ("13800138000", 2)


async def test_naive_datetimes_cannot_be_stored(uow) -> None:
    from datetime import datetime
    async with uow() as tx:
        tx.accounts.add(Account(phone="13800138000", password_hash="h", created_at=datetime(2025, 1, 1)))
        with pytest.raises(ValueError):
            await tx.commit()


async def test_password_hasher_rejects_wrong_passwords_and_foreign_hashes() -> None:
    h = FakePasswordHasher()
    stored = await h.hash("Passw0rd1")
    assert await h.verify("Passw0rd1", stored)
    assert not await h.verify("Passw0rd2", stored)
    assert not await h.verify("Passw0rd1", "scrypt$1$2$3$AAAA$BBBB")
    assert await h.hash("Passw0rd1") != stored  # salted


def test_field_cipher_round_trips_and_binds_the_context() -> None:
    c = FakeFieldCipher()
    ct = c.encrypt(b"11010519491231002X", b"identity:1")
    assert b"11010519491231002X" not in ct
    assert c.decrypt(ct, b"identity:1") == b"11010519491231002X"
    with pytest.raises(ValueError):
        c.decrypt(ct, b"identity:2")
    with pytest.raises(ValueError):
        c.decrypt(ct[:-1] + bytes([ct[-1] ^ 1]), b"identity:1")


async def test_face_callbacks_must_carry_the_vendor_signature(clock) -> None:
    faces = FakeFaceVerifier(clock)
    ticket = await faces.start(legal_name="张三", id_number=None, purpose=FacePurpose.REAL_NAME)
    faces.finish(ticket.token, passed=True)
    body, headers = faces.callback(ticket.token)
    assert faces.parse_callback(body, headers).status == "PASSED"
    with pytest.raises(InvalidCallback):
        faces.parse_callback(body.replace(b"PASSED", b"FAILED"), headers)
    with pytest.raises(InvalidCallback):
        faces.parse_callback(body, {})


def test_image_inspector_knows_png_and_jpeg_only() -> None:
    i = FakeImageInspector()
    assert i.reencode(png()) == (png(), "image/png")
    assert i.reencode(jpeg()) == (jpeg(), "image/jpeg")
    with pytest.raises(InvalidImage):
        i.reencode(b"%PDF-1.7 not an image")


# ---- the counters' atomic statements and the serialisation locks (issue 13)


async def test_interleaved_wrong_sms_tries_each_count_like_the_conditional_update(uow, clock) -> None:
    from domain.accounts.sms import SmsChallenge, SmsPurpose

    challenge = SmsChallenge(phone="13800138000", purpose=SmsPurpose.LOGIN, code_hash="h", sent_at=clock.now(),
                             expires_at=clock.now() + timedelta(minutes=5), max_attempts=2)
    async with uow() as tx:
        tx.sms.add(challenge)
        await tx.commit()
    one, two, three = uow(), uow(), uow()
    async with one as a, two as b, three as c:
        seen = [await t.sms.latest("13800138000", SmsPurpose.LOGIN) for t in (a, b, c)]  # all read attempts = 0
        counted = [await t.sms.count_wrong_try(s, clock.now()) for t, s in zip((a, b, c), seen, strict=True)]
        for t in (a, b, c):
            await t.commit()
    assert counted == [True, True, False]  # the third finds the code used up, not a stale 0
    assert seen[2].attempts == 2  # and its row shows it
    assert uow.db.challenges()[0].attempts == 2


async def test_interleaved_password_tries_each_count(uow, clock) -> None:
    from domain.accounts.account import LoginPolicy

    account = new_account(clock)
    async with uow() as tx:
        tx.accounts.add(account)
        await tx.commit()
    policy = LoginPolicy(max_failures=3)
    txs = [uow() for _ in range(4)]
    numbers = []
    for t in txs:
        await t.__aenter__()
    rows = [await t.accounts.get(account.id) for t in txs]
    for t, row in zip(txs, rows, strict=True):
        numbers.append(await t.accounts.take_password_try(row, clock.now(), policy))
        await t.commit()  # no version conflict: the counter is written outside the optimistic version
        await t.__aexit__(None, None, None)
    assert numbers == [1, 2, 3, None]
    assert uow.db.account(account.id).password_locked_until == clock.now() + policy.lock_duration


async def test_a_serialisation_lock_holds_a_second_transaction_until_the_first_ends(uow, clock) -> None:
    import asyncio

    order: list[str] = []

    async def holder(name: str, pause: bool) -> None:
        async with uow() as tx:
            await tx.locks.hold("k", clock.now())
            order.append(f"{name} in")
            if pause:
                await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(holder("first", True), holder("second", False))
    assert order == ["first in", "first out", "second in", "second out"]


async def test_idle_serialisation_locks_are_pruned_and_held_ones_stay(uow, clock) -> None:
    async with uow() as tx:
        await tx.locks.hold("idle", clock.now())
    async with uow() as tx:
        await tx.locks.hold("held", clock.now())
        assert await tx.locks.prune(clock.now()) == 1
        assert set(uow.db.locks) == {"held"}
