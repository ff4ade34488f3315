"""The ports of the scan services: the session and nonce repositories, the CMS signer, the callback sender."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.scans.nonce import PlatformNonce
from domain.scans.session import ScanSession


class ScanSessionRepository(Protocol):
    def add(self, scan: ScanSession) -> None: ...
    async def get(self, session_id: UUID) -> ScanSession | None: ...
    async def by_t_id(self, t_id: str) -> ScanSession | None: ...
    async def by_qr_hash(self, qr_hash: str) -> ScanSession | None: ...
    async def due_to_expire(self, now: datetime, limit: int) -> list[ScanSession]:
        """WAITING or SCANNED sessions whose deadline has passed, oldest deadline first."""
        ...
    async def count_by_status(self, since: datetime) -> dict[str, int]:
        """Sessions created since `since`, counted by status (the console's health page)."""
        ...


class PlatformNonceRepository(Protocol):
    def add(self, nonce: PlatformNonce) -> None:
        """The schema keeps (platform, nonce) unique: a replay racing this one fails at commit (Conflict)."""
        ...
    async def seen(self, platform_id: UUID, nonce: str) -> bool: ...
    async def prune(self, before: datetime) -> None: ...


class DocumentSignatures(Protocol):
    """GB/T 35275 (CMS) structures over SM2/SM3, and the GM/T 0009 ciphertext check.

    A person's document signature is made in two steps, because the person's key signs on the phone (SPEC §C):
    `signed_attributes` is what the phone co-signs, `signed_data` wraps the attributes and the finished
    signature. An org key, which the server holds, signs in one step (`detached_signed_data`)."""

    def signed_attributes(self, digest: bytes, signing_time: datetime) -> bytes:
        """The DER SET OF the signed attributes contentType = id-data, signingTime and messageDigest = digest,
        with the universal SET tag (0x31): exactly the bytes a CMS signature covers (RFC 5652 §5.4)."""
        ...

    def signed_data(self, certificate_der: bytes, signed_attributes: bytes, signature: bytes) -> bytes:
        """DER ContentInfo(SignedData) without content: digestAlgorithm SM3, the signing certificate, one
        SignerInfo carrying these signed attributes and this SM2-with-SM3 signature (DER r, s; ID
        1234567812345678) over them."""
        ...

    def detached_signed_data(self, *, certificate_der: bytes, private_key: bytes, public_key: bytes,
                             digest: bytes, signing_time: datetime) -> bytes:
        """Both steps with a key the server holds (an organisation's)."""
        ...

    def is_sm2_ciphertext(self, der: bytes) -> bool:
        """True for a DER SEQUENCE {x, y, hash(32), ciphertext} (GM/T 0009, C1C3C2)."""
        ...


class CallbackDeliveryFailed(Exception):
    """The platform did not answer 2xx in time; the outbox retries."""


class PlatformCallbackSender(Protocol):
    async def send(self, url: str, event_id: str, body: bytes) -> None:
        """POSTs the JSON body with X-Event-Id, X-Timestamp and X-Signature (our platform-callback signer over
        "{ts}\\n{eventId}\\n{sm3 hex of body}"); raises CallbackDeliveryFailed unless the answer is 2xx."""
        ...
