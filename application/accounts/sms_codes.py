"""Issuing and checking SMS codes: the rules of SPEC §1 shared by every use case that needs a code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.audit import audit
from application.context import RequestMeta
from application.policy import SmsPolicy
from application.ports import Clock, SecretHasher, UnitOfWork
from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.canonical import identifier, is_ascii_digits
from domain.clock import start_of_china_day
from domain.errors import DomainError, SmsCodeInvalid, SmsCooldown, SmsDailyLimit

SMS_TOPIC = "sms.send"


@dataclass(frozen=True)
class IssuedCode:
    cooldown_seconds: int
    expires_at: datetime


class SmsCodes:
    def __init__(self, clock: Clock, hasher: SecretHasher, policy: SmsPolicy) -> None:
        self._clock = clock
        self._hasher = hasher
        self._policy = policy

    def _hash(self, phone: str, purpose: SmsPurpose, code: str) -> str:
        # The phone and purpose are part of the hash: a code is good for one number and one purpose only.
        return self._hasher.hash("sms", f"{phone}|{purpose.value}|{code}")

    async def issue(self, uow: UnitOfWork, phone: str, purpose: SmsPurpose, meta: RequestMeta,
                    *, deliver: bool = True) -> IssuedCode:
        """Checks cooldown and daily caps, stores the challenge and queues the SMS.

        With deliver=False the challenge is recorded (so cooldowns and caps apply alike) but no
        message goes out: used when the number must not learn anything (an unknown account)."""
        now = self._clock.now()
        p = self._policy
        # Parallel requests for one phone (or from one IP) would all read "nothing sent yet" and all send: the
        # phone's lock, and the IP's, make them read and send one after another, so the cooldown lets one through
        # and the caps count exactly. Always the phone first, then the IP: no two requests wait on each other.
        await uow.locks.hold(f"sms-phone:{phone}", now)
        if meta.client_ip:
            await uow.locks.hold(f"sms-ip:{meta.client_ip}", now)
        last = await uow.sms.latest(phone, purpose)
        if last is not None and now < last.sent_at + p.cooldown:
            wait = int((last.sent_at + p.cooldown - now).total_seconds()) + 1
            raise SmsCooldown(f"验证码发送过于频繁，请 {wait} 秒后再试", field="phone",
                              details={"retryAfterSeconds": wait})
        day = start_of_china_day(now)
        if await uow.sms.count_sent_since(since=day, phone=phone) >= p.daily_cap_per_phone:
            raise SmsDailyLimit(field="phone")
        if meta.client_ip and await uow.sms.count_sent_since(since=day, client_ip=meta.client_ip) >= p.daily_cap_per_ip:
            raise SmsDailyLimit("当前网络今日获取验证码次数已达上限，请明天再试", field="phone")
        code = self._hasher.new_sms_code()
        challenge = SmsChallenge(
            phone=phone, purpose=purpose, code_hash=self._hash(phone, purpose, code), sent_at=now,
            expires_at=now + p.code_ttl, max_attempts=p.max_attempts, client_ip=meta.client_ip,
        )
        uow.sms.add(challenge)
        if deliver:
            minutes = int(p.code_ttl.total_seconds() // 60)
            text = f"【数信签】您的{purpose.label}验证码为{code}，{minutes}分钟内有效。请勿泄露给他人。"
            uow.outbox.put(SMS_TOPIC, {"phone": phone, "text": text, "purpose": purpose.value, "code": code})
        audit(uow, "sms.sent" if deliver else "sms.suppressed", now, meta, phone=_mask(phone),
              purpose=purpose.value)
        return IssuedCode(cooldown_seconds=int(p.cooldown.total_seconds()), expires_at=challenge.expires_at)

    async def consume(self, uow: UnitOfWork, phone: str, purpose: SmsPurpose, code: str,
                      meta: RequestMeta | None = None) -> None:
        """Checks and burns a code. A wrong code is counted and committed before the error is raised,
        so the try counts even though the caller's change does not happen; call this first."""
        now = self._clock.now()
        code = identifier(code)  # a full-width "１２３４５６" is the code "123456"
        if not is_ascii_digits(code, 6):
            raise SmsCodeInvalid("请输入6位数字验证码", field="smsCode")
        challenge = await uow.sms.latest(phone, purpose)
        if challenge is None:
            raise SmsCodeInvalid("请先获取短信验证码", field="smsCode")
        try:
            challenge.ensure_usable(now)
            # Both outcomes are single conditional UPDATEs on the challenge's row: parallel wrong codes each count
            # and stop at max_attempts, and of parallel right codes one is spent. A try that finds the row no longer
            # live (a parallel request got there first) is told why from the row as it now stands.
            if challenge.matches(self._hash(phone, purpose, code)):
                if not await uow.sms.consume(challenge, now):
                    challenge.ensure_usable(now)
                    raise SmsCodeInvalid("验证码已失效，请重新获取", field="smsCode")
                return
            if not await uow.sms.count_wrong_try(challenge, now):
                challenge.ensure_usable(now)
                raise SmsCodeInvalid("验证码已失效，请重新获取", field="smsCode")
            raise challenge.wrong_try_error()
        except DomainError:
            audit(uow, "sms.verify", now, meta, ok=False, phone=_mask(phone), purpose=purpose.value)
            await uow.commit()
            raise


def _mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "***"
