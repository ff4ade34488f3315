"""Operators' roles and TOTP secrets, and the first approval of a four-eyes review, on the real database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime

import pyotp
import pytest
import segno

from application.context import RequestMeta
from application.operators.operators import OperatorLoginCommand
from domain.accounts.account import Account
from domain.errors import InvalidCredentials
from domain.identity.review import Review, ReviewKind
from domain.operators.operator import OperatorRole

META = RequestMeta("127.0.0.1", "pytest")


async def test_role_and_second_factor_round_trip_and_a_code_is_spent_once(container, clock):
    use_cases = container.use_cases()
    created = await use_cases.create_operator("super.li", "Superv1sor!x", OperatorRole.SUPERVISOR,
                                              second_factor=True)
    secret = pyotp.parse_uri(created.totp_uri).secret
    async with container.uow() as uow:
        stored = await uow.operators.by_username("super.li")
        assert stored.role is OperatorRole.SUPERVISOR
        assert stored.totp_secret_ciphertext and secret.encode() not in stored.totp_secret_ciphertext
    code = pyotp.TOTP(secret).at(clock.now())
    issued = await use_cases.operator_login(OperatorLoginCommand("super.li", "Superv1sor!x", META, totp_code=code))
    principal = await use_cases.authenticate(issued.access_token)
    assert principal.operator_role is OperatorRole.SUPERVISOR
    with pytest.raises(InvalidCredentials):  # the same code again: refused, from the stored last step
        await use_cases.operator_login(OperatorLoginCommand("super.li", "Superv1sor!x", META, totp_code=code))


async def test_the_first_approval_of_a_change_is_stored(container):
    now = datetime.now(UTC)
    account = Account(phone="13200000077", password_hash="x", created_at=now)
    op = (await container.use_cases().create_operator("reviewer", "Oper4tor!x")).operator
    review = Review(kind=ReviewKind.ENTERPRISE_CHANGE, subject_account_id=account.id, subject_summary="变更",
                    submitted_at=now)
    async with container.uow() as uow:
        uow.accounts.add(account)
        uow.reviews.add(review)
        await uow.commit()
    async with container.uow() as uow:
        loaded = await uow.reviews.get(review.id)
        assert loaded.decide(approve=True, reason=None, operator_id=op.id, now=now) is False
        await uow.commit()
    async with container.uow() as uow:
        loaded = await uow.reviews.get(review.id)
        assert (loaded.first_approved_by, loaded.awaiting_second_approval) == (op.id, True)


@pytest.mark.own_database
def test_cli_creates_an_operator_with_a_role_and_prints_the_enrolment_uri(tmp_path):
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_LOG_LEVEL": "WARNING", "SXQ_PASSWORD_SCRYPT_N": "1024"}
    for name in ("SXQ_DATABASE_URL", "SXQ_MODE", "SXQ_MASTER_KEY"):
        env.pop(name, None)

    def sxq(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "adapters.cli.main", *args], env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)

    assert sxq("migrate").returncode == 0
    done = sxq("operator", "create", "--username", "alice", "--role", "SUPERVISOR", stdin="Al1cePassword\n")
    assert done.returncode == 0, done.stderr
    assert "alice created (SUPERVISOR)" in done.stdout
    uri = next(line for line in done.stdout.splitlines() if line.startswith("otpauth://totp/"))
    assert pyotp.parse_uri(uri).secret
    # Under the URI, the QR code of exactly that URI, for the authenticator app's camera.
    drawn = io.StringIO()
    segno.make(uri, error="m").terminal(out=drawn, compact=True, border=2)
    assert "█" in drawn.getvalue() and drawn.getvalue() in done.stdout.split(uri, 1)[1]
    no_role = sxq("operator", "create", "--username", "bob", stdin="B0bPassword1\n")
    assert no_role.returncode == 2 and "--role" in no_role.stderr
    script = sxq("operator", "create", "--username", "robot", "--role", "ADMIN", "--no-totp", stdin="R0botPassword\n")
    assert script.returncode == 0 and "otpauth://" not in script.stdout


async def test_certificate_search_by_serial_and_by_a_piece_of_the_subject(container):
    from datetime import timedelta

    from domain.certificates.certificate import Certificate, CertificateStatus, CertificateUsage, HolderKind

    now = datetime.now(UTC)

    def cert(serial: str, dn: str, status=CertificateStatus.ACTIVE) -> Certificate:
        return Certificate(serial=serial, usage=CertificateUsage.SIGNING, profile="personal", issuer="issuing",
                           subject_dn=dn, holder_kind=HolderKind.PERSON, public_key=b"\x04" * 65, not_before=now,
                           not_after=now + timedelta(days=365), tbs=b"tbs", created_at=now, der=b"der",
                           status=status)

    a, b = cert("abc123", "CN=张三,O=数信"), cert("abc124", "CN=李_四%,O=数信")
    pending = cert("abc125", "CN=张三,O=数信", CertificateStatus.PENDING)
    async with container.uow() as uow:
        for c in (a, b, pending):
            uow.certificates.add(c)
        await uow.commit()
    async with container.uow() as uow:
        assert [c.id for c in await uow.certificates.search(serial="abc123")] == [a.id]
        assert [c.id for c in await uow.certificates.search(subject_contains="张三")] == [a.id]  # not the pending one
        # LIKE's wildcards are taken literally.
        assert [c.id for c in await uow.certificates.search(subject_contains="_四%")] == [b.id]
        assert [c.id for c in await uow.certificates.search(subject_contains="%")] == [b.id]


async def test_audit_search_filters_in_sql(container):
    from datetime import timedelta
    from uuid import uuid4

    from application.ports import AuditQuery
    from domain.audit import AuditEvent, AuditOutcome

    now = datetime.now(UTC)
    op_id, account_id = uuid4(), uuid4()
    events = [AuditEvent(kind="review.viewed", at=now - timedelta(hours=2), outcome=AuditOutcome.SUCCESS,
                         operator_id=op_id, account_id=account_id, detail={"review": "r1"}),
              AuditEvent(kind="review.decided", at=now - timedelta(hours=1), outcome=AuditOutcome.SUCCESS,
                         operator_id=op_id, account_id=account_id),
              AuditEvent(kind="reviews_x", at=now, outcome=AuditOutcome.FAILURE, account_id=account_id),
              AuditEvent(kind="operator.login", at=now, outcome=AuditOutcome.SUCCESS, operator_id=op_id)]
    async with container.uow() as uow:
        for e in events:
            uow.audit.record(e)
        await uow.commit()
    async with container.uow() as uow:
        search = uow.audit.search
        assert [e.kind for e in await search(AuditQuery(kind_prefix="review."), 10)] == [
            "review.decided", "review.viewed"]  # newest first; "_" and "." are literal
        assert [e.kind for e in await search(AuditQuery(account_id=account_id, operator_id=op_id), 10)] == [
            "review.decided", "review.viewed"]
        window = AuditQuery(since=now - timedelta(minutes=90), until=now - timedelta(minutes=30))
        assert [e.kind for e in await search(window, 10)] == ["review.decided"]
        assert len(await search(AuditQuery(), 2)) == 2


async def test_outbox_statistics_retry_and_failures_in_sql(container, clock):
    now = clock.now()
    async with container.uow() as uow:
        ok = uow.outbox.put("sms.send", {"phone": "13800138000", "text": "a"})
        bad = uow.outbox.put("sms.send", {"phone": "13800138000", "text": "b"})
        dead = uow.outbox.put("invoice.issue", {"invoiceId": "x"})
        await uow.commit()
    async with container.uow() as uow:
        await uow.outbox.mark_delivered(ok, now, None)
        await uow.outbox.mark_failed(bad, "carrier down", now.replace(year=now.year + 1))
        await uow.outbox.mark_failed(dead, "tax platform down", None)
        await uow.commit()
    async with container.uow() as uow:
        stats = {s.topic: s for s in await uow.outbox.topic_stats()}
        assert (stats["sms.send"].waiting, stats["sms.send"].failing, stats["sms.send"].given_up) == (1, 1, 0)
        assert stats["sms.send"].oldest_waiting is not None and stats["sms.send"].oldest_waiting.tzinfo is not None
        assert (stats["invoice.issue"].waiting, stats["invoice.issue"].given_up) == (0, 1)
        assert {m.id for m in await uow.outbox.undelivered_failures(10)} == {bad, dead}
        assert await uow.outbox.retry_now(bad, now) and await uow.outbox.retry_now(dead, now)
        assert not await uow.outbox.retry_now(ok, now)  # delivered already
        await uow.commit()
    async with container.uow() as uow:
        assert {m.id for m in await uow.outbox.claim_due(now, now, 10)} == {bad, dead}


async def test_scan_sessions_counted_by_status_in_sql(container):
    from datetime import timedelta

    from domain.commerce.entitlement import ScanOperation
    from domain.scans.session import ScanSession, ScanStatus
    from tests.support.entitlements import personal_entitlement

    now = datetime.now(UTC)
    account = Account(phone="13200000078", password_hash="x", created_at=now)
    async with container.uow() as uow:
        uow.accounts.add(account)
        await uow.commit()
    platform_id = (await personal_entitlement(container, account.id)).platform_id

    def scan(n: int, status: ScanStatus, created: datetime) -> ScanSession:
        return ScanSession(t_id=f"t{n}", platform_id=platform_id, operation=ScanOperation.LOGIN, qr_hash=f"q{n}",
                           watch_token_hash=f"w{n}", created_at=created, expires_at=created + timedelta(minutes=2),
                           status=status)

    async with container.uow() as uow:
        for n, (status, ago) in enumerate([(ScanStatus.WAITING, 1), (ScanStatus.CONFIRMED, 5),
                                           (ScanStatus.CONFIRMED, 10), (ScanStatus.EXPIRED, 90)]):
            uow.scan_sessions.add(scan(n, status, now - timedelta(minutes=ago)))
        await uow.commit()
    async with container.uow() as uow:
        assert await uow.scan_sessions.count_by_status(now - timedelta(hours=1)) == {"WAITING": 1, "CONFIRMED": 2}
