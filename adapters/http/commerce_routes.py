"""HTTP endpoints of the commerce chapter: the payment gateways' notify endpoint, invoice PDFs for their
owner's bearer token, and signed share links."""

from __future__ import annotations

import logging
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from adapters.http.file_access import file_principal
from application.use_cases import UseCases
from domain.commerce.payment import PaymentChannel
from domain.errors import NotFound

log = logging.getLogger(__name__)
MAX_NOTIFICATION_BYTES = 64 * 1024


def commerce_routes(use_cases: UseCases, bearer) -> list[Route]:
    commerce = use_cases.commerce

    async def payment_notify(request: Request) -> Response:
        try:
            channel = PaymentChannel(request.path_params["channel"].upper())
        except ValueError:
            return PlainTextResponse("unknown channel", status_code=404)
        body = await request.body()
        if len(body) > MAX_NOTIFICATION_BYTES:
            return PlainTextResponse("too large", status_code=413)
        result = await commerce.record_payment_notification(channel, body, dict(request.headers))
        if channel is PaymentChannel.ALIPAY:  # Alipay reads a plain-text body and retries unless it is "success"
            return PlainTextResponse("success" if result.acknowledge else "fail",
                                     status_code=200 if result.acknowledge else 400)
        if result.acknowledge:  # WeChat Pay (and the sandbox) stop retrying on a 2xx with code SUCCESS
            return JSONResponse({"code": "SUCCESS", "message": "成功"})
        return JSONResponse({"code": "FAIL", "message": "失败"}, status_code=400)

    async def invoice_pdf(request: Request) -> Response:
        try:
            invoice_id = UUID(request.path_params["invoice_id"])
            principal = await file_principal(request, use_cases, bearer)
            data = await commerce.read_invoice_pdf.as_owner(principal, invoice_id)
        except Exception as exc:  # not yours, not there, not signed in: one answer
            if not isinstance(exc, NotFound | ValueError):
                log.debug("invoice pdf refused: %s", exc)
            return PlainTextResponse("not found", status_code=404)
        return _pdf(data, invoice_id)

    async def shared_invoice(request: Request) -> Response:
        try:
            data = await commerce.read_invoice_pdf.by_link(request.path_params["token"])
        except NotFound:
            return PlainTextResponse("链接无效或已过期", status_code=404)
        return _pdf(data, None)

    return [
        Route("/payments/notify/{channel}", payment_notify, methods=["POST"]),
        Route("/invoices/{invoice_id}/pdf", invoice_pdf),
        Route("/invoices/shared/{token}", shared_invoice),
    ]


def _pdf(data: bytes, invoice_id: UUID | None) -> Response:
    name = f"invoice-{invoice_id}.pdf" if invoice_id else "invoice.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f'inline; filename="{name}"'})
