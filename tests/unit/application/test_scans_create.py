"""CreateScanSession and the platform's signed requests (api/platform.graphql): what a platform may open, and the
requests that are refused without changing anything."""

from __future__ import annotations

import base64

import pytest

from application.scans.create_scan_session import (
    CreateScanSessionCommand,
    DocumentInput,
    EnvelopeInput,
)
from domain.commerce.entitlement import ScanOperation
from domain.errors import InvalidInput, Unauthenticated
from domain.scans.session import ScanStatus, SealOwner
from tests.fakes import Snapshot
from tests.support.platform import TestPlatform
from tests.unit.application.scan_helpers import documents, scene, sm3_hex


async def test_a_login_session_is_waiting_with_an_unguessable_single_qr_and_a_watch_token(app):
    s = await scene(app)
    a, b = await s.create(), await s.create()
    assert a.session.status is ScanStatus.WAITING and a.session.operation is ScanOperation.LOGIN
    assert a.session.expires_at - a.session.created_at == app.scan_policy.session_ttl
    assert a.qr_content != b.qr_content and a.session.t_id != b.session.t_id
    assert len(a.qr_content) >= 22 and a.watch_token
    stored = await s.stored(a.session.t_id)
    # Only keyed hashes of the QR content and the watch token are kept.
    assert a.qr_content not in repr(vars(stored)) and a.watch_token not in repr(vars(stored))
    assert stored.platform_id == s.platform.id


async def test_a_sign_session_keeps_its_documents_and_defaults_to_the_personal_signature(app):
    s = await scene(app)
    created = await s.create("SIGN", documents=[DocumentInput("D1", "标书.pdf", sm3_hex(b"bid").upper())])
    stored = await s.stored(created.session.t_id)
    assert stored.documents == [{"docId": "D1", "fileName": "标书.pdf", "sm3Hex": sm3_hex(b"bid")}]
    assert (stored.seal_owner.value, stored.seal_use.value, stored.continuous) == ("PERSONAL", "SIGNATURE", False)


@pytest.mark.parametrize(("kw", "field"), [
    ({"documents": None}, "documents"),
    ({"documents": [DocumentInput("D1", "a.pdf", "xyz")]}, "documents.0.sm3Hex"),
    ({"documents": [DocumentInput("D1", "", sm3_hex(b"a"))]}, "documents.0.fileName"),
    ({"documents": [DocumentInput("D 1", "a.pdf", sm3_hex(b"a"))]}, "documents.0.docId"),
    ({"documents": [DocumentInput("D1", "a.pdf", sm3_hex(b"a")), DocumentInput("D1", "b.pdf", sm3_hex(b"b"))],
      "continuous": True}, "documents.1.docId"),
    ({"documents": documents(2)}, "continuous"),  # several documents need continuous signing
    ({"documents": documents(51), "continuous": True}, "documents"),
])
async def test_sign_documents_are_validated(app, kw, field):
    s = await scene(app)
    before = Snapshot.of(app.db)
    with pytest.raises(InvalidInput) as err:
        await s.create("SIGN", **kw)
    assert err.value.field == field
    assert Snapshot.of(app.db).tables["scan_sessions"] == before.tables["scan_sessions"] == []


async def test_decrypt_needs_envelopes_that_are_sm2_ciphertexts(app):
    s = await scene(app)
    with pytest.raises(InvalidInput) as err:
        await s.create("DECRYPT")
    assert err.value.field == "envelopes"
    bad = [EnvelopeInput("E1", base64.b64encode(b"not der").decode())]
    with pytest.raises(InvalidInput) as err:
        await s.create("DECRYPT", envelopes=bad)
    assert err.value.field == "envelopes.0.sm2CipherDer"
    with pytest.raises(InvalidInput) as err:
        await s.create("DECRYPT", envelopes=[EnvelopeInput("E1", "%%%not base64")])
    assert err.value.field == "envelopes.0.sm2CipherDer"
    created = await s.decrypt_session(b"k" * 16)
    assert [e["envelopeId"] for e in (await s.stored(created.session.t_id)).envelopes] == ["BID-1"]


@pytest.mark.parametrize(("operation", "kw", "field"), [
    ("LOGIN", {"documents": documents(1)}, "documents"),
    ("ENCRYPT", {"envelopes": [EnvelopeInput("E1", "AAAA")]}, "envelopes"),
    ("LOGIN", {"continuous": True}, "sealOwner"),
])
async def test_payloads_belong_to_their_operation(app, operation, kw, field):
    s = await scene(app)
    with pytest.raises(InvalidInput) as err:
        await s.create(operation, **kw)
    assert err.value.field == field


