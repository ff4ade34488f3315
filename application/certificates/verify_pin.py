"""VerifyPin: checks the caller's certificate PIN (six wrong in a row lock it)."""

from __future__ import annotations

from dataclasses import dataclass

from application.certificates.pin_gate import PinGate
from application.context import Principal, require_account


@dataclass(frozen=True)
class VerifyPinCommand:
    principal: Principal | None
    pin: str


class VerifyPin:
    def __init__(self, gate: PinGate) -> None:
        self._gate = gate

    async def __call__(self, cmd: VerifyPinCommand) -> None:
        p = require_account(cmd.principal)
        await self._gate.prove(p.id, cmd.pin)
