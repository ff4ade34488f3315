"""SetCertificatePin (§9.3): an account without a PIN yet (a member who will use a granted org
certificate, or a person before the first claim) sets one, confirmed by an SMS code."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.ports import KeyVault
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, UnitOfWorkFactory
from domain.accounts.sms import SmsPurpose
from domain.certificates.pin import CertificatePin, Pin, PinAlreadySet
from domain.errors import Conflict, Unauthenticated


@dataclass(frozen=True)
class SetCertificatePinCommand:
    principal: Principal | None
    pin: str
    sms_code: str
    meta: RequestMeta | None = None


class SetCertificatePin:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, vault: KeyVault, clock: Clock) -> None:
        self._uow, self._codes, self._vault, self._clock = uow, codes, vault, clock

    async def __call__(self, cmd: SetCertificatePinCommand) -> None:
        p = require_account(cmd.principal)
        pin = Pin(cmd.pin)
        async with self._uow() as uow:
            if await uow.certificate_pins.get(p.id) is not None:
                raise PinAlreadySet(field="pin")
        verifier, _key = await self._vault.new_pin(pin.value)  # slow: outside any transaction
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            if account is None or not account.is_active:
                raise Unauthenticated("账号不存在或已注销")
            await self._codes.consume(uow, account.phone, SmsPurpose.CERTIFICATE_PIN, cmd.sms_code, cmd.meta)
            if await uow.certificate_pins.get(p.id) is not None:
                raise PinAlreadySet(field="pin")
            now = self._clock.now()
            uow.certificate_pins.add(CertificatePin(account_id=p.id, verifier=verifier, set_at=now))
            audit(uow, "certificate_pin.set", now, cmd.meta, account_id=p.id)
            try:
                await uow.commit()
            except Conflict:
                raise PinAlreadySet(field="pin") from None
