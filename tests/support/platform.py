"""A trading platform in tests: its own SM2 key, registered through the use case, and a client that signs its
GraphQL requests as api/platform.graphql says. Shared by the scan-service tests, the subscription tests and
the example relying party's tests."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from adapters.crypto.sm2 import default_backend, public_key_to_pem


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@dataclass
class TestPlatform:
    code: str = "GGZYJY44001"
    name: str = "广东省公共资源交易平台"
    region: str = "广东省"
    callback_url: str = "https://platform.example/sxq/callback"
    private_key: bytes = field(default_factory=lambda: default_backend().generate_private_key())
    id: UUID | None = None
    callback_certificate_pem: str | None = None

    __test__ = False  # not a pytest class

    @property
    def public_key(self) -> bytes:
        return default_backend().public_key(self.private_key)

    @property
    def public_key_pem(self) -> str:
        return public_key_to_pem(self.public_key)

    def headers(self, body: bytes, *, timestamp: int | None = None, nonce: str | None = None,
                path: str = "/graphql", method: str = "POST", key: bytes | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        message = f"{method}\n{path}\n{ts}\n{nonce}\n{sm3_hex(body)}".encode()
        signature = default_backend().sign(key or self.private_key, message)
        return {"X-Platform-Code": self.code, "X-Timestamp": ts, "X-Nonce": nonce,
                "X-Signature": base64.b64encode(signature).decode(), "Content-Type": "application/json"}


async def register_platform(container, platform: TestPlatform | None = None) -> TestPlatform:
    """Registers through RegisterPlatform (as an operator or `sxq platform register` would)."""
    from application.commerce.register_platform import RegisterPlatformCommand

    platform = platform or TestPlatform()
    done = await container.use_cases().commerce.register_platform.register(RegisterPlatformCommand(
        None, platform.code, platform.name, platform.region, platform.callback_url, platform.public_key_pem),
        operator_id=None)
    platform.id = done.platform.id
    platform.callback_certificate_pem = done.certificate_pem
    return platform


async def entitlement_on(container, account_id: UUID, platform_id: UUID, *,
                         operations=("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"), sign_quota: int | None = None,
                         days: int = 365):
    """An active personal entitlement on one platform, as a paid order leaves it."""
    from domain.commerce.catalogue import ServicePlan
    from domain.commerce.entitlement import Entitlement, HolderKind, SubjectType
    from domain.commerce.order import Order

    now = container.clock().now()
    plan = ServicePlan(platform_id=platform_id, subject_type=SubjectType.PERSONAL, name="个人互认服务",
                       operations=list(operations), validity_months=12, price_fen=10000, created_at=now,
                       sign_quota=sign_quota)
    order = Order(account_id=account_id, items=[], amount_fen=10000, placed_at=now,
                  expires_at=now + timedelta(minutes=30))
    ent = Entitlement(holder_kind=HolderKind.ACCOUNT, holder_id=account_id, platform_id=platform_id, plan_id=plan.id,
                      order_id=order.id, operations=list(operations), valid_from=now,
                      valid_until=now + timedelta(days=days), sign_quota=sign_quota)
    async with container.uow() as uow:
        uow.service_plans.add(plan)
        uow.orders.add(order)
        await uow.commit()
    async with container.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent


class PlatformClient:
    """Sends contract operations (tests/contract/operations) as a signed platform."""

    def __init__(self, http, platform: TestPlatform) -> None:
        self.http, self.platform = http, platform

    async def raw(self, query: str, variables: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None,
                  **sign: Any) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        h = headers if headers is not None else self.platform.headers(body, **sign)
        resp = await self.http.post("/graphql", content=body, headers=h)
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def op(self, operation: str, variables: dict[str, Any] | None = None, **sign: Any) -> dict[str, Any]:
        from tests.support.graphql import GraphQLError, _documents

        body = await self.raw(_documents()[operation], variables, **sign)
        if body.get("errors"):
            raise GraphQLError(json.dumps(body["errors"], ensure_ascii=False))
        return body["data"]


# A public address for the platforms' made-up names (platform.example does not resolve): what the tests' resolver
# answers, so deliveries pass the destination check and go to an address the test can see.
PUBLIC_ADDRESS = "93.184.215.14"


def resolving_to(address: str = PUBLIC_ADDRESS, *, sandbox: bool = True, names: dict[str, list[str]] | None = None):
    """A destination guard as the container makes it, with a resolver that answers `address` for every name (or
    what `names` says for the names it lists)."""
    from adapters.vendors.destinations import DestinationGuard

    async def resolve(host: str, port: int) -> list[str]:
        return (names or {}).get(host, [address])

    return DestinationGuard(allow_http=sandbox, allow_loopback=sandbox, resolver=resolve)
