"""Limits of the commerce chapter (SPEC §4); settings override them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class CommercePolicy:
    payment_timeout: timedelta = timedelta(minutes=30)  # an unpaid order closes after this
    invoice_share_ttl: timedelta = timedelta(days=7)  # how long a copied invoice link works
    close_batch: int = 100  # orders the closing worker handles per transaction
