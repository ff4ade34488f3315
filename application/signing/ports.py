"""Ports of the signing context: the co-signing module that holds the server's share, and the repositories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.signing.signing_key import SigningKey
from domain.signing.signing_request import SigningRequest


class ShareUnsealError(Exception):
    """A sealed share or nonce did not open for this account and key: tampered with, or moved to another row."""


@dataclass(frozen=True)
class EnrolledShare:
    public_key: bytes  # P = d_device⁻¹·P_server − G
    server_public_share: bytes  # P_server = d_server⁻¹·G, returned to the phone once
    sealed_share: bytes = field(repr=False)


@dataclass(frozen=True)
class Commitment:
    point: bytes  # Q1 = w1·G
    sealed_nonce: bytes = field(repr=False)


class CoSigningHsm(Protocol):
    """The server's half of every person's signing key, shaped so a hardware security module can take it over:
    d_server and each w1 leave it only sealed under its own key, bound to the account and the public key, and
    nothing it offers yields a signature without the phone's (r, s1)."""

    def enrol(self, account_id: UUID, device_public_share: bytes) -> EnrolledShare:
        """Makes d_server for the device's P_device. Raises InvalidKeyShare for a point that is not on the
        curve, is the identity, or yields the identity as the joint key."""
        ...

    def commit(self, account_id: UUID, public_key: bytes) -> Commitment:
        """A fresh single-use nonce w1 and its commitment Q1."""
        ...

    def finish(self, account_id: UUID, public_key: bytes, sealed_share: bytes, sealed_nonce: bytes,
               r: int, s1: int) -> int:
        """s = d_server·(s1 + w1) − r mod n. Raises ShareUnsealError. The caller verifies (r, s) under P."""
        ...


class SigningKeyRepository(Protocol):
    def add(self, key: SigningKey) -> None: ...
    async def get(self, key_id: UUID) -> SigningKey | None: ...
    async def live_for(self, account_id: UUID) -> SigningKey | None:
        """The account's ACTIVE or LOCKED key."""
        ...


class SigningRequestRepository(Protocol):
    def add(self, request: SigningRequest) -> None: ...
    async def get(self, request_id: UUID) -> SigningRequest | None: ...
    async def batch(self, batch_id: UUID) -> list[SigningRequest]:
        """The requests one call made, in the order they were made."""
        ...
    async def record_spent(self, requests: list[SigningRequest]) -> None:
        """Writes the requests just spent at once (optional: the commit writes them anyway)."""
        ...
    async def batch_of(self, request_id: UUID) -> list[SigningRequest]:
        """The whole batch `request_id` belongs to, in order (empty when there is no such request)."""
        ...
    async def delete_spent_before(self, moment: datetime) -> int:
        """Drops requests that expired or were spent before `moment` (the audit log keeps the evidence)."""
        ...
