"""The seal repository against the real database (SQLite, or PostgreSQL in CI): the aggregate and its face
history round-trip with aware times and enums, and the version column catches concurrent changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.accounts.account import Account
from domain.errors import Conflict
from domain.seals.seal import FaceSource, Seal, SealKind, SealStatus, SealStyle


async def _seal(container):
    now = container.clock().now()
    async with container.uow() as uow:
        account = Account(phone="13211112222", password_hash="x", created_at=now)
        uow.accounts.add(account)
        await uow.commit()
    seal, face = Seal.made(kind=SealKind.PERSONAL_NAME, name="张三", holder_account_id=account.id,
                           face_blob="a" * 32, content_type="image/png", source=FaceSource.TEMPLATE,
                           style=SealStyle.RECTANGLE, now=now, valid_until=now + timedelta(days=365))
    async with container.uow() as uow:
        uow.seals.add(seal)
        uow.seals.add_face(face)
        await uow.commit()
    return account, seal


async def test_a_seal_and_its_faces_round_trip(container):
    account, seal = await _seal(container)
    later = container.clock().now() + timedelta(minutes=1)
    async with container.uow() as uow:
        loaded = await uow.seals.get(seal.id)
        assert loaded.kind is SealKind.PERSONAL_NAME and loaded.style is SealStyle.RECTANGLE
        assert loaded.valid_until.tzinfo is not None
        uow.seals.add_face(loaded.change_face("b" * 32, "image/jpeg", FaceSource.UPLOAD, None, later))
        await uow.commit()
    async with container.uow() as uow:
        mine = await uow.seals.for_account(account.id)
        faces = await uow.seals.faces_of(seal.id)
    assert [s.id for s in mine] == [seal.id] and mine[0].image_blob_id == "b" * 32 and mine[0].style is None
    assert [(f.image_blob_id, f.source) for f in faces] == [("a" * 32, FaceSource.TEMPLATE),
                                                            ("b" * 32, FaceSource.UPLOAD)]


async def test_concurrent_revocation_and_face_change_are_caught(container):
    _, seal = await _seal(container)
    now = container.clock().now()
    async with container.uow() as first, container.uow() as second:
        a, b = await first.seals.get(seal.id), await second.seals.get(seal.id)
        a.revoke(now)
        await first.commit()
        b.change_face("c" * 32, "image/png", FaceSource.TEMPLATE, SealStyle.OVAL, now)
        with pytest.raises(Conflict):
            await second.commit()
    async with container.uow() as uow:
        stored = await uow.seals.get(seal.id)
    assert stored.status is SealStatus.REVOKED and stored.image_blob_id == "a" * 32
