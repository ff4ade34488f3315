'use strict';
// docs/signing-vectors.json (SXQ_VECTORS, default: the repository's) through this example's own code: the
// signing string and headers of a platform request, the verdict on callbacks, keys from their private halves.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const gm = require('../gm');
const { signingString, signingHeaders } = require('../client');
const { verifyCallback } = require('../platform');

const file = process.env.SXQ_VECTORS || path.join(__dirname, '..', '..', '..', 'docs', 'signing-vectors.json');
const vectors = JSON.parse(fs.readFileSync(file, 'utf8'));
const request = vectors.platformRequest;
const callback = vectors.callback;
const lower = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

test('keys: the public key and its PEM follow from the private key', () => {
  for (const v of [request, callback]) {
    assert.equal(gm.publicKey(v.key.privateKeyHex), v.key.publicKeyHex);
    assert.equal(gm.publicKeyPem(v.key.publicKeyHex).trim(), v.key.publicKeyPem.trim());
  }
});

test('request: body hash, signing string and headers', () => {
  const body = Buffer.from(request.body, 'utf8');
  assert.equal(gm.sm3Hex(body), request.bodySm3Hex);
  assert.equal(signingString(request.timestamp, request.nonce, body), request.signingString);
  const headers = signingHeaders(request.platformCode, request.key.privateKeyHex, body,
    { timestamp: request.timestamp, nonce: request.nonce });
  const { 'X-Signature': mine, ...rest } = headers;
  const { 'X-Signature': given, ...expected } = request.headers;
  assert.deepEqual(rest, expected);
  // SM2 is randomised: ours differs from the vector's, and both verify over the same string.
  assert.ok(gm.verify(request.key.publicKeyHex, request.signingString, mine));
  assert.ok(gm.verify(request.key.publicKeyHex, request.signingString, given));
  assert.ok(!gm.verify(request.key.publicKeyHex, `${request.signingString} `, given));
});

test('callback: the vector verifies, the broken ones do not', () => {
  const cert = { publicKeyHex: callback.key.publicKeyHex };
  const now = Number(callback.timestamp);
  const event = verifyCallback(cert, Buffer.from(callback.body, 'utf8'), lower(callback.headers), now);
  assert.equal(event.eventId, callback.eventId);
  assert.equal(gm.sm3Hex(Buffer.from(callback.body, 'utf8')), callback.bodySm3Hex);
  for (const bad of vectors.callbackMustFail) {
    assert.throws(() => verifyCallback(cert, Buffer.from(bad.body, 'utf8'), lower(bad.headers), now),
      /callback signature invalid/, bad.what);
  }
  assert.throws(() => verifyCallback(cert, Buffer.from(callback.body, 'utf8'), lower(callback.headers), now + 301),
    /timestamp out of range/);
});
