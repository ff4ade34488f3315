"""platformScanSession: a signed platform reads one of its sessions by tId."""

from __future__ import annotations

import strawberry

from application.scans.authenticate_platform import PlatformPrincipal
from domain.errors import Unauthenticated
from graphql_schema.common.context import Info
from graphql_schema.common.errors import auth_error, run_query
from graphql_schema.scans import types as t


def platform_of(info: Info) -> PlatformPrincipal | None:
    """The signed platform of this request; a signature that was refused is raised here, not ignored."""
    ctx = info.context
    if ctx.platform_refusal is not None:
        raise auth_error(ctx.platform_refusal)
    return ctx.platform


@strawberry.type
class ScanQueries:
    @strawberry.field(description="One of the calling platform's sessions by tId; null for another's or none.")
    async def platform_scan_session(self, info: Info, t_id: str) -> t.PlatformScanSession | None:
        ctx = info.context
        platform = platform_of(info)
        if platform is None:
            raise auth_error(Unauthenticated("此操作须由交易平台签名调用"))
        view = await run_query(lambda: ctx.use_cases.scans.platform_scan_session(platform, t_id))
        return t.PlatformScanSession.of(view.session, view.status) if view else None
