"""Serving the files of a letter the legal rep signs (authorisation aside: admin transfer, grant, service
application): the PDF as drawn up, or as signed, to whoever may see the record it belongs to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import UUID

from application.context import Principal, account_id_of
from application.ports import BlobStore, UnitOfWork, UnitOfWorkFactory, reading


class LetterRecord(Protocol):
    letter_blob_id: str | None
    signed_blob_id: str | None


# (unit of work, caller's account, record id) → the record when the caller may see it, else None.
FindVisible = Callable[[UnitOfWork, UUID, UUID], Awaitable[LetterRecord | None]]


class ReadLetter:
    """The letter's PDF, or its signed form; None when the record is not visible or that file is not there (yet)."""

    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore, find: FindVisible) -> None:
        self._uow, self._blobs, self._find = uow, blobs, find

    async def __call__(self, principal: Principal | None, record_id: UUID, *, signed: bool) -> bytes | None:
        if (account_id := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            record = await self._find(uow, account_id, record_id)
        blob_id = None if record is None else record.signed_blob_id if signed else record.letter_blob_id
        if not blob_id:
            return None
        data, _type = await self._blobs.get(blob_id)
        return data
