"""The ScanSession state machine: WAITING → SCANNED → CONFIRMED | DECLINED, and EXPIRED; single-use binding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commerce.entitlement import ScanOperation
from domain.errors import InvalidInput
from domain.scans.session import (
    TRANSITIONS,
    ScanSession,
    ScanSessionClosed,
    ScanSessionExpired,
    ScanSessionTaken,
    ScanStatus,
    check_documents,
)

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def session(**kw) -> ScanSession:
    return ScanSession(t_id=uuid4().hex, platform_id=uuid4(), operation=ScanOperation.LOGIN, qr_hash="q",
                       watch_token_hash="w", created_at=T0, expires_at=T0 + timedelta(seconds=120), **kw)


def test_the_happy_path_and_the_final_states():
    s, me = session(), uuid4()
    assert s.scan(me, T0) is True and s.status is ScanStatus.SCANNED
    assert s.scan(me, T0) is False  # the same account scanning again changes nothing
    s.confirm(me, T0, certificate_id=uuid4(), seal_id=None, result={"operation": "LOGIN"})
    assert s.status is ScanStatus.CONFIRMED and s.confirmed_at == T0
    with pytest.raises(ScanSessionClosed):
        s.decline(me, T0)
    with pytest.raises(ScanSessionClosed):
        s.confirm(me, T0, certificate_id=uuid4(), seal_id=None, result={})


def test_a_second_account_is_refused():
    s = session()
    s.scan(uuid4(), T0)
    with pytest.raises(ScanSessionTaken):
        s.scan(uuid4(), T0)
    with pytest.raises(ScanSessionTaken):
        s.confirm(uuid4(), T0, certificate_id=uuid4(), seal_id=None, result={})


def test_expiry_refuses_scan_and_confirm_and_is_recorded_once():
    s, me = session(), uuid4()
    s.scan(me, T0)
    late = T0 + timedelta(seconds=120)
    assert s.status_at(late) is ScanStatus.EXPIRED
    with pytest.raises(ScanSessionExpired):
        s.confirm(me, late, certificate_id=uuid4(), seal_id=None, result={})
    assert s.expire(late) is True and s.status is ScanStatus.EXPIRED
    assert s.expire(late) is False
    with pytest.raises(ScanSessionExpired):
        s.decline(me, T0)


def test_declined_sessions_cannot_expire_or_confirm():
    s, me = session(), uuid4()
    s.scan(me, T0)
    s.decline(me, T0)
    assert s.expire(T0 + timedelta(hours=1)) is False and s.status is ScanStatus.DECLINED


def test_confirm_needs_a_scan_first():
    s = session()
    with pytest.raises((ScanSessionTaken, Exception)):
        s.confirm(uuid4(), T0, certificate_id=uuid4(), seal_id=None, result={})
    assert s.status is ScanStatus.WAITING


def test_transitions_are_explicit():
    assert TRANSITIONS[ScanStatus.WAITING] == {ScanStatus.SCANNED, ScanStatus.EXPIRED}
    assert all(not TRANSITIONS[s] for s in (ScanStatus.CONFIRMED, ScanStatus.DECLINED, ScanStatus.EXPIRED))


@pytest.mark.parametrize(("docs", "field"), [
    ([], "documents"),
    ([("D1", "a.pdf", "ab" * 31)], "documents.0.sm3Hex"),
    ([("D1", "a.pdf", "zz" * 32)], "documents.0.sm3Hex"),
    ([("D1", "a.pdf", "ab" * 32), ("D1", "b.pdf", "cd" * 32)], "documents.1.docId"),
    ([("D1", "", "ab" * 32)], "documents.0.fileName"),
])
def test_documents_are_checked(docs, field):
    with pytest.raises(InvalidInput) as err:
        check_documents(docs)
    assert err.value.field == field


def test_hashes_are_kept_lower_case():
    (d,) = check_documents([("D1", "a.pdf", "AB" * 32)])
    assert d.sm3_hex == "ab" * 32
