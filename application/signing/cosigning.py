"""CoSigning: how every act that a PIN approves is approved now (SPEC §C).

First call: `ask` makes the signing requests (the messages, with the server's commitments) in the caller's
transaction. Second call: `approve` spends them and finishes each co-signature, s = d_server·(s1 + w1) − r, then
verifies (r, s) as an ordinary SM2 signature under the person's public key before anything happens. A signature
that does not verify means the phone's share came out of a wrong PIN: it is counted on the key (six in a row
lock it) and committed on its own, so the count holds whatever the act does next. The approval commits before
the act: an act that then fails needs a fresh request, like a PIN proof that was spent.

Spending a request and counting on the key are version-checked rows: of parallel finishes of one request exactly
one wins, and parallel finishes of different requests are retried until each is counted."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from application.audit import audit
from application.context import RequestMeta
from application.crypto.ports import Sm2Backend
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.signing.ports import CoSigningHsm
from domain.errors import Conflict, DomainError, InvalidInput
from domain.signing.cosignature import CoSignature, der_signature
from domain.signing.signing_key import SigningKey, SigningKeyRequired
from domain.signing.signing_request import SigningPurpose, SigningRequest, SigningRequestInvalid
from domain.signing.statement import binding, statement

log = logging.getLogger(__name__)

_RETRIES = 50  # parallel approvals on one key serialise through version conflicts; each retry reads afresh


@dataclass(frozen=True)
class Act:
    """An act a person approves: its action name, the canonical input the two calls share, what the app shows."""

    action: str
    purpose: SigningPurpose
    input: dict[str, Any]
    display: str

    @property
    def binding(self) -> str:
        return binding(self.action, self.input)


@dataclass(frozen=True)
class Message:
    """One message of a batch (a scan asks for several): its purpose, the bytes, what the app shows."""

    purpose: SigningPurpose
    data: bytes
    display: str


@dataclass(frozen=True)
class NeedsCoSignature:
    """What the first of the two calls answers: the requests the phone must co-sign (nothing else happened)."""

    requests: list[SigningRequest]


@dataclass(frozen=True)
class CoSigned:
    request: SigningRequest
    signature: bytes  # DER SEQUENCE {r, s}: an ordinary SM2 signature under the key


@dataclass(frozen=True)
class Approval:
    key: SigningKey
    signed: list[CoSigned]

    def evidence(self) -> dict[str, Any]:
        """What the audit log keeps: every statement or message and its signature, in base64."""
        return {"signingKeyId": str(self.key.id), "signed": [
            {"purpose": c.request.purpose.value, "message": base64.b64encode(c.request.message).decode(),
             "signature": base64.b64encode(c.signature).decode()} for c in self.signed]}


async def live_key(uow: UnitOfWork, account_id: UUID) -> SigningKey:
    key = await uow.signing_keys.live_for(account_id)
    if key is None:
        raise SigningKeyRequired()
    key.ensure_usable()
    return key


class CoSigning:
    def __init__(self, uow: UnitOfWorkFactory, hsm: CoSigningHsm, sm2: Sm2Backend, clock: Clock) -> None:
        self._uow, self._hsm, self._sm2, self._clock = uow, hsm, sm2, clock

    @property
    def clock(self) -> Clock:
        return self._clock

    async def ask(self, uow: UnitOfWork, account_id: UUID, act: Act,
                  messages: Sequence[Message] | None = None) -> list[SigningRequest]:
        """The requests for one act, in the caller's transaction (the caller commits). Without `messages`, one
        request over the act's statement (action, input, account, time)."""
        key = await live_key(uow, account_id)
        now = self._clock.now()
        if messages is None:
            messages = [Message(act.purpose, statement(act.action, act.input, account_id, now), act.display)]
        batch_id = uuid4()
        requests = []
        for position, message in enumerate(messages):
            commitment = self._hsm.commit(account_id, key.public_key)
            request = SigningRequest(account_id=account_id, signing_key_id=key.id, public_key=key.public_key,
                                     purpose=message.purpose,
                                     binding=act.binding, message=message.data, display=message.display,
                                     commitment=commitment.point, sealed_nonce=commitment.sealed_nonce,
                                     created_at=now, batch_id=batch_id, position=position)
            uow.signing_requests.add(request)
            requests.append(request)
        return requests

    async def first_call(self, uow: UnitOfWork, account_id: UUID, act: Act,
                         messages: Sequence[Message] | None = None) -> NeedsCoSignature:
        """The answer of an act's first call: its requests, committed in the caller's transaction (which has only
        read so far: nothing else may change before the co-signature)."""
        requests = await self.ask(uow, account_id, act, messages)
        await uow.commit()
        return NeedsCoSignature(requests)

    async def ask_statement(self, account_id: UUID, act: Act) -> NeedsCoSignature:
        """The first call's answer in a transaction of its own."""
        async with self._uow() as uow:
            return await self.first_call(uow, account_id, act)

    async def approve(self, account_id: UUID, act: Act, co_signatures: Sequence[CoSignature],
                      meta: RequestMeta | None, *, field: str = "coSignature",
                      purposes: frozenset[SigningPurpose] | None = None) -> Approval:
        """Spends the batch the co-signatures answer and verifies every one; raises PinIncorrect / PinLocked
        (committed) when they do not verify, SigningRequest* / SigningKeyRequired when they cannot be used."""
        if not co_signatures:
            raise InvalidInput("缺少签名", field=field)
        allowed = purposes or frozenset({act.purpose})
        for attempt in range(_RETRIES):
            try:
                return await self._approve_once(account_id, act, co_signatures, meta, field, allowed)
            except Conflict:
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _approve_once(self, account_id: UUID, act: Act, co_signatures: Sequence[CoSignature],
                            meta: RequestMeta | None, field: str, purposes: frozenset[SigningPurpose]) -> Approval:
        async with self._uow() as uow:
            approval = await self.approve_in(uow, account_id, act, co_signatures, meta, field=field,
                                             purposes=purposes)
            await uow.commit()
            return approval

    async def approve_in(self, uow: UnitOfWork, account_id: UUID, act: Act, co_signatures: Sequence[CoSignature],
                         meta: RequestMeta | None, *, field: str,
                         purposes: frozenset[SigningPurpose]) -> Approval:
        """`approve` inside the caller's transaction, so the act that needs the approval decides in the same one
        (it reads each fact once). Commits the count and raises when the co-signatures do not verify; when they
        verify, the caller commits (or, refusing the act, spends nothing)."""
        if not co_signatures:
            raise InvalidInput("缺少签名", field=field)
        now = self._clock.now()
        requests = await self._batch(uow, account_id, act, co_signatures, field, purposes)
        key = await uow.signing_keys.get(requests[0].signing_key_id)
        if key is None or key.account_id != account_id or key.live_account_id != account_id:
            raise SigningRequestInvalid("签名密钥已更换，请重新发起", field=field)
        key.ensure_usable()
        signed, verified = [], True
        for request, co in zip(requests, co_signatures, strict=True):
            try:
                nonce = request.spend(now)
            except DomainError as err:  # used or expired: the client's field, nothing counted
                raise err.at(field) from None
            s = self._hsm.finish(account_id, key.public_key, key.sealed_server_share, nonce, co.r, co.s1)
            signature = der_signature(co.r, s) if s else b""
            if not s or not self._sm2.verify(key.public_key, request.message, signature):
                verified = False
            signed.append(CoSigned(request, signature))
        await uow.signing_requests.record_spent(requests)
        detail = {"signing_key_id": str(key.id), "action": act.action, "requests": len(requests)}
        if verified:
            key.cosignature_verified()
            audit(uow, "signing.cosigned", now, meta, account_id=account_id, **detail)
            return Approval(key, signed)
        error = key.cosignature_failed(now)
        audit(uow, "signing.cosignature_failed", now, meta, ok=False, account_id=account_id,
              attempts_left=key.attempts_left, **detail)
        await uow.commit()
        raise error.at(field)

    @staticmethod
    async def _batch(uow: UnitOfWork, account_id: UUID, act: Act, co_signatures: Sequence[CoSignature],
                     field: str, purposes: frozenset[SigningPurpose]) -> list[SigningRequest]:
        """The requests answered, in the order given, which must be one whole batch made for this act."""
        # The whole batch of the first request in one statement; when it holds every request answered (the
        # usual case), nothing else is read. Anything else takes the request-by-request path below, whose
        # refusals name the field at fault.
        batch = await uow.signing_requests.batch_of(co_signatures[0].request_id)
        by_id = {r.id: r for r in batch}
        if all(co.request_id in by_id for co in co_signatures):
            requests = [by_id[co.request_id] for co in co_signatures]
            for i, request in enumerate(requests):
                try:
                    request.ensure_for(account_id, purposes, act.binding)
                except SigningRequestInvalid as err:
                    raise err.at(f"{field}.{i}.requestId" if len(requests) > 1 else f"{field}.requestId") from None
            if sorted(r.id for r in requests) != sorted(by_id):
                raise SigningRequestInvalid("须对本次操作的全部签名请求逐一签名", field=field)
            return requests
        requests = []
        for i, co in enumerate(co_signatures):
            at = f"{field}.{i}" if len(co_signatures) > 1 else field
            request = await uow.signing_requests.get(co.request_id)
            if request is None:
                raise SigningRequestInvalid(field=f"{at}.requestId")
            try:
                request.ensure_for(account_id, purposes, act.binding)
            except SigningRequestInvalid as err:
                raise err.at(f"{at}.requestId") from None
            requests.append(request)
        batch = await uow.signing_requests.batch(requests[0].batch_id)
        if sorted(r.id for r in requests) != sorted(r.id for r in batch) or any(
                r.batch_id != requests[0].batch_id for r in requests):
            raise SigningRequestInvalid("须对本次操作的全部签名请求逐一签名", field=field)
        return requests

