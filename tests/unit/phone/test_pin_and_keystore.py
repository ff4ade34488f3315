"""The PIN rule and the share at rest: no tag, no public shares, nothing that confirms a PIN guess."""

from __future__ import annotations

import secrets

import pytest

from sxq_phone import CorruptKeystore, WeakPin
from sxq_phone.curve import N, encode_point, inverse_mod_n, mul_base
from sxq_phone.keystore import STORED_LENGTH, Keystore
from sxq_phone.pin import check_pin
from tests.support import independent_phone as ref

PIN = "135790"


@pytest.fixture
def share() -> int:
    return secrets.randbelow(N - 1) + 1


@pytest.fixture
def public_key() -> bytes:
    return encode_point(mul_base(secrets.randbelow(N - 1) + 1))


@pytest.mark.parametrize("pin", ["000000", "999999", "123456", "654321", "234567", "987654", "012345", "543210",
                                 "12345", "1234567", "", "13579a", " 13579", "１２３４５６", "١٣٥٧٩٠", "13579۰", "1357\u200b90",
                                 None, 135790])
def test_weak_or_malformed_pins_are_refused(pin):
    with pytest.raises(WeakPin) as refused:
        check_pin(pin)
    assert str(refused.value) == "证书密码须为6位数字，不能全部相同，也不能是连续数字"


@pytest.mark.parametrize("pin", ["135790", "112233", "121212", "123457", "000001", "890123", "098765"])
def test_other_pins_are_fine(pin):
    assert check_pin(pin) == pin.encode()


def test_a_full_width_pin_is_the_same_pin(share, public_key):
    assert check_pin("１３５７９０") == check_pin("¹³⁵⁷⁹⁰") == b"135790"
    store = Keystore.seal(share, "１３５７９０", public_key, log_n=10)
    assert store.share("135790") == share


def test_the_right_pin_opens_the_share(share, public_key):
    store = Keystore.from_bytes(Keystore.seal(share, PIN, public_key, log_n=10).to_bytes())
    assert store.share(PIN) == share
    assert store.public_key == public_key


def test_every_wrong_pin_gives_some_other_share(share, public_key):
    store = Keystore.seal(share, PIN, public_key, log_n=10)
    others = {store.share(pin) for pin in ("135791", "246801", "975310", "000001")}
    assert share not in others and len(others) == 4 and all(0 < d < N for d in others)


def test_the_stored_bytes_hold_no_public_share_and_no_tag(share, public_key):
    d_server = secrets.randbelow(N - 1) + 1
    stored = Keystore.seal(share, PIN, public_key, log_n=10).to_bytes()
    p_device = encode_point(mul_base(inverse_mod_n(share)))
    p_server = ref.public_share(d_server)
    assert len(stored) == STORED_LENGTH == 1 + 1 + 16 + 32 + 65  # version, log N, salt, c, P: nothing else
    for secret_or_public in (p_device[1:33], p_device[33:], p_server[1:33], share.to_bytes(32, "big")):
        assert secret_or_public not in stored
    assert stored[:2] == bytes([1, 10]) and stored[-65:] == public_key


def test_each_seal_has_its_own_salt(share, public_key):
    first = Keystore.seal(share, PIN, public_key, log_n=10)
    second = Keystore.seal(share, PIN, public_key, log_n=10)
    assert first.salt != second.salt and first.masked_share != second.masked_share


def test_the_default_cost_is_scrypt_2_to_the_14(share, public_key):
    store = Keystore.seal(share, PIN, public_key)
    assert store.to_bytes()[1] == 14 and store.share(PIN) == share


def test_sealing_refuses_weak_pins_and_bad_costs(share, public_key):
    with pytest.raises(WeakPin):
        Keystore.seal(share, "111111", public_key, log_n=10)
    for log_n in (9, 19):
        with pytest.raises(ValueError):
            Keystore.seal(share, PIN, public_key, log_n=log_n)
    with pytest.raises(ValueError):
        Keystore.seal(0, PIN, public_key, log_n=10)


def test_damaged_stores_are_refused(share, public_key):
    good = Keystore.seal(share, PIN, public_key, log_n=10).to_bytes()
    damaged = [
        good[:-1],
        good + b"\0",
        b"\x02" + good[1:],  # unknown version
        good[:1] + b"\x09" + good[2:],  # cost below the floor
        good[:1] + b"\x20" + good[2:],  # cost a phone cannot pay
        good[:18] + N.to_bytes(32, "big") + good[50:],  # c ≥ n
        good[:-1] + bytes([good[-1] ^ 1]),  # P off the curve
    ]
    for stored in damaged:
        with pytest.raises(CorruptKeystore):
            Keystore.from_bytes(stored)
