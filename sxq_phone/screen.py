"""所见即所签: the phone co-signs only a message it can relate to what it displays while asking for the PIN.

The server could otherwise hand the phone anything — another platform's login challenge, a document the
person never saw, or a bare digest of who knows what — and the PIN would turn it into a legally binding
signature. So the phone parses every message and accepts exactly four shapes (see `OnScreen.relates`); a bare
32-byte value is accepted only when it is one of the document hashes on the screen."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import messages
from .errors import InvalidRequest, RefusedToSign

SCAN_CONSENT = "scan.consent"  # the statement approving a scan's DECRYPT or a use of an org key
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_LOWER_HEX64 = re.compile(r"[0-9a-f]{64}")


def _hash_bytes(value: str) -> bytes:
    if not isinstance(value, str) or _HEX64.fullmatch(value) is None:
        raise InvalidRequest("文档摘要须为64位十六进制SM3摘要")
    return bytes.fromhex(value)


@dataclass(frozen=True)
class OnScreen:
    """What the app shows: a scan (tId, platform, listed documents and envelopes) or one act (its action)."""

    action: str
    t_id: str | None = None
    platform_code: str | None = None
    document_hashes: frozenset[bytes] = frozenset()
    envelope_ids: frozenset[str] = frozenset()

    @classmethod
    def scan(cls, t_id: str, platform_code: str, document_hashes: Sequence[str] = (),
             envelope_ids: Sequence[str] = ()) -> OnScreen:
        if not t_id or not platform_code:
            raise InvalidRequest("扫码信息不完整")
        if isinstance(document_hashes, str) or isinstance(envelope_ids, str):  # a lone string is no list
            raise InvalidRequest("扫码信息格式无效")
        return cls(SCAN_CONSENT, t_id, platform_code, frozenset(_hash_bytes(h) for h in document_hashes),
                   frozenset(envelope_ids))

    @classmethod
    def act(cls, action: str) -> OnScreen:
        if not action or action == SCAN_CONSENT:  # a scan's consent needs the scan on screen
            raise InvalidRequest("操作说明无效")
        return cls(action)

    @property
    def is_scan(self) -> bool:
        return self.t_id is not None

    def relates(self, message: bytes) -> bool:
        """True only for: a LOGIN/ENCRYPT challenge of this scan; a listed document hash (32 bytes); CMS
        signed attributes whose messageDigest is a listed hash; a statement of the on-screen act. The first
        three exist only on a scan screen."""
        message = bytes(message)
        if self.is_scan:
            if len(message) == 32 and message in self.document_hashes:
                return True
            digest = messages.signed_attributes_digest(message)
            if digest is not None:
                return digest in self.document_hashes
        obj = messages.canonical_object(message)
        if obj is None:
            return False
        if self.is_scan and set(obj) == messages.CHALLENGE_KEYS:
            return self._is_our_challenge(obj)
        if set(obj) == messages.STATEMENT_KEYS:
            return self._is_our_statement(obj)
        return False

    def check(self, message: bytes) -> None:
        """RefusedToSign unless `relates(message)`."""
        if not self.relates(message):
            raise RefusedToSign()

    def _is_our_challenge(self, obj: dict[str, Any]) -> bool:
        return (obj["tId"] == self.t_id and obj["platformCode"] == self.platform_code
                and obj["operation"] in ("LOGIN", "ENCRYPT") and _is_text(obj["signedAt"]))

    def _is_our_statement(self, obj: dict[str, Any]) -> bool:
        if obj["action"] != self.action or not _is_text(obj["account"]) or not _is_text(obj["time"]):
            return False
        act_input = obj["input"]
        if not isinstance(act_input, dict):
            return False
        if not self.is_scan:
            return True
        if act_input.get("tId") != self.t_id or act_input.get("platformCode") != self.platform_code:
            return False
        documents = act_input.get("documents", [])
        envelopes = act_input.get("envelopes", [])
        return (isinstance(documents, list) and isinstance(envelopes, list)
                and all(_is_listed_hash(h, self.document_hashes) for h in documents)
                and all(isinstance(e, str) and e in self.envelope_ids for e in envelopes))


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _is_listed_hash(value: Any, listed: frozenset[bytes]) -> bool:
    # Lower case only, as the server records hashes: "AB…" and "ab…" would be two encodings of one act.
    return isinstance(value, str) and _LOWER_HEX64.fullmatch(value) is not None and bytes.fromhex(value) in listed


__all__ = ["SCAN_CONSENT", "OnScreen"]
