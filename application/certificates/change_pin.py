"""ChangePin: old PIN → new PIN; every signing key of the account is re-wrapped in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from application.certificates.pin_gate import PinGate
from application.certificates.ports import KeyVault
from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory
from domain.certificates.certificate import CertificateStatus
from domain.certificates.pin import Pin, WeakPin
from domain.errors import Conflict, DomainError


@dataclass(frozen=True)
class ChangePinCommand:
    principal: Principal | None
    old_pin: str
    new_pin: str


class ChangePin:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, vault: KeyVault, clock: Clock) -> None:
        self._uow, self._gate, self._vault, self._clock = uow, gate, vault, clock

    async def __call__(self, cmd: ChangePinCommand) -> int:
        """Returns how many signing keys were re-wrapped."""
        p = require_account(cmd.principal)
        try:
            new = Pin(cmd.new_pin)  # a weak new PIN costs no attempt
        except WeakPin as err:
            raise err.at("newPin") from None
        if cmd.new_pin == cmd.old_pin:
            raise WeakPin("新证书密码不能与原密码相同", field="newPin")
        try:
            old = await self._gate.prove(p.id, cmd.old_pin)
        except DomainError as err:
            raise (err.at("oldPin") if err.field == "pin" else err) from None
        verifier, new_key = await self._vault.new_pin(new.value)
        async with self._uow() as uow:
            record = await uow.certificate_pins.get(p.id)
            if record is None or record.verifier != old.verifier:
                raise Conflict()
            now = self._clock.now()
            keys = []
            for wrapped in await uow.wrapped_keys.signing_keys_of(p.id):
                cert = await uow.certificates.get(wrapped.certificate_id)
                assert cert is not None
                # A revoked certificate's key is never used again; after a PIN reset it is wrapped under the
                # forgotten PIN and could not be re-wrapped anyway.
                if cert.status is CertificateStatus.REVOKED:
                    continue
                keys.append(wrapped)
                wrapped.blob = self._vault.rewrap_signing_key(wrapped.blob, old.key, new_key, p.id, cert.public_key)
                wrapped.updated_at = now
            record.change(verifier, now)
            await uow.commit()
        return len(keys)
