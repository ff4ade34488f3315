"""Certificate fields of `me` (MyCertificates); AccountType delegates here."""

from __future__ import annotations

from graphql_schema.certificates import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_query


async def my_certificates(info: Info) -> list[t.CertificateType]:
    ctx = info.context
    views = await run_query(lambda: ctx.use_cases.list_my_certificates(ctx.principal))
    return [t.CertificateType.of(v) for v in views]


async def usable_enterprise_certificates(info: Info) -> list[t.UsableEnterpriseCertificate]:
    # Grants of org certificates (§8.5) come with the enterprise chapter: nothing is usable through one yet.
    return []
