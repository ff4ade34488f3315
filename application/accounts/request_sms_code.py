"""RequestSmsCode: send a purpose-scoped code to a phone (SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import IssuedCode, SmsCodes
from application.context import Principal, RequestMeta
from application.ports import UnitOfWorkFactory
from domain.accounts.phone import PhoneNumber
from domain.accounts.sms import SmsPurpose
from domain.errors import PermissionDenied, PhoneAlreadyRegistered

# Purposes that confirm an act of a logged-in account: the code goes to that account's own phone only.
_OWN_PHONE_ONLY = {SmsPurpose.SIGN, SmsPurpose.DELETE_ACCOUNT, SmsPurpose.CERTIFICATE_PIN}


@dataclass(frozen=True)
class RequestSmsCodeCommand:
    phone: str
    purpose: SmsPurpose
    principal: Principal | None
    meta: RequestMeta


class RequestSmsCode:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes) -> None:
        self._uow = uow
        self._codes = codes

    async def __call__(self, cmd: RequestSmsCodeCommand) -> IssuedCode:
        phone = PhoneNumber.parse(cmd.phone).value
        async with self._uow() as uow:
            account = await uow.accounts.by_phone(phone)
            deliver = True
            if cmd.purpose is SmsPurpose.REGISTER:
                if account is not None:
                    raise PhoneAlreadyRegistered(field="phone")
            elif cmd.purpose is SmsPurpose.CHANGE_PHONE:
                if cmd.principal is None or not cmd.principal.is_account:
                    raise PermissionDenied("请先登录", field="phone")
                if account is not None:
                    raise PhoneAlreadyRegistered("该手机号已绑定其他账号", field="phone")
            elif cmd.purpose in _OWN_PHONE_ONLY:
                # These confirm an act of a signed-in person; nobody else may make their phone ring.
                if cmd.principal is None or not cmd.principal.is_account:
                    raise PermissionDenied("请先登录", field="phone")
                if account is None or account.id != cmd.principal.id:
                    raise PermissionDenied("只能向本人绑定的手机号发送验证码", field="phone")
            else:
                # LOGIN, RESET_PASSWORD and the rest: an unknown number gets the same answer and no SMS,
                # so the endpoint cannot be used to learn who has an account.
                deliver = account is not None and account.is_active
            issued = await self._codes.issue(uow, phone, cmd.purpose, cmd.meta, deliver=deliver)
            await uow.commit()
            return issued
