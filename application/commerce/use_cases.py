"""The commerce use cases, gathered as one field of application.use_cases.UseCases."""

from __future__ import annotations

from dataclasses import dataclass

from application.commerce.cancel_order import CancelOrder
from application.commerce.catalogue import GetCatalogue, ListTradingPlatforms
from application.commerce.close_expired_orders import CloseExpiredOrders
from application.commerce.create_service_plan import CreateServicePlan
from application.commerce.invoices import InvoiceLinks, IssueInvoice, ReadInvoicePdf, RequestInvoice
from application.commerce.my_entitlements import ListMyEntitlements
from application.commerce.my_orders import GetOrderDetails, ListMyOrders
from application.commerce.nodes import GetCommerceObject
from application.commerce.order_feed import OrderFeed
from application.commerce.pay_order import PayOrder
from application.commerce.place_order import PlaceOrder
from application.commerce.policy import CommercePolicy
from application.commerce.ports import (
    CallbackDestinations,
    InvoiceIssuer,
    PaymentGateway,
    PlatformCertificateIssuer,
    PublicKeyParser,
)
from application.commerce.record_payment_notification import RecordPaymentNotification
from application.commerce.refund_payment import RefundPayment
from application.commerce.register_platform import RegisterPlatform
from application.commerce.watch_order import WatchOrder
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWorkFactory


@dataclass(frozen=True)
class CommerceUseCases:
    register_platform: RegisterPlatform
    create_service_plan: CreateServicePlan
    list_trading_platforms: ListTradingPlatforms
    catalogue: GetCatalogue
    place_order: PlaceOrder
    pay_order: PayOrder
    cancel_order: CancelOrder
    record_payment_notification: RecordPaymentNotification
    watch_order: WatchOrder | None  # None without a change feed (orderChanged then refuses)
    close_expired_orders: CloseExpiredOrders
    list_my_orders: ListMyOrders
    order_details: GetOrderDetails
    list_my_entitlements: ListMyEntitlements
    request_invoice: RequestInvoice
    issue_invoice: IssueInvoice
    refund_payment: RefundPayment
    invoice_links: InvoiceLinks
    read_invoice_pdf: ReadInvoicePdf
    policy: CommercePolicy
    clock: Clock
    get_object: GetCommerceObject
    base_url: str


def commerce_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, ca, keys: PublicKeyParser,
                       gateway: PaymentGateway, issuer: InvoiceIssuer, blobs: BlobStore, hasher: SecretHasher,
                       policy: CommercePolicy, base_url: str, callback_signer_certificate=None,
                       destinations: CallbackDestinations | None = None,
                       order_feed: OrderFeed | None = None) -> CommerceUseCases:
    links = InvoiceLinks(hasher, clock, policy)
    return CommerceUseCases(
        register_platform=RegisterPlatform(uow, ca, keys, clock, callback_signer_certificate,
                                           destinations=destinations),
        create_service_plan=CreateServicePlan(uow, clock),
        list_trading_platforms=ListTradingPlatforms(uow),
        catalogue=GetCatalogue(uow),
        place_order=PlaceOrder(uow, clock, policy),
        pay_order=PayOrder(uow, gateway, clock, order_feed),
        cancel_order=CancelOrder(uow, clock, order_feed),
        record_payment_notification=RecordPaymentNotification(uow, gateway, clock, order_feed),
        refund_payment=RefundPayment(uow, gateway, clock),  # the gateways refund too (PaymentRefunder)
        close_expired_orders=CloseExpiredOrders(uow, clock, policy, order_feed),
        watch_order=WatchOrder(uow, order_feed, clock) if order_feed is not None else None,
        list_my_orders=ListMyOrders(uow),
        order_details=GetOrderDetails(uow),
        list_my_entitlements=ListMyEntitlements(uow),
        request_invoice=RequestInvoice(uow, clock),
        issue_invoice=IssueInvoice(uow, issuer, clock),
        invoice_links=links,
        read_invoice_pdf=ReadInvoicePdf(uow, blobs, links),
        policy=policy,
        clock=clock,
        get_object=GetCommerceObject(uow),
        base_url=base_url,
    )


__all__ = ["CommerceUseCases", "PlatformCertificateIssuer", "commerce_use_cases"]
