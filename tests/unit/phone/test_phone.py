"""The phone end to end against a server done by the independent implementation: enrolment, co-signing,
refusals, and a wrong PIN that only the server's verification can notice."""

from __future__ import annotations

import base64
import re

import pytest

from sxq_phone import (
    CoSignature,
    EnrolmentMismatch,
    InvalidRequest,
    OnScreen,
    Phone,
    PhoneError,
    RefusedToSign,
    WeakPin,
)
from sxq_phone.messages import canonical_json
from sxq_phone.sm3z import sm3
from tests.support import independent_phone as ref

from .server import FakeServer, b64

PIN = "135790"
T_ID, PLATFORM = "T20250101000001", "GGZY1100001"
DOC = sm3(b"bid.pdf")
SCREEN = OnScreen.scan(T_ID, PLATFORM, [DOC.hex()])
LOGIN = canonical_json({"tId": T_ID, "platformCode": PLATFORM, "operation": "LOGIN", "signedAt": "2025-01-01"})


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def phone(server) -> Phone:
    enrolment = Phone.start_enrolment()
    return enrolment.finish(PIN, *server.enrol(enrolment.device_public_share_b64), kdf_log_n=10)


def test_enrolment_gives_the_servers_public_key(server):
    enrolment = Phone.start_enrolment()
    share = enrolment.device_public_share
    assert len(share) == 65 and share[0] == 4 and base64.b64decode(enrolment.device_public_share_b64) == share
    assert Phone.start_enrolment().device_public_share != share
    p_server, public_key = server.enrol(enrolment.device_public_share_b64)
    phone = enrolment.finish(PIN, base64.b64decode(p_server), base64.b64decode(public_key), kdf_log_n=10)
    assert phone.public_key == server.public_key and phone.public_key_b64 == public_key
    stored = phone.stored
    assert share[1:33] not in stored and base64.b64decode(p_server)[1:33] not in stored


def test_an_enrolment_finishes_once(server):
    enrolment = Phone.start_enrolment()
    answer = server.enrol(enrolment.device_public_share_b64)
    enrolment.finish(PIN, *answer, kdf_log_n=10)
    with pytest.raises(PhoneError):
        enrolment.finish(PIN, *answer, kdf_log_n=10)


def test_a_public_key_not_made_from_our_share_is_refused(server):
    enrolment = Phone.start_enrolment()
    p_server, _ = server.enrol(enrolment.device_public_share_b64)
    other_key = b64(ref.joint_public_key(12345, base64.b64decode(p_server)))
    with pytest.raises(EnrolmentMismatch) as refused:
        enrolment.finish(PIN, p_server, other_key, kdf_log_n=10)
    assert "不符" in str(refused.value)
    # The server's own share in place of P, or P_server swapped for the generator, are no better.
    with pytest.raises(EnrolmentMismatch):
        enrolment.finish(PIN, p_server, p_server, kdf_log_n=10)
    with pytest.raises(EnrolmentMismatch):
        enrolment.finish(PIN, b64(ref.encode(ref.G)), server.enrol(enrolment.device_public_share_b64)[1],
                         kdf_log_n=10)


def test_an_answer_that_makes_the_identity_is_a_mismatch(monkeypatch):
    monkeypatch.setattr("sxq_phone.phone.random_scalar", lambda: 424242)
    enrolment = Phone.start_enrolment()
    # P_server = d_device·G makes d_device⁻¹·P_server − G the identity, which has no encoding to compare.
    with pytest.raises(EnrolmentMismatch):
        enrolment.finish(PIN, ref.encode(ref.point_mul(424242, ref.G)), ref.public_share(1), kdf_log_n=10)


@pytest.mark.parametrize("p_server, public_key, error", [
    ("not base64!", None, InvalidRequest),
    (None, 42, InvalidRequest),
    (b64(b"\x04" + bytes(64)), None, EnrolmentMismatch),
    (None, b64(b"\x02" + bytes(32)), EnrolmentMismatch),
], ids=["p-server-not-base64", "public-key-not-text", "p-server-off-the-curve", "public-key-compressed"])
def test_malformed_enrolment_answers_are_refused(server, p_server, public_key, error):
    enrolment = Phone.start_enrolment()
    good_p_server, good_public_key = server.enrol(enrolment.device_public_share_b64)
    with pytest.raises(error):
        enrolment.finish(PIN, p_server or good_p_server, public_key or good_public_key, kdf_log_n=10)


