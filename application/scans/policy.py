"""Limits of the scan services; the defaults are the specification's (README table, SXQ_SCAN_*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ScanPolicy:
    session_ttl: timedelta = timedelta(seconds=120)  # how long a QR can be scanned and confirmed
    clock_skew: timedelta = timedelta(seconds=300)  # a platform's X-Timestamp may be this far off
    nonce_window: timedelta = timedelta(minutes=10)  # a nonce is refused again within this window
