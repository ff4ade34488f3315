'use strict';
// SM2 / SM3 for the platform, on sm-crypto (npm). SM2 signatures are SM2-with-SM3 over Z || message with the
// signer ID 1234567812345678 (GB/T 32918), DER-encoded (SEQUENCE of r, s) and sent in base64. Keys are hex:
// the private key 64 hex digits, the public key 04 || x || y (130 hex digits). No 数信签 server code here.
const { sm2, sm3 } = require('sm-crypto');
const crypto = require('node:crypto');

const SIGNER_ID = '1234567812345678';
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

function sm3Hex(data) {
  // sm-crypto hashes a string as UTF-8 and an array-like as bytes; always hash the exact bytes sent.
  return sm3(Buffer.isBuffer(data) || data instanceof Uint8Array ? Array.from(data) : data);
}

function newPrivateKey() {
  return sm2.generateKeyPairHex().privateKey;
}

function publicKey(privateKeyHex) {
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex);
}

function sign(privateKeyHex, message) {
  const der = sm2.doSignature(bytes(message), privateKeyHex,
    { der: true, hash: true, userId: SIGNER_ID, publicKey: publicKey(privateKeyHex) });
  return Buffer.from(der, 'hex').toString('base64');
}

function verify(publicKeyHex, message, signatureB64) {
  let sigHex;
  try {
    sigHex = Buffer.from(signatureB64, 'base64').toString('hex');
  } catch {
    return false;
  }
  if (!sigHex) return false;
  try {
    return sm2.doVerifySignature(bytes(message), sigHex, publicKeyHex, { der: true, hash: true, userId: SIGNER_ID });
  } catch {
    return false;
  }
}

function bytes(message) {
  return Buffer.isBuffer(message) || message instanceof Uint8Array ? Buffer.from(message) : Buffer.from(message, 'utf8');
}

function publicKeyPem(publicKeyHex) {
  // SubjectPublicKeyInfo: id-ecPublicKey with the curve sm2p256v1 (1.2.156.10197.1.301), what registration takes.
  const der = Buffer.concat([SM2_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]);
  const b64 = der.toString('base64').match(/.{1,64}/g).join('\n');
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
}

// --- a minimal DER reader: enough to take an X.509 certificate apart (tbs, signature, key, validity) ----------

function readTlv(buf, offset) {
  const tag = buf[offset];
  let len = buf[offset + 1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error('DER length not supported');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    header = 2 + n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw new Error('DER truncated');
  return { tag, start: offset, contentStart: offset + header, end };
}

function children(buf, tlv) {
  const out = [];
  for (let at = tlv.contentStart; at < tlv.end;) {
    const child = readTlv(buf, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function pemToDer(pem) {
  const b64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(b64, 'base64');
}

function parseTime(buf, tlv) {
  const s = buf.subarray(tlv.contentStart, tlv.end).toString('ascii');
  const full = tlv.tag === 0x17 ? (Number(s.slice(0, 2)) < 50 ? '20' : '19') + s : s; // UTCTime or GeneralizedTime
  return new Date(`${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`);
}

function parseCertificate(pem) {
  const der = pemToDer(pem);
  const cert = readTlv(der, 0);
  const [tbs, , sigValue] = children(der, cert);
  const fields = children(der, tbs);
  const i = fields[0].tag === 0xa0 ? 1 : 0; // [0] version is optional
  const validity = children(der, fields[i + 3]);
  const spki = children(der, fields[i + 5]);
  const keyBits = der.subarray(spki[1].contentStart + 1, spki[1].end); // skip the unused-bits byte
  return {
    der,
    tbs: der.subarray(tbs.start, tbs.end),
    signature: der.subarray(sigValue.contentStart + 1, sigValue.end).toString('base64'),
    issuer: der.subarray(fields[i + 2].start, fields[i + 2].end).toString('hex'),
    subject: der.subarray(fields[i + 4].start, fields[i + 4].end).toString('hex'),
    notBefore: parseTime(der, validity[0]),
    notAfter: parseTime(der, validity[1]),
    publicKeyHex: keyBits.toString('hex'),
  };
}

function issuedBy(cert, issuer, now = new Date()) {
  // The issuer's SM2 signature over the to-be-signed certificate, names chained, and both in their validity.
  return cert.issuer === issuer.subject && verify(issuer.publicKeyHex, cert.tbs, cert.signature)
    && cert.notBefore <= now && now <= cert.notAfter && issuer.notBefore <= now && now <= issuer.notAfter;
}

function sm3Fingerprint(cert) {
  return sm3Hex(cert.der);
}

function nonce() {
  return crypto.randomBytes(16).toString('hex');
}

module.exports = {
  SIGNER_ID, sm3Hex, newPrivateKey, publicKey, sign, verify, publicKeyPem, parseCertificate, issuedBy,
  sm3Fingerprint, nonce,
};
