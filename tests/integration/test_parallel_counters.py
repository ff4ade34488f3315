"""Counters, cooldowns and caps under parallel requests, on the real database (SQLite here, PostgreSQL when
SXQ_TEST_DATABASE_URL names one): twenty requests fired at once with asyncio.gather, and the count afterwards exact.
SMS tries and spending (one conditional UPDATE each), SMS issuance per phone and per IP (a lock row), wrong passwords
of accounts and operators (the try counted and committed before the slow check)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from adapters.persistence import tables as t
from application.accounts.change_password import ChangePasswordCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from application.accounts.login_with_sms_code import LoginWithSmsCodeCommand
from application.accounts.request_sms_code import RequestSmsCodeCommand
from application.context import Principal, RequestMeta
from application.operators.operators import OperatorLoginCommand
from domain.accounts.session import PrincipalKind
from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.clock import start_of_china_day
from domain.errors import DomainError, ErrorCode

N = 20
META = RequestMeta(client_ip="198.51.100.9")
PASSWORD = "Passw0rdX"


async def _outcomes(coros) -> list[object]:
    """Each request's answer: the result, or the code of the domain error it raised (anything else fails)."""
    results = await asyncio.gather(*coros, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, DomainError):
            raise r
    return [r.code if isinstance(r, DomainError) else r for r in results]


async def _noon(clock) -> None:
    """Noon in Beijing: a day's caps are not cut in two by a midnight during the test."""
    now = clock.now()
    clock.advance(seconds=(start_of_china_day(now) + timedelta(hours=36) - now).total_seconds())


async def _challenges(container, phone: str | None = None, ip: str | None = None) -> list[SmsChallenge]:
    async with container.uow() as uow:
        c = t.sms_challenges.c
        q = select(SmsChallenge)
        if phone is not None:
            q = q.where(c.phone == phone)
        if ip is not None:
            q = q.where(c.client_ip == ip)
        return list((await uow._session.execute(q)).scalars())


async def _code(container, phone: str) -> str:
    async with container.uow() as uow:
        rows = (await uow._session.execute(select(t.outbox_messages.c.payload))).scalars()
        return [p["code"] for p in rows if p.get("phone") == phone and p.get("code")][-1]


async def _registered(container, phone: str):
    uc = container.use_cases()
    await uc.request_sms_code(RequestSmsCodeCommand(phone, SmsPurpose.REGISTER, None, META))
    from application.accounts.register import RegisterCommand

    return await uc.register(RegisterCommand(phone, await _code(container, phone), PASSWORD, META))


async def _sent_earlier(container, clock, phone: str, count: int, ip: str | None = None,
                        phones: list[str] | None = None) -> None:
    """`count` codes sent earlier today (past every cooldown)."""
    now = clock.now()
    async with container.uow() as uow:
        for i in range(count):
            uow.sms.add(SmsChallenge(phone=phones[i] if phones else phone, purpose=SmsPurpose.LOGIN, code_hash="x",
                                     sent_at=now - timedelta(minutes=10, seconds=i), expires_at=now,
                                     max_attempts=5, client_ip=ip))
        await uow.commit()


