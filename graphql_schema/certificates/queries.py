"""Certificate fields of `me` (MyCertificates); AccountType delegates here."""

from __future__ import annotations

from application.certificates.list_my_certificates import CertificateView
from graphql_schema.certificates import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_query


async def my_certificates(info: Info) -> list[t.CertificateType]:
    ctx = info.context
    views = await run_query(lambda: ctx.use_cases.list_my_certificates(ctx.principal))
    return [t.CertificateType.of(v) for v in views]


async def usable_enterprise_certificates(info: Info) -> list[t.UsableEnterpriseCertificate]:
    """§8.5: the org certificates of the caller's ACTIVE grants, with their enterprise."""
    from graphql_schema.enterprises.types import EnterpriseType

    ctx = info.context
    granted = await run_query(lambda: ctx.use_cases.grants.my_granted_certificates(ctx.principal))
    now = ctx.use_cases.grants.clock.now()
    return [t.UsableEnterpriseCertificate(
        certificate=t.CertificateType.of(CertificateView(g.certificate, g.certificate.status_at(now))),
        enterprise=EnterpriseType.of(g.enterprise, None)) for g in granted]
