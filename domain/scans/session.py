"""The ScanSession aggregate (SPEC §7): one QR a trading platform shows, scanned and confirmed (or declined)
by one account, with an explicit state machine WAITING → SCANNED → CONFIRMED | DECLINED, and EXPIRED."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from domain.commerce.entitlement import ScanOperation
from domain.errors import DomainError, ErrorCode, InvalidInput


class ScanStatus(StrEnum):
    WAITING = "WAITING"
    SCANNED = "SCANNED"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return self in (ScanStatus.CONFIRMED, ScanStatus.DECLINED, ScanStatus.EXPIRED)


TRANSITIONS: dict[ScanStatus, frozenset[ScanStatus]] = {
    ScanStatus.WAITING: frozenset({ScanStatus.SCANNED, ScanStatus.EXPIRED}),
    ScanStatus.SCANNED: frozenset({ScanStatus.CONFIRMED, ScanStatus.DECLINED, ScanStatus.EXPIRED}),
    ScanStatus.CONFIRMED: frozenset(),
    ScanStatus.DECLINED: frozenset(),
    ScanStatus.EXPIRED: frozenset(),
}


class SealOwner(StrEnum):
    PERSONAL = "PERSONAL"
    ENTERPRISE = "ENTERPRISE"


class SealUse(StrEnum):
    SIGNATURE = "SIGNATURE"  # a personal name seal or a handwritten signature
    OFFICIAL = "OFFICIAL"  # an organisation's seal


class QrCodeInvalid(DomainError):
    code = ErrorCode.SCAN_QR_INVALID
    default_message = "二维码无效，请在交易平台重新获取"


class ScanSessionExpired(DomainError):
    code = ErrorCode.SCAN_SESSION_EXPIRED
    default_message = "二维码已过期，请在交易平台刷新后重新扫码"


class ScanSessionTaken(DomainError):
    code = ErrorCode.SCAN_SESSION_TAKEN
    default_message = "该二维码已被其他账号扫描"


class ScanSessionClosed(DomainError):
    code = ErrorCode.SCAN_SESSION_CLOSED
    default_message = "该扫码业务已结束"


MAX_DOCUMENTS = 50
MAX_ENVELOPES = 20
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_ID = re.compile(r"[0-9A-Za-z_\-.:]{1,64}")


@dataclass(frozen=True)
class ScanDocument:
    doc_id: str
    file_name: str
    sm3_hex: str  # lower-case hex of the document's SM3 hash

    def to_json(self) -> dict[str, str]:
        return {"docId": self.doc_id, "fileName": self.file_name, "sm3Hex": self.sm3_hex}

    @classmethod
    def from_json(cls, raw: dict[str, str]) -> ScanDocument:
        return cls(raw["docId"], raw["fileName"], raw["sm3Hex"])


@dataclass(frozen=True)
class ScanEnvelope:
    envelope_id: str
    cipher_b64: str  # base64 of the GM/T 0009 DER ciphertext of the platform's symmetric key

    def to_json(self) -> dict[str, str]:
        return {"envelopeId": self.envelope_id, "sm2CipherDer": self.cipher_b64}

    @classmethod
    def from_json(cls, raw: dict[str, str]) -> ScanEnvelope:
        return cls(raw["envelopeId"], raw["sm2CipherDer"])


def check_documents(raw: list[tuple[str, str, str]] | None) -> list[ScanDocument]:
    """(docId, fileName, sm3Hex) triples → documents: 1-50, unique ids, 64 hex digits each."""
    if not raw:
        raise InvalidInput("签章业务须至少提供一份文件", field="documents")
    if len(raw) > MAX_DOCUMENTS:
        raise InvalidInput(f"一次最多签署 {MAX_DOCUMENTS} 份文件", field="documents")
    docs, seen = [], set()
    for i, (doc_id, file_name, sm3_hex) in enumerate(raw):
        doc_id, file_name, sm3_hex = (doc_id or "").strip(), (file_name or "").strip(), (sm3_hex or "").strip()
        if not _ID.fullmatch(doc_id) or doc_id in seen:
            raise InvalidInput("文件编号须为1-64位字母、数字或 _-.: 且不重复", field=f"documents.{i}.docId")
        if not file_name or len(file_name) > 200:
            raise InvalidInput("文件名须为1-200个字符", field=f"documents.{i}.fileName")
        if not _HEX64.fullmatch(sm3_hex):
            raise InvalidInput("文件摘要须为64位十六进制的 SM3 杂凑值", field=f"documents.{i}.sm3Hex")
        seen.add(doc_id)
        docs.append(ScanDocument(doc_id, file_name, sm3_hex.lower()))
    return docs


def check_envelope_ids(raw: list[str] | None) -> list[str]:
    if not raw:
        raise InvalidInput("解密业务须至少提供一个数字信封", field="envelopes")
    if len(raw) > MAX_ENVELOPES:
        raise InvalidInput(f"一次最多解密 {MAX_ENVELOPES} 个数字信封", field="envelopes")
    ids, seen = [], set()
    for i, envelope_id in enumerate(raw):
        envelope_id = (envelope_id or "").strip()
        if not _ID.fullmatch(envelope_id) or envelope_id in seen:
            raise InvalidInput("信封编号须为1-64位字母、数字或 _-.: 且不重复", field=f"envelopes.{i}.envelopeId")
        seen.add(envelope_id)
        ids.append(envelope_id)
    return ids


@dataclass(eq=False)
class ScanSession:
    t_id: str
    platform_id: UUID
    operation: ScanOperation
    qr_hash: str  # keyed hash of the QR content: the content itself is shown once and never stored
    watch_token_hash: str
    created_at: datetime
    expires_at: datetime
    documents: list[dict[str, str]] = field(default_factory=list)  # ScanDocument.to_json()
    envelopes: list[dict[str, str]] = field(default_factory=list)  # ScanEnvelope.to_json()
    seal_owner: SealOwner | None = None
    seal_use: SealUse | None = None
    continuous: bool = False
    status: ScanStatus = ScanStatus.WAITING
    account_id: UUID | None = None  # the account that scanned first; no other may take the session
    scanned_at: datetime | None = None
    confirmed_at: datetime | None = None
    declined_at: datetime | None = None
    expired_at: datetime | None = None
    certificate_id: UUID | None = None
    seal_id: UUID | None = None
    result: dict[str, Any] | None = None  # what the platform receives (public values and ciphertexts only)
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    # ------------------------------------------------------------------ reading

    def status_at(self, now: datetime) -> ScanStatus:
        """EXPIRED as soon as the deadline passes, before the expiry worker records it."""
        if not self.status.is_final and now >= self.expires_at:
            return ScanStatus.EXPIRED
        return self.status

    @property
    def scan_documents(self) -> list[ScanDocument]:
        return [ScanDocument.from_json(d) for d in self.documents]

    @property
    def scan_envelopes(self) -> list[ScanEnvelope]:
        return [ScanEnvelope.from_json(e) for e in self.envelopes]

    # ------------------------------------------------------------------ the state machine

    def _move(self, to: ScanStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise ScanSessionClosed()
        self.status = to

    def _ensure_open(self, now: datetime) -> None:
        if self.status_at(now) is ScanStatus.EXPIRED:
            raise ScanSessionExpired()
        if self.status.is_final:
            raise ScanSessionClosed()

    def scan(self, account_id: UUID, now: datetime) -> bool:
        """Binds the session to the first account that scans it. True when this scan changed the state
        (the same account scanning again gets the same session back)."""
        self._ensure_open(now)
        if self.account_id is not None:
            if self.account_id != account_id:
                raise ScanSessionTaken()
            return False
        self._move(ScanStatus.SCANNED)
        self.account_id, self.scanned_at = account_id, now
        return True

    def ensure_held_by(self, account_id: UUID, now: datetime) -> None:
        if self.account_id != account_id:
            raise ScanSessionTaken() if self.account_id is not None else QrCodeInvalid()
        self._ensure_open(now)

    def confirm(self, account_id: UUID, now: datetime, *, certificate_id: UUID, seal_id: UUID | None,
                result: dict[str, Any]) -> None:
        self.ensure_held_by(account_id, now)
        self._move(ScanStatus.CONFIRMED)
        self.confirmed_at, self.certificate_id, self.seal_id, self.result = now, certificate_id, seal_id, result

    def decline(self, account_id: UUID, now: datetime) -> None:
        self.ensure_held_by(account_id, now)
        self._move(ScanStatus.DECLINED)
        self.declined_at = now

    def expire(self, now: datetime) -> bool:
        """Records the lapse; True when the status changed."""
        if self.status.is_final or now < self.expires_at:
            return False
        self._move(ScanStatus.EXPIRED)
        self.expired_at = now
        return True
