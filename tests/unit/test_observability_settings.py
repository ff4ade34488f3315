"""The observability settings (issue 16) read from the environment, and refused when malformed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.bootstrap.settings import Settings
from adapters.observability.context import accept_request_id
from adapters.observability.metrics import parse_addr, user_error_codes


def test_defaults_keep_metrics_off_and_text_logs():
    s = Settings.from_env({})
    assert s.metrics_addr is None and s.log_format == "text"
    assert s.outbox_lease == timedelta(seconds=60) and s.heartbeat_max_age == timedelta(seconds=30)


def test_values_from_the_environment():
    s = Settings.from_env({"SXQ_METRICS_ADDR": "0.0.0.0:9100", "SXQ_LOG_FORMAT": "JSON",
                           "SXQ_OUTBOX_LEASE_SECONDS": "15", "SXQ_OUTBOX_POLL_SECONDS": "1",
                           "SXQ_WORKER_HEARTBEAT_MAX_AGE_SECONDS": "45"})
    assert s.metrics_addr == "0.0.0.0:9100" and s.log_format == "json"
    assert s.outbox_lease == timedelta(seconds=15) and s.outbox_poll_seconds == 1.0
    assert s.heartbeat_max_age == timedelta(seconds=45)
    assert parse_addr(s.metrics_addr) == ("0.0.0.0", 9100) and parse_addr(":9100") == ("127.0.0.1", 9100)


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="SXQ_LOG_FORMAT"):
        Settings.from_env({"SXQ_LOG_FORMAT": "xml"})


def test_request_ids_are_plain_tokens():
    assert accept_request_id("abc-123.x:y_z") == "abc-123.x:y_z"
    for bad in (None, "", "a" * 65, "has space", "line\nbreak", "电话"):
        made = accept_request_id(bad)
        assert made != bad and len(made) == 32


def test_user_error_codes_are_found_anywhere_in_the_result():
    data = {"a": {"userErrors": [{"code": "SMS_COOLDOWN"}, {"code": "not a code"}]},
            "b": [{"c": {"userErrors": [{"code": "PIN_LOCKED", "message": "…"}]}}], "userErrors": []}
    assert sorted(user_error_codes(data)) == ["OTHER", "PIN_LOCKED", "SMS_COOLDOWN"]
