"""Certificates: look one up by serial, holder or enterprise; a supervisor revokes it with an RFC 5280 reason."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.http.console.web import Console, local
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.operators.console_session import ConsoleOperator
from domain.certificates.certificate import SUBSCRIBER_REASONS, RevocationReason
from domain.errors import DomainError, NotFound, PermissionDenied

USAGES = {"SIGNING": "签名", "ENCRYPTION": "加密"}
STATUSES = {"ACTIVE": "有效", "REVOKED": "已吊销", "EXPIRED": "已过期", "PENDING": "签发中"}
REASON_LABELS = {"UNSPECIFIED": "未指明 (unspecified)", "KEY_COMPROMISE": "密钥泄露 (keyCompromise)",
                 "AFFILIATION_CHANGED": "隶属关系变更 (affiliationChanged)", "SUPERSEDED": "已被取代 (superseded)",
                 "CESSATION_OF_OPERATION": "停止运营 (cessationOfOperation)",
                 "PRIVILEGE_WITHDRAWN": "权限撤销 (privilegeWithdrawn)"}
REASONS = [(r.name, REASON_LABELS[r.name]) for r in sorted(SUBSCRIBER_REASONS)]


def _common() -> dict:
    return dict(section="certificates", usages=USAGES, statuses=STATUSES, local=local)


async def certificates(request: Request, who: ConsoleOperator, console: Console) -> Response:
    q = request.query_params.get("q", "").strip()
    now = console.clock.now()
    found = await console.console.search_certificates(who.principal, q) if q else []
    rows = [{"certificate": f.certificate, "holder": f.holder, "status": f.certificate.status_at(now).value}
            for f in found]
    return console.render(request, "certificates.html", q=q, found=rows, **_common())


async def certificate(request: Request, who: ConsoleOperator, console: Console, *, error: str | None = None,
                      notice: str | None = None, status_code: int = 200) -> Response:
    try:
        certificate_id = UUID(request.path_params["certificate_id"])
    except ValueError:
        raise NotFound("证书不存在")
    found = await console.console.get_certificate(who.principal, certificate_id)
    if found is None:
        raise NotFound("证书不存在")
    cert = found.certificate
    return console.render(request, "certificate.html", status_code, cert=cert, holder=found.holder,
                          status=cert.status_at(console.clock.now()).value, reasons=REASONS,
                          reason_labels=REASON_LABELS, error=error, notice=notice, **_common())


async def revoke(request: Request, who: ConsoleOperator, console: Console) -> Response:
    form = await request.form()
    certificate_id = request.path_params["certificate_id"]
    try:
        reason = RevocationReason.parse(str(form.get("reason") or ""))
        await console.use_cases.revoke_certificate(RevokeCertificateCommand(
            who.principal, UUID(certificate_id), reason, meta=console.meta(request)))
    except ValueError:
        raise NotFound("证书不存在")
    except (NotFound, PermissionDenied):
        raise  # the page's 404 and 403
    except DomainError as err:
        return await certificate(request, who, console, error=err.message, status_code=409)
    return RedirectResponse(f"/console/certificates/{certificate_id}", status_code=303)
