"""Face liveness outcome (§4.1): by the client's poll or the vendor's callback, whichever comes first."""

from __future__ import annotations

import json

import pytest

from application.identity.face_outcome import CompleteFaceVerificationCommand
from application.ports import InvalidCallback
from domain.errors import (
    DocumentAlreadyUsed,
    FaceFailed,
    FacePending,
    FaceTokenInvalid,
    ServiceUnavailable,
)
from domain.identity.face import FaceCheckStatus
from domain.identity.identity import RealNameStatus
from tests.app_fixture import DEFAULT_META, ID_LI, ID_ZHANG, FakeApp
from tests.fakes import Snapshot

PHONE = "13800138000"


def poll(user, token: str) -> CompleteFaceVerificationCommand:
    return CompleteFaceVerificationCommand(user.principal, token, DEFAULT_META)


async def started(app: FakeApp, phone: str = PHONE, name: str = "张三", number: str = ID_ZHANG):
    user = await app.register_user(phone)
    result = await app.start_face(user, name, number)
    return user, result.ticket.token


async def test_poll_after_passing_verifies_and_claims_the_document(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token, passed=True)
    view = await app.complete_face_verification(poll(user, token))
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.VERIFIED
    assert identity.verified_at == app.clock.now()
    assert identity.document_key == app.sealer.document_key(identity.document_type, ID_ZHANG)
    assert app.db.face_checks()[0].status is FaceCheckStatus.PASSED
    assert view.identity.is_verified
    assert app.db.audit_events("identity.verified")


async def test_poll_before_the_person_finished_says_pending(app: FakeApp) -> None:
    user, token = await started(app)
    with pytest.raises(FacePending):
        await app.complete_face_verification(poll(user, token))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE
    assert app.db.face_checks()[0].status is FaceCheckStatus.PENDING


async def test_a_failed_face_rejects_and_allows_a_retry(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token, passed=False, reason="活体检测未通过")
    with pytest.raises(FaceFailed) as err:
        await app.complete_face_verification(poll(user, token))
    assert err.value.message == "活体检测未通过"
    identity = app.db.identity(user.account_id)
    assert (identity.status, identity.rejected_reason, identity.document_key) == (
        RealNameStatus.REJECTED, "活体检测未通过", None)
    # Polling again tells the same; a new attempt is allowed.
    with pytest.raises(FaceFailed):
        await app.complete_face_verification(poll(user, token))
    retry = await app.start_face(user)
    app.faces.finish(retry.ticket.token)
    await app.complete_face_verification(poll(user, retry.ticket.token))
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED


async def test_an_earlier_attempts_late_verdict_does_not_settle_the_retry(app: FakeApp) -> None:
    """Fail, start again with the same document, then the first attempt's callback (and a poll of its token)
    arrives: the retry stays PENDING_FACE and is settled by its own check only."""
    user, token = await started(app)
    app.faces.finish(token, passed=False)
    with pytest.raises(FaceFailed):
        await app.complete_face_verification(poll(user, token))
    retry = await app.start_face(user, "张三", ID_ZHANG)
    body, headers = app.faces.callback(token)
    assert await app.record_face_callback(body, headers) is False  # known already: nothing to do
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE
    with pytest.raises(FaceTokenInvalid):
        await app.complete_face_verification(poll(user, token))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE
    app.faces.finish(retry.ticket.token, passed=True)
    await app.complete_face_verification(poll(user, retry.ticket.token))
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED


async def test_an_expired_face_session_fails(app: FakeApp) -> None:
    user, token = await started(app)
    app.clock.advance(minutes=11)
    with pytest.raises(FaceTokenInvalid):
        await app.complete_face_verification(poll(user, token))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE


async def test_callback_first_then_poll(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token, passed=True)
    body, headers = app.faces.callback(token)
    assert await app.record_face_callback(body, headers) is True
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED
    # The vendor is down now, yet the poll answers from what the callback recorded.
    app.faces.result_down = True
    view = await app.complete_face_verification(poll(user, token))
    assert view.identity.is_verified


async def test_a_repeated_callback_changes_nothing(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token, passed=True)
    body, headers = app.faces.callback(token)
    await app.record_face_callback(body, headers)
    before = Snapshot.of(app.db)
    assert await app.record_face_callback(body, headers) is False
    assert Snapshot.of(app.db) == before


async def test_a_failed_callback_rejects(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token, passed=False)
    await app.record_face_callback(*app.faces.callback(token))
    assert app.db.identity(user.account_id).status is RealNameStatus.REJECTED
    with pytest.raises(FaceFailed):
        await app.complete_face_verification(poll(user, token))


