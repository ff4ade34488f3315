"""The use cases only the operator console calls (beside the shared ones in application.use_cases)."""

from __future__ import annotations

from dataclasses import dataclass

from application.operators.console_session import AuthenticateConsole
from application.operators.review_dossier import OpenReviewDossier


@dataclass(frozen=True)
class ConsoleUseCases:
    authenticate: AuthenticateConsole
    review_dossier: OpenReviewDossier
