"""RegisterPlatform: an operator registers a trading platform; our CA certifies the platform's SM2 key for
signing the callbacks it exchanges with us (profile PLATFORM_CALLBACK)."""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.audit import audit
from application.certificates.ports import CertificateAuthority, CertificateRequest, SubjectInfo
from application.commerce.ports import CallbackDestinations, PublicKeyParser
from application.context import Principal, require_operator
from application.ports import Clock, UnitOfWorkFactory
from domain.certificates.certificate import CertificateUsage
from domain.certificates.certificate import HolderKind as CertificateHolderKind
from domain.commerce.catalogue import (
    PlatformCodeTaken,
    TradingPlatform,
    check_callback_url,
    check_platform_code,
)
from domain.errors import Conflict, InvalidInput
from domain.operators.operator import OperatorRole
from domain.text import bounded

CALLBACK_CERT_VALIDITY = timedelta(days=730)


@dataclass(frozen=True)
class RegisterPlatformCommand:
    principal: Principal | None
    platform_code: str
    name: str
    region: str
    callback_url: str
    public_key_pem: str


@dataclass(frozen=True)
class RegisteredPlatform:
    platform: TradingPlatform
    certificate_pem: str


def der_to_pem(der: bytes, label: str = "CERTIFICATE") -> str:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


class RegisterPlatform:
    def __init__(self, uow: UnitOfWorkFactory, ca: CertificateAuthority, keys: PublicKeyParser, clock: Clock,
                 callback_signer_certificate: Callable[[], Awaitable[bytes]] | None = None, *,
                 destinations: CallbackDestinations | None = None) -> None:
        self._uow, self._ca, self._keys, self._clock = uow, ca, keys, clock
        # The network check of the callback URL; the use-case tests leave it out (their URLs go nowhere).
        self._destinations = destinations
        # DER of OUR platform-callback signer (scan callbacks are signed with it): what the platform must trust.
        self._callback_signer = callback_signer_certificate

    async def __call__(self, cmd: RegisterPlatformCommand) -> RegisteredPlatform:
        operator = require_operator(cmd.principal, OperatorRole.ADMIN)
        return await self.register(cmd, operator_id=operator.id)

    async def register(self, cmd: RegisterPlatformCommand, *, operator_id: UUID | None) -> RegisteredPlatform:
        """Without the operator check: the seed command registers the demo platforms through here."""
        code = check_platform_code(cmd.platform_code)
        name = bounded(cmd.name or "", field="name", max_len=100)
        region = bounded(cmd.region or "", field="region", max_len=100)
        if not name:
            raise InvalidInput("请填写平台名称", field="name")
        if not region:
            raise InvalidInput("请填写平台所属地区", field="region")
        url = check_callback_url(cmd.callback_url)
        if self._destinations is not None:
            await self._destinations.check_registration(url)
        try:
            point = self._keys.sm2_spki_from_pem(bounded(cmd.public_key_pem or "", field="publicKeyPem",
                                                         max_len=4000, strip=False))
        except ValueError:
            raise InvalidInput("平台公钥须为 PEM 格式的 SM2 公钥（sm2p256v1 曲线上的点）", field="publicKeyPem") from None
        now = self._clock.now()
        async with self._uow() as uow:
            if await uow.trading_platforms.by_code(code) is not None:
                raise PlatformCodeTaken(field="platformCode")
            cert = await self._ca.prepare(CertificateRequest(
                profile="PLATFORM_CALLBACK", usage=CertificateUsage.SIGNING,
                subject=SubjectInfo(kind=CertificateHolderKind.ORGANIZATION, name=name[:64], identifier=code,
                                    organization=name[:64]),
                public_key=point, not_before=now, not_after=now + CALLBACK_CERT_VALIDITY))
            await uow.certificates.record_tbs(cert)
            await self._ca.sign(cert)
            assert cert.der is not None
            platform = TradingPlatform(code=code, name=name, region=region, callback_url=url, public_key=point,
                                       callback_certificate=cert.der, created_at=now)
            uow.trading_platforms.add(platform)
            audit(uow, "platform.registered", now, None, operator_id=operator_id, platform_code=code,
                  certificate_serial=cert.serial)
            try:
                await uow.commit()
            except Conflict:
                raise PlatformCodeTaken(field="platformCode") from None
        if self._callback_signer is not None:
            return RegisteredPlatform(platform, der_to_pem(await self._callback_signer()))
        return RegisteredPlatform(platform, der_to_pem(cert.der))
