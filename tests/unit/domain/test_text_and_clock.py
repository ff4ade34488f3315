"""Bounds on free text and the China business day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.clock import start_of_china_day
from domain.errors import ErrorCode, InputTooLong, InvalidInput
from domain.text import bounded


def test_bounded_strips_and_accepts_text_within_limits() -> None:
    assert bounded("  原因  ", field="reason", max_len=2) == "原因"


def test_bounded_refuses_text_that_is_too_long() -> None:
    with pytest.raises(InputTooLong) as err:
        bounded("x" * 201, field="reason", max_len=200)
    assert (err.value.code, err.value.field) == (ErrorCode.INPUT_TOO_LONG, "reason")


def test_bounded_refuses_text_that_is_too_short() -> None:
    with pytest.raises(InvalidInput) as err:
        bounded("   ", field="name", max_len=10, min_len=1)
    assert err.value.message == "内容不能为空"


def test_bounded_can_keep_spaces() -> None:
    assert bounded(" pw ", field="password", max_len=64, strip=False) == " pw "


@pytest.mark.parametrize("utc, day_start", [
    (datetime(2025, 3, 10, 2, 0, tzinfo=UTC), datetime(2025, 3, 9, 16, 0, tzinfo=UTC)),
    (datetime(2025, 3, 10, 15, 59, tzinfo=UTC), datetime(2025, 3, 9, 16, 0, tzinfo=UTC)),
    (datetime(2025, 3, 10, 16, 0, tzinfo=UTC), datetime(2025, 3, 10, 16, 0, tzinfo=UTC)),
])
def test_the_business_day_starts_at_midnight_in_beijing(utc: datetime, day_start: datetime) -> None:
    assert start_of_china_day(utc) == day_start
