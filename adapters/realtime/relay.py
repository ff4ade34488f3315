"""What the cross-worker feeds share: they relay remote changes into a local fan-out and start listening
on first use."""

from __future__ import annotations

from collections.abc import AsyncIterator

from adapters.realtime.inprocess import InProcessScanSessionFeed
from application.scans.feed import ScanSessionChange


class RelayedFeed:
    _local: InProcessScanSessionFeed

    async def start(self) -> None:  # pragma: no cover - each feed has its own
        raise NotImplementedError

    def _listening(self) -> bool:  # pragma: no cover - each feed has its own
        raise NotImplementedError

    def subscribe(self, t_id: str) -> AsyncIterator[ScanSessionChange]:
        stream = self._local.subscribe(t_id)
        if self._listening():
            return stream
        return self._starting(stream)

    async def _starting(self, stream: AsyncIterator[ScanSessionChange]) -> AsyncIterator[ScanSessionChange]:
        try:
            await self.start()
            async for change in stream:
                yield change
        finally:
            await stream.aclose()  # type: ignore[attr-defined]

    def subscriber_count(self, t_id: str | None = None) -> int:
        return self._local.subscriber_count(t_id)
