"""GraphQL types of the commerce chapter: catalogue, orders, payments, entitlements, bills, invoices."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from domain.commerce.app_pay import AlipayAppParams as AlipayParamsModel
from domain.commerce.app_pay import WeChatPayAppParams as WeChatPayParamsModel
from domain.commerce.app_pay import app_pay_params
from domain.commerce.catalogue import ServicePlan as PlanModel
from domain.commerce.catalogue import TradingPlatform as PlatformModel
from domain.commerce.entitlement import Entitlement as EntitlementModel
from domain.commerce.entitlement import EntitlementStatus, HolderKind, ScanOperation, SubjectType
from domain.commerce.invoice import Invoice as InvoiceModel
from domain.commerce.invoice import InvoiceStatus, InvoiceTitleType, InvoiceType
from domain.commerce.order import Order as OrderModel
from domain.commerce.order import OrderLine, OrderStatus
from domain.commerce.payment import Payment as PaymentModel
from domain.commerce.payment import PaymentChannel, PaymentStatus
from graphql_schema.common.context import GraphQLContext, Info
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.lists import list_connection
from graphql_schema.common.node import TOTAL_COUNT, Node, PageInfo, to_global_id, total_of

if TYPE_CHECKING:
    from graphql_schema.accounts.types import Enterprise
    from graphql_schema.commerce.holder import EntitlementHolder

SubjectTypeEnum = strawberry.enum(SubjectType, name="SubjectType")
ScanOperationEnum = strawberry.enum(ScanOperation, name="ScanOperation")
OrderStatusEnum = strawberry.enum(OrderStatus, name="OrderStatus")
PaymentChannelEnum = strawberry.enum(PaymentChannel, name="PaymentChannel")
PaymentStatusEnum = strawberry.enum(PaymentStatus, name="PaymentStatus")
EntitlementStatusEnum = strawberry.enum(EntitlementStatus, name="EntitlementStatus")
InvoiceTypeEnum = strawberry.enum(InvoiceType, name="InvoiceType")
InvoiceTitleTypeEnum = strawberry.enum(InvoiceTitleType, name="InvoiceTitleType")
InvoiceStatusEnum = strawberry.enum(InvoiceStatus, name="InvoiceStatus")


class _Loaders:
    """Per-request DataLoaders, made on first use and kept on the request's context."""

    def __init__(self, ctx: GraphQLContext) -> None:
        cat = ctx.use_cases.commerce.catalogue
        details = ctx.use_cases.commerce.order_details
        self.platform = DataLoader(cat.platforms)
        self.plan = DataLoader(cat.plans)
        self.plans_of = DataLoader(cat.plans_of)
        self.invoice_of_order = DataLoader(details.invoices)


def loaders(info: Info) -> _Loaders:
    ctx = info.context
    found = getattr(ctx, "_commerce_loaders", None)
    if found is None:
        found = _Loaders(ctx)
        ctx._commerce_loaders = found  # type: ignore[attr-defined]
    return found


@strawberry.type(name="ServicePlan")
class ServicePlanType(Node):
    name: str
    subject_type: SubjectTypeEnum  # type: ignore[valid-type]
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    validity_months: int
    sign_quota: int | None
    price_fen: int
    platform_id: strawberry.Private[UUID]

    @strawberry.field
    async def platform(self, info: Info) -> TradingPlatformType | None:
        p = await loaders(info).platform.load(self.platform_id)
        return TradingPlatformType.of(p) if p else None

    @classmethod
    def of(cls, p: PlanModel) -> ServicePlanType:
        return cls(id=to_global_id("ServicePlan", p.id), name=p.name, subject_type=p.subject_type,
                   operations=[ScanOperation(o) for o in p.operations], validity_months=p.validity_months,
                   sign_quota=p.sign_quota, price_fen=p.price_fen, platform_id=p.platform_id)

    @classmethod
    def of_line(cls, ln: OrderLine) -> ServicePlanType:
        """The plan as it was sold (the order's snapshot), not as the catalogue says today."""
        return cls(id=to_global_id("ServicePlan", ln.plan_id), name=ln.plan_name, subject_type=ln.subject_type,
                   operations=[ScanOperation(o) for o in ln.operations], validity_months=ln.validity_months,
                   sign_quota=ln.sign_quota, price_fen=ln.amount_fen, platform_id=ln.platform_id)


