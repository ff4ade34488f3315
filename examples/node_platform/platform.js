'use strict';
// The relying party: starts scan sessions, verifies our callbacks and acts on results.
const gm = require('./gm');
const { PlatformClient } = require('./client');

const CALLBACK_MAX_SKEW_SECONDS = 300;
const RANK = { WAITING: 0, SCANNED: 1, CONFIRMED: 2, DECLINED: 2, EXPIRED: 2 };

class VerificationError extends Error {}

function verifyCallback(callbackCert, body, headers, nowSeconds) {
  // X-Signature = base64 DER SM2 over "{X-Timestamp}\n{X-Event-Id}\n{sm3 hex of body}" by the callback-signing
  // certificate; the timestamp within 5 minutes; the body's eventId equal to the header's.
  const eventId = headers['x-event-id'];
  const ts = headers['x-timestamp'];
  const sig = headers['x-signature'];
  if (!eventId || !ts || !sig) throw new VerificationError('callback headers missing');
  if (!/^[0-9]{1,12}$/.test(ts) || Math.abs(Number(ts) - nowSeconds) > CALLBACK_MAX_SKEW_SECONDS) {
    throw new VerificationError('callback timestamp out of range');
  }
  const message = `${ts}\n${eventId}\n${gm.sm3Hex(body)}`;
  if (!gm.verify(callbackCert.publicKeyHex, message, sig)) throw new VerificationError('callback signature invalid');
  const event = JSON.parse(body.toString('utf8'));
  if (event.eventId !== eventId) throw new VerificationError('eventId of header and body differ');
  return event;
}

function verifyLogin(result, tId, platformCode) {
  // The holder's signature over the challenge (canonical JSON naming our session and platform) under the signing
  // certificate's key. Returns the certificate; its chain is checked by the caller.
  const cert = gm.parseCertificate(result.signingCertificatePem);
  const challenge = Buffer.from(result.challenge, 'base64');
  const fields = JSON.parse(challenge.toString('utf8'));
  if (fields.tId !== tId || fields.platformCode !== platformCode) {
    throw new VerificationError('the challenge does not bind this session and platform');
  }
  if (!gm.verify(cert.publicKeyHex, challenge, result.signature)) throw new VerificationError('login signature invalid');
  return cert;
}

class RelyingParty {
  constructor({ serverUrl, platformCode, privateKeyHex, callbackCertificatePem = '', rootSm3 = null }) {
    this.serverUrl = serverUrl.replace(/\/$/, '');
    this.platformCode = platformCode;
    this.api = new PlatformClient(serverUrl, platformCode, privateKeyHex);
    this.callbackCertificatePem = callbackCertificatePem;
    this.rootSm3 = rootSm3; // pin the root's SM3 fingerprint in production
    this.outcomes = new Map(); // tId → { tId, operation, status, verified, holder, error, qrContent }
    this.eventsSeen = new Set();
    this._trust = null;
  }

  async trust() {
    // Our root and issuing CA, fetched once: the issuing CA must be issued by the root (pinned when configured).
    if (!this._trust) {
      const get = async (name) => (await fetch(`${this.serverUrl}/ca/certs/${name}.pem`)).text();
      const root = gm.parseCertificate(await get('root'));
      const issuing = gm.parseCertificate(await get('issuing'));
      if (this.rootSm3 && gm.sm3Fingerprint(root) !== this.rootSm3.toLowerCase()) {
        throw new VerificationError('root certificate is not the pinned one');
      }
      if (!gm.issuedBy(root, root) || !gm.issuedBy(issuing, root)) {
        throw new VerificationError('CA chain does not verify');
      }
      this._trust = { root, issuing };
    }
    return this._trust;
  }

  async checkCertificate(cert) {
    const { issuing } = await this.trust();
    if (!gm.issuedBy(cert, issuing)) throw new VerificationError('certificate not issued by the 数信签 issuing CA');
  }

  async startLogin() {
    const session = await this.api.createSession('LOGIN');
    this.outcomes.set(session.tId, {
      tId: session.tId, operation: 'LOGIN', status: session.status, verified: false, holder: null, error: null,
      qrContent: session.qrContent, watchToken: session.watchToken, expiresAt: session.expiresAt,
    });
    return session;
  }

  async handleCallback(body, headers) {
    // Verifies and applies one callback; throws VerificationError (answer 400) if it is not ours. A repeated
    // eventId is acknowledged and ignored (retries carry the same event).
    const callbackCert = gm.parseCertificate(this.callbackCertificatePem);
    await this.checkCertificate(callbackCert);
    const event = verifyCallback(callbackCert, body, headers, Math.floor(Date.now() / 1000));
    const outcome = this.outcomes.get(event.tId);
    if (this.eventsSeen.has(event.eventId)) return outcome;
    if (!outcome) throw new VerificationError('callback for a session this platform did not start');
    if ((RANK[event.type] ?? 0) >= (RANK[outcome.status] ?? 0)) outcome.status = event.type;
    if (event.type === 'CONFIRMED') {
      try {
        const cert = verifyLogin(event.result, outcome.tId, this.platformCode);
        await this.checkCertificate(cert);
        outcome.holder = event.result.holder;
        outcome.verified = true;
      } catch (err) {
        outcome.error = String(err.message || err);
      }
    }
    this.eventsSeen.add(event.eventId);
    return outcome;
  }
}

module.exports = { RelyingParty, VerificationError, verifyCallback, verifyLogin };
