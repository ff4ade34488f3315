"""Org seals in the real database (SQLite, or PostgreSQL in CI): the new columns round-trip, an enterprise's seals
are listed, and the unique single_key holds one live 公章 per enterprise even when two writers race."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.accounts.account import Account
from domain.errors import Conflict
from domain.seals.org_seal import changed_face, initial_face, make_org_seal
from domain.seals.seal import SealKind, SealStyle


async def _admin(container):
    async with container.uow() as uow:
        account = Account(phone="13211113333", password_hash="x", created_at=container.clock().now())
        uow.accounts.add(account)
        await uow.commit()
    return account


def _org_seal(container, enterprise_id, admin_id, kind=SealKind.OFFICIAL, name="公章"):
    now = container.clock().now()
    return make_org_seal(enterprise_id=enterprise_id, kind=kind, name=name,
                         face=initial_face(kind, name, "北京数信科技有限公司", "张三"), seal_admin_account_id=admin_id,
                         face_blob="a" * 32, content_type="image/png", now=now, valid_until=now + timedelta(days=365))


async def test_an_org_seal_round_trips_and_is_listed_for_its_enterprise(container):
    admin = await _admin(container)
    enterprise_id = uuid4()
    seal, face = _org_seal(container, enterprise_id, admin.id, SealKind.CONTRACT, "合同专用章")
    async with container.uow() as uow:
        uow.seals.add(seal)
        uow.seals.add_face(face)
        await uow.commit()
    async with container.uow() as uow:
        loaded = await uow.seals.get(seal.id)
        new_face = changed_face(loaded, SealStyle.AGED, None, "1101080012345")
        loaded.change_face("b" * 32, "image/png", face.source, new_face.style, container.clock().now())
        loaded.info_code = new_face.info_code
        await uow.commit()
    async with container.uow() as uow:
        listed = await uow.seals.for_enterprise(enterprise_id)
        assert await uow.seals.for_enterprise(uuid4()) == []
        assert await uow.seals.for_account(admin.id) == []  # the enterprise's, not the admin's
    [stored] = listed
    assert (stored.kind, stored.style, stored.info_code, stored.surrounding_text) == (
        SealKind.CONTRACT, SealStyle.AGED, "1101080012345", "北京数信科技有限公司")
    assert stored.seal_admin_account_id == admin.id and stored.single_key is None


async def test_two_live_official_seals_cannot_be_stored_and_a_revoked_one_frees_the_place(container):
    admin = await _admin(container)
    enterprise_id = uuid4()
    first, _ = _org_seal(container, enterprise_id, admin.id)
    async with container.uow() as uow:
        uow.seals.add(first)
        await uow.commit()
    racing, _ = _org_seal(container, enterprise_id, admin.id)
    with pytest.raises(Conflict):
        async with container.uow() as uow:
            uow.seals.add(racing)
            await uow.commit()
    async with container.uow() as uow:
        (await uow.seals.get(first.id)).revoke(container.clock().now())
        successor, _ = _org_seal(container, enterprise_id, admin.id)
        uow.seals.add(successor)
        await uow.commit()
    async with container.uow() as uow:
        kinds = [(s.status.value, s.single_key is not None) for s in await uow.seals.for_enterprise(enterprise_id)]
    assert sorted(kinds) == [("ACTIVE", True), ("REVOKED", False)]
