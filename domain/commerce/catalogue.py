"""The catalogue (§6.1): trading platforms that accept our certificates, and the service plans sold for them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from domain.canonical import identifier
from domain.commerce.entitlement import ScanOperation, SubjectType
from domain.errors import DomainError, ErrorCode, InvalidInput

PLATFORM_CODE = re.compile(r"[0-9A-Za-z]{11}", re.ASCII)
MAX_VALIDITY_MONTHS = 120
MAX_PRICE_FEN = 100_000_000  # one million yuan: anything above is a typo


class InvalidPlatformCode(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "平台编码应为11位字母或数字"


class InvalidCallbackUrl(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "回调地址须为不含用户名和密码的 http 或 https 地址"


class PlatformCodeTaken(DomainError):
    code = ErrorCode.CONFLICT
    default_message = "该平台编码已注册"


def check_platform_code(raw: str) -> str:
    code = identifier(raw)
    if not PLATFORM_CODE.fullmatch(code):
        raise InvalidPlatformCode(field="platformCode")
    return code


def check_callback_url(raw: str) -> str:
    url = (raw or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidCallbackUrl(field="callbackUrl") from exc
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None
            or parts.password is not None or "@" in parts.netloc or len(url) > 500 or any(c.isspace() for c in url)):
        raise InvalidCallbackUrl(field="callbackUrl")
    return url


class PlatformStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"  # its signed requests are refused; its entitlements stay as they are


@dataclass(eq=False)
class TradingPlatform:
    code: str
    name: str
    region: str
    callback_url: str
    public_key: bytes  # SubjectPublicKeyInfo DER of the platform's SM2 key
    callback_certificate: bytes  # DER of the certificate we sign our callbacks to the platform with
    created_at: datetime
    status: PlatformStatus = PlatformStatus.ACTIVE
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status is PlatformStatus.ACTIVE

    def suspend(self) -> None:
        self.status = PlatformStatus.SUSPENDED

    def resume(self) -> None:
        self.status = PlatformStatus.ACTIVE


@dataclass(eq=False)
class ServicePlan:
    platform_id: UUID
    subject_type: SubjectType
    name: str
    operations: list[str]
    validity_months: int
    price_fen: int
    created_at: datetime
    sign_quota: int | None = None
    active: bool = True
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def retire(self) -> None:
        """Off the catalogue for new orders; entitlements bought under it run their course."""
        self.active = False

    @classmethod
    def create(cls, *, platform_id: UUID, subject_type: SubjectType, name: str, operations: list[ScanOperation],
               validity_months: int, price_fen: int, sign_quota: int | None, now: datetime) -> ServicePlan:
        name = (name or "").strip()
        if not name or len(name) > 60:
            raise InvalidInput("套餐名称须为1-60个字符", field="name")
        ops = sorted({ScanOperation(o).value for o in operations}, key=list(ScanOperation).index)
        if not ops:
            raise InvalidInput("请至少选择一项服务内容", field="operations")
        if not 1 <= validity_months <= MAX_VALIDITY_MONTHS:
            raise InvalidInput(f"有效期须为1-{MAX_VALIDITY_MONTHS}个月", field="validityMonths")
        if not 0 < price_fen <= MAX_PRICE_FEN:
            raise InvalidInput("价格须为正整数（单位：分）", field="priceFen")
        if sign_quota is not None:
            if ScanOperation.SIGN.value not in ops:
                raise InvalidInput("不含签署服务的套餐不能设置签署次数", field="signQuota")
            if sign_quota <= 0:
                raise InvalidInput("签署次数须为正整数", field="signQuota")
        return cls(platform_id=platform_id, subject_type=subject_type, name=name, operations=ops,
                   validity_months=validity_months, price_fen=price_fen, sign_quota=sign_quota, created_at=now)
