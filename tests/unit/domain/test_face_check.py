"""FaceCheck: the vendor's verdict applies once; the token belongs to one account and one purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import FaceTokenInvalid
from domain.identity.face import FaceCheck, FaceCheckStatus, FacePurpose

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
ACCOUNT = uuid4()


def check() -> FaceCheck:
    return FaceCheck(token="face_1", account_id=ACCOUNT, purpose=FacePurpose.REAL_NAME, created_at=T0,
                     expires_at=T0 + timedelta(minutes=10), url="https://face.example.test/face_1")


def test_first_outcome_is_recorded() -> None:
    c = check()
    assert c.record_outcome(True, T0 + timedelta(minutes=1)) is True
    assert (c.status, c.completed_at, c.failure_reason) == (FaceCheckStatus.PASSED, T0 + timedelta(minutes=1), None)


def test_a_failure_keeps_a_reason() -> None:
    c = check()
    assert c.record_outcome(False, T0) is True
    assert c.status is FaceCheckStatus.FAILED
    assert c.failure_reason == "人脸核验未通过"
    c2 = check()
    c2.record_outcome(False, T0, "活体检测未通过")
    assert c2.failure_reason == "活体检测未通过"


@pytest.mark.parametrize("first, second", [(True, False), (False, True), (True, True), (False, False)])
def test_record_outcome_is_idempotent(first: bool, second: bool) -> None:
    c = check()
    c.record_outcome(first, T0)
    state = dict(vars(c))
    assert c.record_outcome(second, T0 + timedelta(minutes=5), "late") is False
    assert vars(c) == state


def test_usable_by_its_own_account_and_purpose_only() -> None:
    c = check()
    c.ensure_usable_by(ACCOUNT, FacePurpose.REAL_NAME, T0)
    with pytest.raises(FaceTokenInvalid):
        c.ensure_usable_by(uuid4(), FacePurpose.REAL_NAME, T0)
    with pytest.raises(FaceTokenInvalid):
        c.ensure_usable_by(ACCOUNT, FacePurpose.PIN_RESET, T0)


def test_a_pending_check_expires() -> None:
    c = check()
    with pytest.raises(FaceTokenInvalid) as err:
        c.ensure_usable_by(ACCOUNT, FacePurpose.REAL_NAME, T0 + timedelta(minutes=10))
    assert "超时" in err.value.message


def test_a_finished_check_stays_readable_after_expiry() -> None:
    c = check()
    c.record_outcome(True, T0)
    c.ensure_usable_by(ACCOUNT, FacePurpose.REAL_NAME, T0 + timedelta(days=1))
