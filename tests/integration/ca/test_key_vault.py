"""The key vault and the certificate PIN, on the real database: a wrong PIN never opens a key, six wrong
PINs lock and the seventh try is refused, a PIN change re-wraps every signing key, and tampered or
moved wrapped keys do not open."""

from __future__ import annotations

import asyncio

import pytest

from adapters.ca.vault import Sm2KeyVault
from adapters.security.keys import KeyRing
from application.certificates.change_pin import ChangePinCommand
from application.certificates.ports import KeyUnwrapError, WrappedKeyKind
from application.certificates.verify_pin import VerifyPinCommand
from domain.certificates.pin import PinLocked, PinNotSet, WeakPin, WrongPin
from domain.errors import Conflict
from tests.integration.ca.conftest import PIN, principal

WRONG_PINS = ["135791", "135709", "531790", "000001", "999990", "246802"]


async def stored(container, account_id):
    async with container.uow() as uow:
        record = await uow.certificate_pins.get(account_id)
        keys = {k.certificate_id: k for k in await uow.wrapped_keys.signing_keys_of(account_id)}
        certs = {c.id: c for c in await uow.certificates.for_account(account_id)}
    return record, keys, certs


async def test_a_wrong_pin_never_opens_a_key(container, new_account, issue_pair):
    account = await new_account()
    pair = await issue_pair(account)
    vault, sm2 = container.key_vault(), container.sm2_backend()
    record, keys, _ = await stored(container, account)
    wrapped = keys[pair.signing.id].blob

    for wrong in WRONG_PINS:
        assert await vault.unlock(wrong, record.verifier) is None
        # Even a key made from the wrong PIN under a fresh salt does not open the blob.
        _, wrong_key = await vault.new_pin(wrong)
        with pytest.raises(KeyUnwrapError):
            vault.open_signing_key(wrapped, wrong_key, account, pair.signing.public_key)

    right = await vault.unlock(PIN, record.verifier)
    private_key = vault.open_signing_key(wrapped, right, account, pair.signing.public_key)
    assert sm2.public_key(private_key) == pair.signing.public_key
    assert "135790" not in repr(right) and private_key.hex() not in repr(right)


async def test_the_database_and_the_pin_without_the_master_key_open_nothing(container, new_account, issue_pair,
                                                                            settings):
    account = await new_account()
    pair = await issue_pair(account)
    record, keys, _ = await stored(container, account)
    # Someone with a copy of the database and the right PIN, but another master key.
    thief = Sm2KeyVault(KeyRing(b"\x42" * 32), container.sm2_backend(), scrypt_n=2 * settings.password_scrypt_n)
    assert await thief.unlock(PIN, record.verifier) is None
    _, thief_key = await thief.new_pin(PIN)
    with pytest.raises(KeyUnwrapError):
        thief.open_signing_key(keys[pair.signing.id].blob, thief_key, account, pair.signing.public_key)


async def test_six_wrong_pins_lock_and_the_seventh_try_is_refused_while_locked(container, new_account, issue_pair,
                                                                              monkeypatch):
    account = await new_account()
    await issue_pair(account)
    vault = container.key_vault()
    checks = []
    real_unlock = vault.unlock

    async def counting_unlock(pin, verifier):
        checks.append(pin)
        return await real_unlock(pin, verifier)

    monkeypatch.setattr(vault, "unlock", counting_unlock)
    verify = container.verify_pin()
    who = principal(account)
    lefts = []
    for wrong in WRONG_PINS[:5]:
        with pytest.raises(WrongPin) as caught:
            await verify(VerifyPinCommand(who, wrong))
        lefts.append(caught.value.details["attemptsLeft"])
    assert lefts == [5, 4, 3, 2, 1]
    with pytest.raises(PinLocked):
        await verify(VerifyPinCommand(who, WRONG_PINS[5]))
    assert len(checks) == 6

    with pytest.raises(PinLocked):  # the seventh try, with the right PIN: refused, and not even checked
        await verify(VerifyPinCommand(who, PIN))
    with pytest.raises(PinLocked):
        await issue_pair(account)  # no new certificate either
    assert len(checks) == 6
    record, _, _ = await stored(container, account)
    assert record.is_locked and record.failed_attempts == 6


async def test_a_right_pin_starts_the_count_again(container, new_account, issue_pair):
    account = await new_account()
    await issue_pair(account)
    verify, who = container.verify_pin(), principal(account)
    for wrong in WRONG_PINS[:5]:
        with pytest.raises(WrongPin):
            await verify(VerifyPinCommand(who, wrong))
    await verify(VerifyPinCommand(who, PIN))
    record, _, _ = await stored(container, account)
    assert record.failed_attempts == 0 and not record.is_locked
    with pytest.raises(WrongPin) as caught:
        await verify(VerifyPinCommand(who, WRONG_PINS[0]))
    assert caught.value.details["attemptsLeft"] == 5