async def test_a_forged_callback_is_refused(app: FakeApp) -> None:
    user, token = await started(app)
    body = json.dumps({"token": token, "status": "PASSED", "reason": None}).encode()
    before = Snapshot.of(app.db)
    with pytest.raises(InvalidCallback):
        await app.record_face_callback(body, {"x-fake-signature": "00" * 32})
    assert Snapshot.of(app.db) == before


async def test_a_callback_for_an_unknown_token_is_refused(app: FakeApp) -> None:
    await started(app)
    body = json.dumps({"token": "face_unknown", "status": "PASSED"}).encode()
    with pytest.raises(InvalidCallback):
        await app.record_face_callback(body, {"x-fake-signature": app.faces._sign(body)})


async def test_a_pending_callback_is_refused(app: FakeApp) -> None:
    _, token = await started(app)
    with pytest.raises(InvalidCallback):
        await app.record_face_callback(*app.faces.callback(token))


async def test_someone_elses_token_is_invalid(app: FakeApp) -> None:
    owner, token = await started(app)
    intruder = await app.register_user("13900139000")
    app.faces.finish(token)
    with pytest.raises(FaceTokenInvalid):
        await app.complete_face_verification(poll(intruder, token))
    assert app.db.identity(owner.account_id).status is RealNameStatus.PENDING_FACE
    assert app.db.identity(intruder.account_id) is None


@pytest.mark.parametrize("token", ["", "face_nope", "x" * 129])
async def test_unknown_tokens_are_invalid(app: FakeApp, token: str) -> None:
    user, _ = await started(app)
    with pytest.raises(FaceTokenInvalid):
        await app.complete_face_verification(poll(user, token))


async def test_the_vendor_being_down_during_a_poll_is_retryable(app: FakeApp) -> None:
    user, token = await started(app)
    app.faces.finish(token)
    app.faces.result_down = True
    with pytest.raises(ServiceUnavailable):
        await app.complete_face_verification(poll(user, token))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE
    app.faces.result_down = False
    await app.complete_face_verification(poll(user, token))
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED


async def test_a_document_verified_on_one_account_is_refused_on_another(app: FakeApp) -> None:
    first, token = await started(app)
    app.faces.finish(token)
    await app.complete_face_verification(poll(first, token))
    second = await app.register_user("13900139000")
    with pytest.raises(DocumentAlreadyUsed) as err:
        await app.start_face(second)
    assert err.value.field == "idNumber"
    assert app.db.identity(second.account_id) is None
    assert app.identity_verifier.checks == [("张三", ID_ZHANG)]  # the second never reached the registry


async def test_two_accounts_racing_for_one_document_by_poll(app: FakeApp) -> None:
    first, token_a = await started(app)
    second, token_b = await started(app, "13900139000")
    app.faces.finish(token_a)
    app.faces.finish(token_b)
    await app.complete_face_verification(poll(first, token_a))
    with pytest.raises(DocumentAlreadyUsed):
        await app.complete_face_verification(poll(second, token_b))
    assert app.db.identity(first.account_id).status is RealNameStatus.VERIFIED
    assert app.db.identity(second.account_id).status is not RealNameStatus.VERIFIED


async def test_two_accounts_racing_for_one_document_by_callback(app: FakeApp) -> None:
    first, token_a = await started(app)
    second, token_b = await started(app, "13900139000")
    app.faces.finish(token_a)
    app.faces.finish(token_b)
    await app.record_face_callback(*app.faces.callback(token_a))
    await app.record_face_callback(*app.faces.callback(token_b))
    assert app.db.identity(first.account_id).status is RealNameStatus.VERIFIED
    loser = app.db.identity(second.account_id)
    assert (loser.status, loser.rejected_reason) == (RealNameStatus.REJECTED, "该证件已被其他账号认证")


async def test_a_superseded_face_session_cannot_verify_the_newer_claim(app: FakeApp) -> None:
    # Start with one's own ID, restart with someone else's, then pass the face of the first session:
    # the face matched the first number, so the second claim must not become verified by it.
    user, first_token = await started(app)
    app.clock.advance(seconds=30)
    second_token = (await app.start_face(user, "李四", ID_LI)).ticket.token
    app.faces.finish(first_token, passed=True)
    await app.record_face_callback(*app.faces.callback(first_token))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE
    with pytest.raises(FaceTokenInvalid):
        await app.complete_face_verification(poll(user, first_token))
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.PENDING_FACE
    assert identity.legal_name == "李四"
    # The current session still settles the current claim.
    app.faces.finish(second_token, passed=True)
    await app.complete_face_verification(poll(user, second_token))
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED
