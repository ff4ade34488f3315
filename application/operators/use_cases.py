"""The use cases only the operator console calls (beside the shared ones in application.use_cases)."""

from __future__ import annotations

from dataclasses import dataclass

from application.certificates.search_certificates import GetCertificateForOperator, SearchCertificates
from application.commerce.platform_administration import (
    ListPlatformsForOperators,
    RetireServicePlan,
    SetPlatformStatus,
)
from application.operators.console_session import AuthenticateConsole
from application.operators.review_dossier import OpenReviewDossier
from application.operators.search_audit_log import SearchAuditLog
from application.operators.system_health import GiveUpOutboxMessage, ReadSystemHealth, RetryOutboxMessage


@dataclass(frozen=True)
class ConsoleUseCases:
    authenticate: AuthenticateConsole
    review_dossier: OpenReviewDossier
    search_certificates: SearchCertificates
    get_certificate: GetCertificateForOperator
    search_audit_log: SearchAuditLog
    list_platforms: ListPlatformsForOperators
    set_platform_status: SetPlatformStatus
    retire_plan: RetireServicePlan
    system_health: ReadSystemHealth
    retry_outbox_message: RetryOutboxMessage
    give_up_outbox_message: GiveUpOutboxMessage
