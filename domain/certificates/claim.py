"""Who may claim a personal certificate (SPEC §5): a verified person holding an active entitlement."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode


class IdentityNotVerified(DomainError):
    code = ErrorCode.IDENTITY_NOT_VERIFIED
    default_message = "请先完成实名认证"


class EntitlementRequired(DomainError):
    code = ErrorCode.ENTITLEMENT_REQUIRED
    default_message = "未找到可用的个人证书服务，请先购买证书服务"


PERSONAL_SIGNING = "PERSONAL_SIGNING"
PERSONAL_ENCRYPTION = "PERSONAL_ENCRYPTION"
PERSONAL_PROFILES = frozenset({PERSONAL_SIGNING, PERSONAL_ENCRYPTION})