def test_a_weak_pin_is_refused_at_enrolment(server):
    enrolment = Phone.start_enrolment()
    with pytest.raises(WeakPin):
        enrolment.finish("123456", *server.enrol(enrolment.device_public_share_b64), kdf_log_n=10)


def test_co_signatures_finish_into_signatures_that_verify(server, phone):
    for message in (LOGIN, DOC):
        co_signature = phone.co_sign(server.request(message), PIN, SCREEN)
        assert isinstance(co_signature, CoSignature)
        assert server.finish(co_signature) is not None


def test_each_co_signature_uses_a_fresh_nonce(server, phone):
    first = phone.co_sign(server.request(DOC), PIN, SCREEN)
    second = phone.co_sign(server.request(DOC), PIN, SCREEN)
    assert first.r != second.r and first.s1 != second.s1


def test_the_input_is_64_lowercase_hex_digits(server, phone):
    request = server.request(DOC)
    fields = phone.co_sign(request, PIN, SCREEN).as_input()
    assert fields["requestId"] == request["id"]
    assert all(re.fullmatch("[0-9a-f]{64}", fields[k]) for k in ("r", "s1"))
    assert CoSignature("x", 1, 2).as_input() == {"requestId": "x", "r": "0" * 63 + "1", "s1": "0" * 63 + "2"}


def test_the_stored_phone_signs_after_loading(server, phone):
    reloaded = Phone.load(phone.stored)
    assert reloaded.public_key == phone.public_key
    assert server.finish(reloaded.co_sign(server.request(LOGIN), PIN, SCREEN)) is not None


def test_a_wrong_pin_gives_a_co_signature_the_server_rejects(server, phone):
    co_signature = phone.co_sign(server.request(LOGIN), "135791", SCREEN)
    assert server.finish(co_signature) is None


def test_a_batch_is_all_or_nothing(server, phone):
    requests = [server.request(LOGIN), server.request(DOC)]
    co_signatures = phone.co_sign_all(requests, PIN, SCREEN)
    assert [c.request_id for c in co_signatures] == [r["id"] for r in requests]
    assert all(server.finish(c) is not None for c in co_signatures)
    with pytest.raises(RefusedToSign):
        phone.co_sign_all([server.request(DOC), server.request(sm3(DOC))], PIN, SCREEN)
    assert phone.co_sign_all([], PIN, SCREEN) == []
    same = server.request(DOC)
    with pytest.raises(InvalidRequest):
        phone.co_sign_all([same, same], PIN, SCREEN)


def test_a_message_not_on_screen_is_refused(server, phone):
    with pytest.raises(RefusedToSign):
        phone.co_sign(server.request(sm3(b"a document nobody saw")), PIN, SCREEN)


def test_a_request_for_another_key_is_refused(server, phone):
    with pytest.raises(RefusedToSign):
        phone.co_sign(server.request(LOGIN, public_key=ref.public_share(7)), PIN, SCREEN)


def test_a_weak_pin_is_refused_before_signing(server, phone):
    with pytest.raises(WeakPin):
        phone.co_sign(server.request(LOGIN), "000000", SCREEN)


@pytest.mark.parametrize("change", [
    {"id": ""},
    {"id": None},
    {"message": "%%%"},
    {"serverCommitment": b64(b"\x04" + bytes(64))},
    {"serverCommitment": b64(ref.encode(ref.G))[:-4]},
    {"publicKey": 7},
])
def test_malformed_requests_are_refused(server, phone, change):
    with pytest.raises(InvalidRequest):
        phone.co_sign({**server.request(LOGIN), **change}, PIN, SCREEN)


@pytest.mark.parametrize("missing", ["id", "message", "serverCommitment", "publicKey"])
def test_requests_missing_a_field_are_refused(server, phone, missing):
    request = server.request(LOGIN)
    del request[missing]
    with pytest.raises(InvalidRequest):
        phone.co_sign(request, PIN, SCREEN)
