"""Which of the caller's signature appearances a letter is signed with, and the image it shows.

Used by LegalRepSigning (legal_rep_signing.py) for every letter the legal rep signs."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.enterprises.ports import LetterSignature
from application.ports import BlobStore
from application.seals.ports import SealImages
from application.seals.signature_appearances import AppearanceKind, ListSignatureAppearances
from domain.errors import NotFound

AppearanceRef = tuple[AppearanceKind | None, UUID]
"""(NAME_SIGNATURE, account id) or (None, seal id), as the GraphQL layer decodes an appearance ID."""


async def letter_signature(principal: Principal, wanted: AppearanceRef, legal_name: str, *,
                           appearances: ListSignatureAppearances, blobs: BlobStore, seal_images: SealImages,
                           lines: tuple[str, ...]) -> LetterSignature:
    """The chosen appearance among those the caller may use right now; NotFound for anything else."""
    kind, ident = wanted
    for a in await appearances(principal):
        if kind is AppearanceKind.NAME_SIGNATURE and a.kind is kind and a.account_id == ident:
            return LetterSignature(seal_images.name_signature(legal_name), lines)
        if kind is None and a.seal is not None and a.seal.id == ident:
            image, _type = await blobs.get(a.seal.image_blob_id)
            return LetterSignature(image, lines)
    raise NotFound("签名样式不存在", field="appearanceId")
