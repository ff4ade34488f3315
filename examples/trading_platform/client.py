"""The platform's signed GraphQL requests to 数信签 (platform.graphql):

    X-Platform-Code, X-Timestamp (unix seconds), X-Nonce (16-64 [A-Za-z0-9]),
    X-Signature = base64 DER SM2 (ID 1234567812345678) over
                  "POST\\n/graphql\\n{timestamp}\\n{nonce}\\n{lowercase hex SM3 of the body bytes}"

The body is signed exactly as sent: serialise once, sign those bytes, send those bytes."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

import httpx

from . import gm

PROBLEMS = "fragment Problems on UserError { code field message }"

RESULT_FIELDS = """fragment ResultFields on ScanResult {
  operation
  holder { kind name maskedIdNumber creditCode personalTransactionCode unifiedTransactionCode }
  signingCertificatePem encryptionCertificatePem challenge signature
  signatures { docId signature signedDataDer sealImagePng }
  decryptedKeys { envelopeId keyForPlatform }
}"""

CREATE = """mutation CreateScanSession(
  $operation: ScanOperation!, $documents: [ScanDocumentInput!], $sealOwner: SealOwner,
  $sealKind: SealUse, $continuous: Boolean = false, $envelopes: [EnvelopeInput!]
) {
  createScanSession(input: {
    operation: $operation, documents: $documents, sealOwner: $sealOwner, sealKind: $sealKind,
    continuous: $continuous, envelopes: $envelopes
  }) {
    session { tId qrContent expiresAt status watchToken }
    userErrors { ...Problems }
  }
}
""" + PROBLEMS

BY_TID = """query ScanSessionByTid($tId: String!) {
  platformScanSession(tId: $tId) {
    tId status operation scannedAt confirmedAt expiresAt
    result { ...ResultFields }
  }
}
""" + RESULT_FIELDS


class PlatformApiError(Exception):
    pass


def signing_headers(platform_code: str, private_key: bytes, body: bytes, *, timestamp: int | None = None,
                    nonce: str | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    message = f"POST\n/graphql\n{ts}\n{nonce}\n{gm.sm3_hex(body)}".encode()
    return {"X-Platform-Code": platform_code, "X-Timestamp": ts, "X-Nonce": nonce,
            "X-Signature": base64.b64encode(gm.sign(private_key, message)).decode(),
            "Content-Type": "application/json"}


class PlatformClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, platform_code: str, private_key: bytes) -> None:
        self.http, self.base_url, self.code, self.key = http, base_url.rstrip("/"), platform_code, private_key

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}, separators=(",", ":")).encode()
        resp = await self.http.post(f"{self.base_url}/graphql", content=body,
                                    headers=signing_headers(self.code, self.key, body))
        data = resp.json()
        if data.get("errors"):
            raise PlatformApiError(json.dumps(data["errors"], ensure_ascii=False))
        return data["data"]

    async def create_session(self, operation: str, **kw: Any) -> dict[str, Any]:
        out = (await self.call(CREATE, {"operation": operation, **kw}))["createScanSession"]
        if out["userErrors"]:
            raise PlatformApiError(json.dumps(out["userErrors"], ensure_ascii=False))
        return out["session"]

    async def session(self, t_id: str) -> dict[str, Any] | None:
        return (await self.call(BY_TID, {"tId": t_id}))["platformScanSession"]
