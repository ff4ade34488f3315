"""The review outcomes the composition root hands to DecideReview: identity (with the enterprise chapter's
identity hooks), and the enterprise chapter's own kinds as they are built."""

from __future__ import annotations

from collections.abc import Sequence

from application.enterprises.enterprise_reviews import (
    ENTERPRISE_CHANGE_HOOKS,
    EnterpriseCertificationOutcome,
    EnterpriseChangedHook,
    EnterpriseChangeOutcome,
)
from application.identity.reviews import IdentityReviewOutcome, ReviewOutcome
from application.identity.verified import IdentityVerifiedHook
from domain.identity.review import ReviewKind


def review_outcomes(on_verified: Sequence[IdentityVerifiedHook],
                    on_enterprise_changed: Sequence[EnterpriseChangedHook] = ENTERPRISE_CHANGE_HOOKS,
                    ) -> dict[ReviewKind, ReviewOutcome]:
    return {
        ReviewKind.IDENTITY: IdentityReviewOutcome(on_verified),
        ReviewKind.ENTERPRISE_CERTIFICATION: EnterpriseCertificationOutcome(),
        ReviewKind.ENTERPRISE_CHANGE: EnterpriseChangeOutcome(on_enterprise_changed),
    }
