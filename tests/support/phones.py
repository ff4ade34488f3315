"""The phone in the tests: the phone library (sxq_phone) driven as the app drives it (SPEC §C).

Application-level tests hand it the SigningRequest aggregates a first call answered; GraphQL tests hand it the
`signingRequest` objects of a payload. Either way the phone checks what it is asked to sign against what the app
shows (an OnScreen), decrypts its share with the PIN and co-signs."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.signing.cosignature import CoSignature
from domain.signing.signing_request import SigningRequest
from sxq_phone import OnScreen, Phone

TEST_PIN = "135790"
WRONG_PIN = "246802"
KDF_LOG_N = 10  # the phone's PIN KDF at its cheapest: tests co-sign thousands of times


def request_mapping(request: SigningRequest | Mapping[str, Any]) -> Mapping[str, Any]:
    """A SigningRequest as the GraphQL SigningRequest object carries it (ids are the local UUIDs here)."""
    if isinstance(request, Mapping):
        return request
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return {"id": str(request.id), "purpose": request.purpose.value, "message": b64(request.message),
            "display": request.display, "serverCommitment": b64(request.commitment),
            "publicKey": b64(request.public_key), "expiresAt": request.expires_at.isoformat()}


class Phones:
    """Each account's phone, once enrolled."""

    def __init__(self) -> None:
        self._phones: dict[Any, Phone] = {}

    def keep(self, owner: Any, phone: Phone) -> Phone:
        self._phones[owner] = phone
        return phone

    def of(self, owner: Any) -> Phone:
        return self._phones[owner]

    def has(self, owner: Any) -> bool:
        return owner in self._phones

    def co_sign(self, owner: Any, requests: Sequence[SigningRequest | Mapping[str, Any]], screen: OnScreen,
                pin: str = TEST_PIN) -> list[CoSignature]:
        """Co-signatures as the use cases take them (request ids as UUIDs)."""
        signed = self.of(owner).co_sign_all([request_mapping(r) for r in requests], pin, screen)
        return [CoSignature(UUID(c.request_id), c.r, c.s1) for c in signed]

    def co_sign_inputs(self, owner: Any, requests: Sequence[Mapping[str, Any]], screen: OnScreen,
                       pin: str = TEST_PIN) -> list[dict[str, str]]:
        """Co-signatures as GraphQL takes them (CoSignatureInput: requestId is the global id)."""
        return [c.as_input() for c in self.of(owner).co_sign_all(list(requests), pin, screen)]


def finish_enrolment(enrolment, pin: str, server_public_share, public_key) -> Phone:
    return enrolment.finish(pin, server_public_share, public_key, kdf_log_n=KDF_LOG_N)


def evidence_statement(event) -> dict[str, Any]:
    """The statement an audit event keeps as evidence of a one-statement act, decoded."""
    import json

    (signed,) = event.detail["evidence"]["signed"]
    return json.loads(base64.b64decode(signed["message"]))


async def evidence_verifies(app, account_id: UUID, event) -> bool:
    """The audit event's evidence: a statement and an SM2 signature over it under the person's live signing key."""
    async with app.uow() as uow:
        key = await uow.signing_keys.live_for(account_id)
    (signed,) = event.detail["evidence"]["signed"]
    assert event.detail["evidence"]["signingKeyId"] == str(key.id)
    return app.sm2.verify(key.public_key, base64.b64decode(signed["message"]), base64.b64decode(signed["signature"]))
