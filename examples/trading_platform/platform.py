"""The relying party's logic, without the web: start scan sessions, receive callbacks, act on results.

LOGIN   → verify the holder's signature over the challenge, the certificate chain to 数信签's root, OCSP good.
SIGN    → prepare a PDF (placeholder + SM3 of its byte range), verify each returned signature and SignedData,
          merge the SignedData into the PDF.
DECRYPT → the platform sealed a bid under a fresh SM4 key and SM2-encrypted that key to the bidder's
          encryption certificate; after DECRYPT it decrypts keyForPlatform with its own key, then the bid."""

from __future__ import annotations

import base64
import os
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import gm, pdf, pki
from .client import PlatformClient

_RANK = {"WAITING": 0, "SCANNED": 1, "CONFIRMED": 2, "DECLINED": 2, "EXPIRED": 2}


@dataclass
class Bid:
    envelope_id: str
    sm2_cipher_der: bytes  # the SM4 key, SM2-encrypted to the bidder's encryption certificate
    sealed: bytes  # the bid, SM4-GCM under that key (kept by the platform until the opening)


@dataclass
class Outcome:
    t_id: str
    operation: str
    status: str = "WAITING"
    verified: bool = False
    holder: dict[str, Any] | None = None
    error: str | None = None
    signed_pdf: bytes | None = None
    opened_bids: dict[str, bytes] = field(default_factory=dict)


