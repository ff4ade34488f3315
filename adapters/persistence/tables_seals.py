"""Tables of seals (SPEC §6): one row per seal with its current face, and the face history (earlier faces
stay for signatures already made with them). Face images live in the encrypted blob store."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.seals.seal import FaceSource, SealKind, SealStatus, SealStyle

seals = Table(
    "seals", metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", str_enum(SealKind), nullable=False),
    Column("name", String(100), nullable=False),
    Column("holder_account_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("holder_enterprise_id", Uuid, nullable=True, index=True),
    Column("style", str_enum(SealStyle), nullable=True),
    Column("image_blob_id", String(64), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("status", str_enum(SealStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("face_changed_at", UtcDateTime, nullable=True),
    # Org seals (§8.2): the seal admin, the arc text, the 13-digit information code, and a key set only on a live
    # 公章 or 法定代表人章 so the unique constraint allows one of each per enterprise (NULLs never collide).
    Column("seal_admin_account_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("surrounding_text", String(40), nullable=True),
    Column("info_code", String(13), nullable=True),
    Column("single_key", String(80), nullable=True, unique=True),
    Column("version", Integer, nullable=False),
    Index(None, "holder_account_id", "kind"),
)

seal_faces = Table(
    "seal_faces", metadata,
    Column("id", Uuid, primary_key=True),
    Column("seal_id", Uuid, ForeignKey("seals.id"), nullable=False, index=True),
    Column("image_blob_id", String(64), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("source", str_enum(FaceSource), nullable=False),
    Column("style", str_enum(SealStyle), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)
