"""Registering the platform with 数信签. Two ways, same result (our callback-signing certificate, PEM):

- an operator runs   sxq platform register --code ... --name ... --region ... \\
                         --callback-url https://platform.example/sxq/callback --public-key-file platform.pub.pem
- or calls the operator API (below): operatorLogin, then registerPlatform with the public key PEM."""

from __future__ import annotations

import json

import httpx

from . import gm

OPERATOR_LOGIN = """mutation OperatorLogin($username: String!, $password: String!) {
  operatorLogin(input: { username: $username, password: $password }) {
    session { accessToken } userErrors { code message }
  }
}"""

REGISTER = """mutation RegisterPlatform($platformCode: String!, $name: String!, $region: String!,
  $callbackUrl: String!, $publicKeyPem: String!) {
  registerPlatform(input: { platformCode: $platformCode, name: $name, region: $region,
                            callbackUrl: $callbackUrl, publicKeyPem: $publicKeyPem }) {
    platform { id platformCode name } callbackSigningCertificatePem userErrors { code field message }
  }
}"""


async def _gql(http: httpx.AsyncClient, url: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = (await http.post(f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
    if body.get("errors"):
        raise RuntimeError(json.dumps(body["errors"], ensure_ascii=False))
    return body["data"]


async def register_with_operator_api(http: httpx.AsyncClient, server_url: str, *, username: str, password: str,
                                     platform_code: str, name: str, region: str, callback_url: str,
                                     private_key: bytes) -> str:
    """Returns the callback-signing certificate PEM to keep beside the platform's configuration."""
    login = (await _gql(http, server_url, OPERATOR_LOGIN, {"username": username, "password": password}))
    token = (login["operatorLogin"]["session"] or {}).get("accessToken")
    if not token:
        raise RuntimeError(f"operator login failed: {login['operatorLogin']['userErrors']}")
    out = (await _gql(http, server_url, REGISTER, {
        "platformCode": platform_code, "name": name, "region": region, "callbackUrl": callback_url,
        "publicKeyPem": gm.public_key_pem(gm.public_key(private_key))}, token))["registerPlatform"]
    if out["userErrors"]:
        raise RuntimeError(json.dumps(out["userErrors"], ensure_ascii=False))
    return out["callbackSigningCertificatePem"]
