"""scanSessionChanged: the platform's web page follows a scan session over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from application.scans.watch_scan_session import WatchScanSessionCommand
from domain.errors import Forbidden
from domain.scans.session import ScanStatus
from graphql_schema.common.context import Info
from graphql_schema.common.errors import auth_error
from graphql_schema.scans.types import ScanStatusEnum


@strawberry.type(name="ScanSessionChange", description="A scan session's status at one moment.")
class ScanSessionChangeType:
    t_id: str
    status: ScanStatusEnum  # type: ignore[valid-type]


@strawberry.type
class ScanSubscriptions:
    @strawberry.subscription(description=(
        "The session's current status, then each change, ending after CONFIRMED, DECLINED or EXPIRED. "
        "Authorised by the session's watchToken (from createScanSession); a wrong one is refused (FORBIDDEN) "
        "before any event. Results are read with platformScanSession or received by callback."))
    async def scan_session_changed(self, info: Info, t_id: str,
                                   watch_token: str) -> AsyncGenerator[ScanSessionChangeType, None]:
        watch = info.context.use_cases.watch_scan_session
        if watch is None:
            raise auth_error(Forbidden("订阅不可用"))
        try:
            stream = await watch(WatchScanSessionCommand(t_id=t_id, watch_token=watch_token))
        except Forbidden as err:
            raise auth_error(err) from err
        try:
            async for change in stream:
                yield ScanSessionChangeType(t_id=change.t_id, status=ScanStatus(change.status))
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
