"""Proving a certificate PIN: the attempt is counted and committed before the slow check, so neither
parallel guesses nor a crash mid-check escape the count of six."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.certificates.ports import KeyVault, PinKey
from application.ports import Clock, UnitOfWorkFactory
from domain.certificates.pin import PinNotSet
from domain.errors import Conflict


@dataclass(frozen=True)
class ProvenPin:
    key: PinKey
    verifier: bytes


class PinGate:
    def __init__(self, uow: UnitOfWorkFactory, vault: KeyVault, clock: Clock) -> None:
        self._uow, self._vault, self._clock = uow, vault, clock

    async def prove(self, account_id: UUID, pin: str) -> ProvenPin:
        """The PIN key, or raises PinNotSet / PinLocked / WrongPin (the wrong attempt committed)."""
        async with self._uow() as uow:
            record = await uow.certificate_pins.get(account_id)
            if record is None:
                raise PinNotSet(field="pin")
            record.begin_attempt()
            verifier = record.verifier
            await uow.commit()
        key = await self._vault.unlock(pin, verifier) if isinstance(pin, str) and len(pin) <= 64 else None
        async with self._uow() as uow:
            record = await uow.certificate_pins.get(account_id)
            if record is None or record.verifier != verifier:
                raise Conflict()  # the PIN was changed or reset meanwhile
            if key is None:
                error = record.wrong_attempt(self._clock.now())
                await uow.commit()
                raise error
            record.right_attempt()
            await uow.commit()
        return ProvenPin(key, verifier)
