"""StartIdCardVerification (§4.1): GB 11643, two-element check, then a face-liveness ticket."""

from __future__ import annotations

import pytest

from application.identity.face_outcome import CompleteFaceVerificationCommand
from application.identity.start_id_card_verification import StartIdCardVerificationCommand
from domain.errors import (
    AlreadyVerified,
    ErrorCode,
    IdentityMismatch,
    InvalidIdNumber,
    InvalidName,
    ServiceUnavailable,
    Unauthenticated,
    VerificationInProgress,
)
from domain.identity.documents import DocumentType
from domain.identity.face import FaceCheckStatus, FacePurpose
from domain.identity.identity import RealNameStatus, VerificationMethod
from tests.app_fixture import DEFAULT_META, ID_LI, ID_ZHANG, FakeApp
from tests.fakes import Snapshot

PHONE = "13800138000"


def start(user, name: str = "张三", number: str = ID_ZHANG) -> StartIdCardVerificationCommand:
    return StartIdCardVerificationCommand(user.principal, name, number, DEFAULT_META)


async def test_start_records_the_claim_encrypted_and_hands_out_a_face_ticket(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    started = await app.start_id_card_verification(start(user, " 张三 ", ID_ZHANG.lower()))
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.PENDING_FACE
    assert identity.method is VerificationMethod.FACE
    assert identity.document_type is DocumentType.ID_CARD
    assert identity.legal_name == "张三"
    assert identity.number_masked == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    assert ID_ZHANG.encode() not in identity.number_ciphertext
    assert app.sealer.reveal_number(user.account_id, identity.number_ciphertext) == ID_ZHANG
    assert identity.document_key is None  # claimed only when verified
    [check] = app.db.face_checks()
    assert (check.token, check.account_id, check.purpose, check.status) == (
        started.ticket.token, user.account_id, FacePurpose.REAL_NAME, FaceCheckStatus.PENDING)
    assert check.expires_at == started.ticket.expires_at
    assert started.view.identity.status is RealNameStatus.PENDING_FACE
    assert app.identity_verifier.checks == [("张三", ID_ZHANG)]
    assert app.faces.sessions[started.ticket.token].id_number == ID_ZHANG


async def test_the_ciphertext_is_bound_to_its_account(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    other = await app.register_user("13900139000")
    await app.start_id_card_verification(start(user))
    with pytest.raises(ValueError):
        app.sealer.reveal_number(other.account_id, app.db.identity(user.account_id).number_ciphertext)


@pytest.mark.parametrize("number, why", [
    (ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1"), "校验位"),
    ("440106199902301234", "出生日期"),
    ("4401061990010112", "18位"),
])
async def test_a_bad_id_number_is_refused_before_any_outside_call(app: FakeApp, number: str, why: str) -> None:
    user = await app.register_user(PHONE)
    before = Snapshot.of(app.db)
    with pytest.raises(InvalidIdNumber) as err:
        await app.start_id_card_verification(start(user, number=number))
    assert err.value.field == "idNumber"
    assert why in err.value.message
    assert app.identity_verifier.checks == []
    assert app.faces.sessions == {}
    assert Snapshot.of(app.db) == before


async def test_a_bad_name_is_refused(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(InvalidName):
        await app.start_id_card_verification(start(user, name="张三3"))
    assert app.db.identity(user.account_id) is None


async def test_a_mismatch_is_refused_and_changes_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.identity_verifier.mismatch(ID_ZHANG)
    before = Snapshot.of(app.db)
    with pytest.raises(IdentityMismatch) as err:
        await app.start_id_card_verification(start(user))
    assert err.value.code is ErrorCode.IDENTITY_MISMATCH
    assert err.value.message == "姓名与身份证号码不一致"
    assert Snapshot.of(app.db) == before
    assert app.faces.sessions == {}
    assert app.db.audit_events("identity.two_element_check")[0].detail["reason"] == "mismatch"


async def test_the_registry_being_down_is_a_clear_retryable_error(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.identity_verifier.down = True
    before = Snapshot.of(app.db)
    with pytest.raises(ServiceUnavailable) as err:
        await app.start_id_card_verification(start(user))
    assert "稍后重试" in err.value.message
    assert Snapshot.of(app.db) == before
    app.identity_verifier.down = False
    await app.start_id_card_verification(start(user))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_FACE


async def test_the_face_vendor_being_down_changes_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.faces.down = True
    before = Snapshot.of(app.db)
    with pytest.raises(ServiceUnavailable) as err:
        await app.start_id_card_verification(start(user))
    assert "人脸" in err.value.message
    assert Snapshot.of(app.db) == before


async def test_starting_again_while_face_is_pending_takes_the_new_claim(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.start_id_card_verification(start(user))
    app.clock.advance(seconds=30)
    second = await app.start_id_card_verification(start(user, "李四", ID_LI))
    identity = app.db.identity(user.account_id)
    assert (identity.status, identity.legal_name) == (RealNameStatus.PENDING_FACE, "李四")
    assert len(app.db.face_checks()) == 2
    assert second.ticket.token != app.db.face_checks()[0].token


async def test_a_verified_identity_cannot_start_again(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    started = await app.start_id_card_verification(start(user))
    app.faces.finish(started.ticket.token)
    await app.complete_face_verification(
        CompleteFaceVerificationCommand(user.principal, started.ticket.token, DEFAULT_META))
    with pytest.raises(AlreadyVerified):
        await app.start_id_card_verification(start(user, "李四", ID_LI))
    assert app.db.identity(user.account_id).legal_name == "张三"


async def test_nothing_starts_while_a_manual_review_is_pending(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.submit_manual(user)
    with pytest.raises(VerificationInProgress):
        await app.start_id_card_verification(start(user))
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW
    assert app.identity_verifier.checks == []


async def test_starting_needs_a_login(app: FakeApp) -> None:
    with pytest.raises(Unauthenticated):
        await app.start_id_card_verification(StartIdCardVerificationCommand(None, "张三", ID_ZHANG, DEFAULT_META))
