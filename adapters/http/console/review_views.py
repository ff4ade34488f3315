"""The review desk: queues by kind, one review's full file beside its attachments, approve or reject."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.http.console.web import Console, age, local
from application.identity.reviews import DecideReviewCommand
from application.operators.console_session import ConsoleOperator
from domain.errors import DomainError, NotFound
from domain.identity.review import ReviewKind, ReviewStatus

KINDS = {ReviewKind.IDENTITY: "实名认证", ReviewKind.ENTERPRISE_CERTIFICATION: "企业认证",
         ReviewKind.ENTERPRISE_CHANGE: "企业信息变更"}
STATUSES = {ReviewStatus.PENDING: "待审核", ReviewStatus.APPROVED: "已通过", ReviewStatus.REJECTED: "已驳回",
            ReviewStatus.WITHDRAWN: "已撤回"}
PDF_ROLES = {"signedLetter", "confirmationLetter"}


def _enum(cls, raw: str | None):
    try:
        return cls(raw) if raw else None
    except ValueError:
        return None


def _review_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["review_id"])
    except ValueError:
        raise NotFound("审核不存在")


async def home(request: Request, who: ConsoleOperator, console: Console) -> Response:
    queues = []
    for kind, label in KINDS.items():
        page = await console.use_cases.list_reviews(who.principal, kind=kind, status=ReviewStatus.PENDING,
                                                    first=100, after=None)
        queues.append({"kind": kind.value, "label": label,
                       "count": f"{len(page.items)}{'+' if page.has_next else ''}",
                       "oldest": local(page.items[0].submitted_at) if page.items else None})
    return console.render(request, "home.html", queues=queues)


async def reviews(request: Request, who: ConsoleOperator, console: Console) -> Response:
    q = request.query_params
    kind = _enum(ReviewKind, q.get("kind"))
    status = _enum(ReviewStatus, q.get("status")) if "status" in q else ReviewStatus.PENDING
    page = await console.use_cases.list_reviews(who.principal, kind=kind, status=status, first=50,
                                                after=q.get("after") or None)
    now = console.clock.now()
    rows = [{"id": r.id, "kind_label": KINDS[r.kind], "summary": r.subject_summary, "submitted": local(r.submitted_at),
             "age": age(r.submitted_at, now), "status": r.status.value, "status_label": STATUSES[r.status],
             "awaiting_second": r.awaiting_second_approval} for r in page.items]
    return console.render(request, "reviews.html", section="reviews", rows=rows,
                          kinds=[(k.value, v) for k, v in KINDS.items()],
                          statuses=[(k.value, v) for k, v in STATUSES.items()],
                          kind=kind.value if kind else "", status=status.value if status else "",
                          next_cursor=page.end_cursor if page.has_next else None)


async def review(request: Request, who: ConsoleOperator, console: Console, *, error: str | None = None,
                 notice: str | None = None, status_code: int = 200) -> Response:
    dossier = await console.console.review_dossier(who.principal, _review_id(request), console.meta(request))
    r = dossier.review
    return console.render(request, "review.html", status_code, section="reviews", review=r, dossier=dossier,
                          kind_label=KINDS[r.kind], status_label=STATUSES[r.status], submitted=local(r.submitted_at),
                          decided=local(r.decided_at), pdf_roles=PDF_ROLES, error=error, notice=notice)


async def review_file(request: Request, who: ConsoleOperator, console: Console) -> Response:
    found = await console.use_cases.read_review_attachment(who.principal, _review_id(request),
                                                           request.path_params["role"], console.meta(request))
    if found is None:
        raise NotFound("附件不存在")
    data, content_type = found
    return Response(data, media_type=content_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline"})


async def decide(request: Request, who: ConsoleOperator, console: Console) -> Response:
    form = await request.form()
    review_id = _review_id(request)
    approve = form.get("decision") == "approve"
    reason = str(form.get("reason") or "") or None
    try:
        decided = await console.use_cases.decide_review(DecideReviewCommand(
            who.principal, review_id, approve, None if approve else reason, console.meta(request)))
    except NotFound:
        raise
    except DomainError as err:
        return await review(request, who, console, error=err.message, status_code=409)
    if decided.awaiting_second_approval:
        return await review(request, who, console, notice="已初审通过，等待另一位主管复核。")
    return RedirectResponse(f"/console/reviews/{review_id}?done=1", status_code=303)
