'use strict';
// Registering the platform with 数信签 through the operator API (operatorLogin, then registerPlatform with the
// public key as SubjectPublicKeyInfo PEM). An operator may instead run `sxq platform register ...`. Either way
// the answer is our callback-signing certificate (PEM), kept beside the platform's configuration.
//
//   SXQ_URL=http://127.0.0.1:8000 OPERATOR_USERNAME=… OPERATOR_PASSWORD=… PLATFORM_CODE=DEMOPF00002 \
//   PLATFORM_NAME=示例交易平台 PLATFORM_REGION=北京市 CALLBACK_URL=http://127.0.0.1:9100/sxq/callback \
//   PLATFORM_KEY=platform.key CALLBACK_CERT=callback.pem node register.js
const fs = require('node:fs');
const gm = require('./gm');

const OPERATOR_LOGIN = `mutation OperatorLogin($username: String!, $password: String!) {
  operatorLogin(input: { username: $username, password: $password }) {
    session { accessToken } userErrors { code message }
  }
}`;

const REGISTER = `mutation RegisterPlatform($platformCode: String!, $name: String!, $region: String!,
  $callbackUrl: String!, $publicKeyPem: String!) {
  registerPlatform(input: { platformCode: $platformCode, name: $name, region: $region,
                            callbackUrl: $callbackUrl, publicKeyPem: $publicKeyPem }) {
    platform { id platformCode name } callbackSigningCertificatePem userErrors { code field message }
  }
}`;

async function gql(serverUrl, query, variables, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const resp = await fetch(`${serverUrl.replace(/\/$/, '')}/graphql`, {
    method: 'POST', headers, body: JSON.stringify({ query, variables }),
  });
  const body = await resp.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function registerWithOperatorApi(serverUrl, { username, password, platformCode, name, region, callbackUrl,
  privateKeyHex }) {
  const login = (await gql(serverUrl, OPERATOR_LOGIN, { username, password })).operatorLogin;
  const token = login.session && login.session.accessToken;
  if (!token) throw new Error(`operator login failed: ${JSON.stringify(login.userErrors)}`);
  const out = (await gql(serverUrl, REGISTER, {
    platformCode, name, region, callbackUrl, publicKeyPem: gm.publicKeyPem(gm.publicKey(privateKeyHex)),
  }, token)).registerPlatform;
  if (out.userErrors.length) throw new Error(JSON.stringify(out.userErrors));
  return out.callbackSigningCertificatePem;
}

async function main() {
  const env = process.env;
  const pem = await registerWithOperatorApi(env.SXQ_URL, {
    username: env.OPERATOR_USERNAME, password: env.OPERATOR_PASSWORD, platformCode: env.PLATFORM_CODE,
    name: env.PLATFORM_NAME, region: env.PLATFORM_REGION, callbackUrl: env.CALLBACK_URL,
    privateKeyHex: fs.readFileSync(env.PLATFORM_KEY, 'utf8').trim(),
  });
  fs.writeFileSync(env.CALLBACK_CERT, pem);
  console.log(`registered ${env.PLATFORM_CODE}; callback-signing certificate in ${env.CALLBACK_CERT}`);
}

if (require.main === module) {
  main().catch((err) => { console.error(String(err.message || err)); process.exit(1); });
}

module.exports = { registerWithOperatorApi };
