"""The ports the seal use cases need: the seal repository, the seal-face renderer and the seal maker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.seals.seal import Seal, SealFace, SealStyle


class SealRepository(Protocol):
    def add(self, seal: Seal) -> None: ...
    def add_face(self, face: SealFace) -> None: ...
    async def get(self, seal_id: UUID) -> Seal | None: ...
    async def for_account(self, account_id: UUID) -> list[Seal]:
        """Every seal an account holds in person, oldest first."""
        ...
    async def for_enterprise(self, enterprise_id: UUID) -> list[Seal]:
        """Every seal an enterprise holds (org seals and its legal-rep seal), oldest first."""
        ...
    async def faces_of(self, seal_id: UUID) -> list[SealFace]:
        """The face history of one seal, oldest first."""
        ...


class SealImages(Protocol):
    """Draws seal faces (PNG, red on transparent) and the name signature (black on transparent)."""

    def personal_seal(self, name: str, style: SealStyle) -> bytes: ...
    def name_signature(self, name: str) -> bytes: ...
    def org_seal(self, surrounding_text: str, face_text: str, info_code: str | None, style: SealStyle) -> bytes:
        """The round red org seal: `surrounding_text` on the upper arc, a star, `face_text` under it and the
        13-digit information code on the lower arc (CLASSIC, DOUBLE_RING or AGED)."""
        ...
    def legal_rep_seal(self, name: str) -> bytes:
        """The square 法定代表人章 with the person's name."""
        ...


@dataclass(frozen=True)
class SesSealRequest:
    es_id: str
    personal: bool
    name: str
    holder_certificates: Sequence[bytes]  # DER of the certificates that may sign with the seal
    created: datetime
    valid_start: datetime
    valid_end: datetime
    image: bytes = field(repr=False)
    content_type: str = "image/png"


class SealMaker(Protocol):
    async def ses_seal(self, request: SesSealRequest) -> bytes:
        """A GB/T 38540 SES_Seal (DER), signed by the CA's seal-maker certificate."""
        ...
