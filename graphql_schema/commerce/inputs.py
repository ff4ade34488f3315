"""Inputs of the commerce mutations."""

from __future__ import annotations

import strawberry

from graphql_schema.commerce.types import (
    InvoiceTitleTypeEnum,
    InvoiceTypeEnum,
    PaymentChannelEnum,
    ScanOperationEnum,
    SubjectTypeEnum,
)


@strawberry.input
class PlaceOrderInput:
    plan_ids: list[strawberry.ID]
    enterprise_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "Buys ENTERPRISE plans for this certified enterprise (its admin or legal rep only); the enterprise holds "
        "the entitlements. Omit for personal plans, and with grantId or serviceApplicationId."))
    grant_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "§8.5: pays for an approved certificate grant (CertificateGrant ID) — only the grantor or the member; "
        "ENTERPRISE plans of the grant's platform, bought for the grant's enterprise; paid, the grant is ACTIVE."))
    service_application_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "§6.3.2: the applicant buys the plan of their ServiceApplication the legal rep approved; the enterprise "
        "holds the entitlement and the applicant is granted its use."))


@strawberry.input
class PayOrderInput:
    order_id: strawberry.ID
    channel: PaymentChannelEnum  # type: ignore[valid-type]


@strawberry.input
class CancelOrderInput:
    order_id: strawberry.ID


@strawberry.input
class RequestInvoiceInput:
    order_id: strawberry.ID
    invoice_type: InvoiceTypeEnum  # type: ignore[valid-type]
    title_type: InvoiceTitleTypeEnum  # type: ignore[valid-type]
    title: str
    email: str
    tax_number: str | None = None


@strawberry.input
class RegisterPlatformInput:
    platform_code: str
    name: str
    region: str
    callback_url: str
    public_key_pem: str


@strawberry.input
class CreateServicePlanInput:
    platform_id: strawberry.ID
    subject_type: SubjectTypeEnum  # type: ignore[valid-type]
    name: str
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    validity_months: int
    price_fen: int
    sign_quota: int | None = None
