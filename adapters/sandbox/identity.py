"""The sandbox two-element check (name + ID number against the public-security registry)."""

from __future__ import annotations

import asyncio
from enum import StrEnum

from application.ports import ExternalServiceUnavailable, IdentityCheckResult


class RegistryAnswer(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    UNAVAILABLE = "UNAVAILABLE"


class SandboxIdentityVerifier:
    """Accepts any well-formed pair unless its registry says otherwise, like a registry that knows everybody.

    `register(id_number, name)` records who holds a number (then another name mismatches);
    `answer(id_number, ...)` forces an outcome; `outage(True)` makes every call fail."""

    def __init__(self, latency_seconds: float = 0.0) -> None:
        self._holders: dict[str, str] = {}
        self._forced: dict[str, RegistryAnswer] = {}
        self._down = False
        self._latency = latency_seconds

    def register(self, id_number: str, legal_name: str) -> None:
        self._holders[id_number.upper()] = legal_name

    def answer(self, id_number: str, answer: RegistryAnswer | str) -> None:
        self._forced[id_number.upper()] = RegistryAnswer(answer)

    def outage(self, down: bool = True) -> None:
        self._down = down

    def reset(self) -> None:
        self._holders.clear()
        self._forced.clear()
        self._down = False

    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult:
        if self._latency:
            await asyncio.sleep(self._latency)
        number = id_number.upper()
        forced = self._forced.get(number)
        if self._down or forced is RegistryAnswer.UNAVAILABLE:
            raise ExternalServiceUnavailable("sandbox registry: service unavailable")
        if forced is RegistryAnswer.MISMATCH:
            return IdentityCheckResult.MISMATCH
        holder = self._holders.get(number)
        if holder is not None and holder != legal_name:
            return IdentityCheckResult.MISMATCH
        return IdentityCheckResult.MATCH
