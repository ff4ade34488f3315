"""Statements: what a person co-signs to approve an act (SPEC §C), in one canonical byte form.

Canonical JSON (sorted keys, no spaces, UTF-8 as is) so that one act has exactly one encoding: the phone
re-encodes what it is shown and refuses anything that does not come out byte for byte the same."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from uuid import UUID


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def statement(action: str, input: dict[str, Any], account_id: UUID, at: datetime) -> bytes:
    """The statement of an act: action, its input, who, when."""
    return canonical_json({"action": action, "input": input, "account": str(account_id),
                           "time": at.isoformat(timespec="seconds")})


def binding(action: str, input: dict[str, Any]) -> str:
    """What ties a signing request to the act it was made for: the second call must send the same input."""
    return hashlib.sha256(canonical_json({"action": action, "input": input})).hexdigest()
