'use strict';
// node keygen.js platform.key platform.pub.pem — a new SM2 key pair: the private key (hex, mode 0600) stays
// with the platform; the public key (SubjectPublicKeyInfo PEM) goes to 数信签 at registration.
const fs = require('node:fs');
const gm = require('./gm');

const [keyFile = 'platform.key', pubFile = 'platform.pub.pem'] = process.argv.slice(2);
const key = gm.newPrivateKey();
fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
fs.writeFileSync(pubFile, gm.publicKeyPem(gm.publicKey(key)));
console.log(`${keyFile} (private, keep it) and ${pubFile} (give it to 数信签)`);
