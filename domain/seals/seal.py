"""The Seal aggregate (SPEC §6): a stamp image bound to a holder, with its face history and its life."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode


class SealKind(StrEnum):
    PERSONAL_NAME = "PERSONAL_NAME"  # 个人名章
    HANDWRITTEN = "HANDWRITTEN"  # 手写签名
    OFFICIAL = "OFFICIAL"  # 公章
    CONTRACT = "CONTRACT"  # 合同专用章
    FINANCE = "FINANCE"  # 财务专用章
    INVOICE = "INVOICE"  # 发票专用章
    PERSONNEL = "PERSONNEL"  # 人事专用章
    OTHER = "OTHER"
    LEGAL_REP = "LEGAL_REP"  # 法定代表人章

    @property
    def is_personal(self) -> bool:
        return self in (SealKind.PERSONAL_NAME, SealKind.HANDWRITTEN)


class SealStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class SealStyle(StrEnum):
    """Templates of a seal face. Personal name seals take the first three, org seals the last three."""

    SQUARE = "SQUARE"
    RECTANGLE = "RECTANGLE"
    OVAL = "OVAL"
    CLASSIC = "CLASSIC"
    DOUBLE_RING = "DOUBLE_RING"
    AGED = "AGED"


PERSONAL_STYLES = frozenset({SealStyle.SQUARE, SealStyle.RECTANGLE, SealStyle.OVAL})
DEFAULT_PERSONAL_STYLE = SealStyle.RECTANGLE


class FaceSource(StrEnum):
    TEMPLATE = "TEMPLATE"  # drawn by us from the holder's name in a style
    UPLOAD = "UPLOAD"  # an image the holder uploaded (a scanned seal, a handwritten signature)


class SealNotActive(DomainError):
    code = ErrorCode.SEAL_NOT_ACTIVE
    default_message = "该印章已注销或已过期"


class SealStyleNotAllowed(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "该印章不支持所选样式"


class SealFaceRequired(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "请选择印章样式或上传印章图片"


class OrgSealsNotAvailable(DomainError):
    code = ErrorCode.NOT_SUPPORTED
    default_message = "机构印章暂不支持此操作"


@dataclass(eq=False)
class SealFace:
    """One face a seal had. Kept after a change: signatures already made show the face they were made with."""

    seal_id: UUID
    image_blob_id: str
    content_type: str
    source: FaceSource
    created_at: datetime
    style: SealStyle | None = None
    id: UUID = field(default_factory=uuid4)


@dataclass(eq=False)
class Seal:
    kind: SealKind
    name: str
    created_at: datetime
    valid_until: datetime
    image_blob_id: str  # the current face
    content_type: str
    holder_account_id: UUID | None = None
    holder_enterprise_id: UUID | None = None
    style: SealStyle | None = None
    status: SealStatus = SealStatus.ACTIVE
    revoked_at: datetime | None = None
    face_changed_at: datetime | None = None
    # Org seals (§8.2, domain/seals/org_seal.py): who manages and uses the seal, what its face says, and the
    # key that keeps one live 公章 / 法定代表人章 per enterprise (cleared when the seal is revoked).
    seal_admin_account_id: UUID | None = None
    surrounding_text: str | None = None
    info_code: str | None = None
    single_key: str | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise DomainError("印章名称不能为空", field="name")
        if self.valid_until <= self.created_at:
            raise DomainError("印章有效期无效")

    @classmethod
    def made(cls, *, kind: SealKind, name: str, holder_account_id: UUID, face_blob: str, content_type: str,
             source: FaceSource, style: SealStyle | None, now: datetime, valid_until: datetime,
             ) -> tuple[Seal, SealFace]:
        seal = cls(kind=kind, name=name, created_at=now, valid_until=valid_until, image_blob_id=face_blob,
                   content_type=content_type, holder_account_id=holder_account_id, style=style)
        return seal, SealFace(seal.id, face_blob, content_type, source, now, style)

    def is_held_by_account(self, account_id: UUID) -> bool:
        return self.holder_account_id == account_id

    @property
    def is_org(self) -> bool:
        return self.holder_enterprise_id is not None

    def status_at(self, now: datetime) -> SealStatus:
        """REVOKED wins over EXPIRED, as for certificates."""
        if self.status is SealStatus.ACTIVE and now >= self.valid_until:
            return SealStatus.EXPIRED
        return self.status

    def is_usable(self, now: datetime) -> bool:
        return self.status_at(now) is SealStatus.ACTIVE

    def ensure_usable(self, now: datetime) -> None:
        if not self.is_usable(now):
            raise SealNotActive(field="sealId")

    def change_face(self, blob_id: str, content_type: str, source: FaceSource, style: SealStyle | None,
                    now: datetime) -> SealFace:
        """A new current face; the old one stays in the history (returned face is the new history entry)."""
        self.ensure_usable(now)
        if style is not None and self.kind is SealKind.PERSONAL_NAME and style not in PERSONAL_STYLES:
            raise SealStyleNotAllowed(field="style")
        self.image_blob_id, self.content_type = blob_id, content_type
        self.style = style if source is FaceSource.TEMPLATE else None
        self.face_changed_at = now
        return SealFace(self.id, blob_id, content_type, source, now, self.style)

    def extend_to(self, valid_until: datetime, now: datetime) -> None:
        """A renewed certificate carries an active seal along; a revoked seal stays revoked."""
        if self.status is SealStatus.ACTIVE and valid_until > self.valid_until:
            self.valid_until = valid_until

    def revoke(self, now: datetime) -> None:
        """Final (§9.1.3): a revoked seal never comes back; it stays listed as invalid."""
        if self.status is SealStatus.REVOKED:
            raise SealNotActive("该印章已注销", field="sealId")
        self.status = SealStatus.REVOKED
        self.revoked_at = now
        self.single_key = None  # a revoked 公章 no longer blocks its successor
