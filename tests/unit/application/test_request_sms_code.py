"""RequestSmsCode (SPEC §1): purpose-scoped codes, cooldown, daily caps, no hint about who is registered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.accounts.register import RegisterCommand
from application.accounts.request_sms_code import RequestSmsCodeCommand
from application.context import RequestMeta
from application.policy import Policies, SmsPolicy
from domain.accounts.sms import SmsPurpose
from domain.errors import (
    ErrorCode,
    InvalidPhone,
    PermissionDenied,
    PhoneAlreadyRegistered,
    SmsCodeInvalid,
    SmsCooldown,
    SmsDailyLimit,
)
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp
from tests.fakes import Snapshot

PHONE = "13800138000"


def cmd(phone: str = PHONE, purpose: SmsPurpose = SmsPurpose.REGISTER, principal=None,
        meta: RequestMeta = DEFAULT_META) -> RequestSmsCodeCommand:
    return RequestSmsCodeCommand(phone, purpose, principal, meta)


async def test_a_register_code_reaches_the_phone_and_only_its_hash_is_stored(app: FakeApp) -> None:
    issued = await app.request_sms_code(cmd())
    assert app.sms.sent == []  # nothing leaves before the outbox worker runs
    assert await app.deliver() == 1
    [sms] = app.sms.to(PHONE)
    assert sms.purpose == "REGISTER"
    assert len(sms.code) == 6 and sms.code.isdigit()
    assert f"注册验证码为{sms.code}" in sms.text and "5分钟" in sms.text
    [challenge] = app.db.challenges(PHONE, SmsPurpose.REGISTER)
    assert sms.code not in challenge.code_hash
    assert challenge.expires_at == app.clock.now() + timedelta(minutes=5)
    assert challenge.client_ip == DEFAULT_META.client_ip
    # The answer carries no code, only when to ask again and when it expires.
    assert issued.cooldown_seconds == 60
    assert issued.expires_at == challenge.expires_at
    assert sms.code not in repr(issued)


async def test_the_code_does_not_stay_in_the_outbox_after_delivery(app: FakeApp) -> None:
    await app.send_code(PHONE, SmsPurpose.REGISTER)
    [message] = app.db.outbox_messages()
    assert message.delivered_at is not None
    assert "code" not in message.payload
    assert message.payload["text"] == "[redacted]"


async def test_a_second_request_within_sixty_seconds_is_refused(app: FakeApp) -> None:
    await app.send_code(PHONE, SmsPurpose.REGISTER)
    app.clock.advance(seconds=30)
    with pytest.raises(SmsCooldown) as err:
        await app.request_sms_code(cmd())
    assert err.value.details["retryAfterSeconds"] == 31
    await app.deliver()
    assert len(app.sms.to(PHONE)) == 1
    assert len(app.db.challenges(PHONE)) == 1


async def test_after_the_cooldown_a_new_code_replaces_the_old_one(app: FakeApp) -> None:
    first = await app.send_code(PHONE, SmsPurpose.REGISTER)
    app.clock.advance(seconds=60)
    second = await app.send_code(PHONE, SmsPurpose.REGISTER)
    assert len(app.sms.to(PHONE)) == 2
    if first != second:  # one chance in a million that both are equal
        with pytest.raises(SmsCodeInvalid):
            await app.register(RegisterCommand(PHONE, first, DEFAULT_PASSWORD, DEFAULT_META))
    await app.register(RegisterCommand(PHONE, second, DEFAULT_PASSWORD, DEFAULT_META))
    assert app.db.account_by_phone(PHONE) is not None


async def test_daily_cap_per_phone() -> None:
    app = FakeApp(Policies(sms=SmsPolicy(daily_cap_per_phone=3)))
    for _ in range(3):
        await app.request_sms_code(cmd())
        app.clock.advance(seconds=61)
    with pytest.raises(SmsDailyLimit) as err:
        await app.request_sms_code(cmd())
    assert err.value.code is ErrorCode.SMS_DAILY_LIMIT
    assert len(app.db.challenges(PHONE)) == 3
    # Other purposes count against the same number.
    with pytest.raises(SmsDailyLimit):
        await app.request_sms_code(cmd(purpose=SmsPurpose.LOGIN))


async def test_the_daily_cap_resets_at_midnight_in_beijing() -> None:
    app = FakeApp(Policies(sms=SmsPolicy(daily_cap_per_phone=1)))
    await app.request_sms_code(cmd())  # 10:00 in Beijing
    app.clock.advance(hours=13, minutes=59)  # 23:59
    with pytest.raises(SmsDailyLimit):
        await app.request_sms_code(cmd())
    app.clock.advance(minutes=1)  # 00:00 the next day
    await app.request_sms_code(cmd())
    assert len(app.db.challenges(PHONE)) == 2


async def test_default_daily_cap_per_phone_is_ten(app: FakeApp) -> None:
    for _ in range(10):
        await app.request_sms_code(cmd())
        app.clock.advance(seconds=61)
    with pytest.raises(SmsDailyLimit):
        await app.request_sms_code(cmd())


async def test_daily_cap_per_client_ip(app: FakeApp) -> None:
    meta = RequestMeta(client_ip="198.51.100.9")
    for i in range(50):
        await app.request_sms_code(cmd(phone=f"139{i:08d}", meta=meta))
    with pytest.raises(SmsDailyLimit) as err:
        await app.request_sms_code(cmd(phone="13700000000", meta=meta))
    assert "当前网络" in err.value.message
    # Another network is not held back.
    await app.request_sms_code(cmd(phone="13700000000", meta=RequestMeta(client_ip="198.51.100.10")))


async def test_login_code_for_an_unknown_phone_sends_nothing_but_answers_the_same(app: FakeApp) -> None:
    await app.register_user("13900139000")
    known = await app.request_sms_code(cmd("13900139000", SmsPurpose.LOGIN))
    unknown = await app.request_sms_code(cmd(PHONE, SmsPurpose.LOGIN))
    await app.deliver()
    assert app.sms.to(PHONE) == []
    assert app.sms.last_code("13900139000", SmsPurpose.LOGIN) is not None
    assert (known.cooldown_seconds, known.expires_at) == (unknown.cooldown_seconds, unknown.expires_at)
    # The suppressed challenge is recorded, so cooldown and caps treat both numbers alike.
    with pytest.raises(SmsCooldown):
        await app.request_sms_code(cmd(PHONE, SmsPurpose.LOGIN))


async def test_reset_password_code_for_an_unknown_phone_sends_nothing(app: FakeApp) -> None:
    await app.request_sms_code(cmd(PHONE, SmsPurpose.RESET_PASSWORD))
    await app.deliver()
    assert app.sms.sent == []
    assert app.db.audit_events("sms.suppressed")


async def test_register_code_for_a_taken_phone_is_refused(app: FakeApp) -> None:
    await app.register_user(PHONE)
    sent = len(app.sms.sent)
    before = Snapshot.of(app.db)
    with pytest.raises(PhoneAlreadyRegistered) as err:
        await app.request_sms_code(cmd(PHONE, SmsPurpose.REGISTER))
    assert err.value.field == "phone"
    await app.deliver()
    assert len(app.sms.sent) == sent
    assert Snapshot.of(app.db) == before


async def test_an_invalid_phone_is_refused_before_anything_happens(app: FakeApp) -> None:
    with pytest.raises(InvalidPhone):
        await app.request_sms_code(cmd("12345"))
    assert app.db.challenges() == []


async def test_change_phone_codes_need_a_login_and_a_free_number(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.register_user("13900139000")
    with pytest.raises(PermissionDenied):
        await app.request_sms_code(cmd("13700137000", SmsPurpose.CHANGE_PHONE, principal=None))
    with pytest.raises(PhoneAlreadyRegistered):
        await app.request_sms_code(cmd("13900139000", SmsPurpose.CHANGE_PHONE, principal=user.principal))
    assert app.db.challenges("13700137000") == []
    code = await app.send_code("13700137000", SmsPurpose.CHANGE_PHONE, principal=user.principal)
    assert code is not None


async def test_codes_that_confirm_an_act_go_to_the_callers_own_phone_only(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.register_user("13900139000")
    with pytest.raises(PermissionDenied):
        await app.request_sms_code(cmd("13900139000", SmsPurpose.DELETE_ACCOUNT, principal=user.principal))
    assert app.db.challenges("13900139000", SmsPurpose.DELETE_ACCOUNT) == []
    assert await app.send_code(PHONE, SmsPurpose.DELETE_ACCOUNT, principal=user.principal) is not None


async def test_a_carrier_outage_is_retried_by_the_outbox(app: FakeApp) -> None:
    app.sms.fail_next(1)
    await app.request_sms_code(cmd())
    assert await app.deliver() == 0
    [message] = app.db.outbox_messages()
    assert (message.attempts, message.delivered_at) == (1, None)
    assert "SmsDeliveryFailed" in message.last_error
    assert await app.deliver() == 0  # not due yet: backing off
    app.clock.advance(seconds=5)
    assert await app.deliver() == 1
    assert app.sms.last_code(PHONE, SmsPurpose.REGISTER) is not None


async def test_the_outbox_gives_up_after_a_day(app: FakeApp) -> None:
    app.sms.down = True
    await app.request_sms_code(cmd())
    for _ in range(40):
        await app.deliver()
        app.clock.advance(hours=1)
    [message] = app.db.outbox_messages()
    assert message.delivered_at is None
    assert message.next_attempt_at is None
    assert message.attempts < 40
