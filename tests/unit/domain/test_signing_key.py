"""SigningKey and SigningRequest (SPEC §C): the counter of co-signatures that did not verify, the lock, the
replacement, and single-use requests bound to their act."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.signing.cosignature import SM2_ORDER, CoSignature, der_signature
from domain.signing.signing_key import (
    MAX_FAILED_COSIGNATURES,
    PinIncorrect,
    PinLocked,
    SigningKey,
    SigningKeyRequired,
    SigningKeyStatus,
)
from domain.signing.signing_request import (
    SigningPurpose,
    SigningRequest,
    SigningRequestExpired,
    SigningRequestInvalid,
    SigningRequestUsed,
)
from domain.signing.statement import binding, canonical_json, statement

NOW = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)


def key() -> SigningKey:
    return SigningKey(account_id=uuid4(), public_key=b"\x04" + bytes(64), sealed_server_share=b"s", created_at=NOW)


def test_a_new_key_is_active_live_and_has_six_tries():
    k = key()
    assert (k.status, k.attempts_left, k.live_account_id) == (SigningKeyStatus.ACTIVE, 6, k.account_id)


def test_five_failures_leave_one_try_and_a_verified_one_starts_again():
    k = key()
    errors = [k.cosignature_failed(NOW) for _ in range(5)]
    assert all(isinstance(e, PinIncorrect) for e in errors)
    assert errors[-1].details == {"attemptsLeft": 1} and "还可尝试 1 次" in errors[-1].message
    k.cosignature_verified()
    assert k.attempts_left == MAX_FAILED_COSIGNATURES


def test_the_sixth_failure_locks_and_a_locked_key_is_not_even_tried():
    k = key()
    for _ in range(5):
        k.cosignature_failed(NOW)
    assert isinstance(k.cosignature_failed(NOW), PinLocked)
    assert (k.status, k.locked_at, k.attempts_left) == (SigningKeyStatus.LOCKED, NOW, 0)
    with pytest.raises(PinLocked):
        k.ensure_usable()
    with pytest.raises(PinLocked):
        k.cosignature_verified()


def test_replacing_frees_the_live_slot_and_the_key_signs_nothing_more():
    k = key()
    k.replace(NOW)
    assert (k.status, k.live_account_id, k.replaced_at) == (SigningKeyStatus.REPLACED, None, NOW)
    with pytest.raises(SigningKeyRequired):
        k.ensure_usable()
    with pytest.raises(SigningKeyRequired):
        k.replace(NOW)


def request(**kw) -> SigningRequest:
    base = dict(account_id=uuid4(), signing_key_id=uuid4(), public_key=b"P", purpose=SigningPurpose.REVOKE_SEAL,
                binding=binding("seal.revoke", {"sealId": "1"}), message=b"m", display="注销印章",
                commitment=b"Q", sealed_nonce=b"w1", created_at=NOW, batch_id=uuid4())
    base.update(kw)
    return SigningRequest(**base)


def test_a_request_is_spent_once_and_gives_its_nonce_up():
    r = request()
    assert r.spend(NOW + timedelta(minutes=4)) == b"w1"
    assert r.sealed_nonce == b"" and r.spent_at is not None
    with pytest.raises(SigningRequestUsed):
        r.spend(NOW + timedelta(minutes=4))


def test_a_request_expires_after_five_minutes():
    r = request()
    with pytest.raises(SigningRequestExpired):
        r.spend(NOW + timedelta(minutes=5))
    assert r.sealed_nonce == b"w1"  # an expired request keeps nothing usable, and is not marked spent by this


def test_a_request_answers_only_its_account_purpose_and_act():
    r = request()
    r.ensure_for(r.account_id, frozenset({SigningPurpose.REVOKE_SEAL}), r.binding)
    with pytest.raises(SigningRequestInvalid):
        r.ensure_for(uuid4(), frozenset({SigningPurpose.REVOKE_SEAL}), r.binding)
    with pytest.raises(SigningRequestInvalid):
        r.ensure_for(r.account_id, frozenset({SigningPurpose.CHANGE_SEAL_FACE}), r.binding)
    with pytest.raises(SigningRequestInvalid):
        r.ensure_for(r.account_id, frozenset({SigningPurpose.REVOKE_SEAL}), binding("seal.revoke", {"sealId": "2"}))


def test_statements_are_canonical_json():
    account = uuid4()
    s = statement("seal.revoke", {"b": 1, "a": "印章"}, account, NOW)
    assert s == canonical_json({"action": "seal.revoke", "input": {"a": "印章", "b": 1}, "account": str(account),
                                "time": "2026-12-08T08:00:00+00:00"})
    assert s.startswith(b'{"account":') and "印章".encode() in s and b" " not in s


@pytest.mark.parametrize(("r", "s1", "field"), [
    ("0" * 64, "1" * 64, "co.r"), ("1" * 64, format(SM2_ORDER, "064x"), "co.s1"), ("xyz", "1" * 64, "co.r"),
    ("1" * 63, "1" * 64, "co.r"), ("1" * 64, "１" * 64, "co.s1"),
])
def test_co_signature_halves_are_64_hex_digits_below_n(r, s1, field):
    with pytest.raises(Exception) as err:
        CoSignature.parse(uuid4(), r, s1, "co")
    assert err.value.field == field and err.value.code == "INVALID_INPUT"


def test_der_signature_encodes_positive_integers():
    assert der_signature(1, 2) == bytes.fromhex("3006020101020102")
    high = der_signature(1 << 255, 1)
    assert high[3] == 33 and high[4] == 0  # a leading zero keeps the top bit from reading as a sign
