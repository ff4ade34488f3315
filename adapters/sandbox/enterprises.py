"""The sandbox four-element check (company name, credit code, legal rep name and ID number against the
market-regulation registry)."""

from __future__ import annotations

import asyncio
from enum import StrEnum

from application.enterprises.ports import FourElementResult
from application.ports import ExternalServiceUnavailable


class RegistryVerdict(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    UNAVAILABLE = "UNAVAILABLE"


class SandboxEnterpriseVerifier:
    """Passes well-formed data unless told otherwise: `answer(credit_code, MISMATCH | UNAVAILABLE)` forces an
    outcome for one company, `outage(True)` makes every call fail as an unreachable registry would."""

    def __init__(self, latency_seconds: float = 0.0) -> None:
        self._forced: dict[str, RegistryVerdict] = {}
        self._down = False
        self._latency = latency_seconds

    def answer(self, credit_code: str, verdict: RegistryVerdict | str) -> None:
        self._forced[credit_code.upper()] = RegistryVerdict(verdict)

    def outage(self, down: bool = True) -> None:
        self._down = down

    def reset(self) -> None:
        self._forced.clear()
        self._down = False

    async def check(self, name: str, credit_code: str, legal_rep_name: str,
                    legal_rep_id_number: str) -> FourElementResult:
        if self._latency:
            await asyncio.sleep(self._latency)
        forced = self._forced.get(credit_code.upper())
        if self._down or forced is RegistryVerdict.UNAVAILABLE:
            raise ExternalServiceUnavailable("sandbox enterprise registry: service unavailable")
        if forced is RegistryVerdict.MISMATCH:
            return FourElementResult.MISMATCH
        return FourElementResult.MATCH