async def test_a_sign_session_may_ask_for_an_enterprise_seal(app):
    # §7.3: members granted the org certificate sign with the enterprise's seals.
    s = await scene(app)
    created = await s.create("SIGN", documents=documents(1), seal_owner=SealOwner.ENTERPRISE)
    assert created.session.seal_owner is SealOwner.ENTERPRISE


async def test_without_a_platform_nothing_is_created(app):
    with pytest.raises(Unauthenticated):
        await app.scans.create_scan_session(CreateScanSessionCommand(None, ScanOperation.LOGIN))
    assert app.db.rows("scan_sessions") == []


# ---------------------------------------------------------------- signed platform requests


async def test_a_signed_request_authenticates_its_platform_and_leaves_its_nonce(app):
    platform = await app.scan_platform()
    principal = await app.platform_principal(platform, nonce="abcdefghijklmnop1234")
    assert (principal.platform_id, principal.code) == (platform.id, platform.code)
    assert [n.nonce for n in app.db.rows("platform_nonces")] == ["abcdefghijklmnop1234"]


async def test_a_replayed_request_is_refused_and_records_nothing(app):
    platform = await app.scan_platform()
    request = app.platform_request(platform, nonce="abcdefghijklmnop1234")
    await app.scans.authenticate_platform(request)
    before = Snapshot.of(app.db)
    app.clock.advance(seconds=30)
    with pytest.raises(Unauthenticated):
        await app.scans.authenticate_platform(request)
    # A fresh signature does not make an old nonce new either.
    with pytest.raises(Unauthenticated):
        await app.platform_principal(platform, nonce="abcdefghijklmnop1234")
    assert Snapshot.of(app.db) == before


async def test_a_nonce_may_come_back_after_the_replay_window(app):
    platform = await app.scan_platform()
    await app.platform_principal(platform, nonce="abcdefghijklmnop1234")
    app.clock.advance(app.scan_policy.nonce_window, seconds=1)
    assert (await app.platform_principal(platform, nonce="abcdefghijklmnop1234")).code == platform.code


@pytest.mark.parametrize("how", ["stale", "future", "short nonce", "foreign key", "tampered body", "wrong path",
                                 "unknown platform"])
async def test_bad_requests_are_refused_and_record_nothing(app, how):
    platform = await app.scan_platform()
    before = Snapshot.of(app.db)
    now = int(app.clock.now().timestamp())
    sign = {"stale": {"timestamp": now - 301}, "future": {"timestamp": now + 301}, "short nonce": {"nonce": "short"},
            "foreign key": {"key": app.sm2.generate_private_key()}, "wrong path": {"path": "/other"}}.get(how, {})
    request = app.platform_request(platform, **sign)
    if how == "tampered body":
        request = type(request)(request.method, request.path, request.headers, request.body + b" ")
    if how == "unknown platform":
        request = app.platform_request(TestPlatform(code="GGZYJY99999"))
    with pytest.raises(Unauthenticated):
        await app.scans.authenticate_platform(request)
    assert Snapshot.of(app.db) == before


async def test_a_suspended_platform_is_refused(app):
    platform = await app.scan_platform()
    async with app.uow() as uow:
        (await uow.trading_platforms.get(platform.id)).suspend()
        await uow.commit()
    with pytest.raises(Unauthenticated):
        await app.platform_principal(platform)
    assert app.db.rows("platform_nonces") == []


async def test_a_platform_reads_only_its_own_sessions(app):
    s = await scene(app)
    created = await s.create()
    mine = await app.scans.platform_scan_session(await app.platform_principal(s.platform), created.session.t_id)
    assert mine is not None and mine.status is ScanStatus.WAITING
    other = await app.scan_platform(TestPlatform(code="GGZYJY11001"))
    assert await app.scans.platform_scan_session(await app.platform_principal(other), created.session.t_id) is None
    app.clock.advance(app.scan_policy.session_ttl)
    late = await app.scans.platform_scan_session(await app.platform_principal(s.platform), created.session.t_id)
    assert late.status is ScanStatus.EXPIRED  # as soon as the deadline passes, before the worker records it
