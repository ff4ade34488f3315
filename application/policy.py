"""Every limit of the account chapter, with the defaults of SPEC §1; settings override them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.accounts.account import LoginPolicy


@dataclass(frozen=True)
class SmsPolicy:
    code_ttl: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    cooldown: timedelta = timedelta(seconds=60)
    daily_cap_per_phone: int = 10
    daily_cap_per_ip: int = 50


@dataclass(frozen=True)
class SessionPolicy:
    access_ttl: timedelta = timedelta(hours=2)
    refresh_ttl: timedelta = timedelta(days=30)
    operator_access_ttl: timedelta = timedelta(hours=8)
    # A console session left alone this long ends (the 8-hour lifetime still caps a busy one).
    console_idle: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class IdentityPolicy:
    upload_max_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Policies:
    sms: SmsPolicy = field(default_factory=SmsPolicy)
    login: LoginPolicy = field(default_factory=LoginPolicy)
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    identity: IdentityPolicy = field(default_factory=IdentityPolicy)
