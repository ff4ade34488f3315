'use strict';
// The platform's signed GraphQL requests to 数信签 (api/platform.graphql):
//   X-Platform-Code, X-Timestamp (unix seconds), X-Nonce (16-64 [A-Za-z0-9]),
//   X-Signature = base64 DER SM2 (ID 1234567812345678) over
//                 "POST\n/graphql\n{timestamp}\n{nonce}\n{lowercase hex SM3 of the body bytes}"
// Serialise the body once, sign those bytes, send those bytes.
const gm = require('./gm');

const CREATE = `mutation CreateScanSession($operation: ScanOperation!) {
  createScanSession(input: { operation: $operation }) {
    session { tId qrContent expiresAt status watchToken }
    userErrors { code field message }
  }
}`;

const BY_TID = `query ScanSessionByTid($tId: String!) {
  platformScanSession(tId: $tId) {
    tId status operation expiresAt
    result { operation holder { kind name maskedIdNumber personalTransactionCode }
             signingCertificatePem challenge signature }
  }
}`;

function signingString(timestamp, nonce, body) {
  return `POST\n/graphql\n${timestamp}\n${nonce}\n${gm.sm3Hex(body)}`;
}

function signingHeaders(platformCode, privateKeyHex, body, { timestamp, nonce } = {}) {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const n = nonce ?? gm.nonce();
  return {
    'Content-Type': 'application/json',
    'X-Platform-Code': platformCode,
    'X-Timestamp': ts,
    'X-Nonce': n,
    'X-Signature': gm.sign(privateKeyHex, signingString(ts, n, body)),
  };
}

class PlatformApiError extends Error {}

class PlatformClient {
  constructor(serverUrl, platformCode, privateKeyHex) {
    this.serverUrl = serverUrl.replace(/\/$/, '');
    this.code = platformCode;
    this.key = privateKeyHex;
  }

  async call(query, variables = {}) {
    const body = Buffer.from(JSON.stringify({ query, variables }), 'utf8');
    const resp = await fetch(`${this.serverUrl}/graphql`, {
      method: 'POST', body, headers: signingHeaders(this.code, this.key, body),
    });
    const data = await resp.json();
    if (data.errors) throw new PlatformApiError(JSON.stringify(data.errors));
    return data.data;
  }

  async createSession(operation) {
    const out = (await this.call(CREATE, { operation })).createScanSession;
    if (out.userErrors.length) throw new PlatformApiError(JSON.stringify(out.userErrors));
    return out.session;
  }

  async session(tId) {
    return (await this.call(BY_TID, { tId })).platformScanSession;
  }
}

module.exports = { signingString, signingHeaders, PlatformClient, PlatformApiError };
