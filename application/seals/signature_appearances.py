"""ListSignatureAppearances (§5.1.1.1 step 3): what the caller may sign letters with — their usable
personal seals, the handwritten signature, and a name signature drawn from the verified legal name
(always there for a verified person)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory, reading
from application.seals.ports import SealImages
from domain.identity.identity import Identity
from domain.seals.seal import Seal


class AppearanceKind(StrEnum):
    PERSONAL_NAME = "PERSONAL_NAME"
    HANDWRITTEN = "HANDWRITTEN"
    NAME_SIGNATURE = "NAME_SIGNATURE"


_ORDER = list(AppearanceKind)  # name seal, handwritten signature, name signature


@dataclass(frozen=True)
class SignatureAppearance:
    kind: AppearanceKind
    account_id: UUID
    seal: Seal | None = None  # None for the generated name signature


class ListSignatureAppearances:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None) -> list[SignatureAppearance]:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            identity = await uow.identities.for_account(p.id)
            seals = await uow.seals.for_account(p.id)
        now = self._clock.now()
        usable = sorted((s for s in seals if s.kind.is_personal and s.is_usable(now)),
                        key=lambda s: (_ORDER.index(AppearanceKind(s.kind.value)), s.created_at))
        found = [SignatureAppearance(AppearanceKind(s.kind.value), p.id, s) for s in usable]
        if _verified_name(identity):
            found.append(SignatureAppearance(AppearanceKind.NAME_SIGNATURE, p.id))
        return found


class NameSignatureImage:
    """The name signature's PNG, drawn on request from the verified legal name (never stored)."""

    def __init__(self, uow: UnitOfWorkFactory, images: SealImages) -> None:
        self._uow, self._images = uow, images

    async def __call__(self, principal: Principal | None) -> bytes | None:
        if principal is None or not principal.is_account:
            return None
        async with reading(self._uow) as uow:
            identity = await uow.identities.for_account(principal.id)
        name = _verified_name(identity)
        return self._images.name_signature(name) if name else None


def _verified_name(identity: Identity | None) -> str | None:
    return identity.legal_name if identity is not None and identity.is_verified else None