@strawberry.type(name="TradingPlatform")
class TradingPlatformType(Node):
    platform_code: str
    name: str
    region: str
    local_id: strawberry.Private[UUID]

    @strawberry.field(description="The plans on sale for this platform, cheapest first.")
    async def service_plans(self, info: Info,
                            subject_type: SubjectTypeEnum | None = None,  # type: ignore[valid-type]
                            ) -> list[ServicePlanType]:
        plans = await loaders(info).plans_of.load((self.local_id, subject_type))
        return [ServicePlanType.of(p) for p in plans]

    @classmethod
    def of(cls, p: PlatformModel) -> TradingPlatformType:
        return cls(id=to_global_id("TradingPlatform", p.id), platform_code=p.code, name=p.name, region=p.region,
                   local_id=p.id)


@strawberry.type
class TradingPlatformEdge:
    cursor: str
    node: TradingPlatformType


@strawberry.type
class TradingPlatformConnection:
    edges: list[TradingPlatformEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type
class OrderItem:
    plan: ServicePlanType
    amount_fen: int


@strawberry.type
class BillRecord:
    operation: ScanOperationEnum  # type: ignore[valid-type]
    platform_code: str
    used_at: datetime
    count: int


@strawberry.type
class BillRecordEdge:
    cursor: str
    node: BillRecord


@strawberry.type
class BillRecordConnection:
    edges: list[BillRecordEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type(name="Invoice")
class InvoiceType_(Node):
    status: InvoiceStatusEnum  # type: ignore[valid-type]
    invoice_type: InvoiceTypeEnum  # type: ignore[valid-type]
    title_type: InvoiceTitleTypeEnum  # type: ignore[valid-type]
    title: str
    tax_number: str | None
    amount_fen: int
    number: str | None
    requested_at: datetime
    issued_at: datetime | None
    failed_at: datetime | None = strawberry.field(description="FAILED: when the tax platform refused it or we gave "
                                                             "up reaching it; requestInvoice may ask again.")
    failure_reason: str | None = strawberry.field(description="FAILED: why, in words for the user.")
    pdf_url: str | None = strawberry.field(extensions=signed_file_link(),
                                           description="The PDF, for its owner; null until issued." + LINK_NOTE)
    share_url: str | None = strawberry.field(description="A link anyone may open until shareUrlExpiresAt.")
    share_url_expires_at: datetime | None

    @classmethod
    def of(cls, i: InvoiceModel, info: Info) -> InvoiceType_:
        commerce = info.context.use_cases.commerce
        issued = i.status is InvoiceStatus.ISSUED
        share = commerce.invoice_links.share(i.id) if issued else None
        base = commerce.base_url.rstrip("/")
        return cls(id=to_global_id("Invoice", i.id), status=i.status, invoice_type=i.invoice_type,
                   title_type=i.title_type, title=i.title, tax_number=i.tax_number, amount_fen=i.amount_fen,
                   number=i.number, requested_at=i.requested_at, issued_at=i.issued_at, failed_at=i.failed_at,
                   failure_reason=i.failure_reason, pdf_url=f"{base}/invoices/{i.id}/pdf" if issued else None,
                   share_url=f"{base}/invoices/shared/{share.token}" if share else None,
                   share_url_expires_at=share.expires_at if share else None)


@strawberry.type(name="Order")
class OrderType(Node):
    status: OrderStatusEnum  # type: ignore[valid-type]
    amount_fen: int
    placed_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    items: list[OrderItem]
    local_id: strawberry.Private[UUID]

    @strawberry.field(description="Each use counted against what this order bought, newest first.")
    async def bill_records(self, info: Info, first: int = 20, after: str | None = None) -> BillRecordConnection:
        ctx = info.context
        page = await ctx.use_cases.commerce.order_details.bill_records(self.local_id, first, after)
        platforms = {p.id: p for p in await loaders(info).platform.load_many([b.platform_id for b in page.items])
                     if p is not None}
        edges = [BillRecordEdge(cursor=c, node=BillRecord(
                     operation=ScanOperation(b.operation),
                     platform_code=platforms[b.platform_id].code if b.platform_id in platforms else "",
                     used_at=b.used_at, count=b.count))
                 for b, c in zip(page.items, page.cursors, strict=True)]
        return BillRecordConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next,
                                                                    end_cursor=page.end_cursor),
            total_count=total_of(page))

    @strawberry.field
    async def invoice(self, info: Info) -> InvoiceType_ | None:
        found = await loaders(info).invoice_of_order.load(self.local_id)
        return InvoiceType_.of(found, info) if found else None

    @classmethod
    def of(cls, o: OrderModel, now: datetime) -> OrderType:
        return cls(id=to_global_id("Order", o.id), status=o.effective_status(now), amount_fen=o.amount_fen,
                   placed_at=o.placed_at, expires_at=o.expires_at, paid_at=o.paid_at,
                   items=[OrderItem(plan=ServicePlanType.of_line(ln), amount_fen=ln.amount_fen) for ln in o.lines],
                   local_id=o.id)


