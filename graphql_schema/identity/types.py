"""GraphQL types of manual reviews."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.identity.review import Review, ReviewKind, ReviewStatus
from graphql_schema.accounts.types import AccountType, FaceVerificationTicket
from graphql_schema.common.errors import UserError
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.node import TOTAL_COUNT, Node, PageInfo, to_global_id

ReviewKindEnum = strawberry.enum(ReviewKind, name="ReviewKind")
ReviewStatusEnum = strawberry.enum(ReviewStatus, name="ReviewStatus")


@strawberry.type
class ReviewAttachment:
    role: str = strawberry.field(description="front | back | portrait")
    url: str = strawberry.field(extensions=signed_file_link(),
                                description="The photo, for operators and the person it shows." + LINK_NOTE)


@strawberry.type(name="Review")
class ReviewType(Node):
    kind: ReviewKindEnum  # type: ignore[valid-type]
    status: ReviewStatusEnum  # type: ignore[valid-type]
    submitted_at: datetime
    subject_summary: str
    decided_at: datetime | None
    reason: str | None
    attachments: list[ReviewAttachment]
    awaiting_second_approval: bool = strawberry.field(
        default=False, description="An enterprise change approved once, waiting for a second operator (a "
                                   "supervisor) to approve it too (four eyes).")

    @classmethod
    def of(cls, r: Review) -> ReviewType:
        gid = to_global_id("Review", r.id)
        return cls(id=gid, kind=r.kind, status=r.status, submitted_at=r.submitted_at,
                   subject_summary=r.subject_summary, decided_at=r.decided_at, reason=r.reason,
                   attachments=[ReviewAttachment(role=role, url=f"/files/reviews/{gid}/{role}")
                                for role in sorted(r.attachments)],
                   awaiting_second_approval=r.awaiting_second_approval)


@strawberry.type
class ReviewEdge:
    cursor: str
    node: ReviewType


@strawberry.type
class ReviewConnection:
    edges: list[ReviewEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)


@strawberry.type
class SubmitManualVerificationPayload:
    review: ReviewType | None = None
    account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DecideReviewPayload:
    review: ReviewType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


__all__ = ["FaceVerificationTicket"]
