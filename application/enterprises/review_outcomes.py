"""The review outcomes the composition root hands to DecideReview: identity (with the enterprise chapter's
identity hooks), and the enterprise chapter's own kinds as they are built."""

from __future__ import annotations

from collections.abc import Sequence

from application.identity.reviews import IdentityReviewOutcome, ReviewOutcome
from application.identity.verified import IdentityVerifiedHook
from domain.identity.review import ReviewKind


def review_outcomes(on_verified: Sequence[IdentityVerifiedHook]) -> dict[ReviewKind, ReviewOutcome]:
    return {
        ReviewKind.IDENTITY: IdentityReviewOutcome(on_verified),
    }