@strawberry.type
class OrderEdge:
    cursor: str
    node: OrderType


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type(name="WeChatPayAppParams", description=(
    "What the WeChat SDK's PayReq takes (APP 支付), signed by the merchant as WeChat Pay documents: sign is "
    "base64 SHA256withRSA over appId, timestamp, nonceStr and prepayId, each followed by a newline. Pass the "
    "fields as they are."))
class WeChatPayAppParams:
    app_id: str = strawberry.field(description="PayReq.appId: the merchant's WeChat AppID.")
    partner_id: str = strawberry.field(description="PayReq.partnerId: the merchant number (商户号).")
    prepay_id: str = strawberry.field(description="PayReq.prepayId: the prepay id WeChat Pay issued.")
    package: str = strawberry.field(description="PayReq.packageValue: always `Sign=WXPay`.")
    nonce_str: str = strawberry.field(description="PayReq.nonceStr: the random string that was signed.")
    timestamp: str = strawberry.field(description="PayReq.timeStamp: Unix seconds, as a string, that were signed.")
    sign: str = strawberry.field(description="PayReq.sign: the merchant's signature (base64 SHA256withRSA).")


@strawberry.type(name="AlipayAppParams", description=(
    "What the Alipay SDK's payV2 (Android) / payOrder (iOS) takes (APP支付): the signed order string."))
class AlipayAppParams:
    order_string: str = strawberry.field(description=(
        "The form-encoded, RSA2-signed parameters of alipay.trade.app.pay; pass as it is."))


AppPayParams = Annotated[WeChatPayAppParams | AlipayAppParams, strawberry.union("AppPayParams", description=(
    "The parameter set the payment channel's app SDK takes: WeChatPayAppParams for WECHAT_PAY, AlipayAppParams "
    "for ALIPAY."))]


def app_pay_params_of(p: PaymentModel) -> WeChatPayAppParams | AlipayAppParams | None:
    found = app_pay_params(p.channel, p.pay_url)
    if isinstance(found, WeChatPayParamsModel):
        return WeChatPayAppParams(app_id=found.app_id, partner_id=found.partner_id, prepay_id=found.prepay_id,
                                  package=found.package, nonce_str=found.nonce_str, timestamp=found.timestamp,
                                  sign=found.sign)
    if isinstance(found, AlipayParamsModel):
        return AlipayAppParams(order_string=found.order_string)
    return None


@strawberry.type(name="Payment")
class PaymentType(Node):
    channel: PaymentChannelEnum  # type: ignore[valid-type]
    status: PaymentStatusEnum  # type: ignore[valid-type]
    amount_fen: int
    pay_url: str = strawberry.field(description=(
        "What the app hands the wallet. While the server simulates its vendors: a cashier web page where a tester "
        "pays or fails the payment (for WECHAT_PAY and ALIPAY its query carries appPayParams' fields). Otherwise, "
        "for WECHAT_PAY "
        "`weixin://app/pay?` followed by the signed fields of the WeChat SDK's PayReq (appid, partnerid, "
        "prepayid, package, noncestr, timestamp, sign), form-encoded; for ALIPAY the signed order string, passed "
        "as is to the Alipay SDK's payV2."))
    paid_at: datetime | None
    app_pay_params: AppPayParams | None = strawberry.field(description=(  # type: ignore[valid-type]
        "For WECHAT_PAY and ALIPAY, the parameters to hand the channel's app SDK, the same fields payUrl carries, "
        "typed; the same shapes while the server simulates its vendors (signed then with the simulated "
        "merchant's keys, whose public halves the simulated gateway publishes). Null for the simulated channel."))

    @classmethod
    def of(cls, p: PaymentModel) -> PaymentType:
        return cls(id=to_global_id("Payment", p.id), channel=p.channel, status=p.status, amount_fen=p.amount_fen,
                   pay_url=p.pay_url, paid_at=p.paid_at, app_pay_params=app_pay_params_of(p))


