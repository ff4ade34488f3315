"""The certificate PIN: what may be chosen, and the counter that locks after six wrong tries."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.certificates.pin import MAX_WRONG_PINS, CertificatePin, Pin, PinLocked, WeakPin, WrongPin

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["135790", "204816", "112358", "000001", "987645", "123457"])
def test_six_digit_pins_that_are_not_trivial_are_accepted(value: str) -> None:
    assert Pin(value).value == value


@pytest.mark.parametrize("value", [
    "000000", "888888",  # all equal
    "123456", "234567", "012345", "654321", "987654", "543210",  # straight runs
    "12345", "1234567", "", "12a456", "１２３４５７", " 13579", "13579 ",  # not six ASCII digits
])
def test_weak_or_malformed_pins_are_refused(value: str) -> None:
    with pytest.raises(WeakPin):
        Pin(value)


def test_a_pin_never_shows_itself() -> None:
    pin = Pin("135790")
    assert "135790" not in repr(pin) and "135790" not in str(pin)


def new_record() -> CertificatePin:
    return CertificatePin(account_id=uuid4(), verifier=b"v", set_at=NOW)


def wrong(record: CertificatePin) -> Exception:
    record.begin_attempt()
    return record.wrong_attempt(NOW)


def test_five_wrong_pins_count_down_and_the_sixth_locks() -> None:
    record = new_record()
    lefts = []
    for _ in range(MAX_WRONG_PINS - 1):
        err = wrong(record)
        assert isinstance(err, WrongPin)
        lefts.append(err.details["attemptsLeft"])
    assert lefts == [5, 4, 3, 2, 1]
    assert not record.is_locked
    assert isinstance(wrong(record), PinLocked)
    assert record.is_locked and record.locked_at == NOW and record.attempts_left == 0


def test_the_seventh_try_is_refused_while_locked_even_before_the_pin_is_looked_at() -> None:
    record = new_record()
    for _ in range(MAX_WRONG_PINS):
        wrong(record)
    with pytest.raises(PinLocked):
        record.begin_attempt()
    assert record.failed_attempts == MAX_WRONG_PINS
    with pytest.raises(PinLocked):
        record.change(b"new", NOW)


def test_a_right_pin_starts_the_count_again() -> None:
    record = new_record()
    for _ in range(MAX_WRONG_PINS - 1):
        wrong(record)
    record.begin_attempt()
    record.right_attempt()
    assert record.failed_attempts == 0 and record.attempts_left == MAX_WRONG_PINS
    for _ in range(MAX_WRONG_PINS - 1):
        assert isinstance(wrong(record), WrongPin)


def test_attempts_in_flight_count_so_parallel_guesses_cannot_exceed_six() -> None:
    record = new_record()
    for _ in range(MAX_WRONG_PINS):
        record.begin_attempt()  # six checks started, none finished
    with pytest.raises(PinLocked):
        record.begin_attempt()


def test_a_right_pin_that_finishes_after_parallel_wrong_ones_locked_it_does_not_unlock() -> None:
    record = new_record()
    record.begin_attempt()  # the right one, slow
    for _ in range(MAX_WRONG_PINS - 1):
        record.begin_attempt()
        record.wrong_attempt(NOW)
    assert record.is_locked
    with pytest.raises(PinLocked):
        record.right_attempt()


def test_reset_after_sms_and_face_unlocks_with_a_new_verifier() -> None:
    record = new_record()
    for _ in range(MAX_WRONG_PINS):
        wrong(record)
    record.reset(b"new-verifier", NOW)
    assert not record.is_locked and record.failed_attempts == 0 and record.verifier == b"new-verifier"
    record.begin_attempt()