@dataclass
class RelyingParty:
    server_url: str  # 数信签, e.g. http://127.0.0.1:8000
    platform_code: str
    private_key: bytes
    callback_certificate_pem: str
    http: httpx.AsyncClient
    root_sm3_hex: str | None = None  # pin the root in production

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    events_seen: set[str] = field(default_factory=set)
    prepared: dict[str, dict[str, pdf.PreparedPdf]] = field(default_factory=dict)
    bids: dict[str, Bid] = field(default_factory=dict)
    watch_tokens: dict[str, str] = field(default_factory=dict)
    qr_contents: dict[str, str] = field(default_factory=dict)
    _trust: pki.TrustStore | None = None

    @property
    def api(self) -> PlatformClient:
        return PlatformClient(self.http, self.server_url, self.platform_code, self.private_key)

    async def trust(self) -> pki.TrustStore:
        if self._trust is None:
            self._trust = await pki.TrustStore.fetch(self.http, self.server_url, root_sm3_hex=self.root_sm3_hex)
            callback_cert = pki.load_pem_certificate(self.callback_certificate_pem)
            self._trust.check_chain(callback_cert)
        return self._trust

    # ------------------------------------------------------------------ starting sessions

    async def start(self, operation: str, **kw: Any) -> dict[str, Any]:
        session = await self.api.create_session(operation, **kw)
        self.outcomes[session["tId"]] = Outcome(session["tId"], operation)
        self.watch_tokens[session["tId"]] = session["watchToken"]
        self.qr_contents[session["tId"]] = session["qrContent"]
        return session

    async def start_login(self) -> dict[str, Any]:
        return await self.start("LOGIN")

    async def start_sign(self, documents: dict[str, tuple[str, bytes]], *, seal_owner: str = "PERSONAL",
                         seal_kind: str = "SIGNATURE") -> dict[str, Any]:
        """documents: docId → (file name, PDF bytes). One scan signs them all (continuous when several)."""
        prepared = {doc_id: await pdf.prepare(data) for doc_id, (_, data) in documents.items()}
        session = await self.start("SIGN", documents=[
            {"docId": doc_id, "fileName": name, "sm3Hex": prepared[doc_id].sm3_hex}
            for doc_id, (name, _) in documents.items()], sealOwner=seal_owner, sealKind=seal_kind,
            continuous=len(documents) > 1)
        self.prepared[session["tId"]] = prepared
        return session

    def seal_bid(self, encryption_certificate_pem: str, bid: bytes) -> Bid:
        """What a bidder's tool does at submission: a fresh SM4 key seals the bid; the key goes to the bidder's
        encryption certificate. Only the bidder (through DECRYPT, with the PIN) can open it."""
        key = secrets.token_bytes(16)
        cert = pki.load_pem_certificate(encryption_certificate_pem)
        envelope_id = "bid-" + uuid.uuid4().hex[:12]
        sealed = gm.sm4_gcm_encrypt(key, bid, aad=envelope_id.encode())
        b = Bid(envelope_id, gm.encrypt(gm.certificate_public_key(cert), key), sealed)
        self.bids[envelope_id] = b
        return b

    async def start_decrypt(self, bids: list[Bid]) -> dict[str, Any]:
        return await self.start("DECRYPT", envelopes=[
            {"envelopeId": b.envelope_id, "sm2CipherDer": base64.b64encode(b.sm2_cipher_der).decode()}
            for b in bids])

    # ------------------------------------------------------------------ callbacks and results

    async def handle_callback(self, body: bytes, headers) -> Outcome | None:
        """Verifies and applies one callback; raises pki.VerificationError (answer 400) if it is not ours.
        A repeated eventId is acknowledged and ignored (retries are the same event)."""
        cert = pki.load_pem_certificate(self.callback_certificate_pem)
        await self.trust()
        event = pki.verify_callback(cert, body, headers, now=time.time())
        if event["eventId"] in self.events_seen:
            return self.outcomes.get(event["tId"])
        outcome = self.outcomes.get(event["tId"])
        if outcome is None:
            raise pki.VerificationError("callback for a session this platform did not start")
        # Callbacks may arrive out of order (several workers deliver them): never step back.
        if _RANK.get(event["type"], 0) >= _RANK.get(outcome.status, 0):
            outcome.status = event["type"]
        if event["type"] == "CONFIRMED":
            try:
                await self.apply_result(outcome, event["result"])
            except (pki.VerificationError, ValueError, KeyError) as exc:
                outcome.error = str(exc)
        self.events_seen.add(event["eventId"])
        return outcome

    async def apply_result(self, outcome: Outcome, result: dict[str, Any]) -> None:
        trust = await self.trust()
        op = outcome.operation
        if op in ("LOGIN", "ENCRYPT"):
            cert = pki.verify_login(result, t_id=outcome.t_id, platform_code=self.platform_code)
        else:
            cert = pki.load_pem_certificate(result["signingCertificatePem"])
        await trust.check_certificate(self.http, cert)
        if op == "SIGN":
            prepared = self.prepared[outcome.t_id]
            signed = {item["docId"]: item for item in result["signatures"]}
            if set(signed) != set(prepared):
                raise pki.VerificationError("signatures do not cover the documents")
            for doc_id, prep in prepared.items():
                der = pki.verify_signed_hash(cert, prep.sm3_hex, signed[doc_id])
                outcome.signed_pdf = await pdf.finish(prep, der)  # (one document in this example's page)
        if op == "DECRYPT":
            for item in result["decryptedKeys"]:
                bid = self.bids[item["envelopeId"]]
                key = gm.decrypt(self.private_key, base64.b64decode(item["keyForPlatform"]))
                outcome.opened_bids[bid.envelope_id] = gm.sm4_gcm_decrypt(key, bid.sealed,
                                                                          aad=bid.envelope_id.encode())
        outcome.holder = result.get("holder")
        outcome.verified = True

    async def poll(self, t_id: str) -> Outcome:
        """The third channel: platformScanSession(tId), verified the same way as a callback's result."""
        data = await self.api.session(t_id)
        outcome = self.outcomes[t_id]
        if data is not None:
            outcome.status = data["status"]
            if data["status"] == "CONFIRMED" and not outcome.verified and data.get("result"):
                await self.apply_result(outcome, data["result"])
        return outcome


def new_key_file(path: str) -> bytes:
    """Makes (once) the platform's SM2 private key, stored as hex; returns it."""
    if os.path.exists(path):
        with open(path) as f:
            return bytes.fromhex(f.read().strip())
    key = gm.new_private_key()
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(key.hex())
    return key
