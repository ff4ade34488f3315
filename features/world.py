"""The state one scenario carries from step to step, and the Chinese words the steps use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from domain.accounts.account import EntryMode
from domain.accounts.sms import SmsPurpose
from domain.identity.documents import DocumentType
from features.driver import ApplicationDriver, Refused, Session

T = TypeVar("T")

PURPOSES = {
    "注册": SmsPurpose.REGISTER,
    "登录": SmsPurpose.LOGIN,
    "重置密码": SmsPurpose.RESET_PASSWORD,
    "更换手机号": SmsPurpose.CHANGE_PHONE,
    "注销账户": SmsPurpose.DELETE_ACCOUNT,
    "证书密码": SmsPurpose.CERTIFICATE_PIN,
}

STATUSES = {
    "未认证": "UNVERIFIED",
    "待人脸核验": "PENDING_FACE",
    "审核中": "PENDING_REVIEW",
    "已认证": "VERIFIED",
    "未通过": "REJECTED",
}

DOCUMENTS = {
    "身份证": DocumentType.ID_CARD,
    "护照": DocumentType.PASSPORT,
    "港澳通行证": DocumentType.HK_MACAO_PERMIT,
    "台湾通行证": DocumentType.TAIWAN_PERMIT,
    "外国人永居证": DocumentType.FOREIGNER_PERMANENT_RESIDENCE,
}

ENTRY_MODES = {"移动数字证书（CA 互认）": EntryMode.CA_MUTUAL_RECOGNITION}


@dataclass
class World:
    driver: ApplicationDriver
    runner: asyncio.Runner
    session: Session | None = None          # "我" on this phone
    phone: str | None = None                # my credentials, for signing in elsewhere
    password: str | None = None
    other_device: Session | None = None     # "另一台设备"
    replaced: Session | None = None         # the tokens before a refresh
    first_replaced: Session | None = None   # the first tokens replaced in the scenario
    operator: Session | None = None
    supervisor: Session | None = None
    face_token: str | None = None
    review_id: UUID | None = None
    code_request: tuple[str, SmsPurpose] | None = None
    acted: bool = False
    error: Refused | None = None
    results: list[Any] = field(default_factory=list)
    certificates: dict[str, Any] = field(default_factory=dict)  # what the certificate and seal steps keep
    commerce: dict[str, Any] = field(default_factory=dict)  # what the order and invoice steps keep
    scans: dict[str, Any] = field(default_factory=dict)  # what the scan-service steps keep (§7)
    enterprises: dict[str, Any] = field(default_factory=dict)  # what the enterprise steps keep (§5)

    def run(self, coro: Awaitable[T]) -> T:
        """Runs one driver call to its end (steps are synchronous, the application is not)."""
        return self.runner.run(coro)  # type: ignore[arg-type]

    def attempt(self, coro: Awaitable[T]) -> T | None:
        """A user's act whose outcome a later 'then' step judges: a refusal is kept, not raised."""
        self.acted = True
        try:
            result = self.run(coro)
        except Refused as refused:
            self.error = refused
            return None
        self.error = None
        return result

    def received_code(self) -> str:
        assert self.code_request is not None, "no code was requested in this scenario"
        code = self.run(self.driver.last_code(*self.code_request))
        assert code is not None, f"no code reached {self.code_request[0]}"
        return code

    def register(self, phone: str, password: str) -> Session:
        """An account made the way a user makes one: code by SMS, then registration."""
        self.run(self.driver.request_code(phone, SmsPurpose.REGISTER))
        code = self.run(self.driver.last_code(phone, SmsPurpose.REGISTER))
        assert code is not None
        session = self.run(self.driver.register(phone, code, password))
        self.driver.advance_clock(61)  # the next code for this number is not held back by the cooldown
        return session

    def operator_session(self) -> Session:
        if self.operator is None:
            self.operator = self.run(self.driver.operator_session())
        return self.operator

    def supervisor_session(self) -> Session:
        """A second member of staff, a supervisor: the second pair of eyes on an enterprise change."""
        if self.supervisor is None:
            self.supervisor = self.run(self.driver.operator_session("supervisor", "Superv1sor!x", "SUPERVISOR"))
        return self.supervisor
