"""ChangePhone (§9.3): the password proves the owner, a code sent to the new number proves the number."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import AccountView, load_account_view
from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.accounts.phone import PhoneNumber
from domain.accounts.sms import SmsPurpose
from domain.errors import Conflict, InvalidCredentials, PhoneAlreadyRegistered
from domain.text import bounded


@dataclass(frozen=True)
class ChangePhoneCommand:
    principal: Principal | None
    new_phone: str
    sms_code: str
    password: str
    meta: RequestMeta


class ChangePhone:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, passwords: PasswordHasher, clock: Clock) -> None:
        self._uow, self._codes, self._passwords, self._clock = uow, codes, passwords, clock

    async def __call__(self, cmd: ChangePhoneCommand) -> AccountView:
        p = require_account(cmd.principal)
        phone = PhoneNumber.parse(cmd.new_phone, field="newPhone").value
        password = bounded(cmd.password or "", field="password", max_len=64, strip=False)
        async with self._uow() as uow:
            view = await load_account_view(uow, p.id)
            if not await self._passwords.verify(password, view.account.password_hash):
                raise InvalidCredentials("登录密码错误", field="password")
            if await uow.accounts.by_phone(phone) is not None:
                raise PhoneAlreadyRegistered("该手机号已绑定其他账号", field="newPhone")
            await self._codes.consume(uow, phone, SmsPurpose.CHANGE_PHONE, cmd.sms_code, cmd.meta)
            old = view.account.phone
            view.account.change_phone(phone)
            now = self._clock.now()
            audit(uow, "phone.changed", now, cmd.meta, account_id=p.id, old=old[-4:], new=phone[-4:])
            try:
                await uow.commit()
            except Conflict:
                raise PhoneAlreadyRegistered("该手机号已绑定其他账号", field="newPhone")
            return view
