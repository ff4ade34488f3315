"""Imperative mapping of the scan-session aggregate; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_scans as t
from domain.scans.nonce import PlatformNonce
from domain.scans.session import ScanSession


def map_scans(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(ScanSession, t.scan_sessions, version_id_col=t.scan_sessions.c.version)
    m(PlatformNonce, t.platform_nonces)
