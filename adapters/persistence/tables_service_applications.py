"""The member service applications of §6.3 with their application letters (PDFs in the encrypted blob store)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.service_application import ServiceApplicationStatus

service_applications = Table(
    "enterprise_service_applications", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("applicant_account_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("applicant_membership_id", Uuid, nullable=False),
    Column("plan_id", Uuid, ForeignKey("service_plans.id"), nullable=False),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("enterprise_name", String(100), nullable=False),
    Column("credit_code", String(18), nullable=False),
    Column("legal_rep_name", String(50), nullable=False),
    Column("applicant_name", String(50), nullable=False),
    Column("plan_name", String(100), nullable=False),
    Column("platform_name", String(100), nullable=False),
    Column("letter_blob_id", String(64), nullable=False),
    Column("letter_sha256", String(64), nullable=False),
    Column("status", str_enum(ServiceApplicationStatus), nullable=False),
    # Set only while open (pending or approved): one open application per member and plan.
    Column("open_key", String(80), nullable=True, unique=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("approved_by", Uuid, nullable=True),
    Column("signed_blob_id", String(64), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    Column("certificate_id", Uuid, nullable=True),
    Column("order_id", Uuid, nullable=True, index=True),
    Column("purchased_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "applicant_account_id", "requested_at"),
)