async def test_twenty_parallel_wrong_codes_count_exactly_five_and_the_right_code_is_then_refused(container, clock):
    phone = "13200000401"
    await _registered(container, phone)
    uc = container.use_cases()
    await uc.request_sms_code(RequestSmsCodeCommand(phone, SmsPurpose.LOGIN, None, META))
    right = await _code(container, phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    outcomes = await _outcomes(uc.login_with_sms_code(LoginWithSmsCodeCommand(phone, wrong, META)) for _ in range(N))

    assert outcomes.count(ErrorCode.SMS_CODE_INVALID) == 4  # tries 1..4 tell the tries left
    assert outcomes.count(ErrorCode.SMS_CODE_ATTEMPTS_EXCEEDED) == N - 4  # the fifth, and those after it
    (challenge,) = [c for c in await _challenges(container, phone) if c.purpose is SmsPurpose.LOGIN]
    assert (challenge.attempts, challenge.consumed_at) == (5, None)
    assert await _outcomes([uc.login_with_sms_code(LoginWithSmsCodeCommand(phone, right, META))]) == [
        ErrorCode.SMS_CODE_ATTEMPTS_EXCEEDED]


async def test_twenty_parallel_right_codes_spend_the_code_once(container):
    phone = "13200000402"
    await _registered(container, phone)
    uc = container.use_cases()
    await uc.request_sms_code(RequestSmsCodeCommand(phone, SmsPurpose.LOGIN, None, META))
    right = await _code(container, phone)

    outcomes = await _outcomes(uc.login_with_sms_code(LoginWithSmsCodeCommand(phone, right, META)) for _ in range(N))

    assert sum(not isinstance(o, ErrorCode) for o in outcomes) == 1
    assert outcomes.count(ErrorCode.SMS_CODE_INVALID) == N - 1  # 验证码已使用


async def test_twenty_parallel_code_requests_send_exactly_one(container, clock):
    phone = "13200000403"
    uc = container.use_cases()

    outcomes = await _outcomes(uc.request_sms_code(RequestSmsCodeCommand(phone, SmsPurpose.REGISTER, None, META))
                               for _ in range(N))

    assert outcomes.count(ErrorCode.SMS_COOLDOWN) == N - 1
    assert len(await _challenges(container, phone)) == 1


async def test_the_daily_cap_per_phone_holds_under_parallel_requests(container, clock):
    await _noon(clock)
    phone = "13200000404"
    await _sent_earlier(container, clock, phone, 8)
    uc = container.use_cases()
    # Three purposes an unknown number may ask for: the cooldown (per purpose) would let three through.
    purposes = [SmsPurpose.REGISTER, SmsPurpose.LOGIN, SmsPurpose.RESET_PASSWORD]

    outcomes = await _outcomes(uc.request_sms_code(RequestSmsCodeCommand(phone, purposes[i % 3], None, META))
                               for i in range(N))

    assert len(await _challenges(container, phone)) == 10  # the cap, not one more
    assert sum(not isinstance(o, ErrorCode) for o in outcomes) == 2
    assert outcomes.count(ErrorCode.SMS_DAILY_LIMIT) >= 1


async def test_the_daily_cap_per_ip_holds_under_parallel_requests(container, clock):
    await _noon(clock)
    ip = "198.51.100.77"
    earlier = [f"1330000{i:04d}" for i in range(48)]
    await _sent_earlier(container, clock, "", 48, ip=ip, phones=earlier)
    uc = container.use_cases()
    meta = RequestMeta(client_ip=ip)

    outcomes = await _outcomes(uc.request_sms_code(RequestSmsCodeCommand(f"1340000{i:04d}", SmsPurpose.REGISTER,
                                                                         None, meta)) for i in range(N))

    assert len(await _challenges(container, ip=ip)) == 50
    assert sum(not isinstance(o, ErrorCode) for o in outcomes) == 2
    assert outcomes.count(ErrorCode.SMS_DAILY_LIMIT) == N - 2


async def _audit_kinds(container, **detail) -> list[tuple[str, str | None]]:
    async with container.uow() as uow:
        rows = (await uow._session.execute(select(t.audit_events))).all()
    return [(r.kind, r.detail.get("reason")) for r in rows
            if all(r.detail.get(k) == v or getattr(r, k, None) == v for k, v in detail.items())]


async def test_twenty_parallel_wrong_passwords_lock_at_exactly_five(container, clock):
    phone = "13200000405"
    account = (await _registered(container, phone)).account
    uc = container.use_cases()

    outcomes = await _outcomes(uc.login_with_password(LoginWithPasswordCommand(phone, "Wr0ngPass", META))
                               for _ in range(N))

    assert outcomes.count(ErrorCode.INVALID_CREDENTIALS) == 4
    assert outcomes.count(ErrorCode.LOGIN_LOCKED) == N - 4
    assert ErrorCode.CONFLICT not in outcomes
    kinds = await _audit_kinds(container, account_id=account.id)
    assert kinds.count(("login.password", "wrong_password")) == 5  # five passwords were checked, no more
    assert kinds.count(("login.locked", None)) == 1
    assert kinds.count(("login.password", "locked")) == N - 5
    async with container.uow() as uow:
        stored = await uow.accounts.get(account.id)
    assert stored.password_locked_until is not None and stored.password_locked_until > clock.now()
    # The right password is refused while the lock lasts; after it, it logs in.
    assert await _outcomes([uc.login_with_password(LoginWithPasswordCommand(phone, PASSWORD, META))]) == [
        ErrorCode.LOGIN_LOCKED]
    clock.advance(minutes=15, seconds=1)
    (signed,) = await _outcomes([uc.login_with_password(LoginWithPasswordCommand(phone, PASSWORD, META))])
    assert signed.account.id == account.id


async def test_parallel_wrong_old_passwords_count_toward_the_same_lock(container, clock):
    phone = "13200000406"
    signed = await _registered(container, phone)
    uc = container.use_cases()
    principal = Principal(PrincipalKind.ACCOUNT, signed.account.id, signed.session.session_id)

    outcomes = await _outcomes(uc.change_password(ChangePasswordCommand(principal, "Wr0ngPass", "N3wPassword", META))
                               for _ in range(N))

    assert outcomes.count(ErrorCode.INVALID_CREDENTIALS) == 5
    assert outcomes.count(ErrorCode.LOGIN_LOCKED) == N - 5
    assert await _outcomes([uc.login_with_password(LoginWithPasswordCommand(phone, PASSWORD, META))]) == [
        ErrorCode.LOGIN_LOCKED]


async def test_twenty_parallel_wrong_operator_passwords_lock_at_exactly_five(container):
    uc = container.use_cases()
    op = await uc.create_operator("racer", "Operat0rPass")

    outcomes = await _outcomes(uc.operator_login(OperatorLoginCommand("racer", "Wr0ngPass1", META))
                               for _ in range(N))

    assert outcomes.count(ErrorCode.INVALID_CREDENTIALS) == 5
    assert outcomes.count(ErrorCode.LOGIN_LOCKED) == N - 5
    kinds = await _audit_kinds(container, operator_id=op.id)
    assert kinds.count(("operator.login", "wrong_password")) == 5
    assert await _outcomes([uc.operator_login(OperatorLoginCommand("racer", "Operat0rPass", META))]) == [
        ErrorCode.LOGIN_LOCKED]


async def test_lock_rows_not_taken_for_a_day_are_pruned_and_taken_afresh(container, clock):
    uc = container.use_cases()
    await uc.request_sms_code(RequestSmsCodeCommand("13200000407", SmsPurpose.REGISTER, None, META))
    async with container.uow() as uow:
        keys = set((await uow._session.execute(select(t.serialisation_locks.c.key))).scalars())
    assert keys == {"sms-phone:13200000407", f"sms-ip:{META.client_ip}"}
    assert await uc.prune_serialisation_locks() == 0  # taken just now
    clock.advance(days=1, seconds=1)
    assert await uc.prune_serialisation_locks() == 2
    assert await uc.prune_serialisation_locks() == 0
    # The next request writes its rows again; the count lives in the challenges, not in the lock rows.
    outcomes = await _outcomes(uc.request_sms_code(RequestSmsCodeCommand("13200000407", SmsPurpose.REGISTER, None,
                                                                         META)) for _ in range(N))
    assert outcomes.count(ErrorCode.SMS_COOLDOWN) == N - 1