@strawberry.type(name="Entitlement")
class EntitlementType(Node):
    status: EntitlementStatusEnum  # type: ignore[valid-type]
    valid_from: datetime
    valid_until: datetime
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    sign_quota: int | None
    signs_used: int
    signs_left: int | None
    model: strawberry.Private[EntitlementModel]

    @strawberry.field
    async def plan(self, info: Info) -> ServicePlanType | None:
        p = await loaders(info).plan.load(self.model.plan_id)
        return ServicePlanType.of(p) if p else None

    @strawberry.field
    async def platform(self, info: Info) -> TradingPlatformType | None:
        p = await loaders(info).platform.load(self.model.platform_id)
        return TradingPlatformType.of(p) if p else None

    @strawberry.field
    async def holder(self, info: Info) -> Annotated[
            EntitlementHolder, strawberry.lazy("graphql_schema.commerce.holder")] | None:  # noqa: F821
        from graphql_schema.accounts.types import AccountType
        from graphql_schema.enterprises.types import EnterpriseType

        ctx = info.context
        if ctx.principal is None or not ctx.principal.is_account:
            return None
        if self.model.holder_kind is HolderKind.ENTERPRISE:
            view = await ctx.use_cases.enterprises.get_enterprise(ctx.principal, self.model.holder_id)
            return EnterpriseType.of_view(view) if view is not None else None
        if self.model.holder_id == ctx.principal.id:
            return AccountType.of(await ctx.use_cases.get_me(ctx.principal))
        return None

    @classmethod
    def of(cls, e: EntitlementModel, now: datetime) -> EntitlementType:
        return cls(id=to_global_id("Entitlement", e.id), status=e.status(now), valid_from=e.valid_from,
                   valid_until=e.valid_until, operations=[ScanOperation(o) for o in e.operations],
                   sign_quota=e.sign_quota, signs_used=e.signs_used, signs_left=e.signs_left, model=e)


@strawberry.type
class ServiceApplication(Node):
    """A member's application for an enterprise plan (§6.3): status PENDING_APPROVAL, APPROVED, PURCHASED,
    REJECTED, EXPIRED or WITHDRAWN (the applicant left the enterprise); approvalUrl (the QR code's content too)
    while it waits for the legal rep."""

    status: str
    plan: ServicePlanType | None
    enterprise_id: strawberry.Private[UUID]
    approval_url: str | None = None
    approval_qr_content: str | None = None
    applicant_name: str | None = strawberry.field(default=None, description="The applying member's verified name.")
    requested_at: datetime | None = None
    expires_at: datetime | None = strawberry.field(default=None, description="The legal rep decides by then.")
    letter: ServiceApplicationLetter | None = strawberry.field(
        default=None, description="The application letter the legal rep signs, readable before signing.")

    @strawberry.field(description="The enterprise, while the caller is one of its members (null once they left).")
    async def enterprise(self, info: Info
                         ) -> Annotated[Enterprise, strawberry.lazy("graphql_schema.accounts.types")] | None:
        from graphql_schema.enterprises.queries import enterprise_node

        return await enterprise_node(info, self.enterprise_id)


def service_application_letter_url(application_id: UUID, *, signed: bool = False) -> str:
    # Served beside the other letters the legal rep signs (/files/letters); the global ID's type tells them apart.
    return (f"/files/letters/{to_global_id('ServiceApplicationLetter', application_id)}"
            + ("/signed" if signed else ""))


@strawberry.type(description="服务申请授权书 (§6.3): drawn up when the member applies; its files are served to the "
                             "applicant and to the enterprise's admin and legal rep.")
class ServiceApplicationLetter(Node):
    document_url: str = strawberry.field(extensions=signed_file_link(), description="The letter (PDF)." + LINK_NOTE)
    sha256: str = strawberry.field(description="SHA-256 (hex) of the unsigned PDF.")
    signed_document_url: str | None = strawberry.field(
        extensions=signed_file_link(), description="The letter with the legal rep's PAdES signature." + LINK_NOTE)
    signed_sha256: str | None
    signed_at: datetime | None


# The members' service applications as a connection (Enterprise.serviceApplicationsConnection).
ServiceApplicationConnection, service_application_page = list_connection(ServiceApplication, "ServiceApplication")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def service_application_key(a: ServiceApplication) -> tuple[datetime, str]:
    return a.requested_at or _EPOCH, str(a.id)


COMMERCE_NODE_TYPES = [TradingPlatformType, ServicePlanType, OrderType, PaymentType, EntitlementType, InvoiceType_]
COMMERCE_TYPES = frozenset({"TradingPlatform", "ServicePlan", "Order", "Payment", "Entitlement", "Invoice"})


def commerce_node(type_name: str, found, info: Info) -> Node:
    now = info.context.use_cases.commerce.clock.now()
    match type_name:
        case "TradingPlatform":
            return TradingPlatformType.of(found)
        case "ServicePlan":
            return ServicePlanType.of(found)
        case "Order":
            return OrderType.of(found, now)
        case "Payment":
            return PaymentType.of(found)
        case "Entitlement":
            return EntitlementType.of(found, now)
        case _:
            return InvoiceType_.of(found, info)
