"""Seal fields of `me` (MySeals, MySignatureAppearances); AccountType delegates here."""

from __future__ import annotations

from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_query
from graphql_schema.seals import types as t


async def my_seals(info: Info, include_invalid: bool) -> list[t.SealType]:
    ctx = info.context
    views = await run_query(lambda: ctx.use_cases.list_my_seals(ctx.principal, include_invalid))
    return [t.SealType.of(v) for v in views]


async def my_signature_appearances(info: Info) -> list[t.SignatureAppearanceType]:
    ctx = info.context
    found = await run_query(lambda: ctx.use_cases.list_signature_appearances(ctx.principal))
    return [t.SignatureAppearanceType.of(a) for a in found]