async def test_parallel_guesses_are_each_counted(container, new_account, issue_pair, monkeypatch):
    account = await new_account()
    await issue_pair(account)
    vault = container.key_vault()
    checks = []
    real_unlock = vault.unlock

    async def counting_unlock(pin, verifier):
        checks.append(pin)
        return await real_unlock(pin, verifier)

    monkeypatch.setattr(vault, "unlock", counting_unlock)
    verify, who = container.verify_pin(), principal(account)
    results = await asyncio.gather(*(verify(VerifyPinCommand(who, f"2468{i:02d}")) for i in range(12)),
                                   return_exceptions=True)
    assert all(isinstance(r, WrongPin | PinLocked | Conflict) for r in results), results
    record, _, _ = await stored(container, account)
    assert 1 <= len(checks) <= 6
    assert record.failed_attempts == len(checks), "every PIN that was checked was counted"


async def test_a_pin_is_needed_and_must_be_strong(container, new_account, issue_pair):
    account = await new_account()
    with pytest.raises(PinNotSet):
        await container.verify_pin()(VerifyPinCommand(principal(account), PIN))
    for weak in ("123456", "111111", "12345"):
        with pytest.raises(WeakPin):
            await issue_pair(account, pin=weak)
    async with container.uow() as uow:
        assert await uow.certificate_pins.get(account) is None
        assert await uow.certificates.for_account(account) == []


async def test_changing_the_pin_rewraps_every_signing_key(container, new_account, issue_pair):
    account = await new_account()
    pairs = [await issue_pair(account), await issue_pair(account)]
    vault, who = container.key_vault(), principal(account)
    _, before, _ = await stored(container, account)

    with pytest.raises(WeakPin):  # a weak new PIN costs no attempt
        await container.change_pin()(ChangePinCommand(who, PIN, "654321"))
    with pytest.raises(WrongPin):
        await container.change_pin()(ChangePinCommand(who, "975310", "246813"))
    assert await container.change_pin()(ChangePinCommand(who, PIN, "246813")) == 2

    record, after, _ = await stored(container, account)
    assert record.failed_attempts == 0
    assert await vault.unlock(PIN, record.verifier) is None
    new_key = await vault.unlock("246813", record.verifier)
    for pair in pairs:
        assert after[pair.signing.id].blob != before[pair.signing.id].blob
        private_key = vault.open_signing_key(after[pair.signing.id].blob, new_key, account, pair.signing.public_key)
        assert container.sm2_backend().public_key(private_key) == pair.signing.public_key
    # The old blob under the old PIN key is gone from the database; the escrowed keys were untouched.
    async with container.uow() as uow:
        for pair in pairs:
            escrowed = await uow.wrapped_keys.get(pair.encryption.id)
            assert escrowed.kind is WrappedKeyKind.ESCROWED
            vault.open_escrowed_key(escrowed.blob, account, pair.encryption.public_key)


async def test_tampered_or_moved_wrapped_keys_do_not_open(container, new_account, issue_pair):
    alice, bob = await new_account(), await new_account()
    a1, a2 = await issue_pair(alice), await issue_pair(alice)
    await issue_pair(bob)  # same PIN on purpose: the binding, not the PIN, must stop a moved blob
    vault = container.key_vault()
    record, keys, _ = await stored(container, alice)
    key = await vault.unlock(PIN, record.verifier)
    blob = keys[a1.signing.id].blob
    vault.open_signing_key(blob, key, alice, a1.signing.public_key)

    for i in (0, 1, 40, 66, 70, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[i] ^= 0x80
        with pytest.raises(KeyUnwrapError):
            vault.open_signing_key(bytes(tampered), key, alice, a1.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # moved onto Alice's other certificate
        vault.open_signing_key(blob, key, alice, a2.signing.public_key)
    bob_record, _, _ = await stored(container, bob)
    bob_key = await vault.unlock(PIN, bob_record.verifier)
    with pytest.raises(KeyUnwrapError):  # moved to Bob, who knows the same PIN
        vault.open_signing_key(blob, bob_key, bob, a1.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # read as an escrowed key
        vault.open_escrowed_key(blob, alice, a1.signing.public_key)

    async with container.uow() as uow:
        escrowed = await uow.wrapped_keys.get(a1.encryption.id)
    tampered = bytearray(escrowed.blob)
    tampered[-1] ^= 1
    with pytest.raises(KeyUnwrapError):
        vault.open_escrowed_key(bytes(tampered), alice, a1.encryption.public_key)
    with pytest.raises(KeyUnwrapError):
        vault.open_escrowed_key(escrowed.blob, bob, a1.encryption.public_key)


async def test_tampered_pin_verifiers_open_nothing(container, new_account, issue_pair):
    account = await new_account()
    await issue_pair(account)
    record, _, _ = await stored(container, account)
    vault = container.key_vault()
    for i in (4, 10, 30, len(record.verifier) - 1):
        v = bytearray(record.verifier)
        v[i] ^= 1
        assert await vault.unlock(PIN, bytes(v)) is None
    assert await vault.unlock(PIN, record.verifier[:-1]) is None
