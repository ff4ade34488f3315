'use strict';
// The platform's web app (node:http, no framework):
//   GET  /                 a page with the 扫码登录 button
//   POST /login            starts a LOGIN scan session → 303 to /qr/{tId}
//   GET  /qr/{tId}         the QR code (SVG drawn here by qrcode-generator, no script, nothing from a CDN) and the
//                          session's state; it reloads itself every 2 s until the callback has been verified
//   POST /sxq/callback     数信签's signed callbacks (verified, then applied; 400 when they are not ours)
//   GET  /result/{tId}     the outcome as JSON
//   GET  /sessions/{tId}   the session as started (qrContent), as JSON — what a native app of the platform reads
//
// SXQ_URL=http://127.0.0.1:8000 PLATFORM_CODE=DEMOPF00002 PLATFORM_KEY=platform.key CALLBACK_CERT=callback.pem \
//   PORT=9100 node server.js
const fs = require('node:fs');
const http = require('node:http');
const qrcode = require('qrcode-generator');
const { RelyingParty, VerificationError } = require('./platform');

const MAX_CALLBACK_BYTES = 1024 * 1024;
const STATUS_TEXT = { WAITING: '等待扫码', SCANNED: '已扫码，请在手机上确认', CONFIRMED: '已确认', DECLINED: '已拒绝', EXPIRED: '二维码已过期' };

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function qrSvg(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 6, margin: 4, scalable: true });
}

function page(title, body, { refresh = false } = {}) {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="2">' : ''}
<title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto}svg{width:16rem}</style>
</head><body>${body}</body></html>`;
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) { reject(new Error('too large')); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function createServer(party) {
  return http.createServer(async (req, res) => {
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    const json = (status, value) => send(status, 'application/json; charset=utf-8', JSON.stringify(value));
    try {
      const url = new URL(req.url, 'http://platform.invalid');
      const [, first, tId] = url.pathname.split('/');
      if (req.method === 'GET' && url.pathname === '/') {
        return send(200, 'text/html; charset=utf-8', page('示例交易平台（Node.js）',
          '<h1>示例交易平台</h1><form method="post" action="/login"><button>扫码登录</button></form>'));
      }
      if (req.method === 'POST' && url.pathname === '/login') {
        const session = await party.startLogin();
        return send(303, 'text/plain', 'see other', { Location: `/qr/${encodeURIComponent(session.tId)}` });
      }
      if (req.method === 'POST' && url.pathname === '/sxq/callback') {
        const body = await readBody(req, MAX_CALLBACK_BYTES);
        try {
          await party.handleCallback(body, req.headers);
        } catch (err) {
          if (err instanceof VerificationError || err instanceof SyntaxError) {
            return send(400, 'text/plain', 'invalid callback');
          }
          throw err;
        }
        return json(200, { code: 'SUCCESS' });
      }
      const outcome = tId && party.outcomes.get(decodeURIComponent(tId));
      if (req.method === 'GET' && first === 'qr' && outcome) {
        const done = outcome.verified ? `<p id="result">已验证：${escapeHtml(outcome.holder.name)}</p>` : '';
        const failed = outcome.error ? `<p id="error">验证失败：${escapeHtml(outcome.error)}</p>` : '';
        const open = !['CONFIRMED', 'DECLINED', 'EXPIRED'].includes(outcome.status) || (outcome.status === 'CONFIRMED' && !outcome.verified && !outcome.error);
        return send(200, 'text/html; charset=utf-8', page('扫码登录',
          `<h1>请用数信签 App 扫码</h1>${outcome.status === 'WAITING' ? qrSvg(outcome.qrContent) : ''}
<p id="status">${escapeHtml(STATUS_TEXT[outcome.status] || outcome.status)}</p>${done}${failed}`, { refresh: open }));
      }
      if (req.method === 'GET' && first === 'result' && outcome) {
        return json(200, { tId: outcome.tId, status: outcome.status, verified: outcome.verified,
          holder: outcome.holder, error: outcome.error });
      }
      if (req.method === 'GET' && first === 'sessions' && outcome) {
        return json(200, { tId: outcome.tId, qrContent: outcome.qrContent, expiresAt: outcome.expiresAt,
          watchToken: outcome.watchToken });
      }
      return send(404, 'text/plain', 'not found');
    } catch (err) {
      console.error(err);
      return send(500, 'text/plain', 'error');
    }
  });
}

function fromEnv(env = process.env) {
  const party = new RelyingParty({
    serverUrl: env.SXQ_URL || 'http://127.0.0.1:8000',
    platformCode: env.PLATFORM_CODE,
    privateKeyHex: fs.readFileSync(env.PLATFORM_KEY || 'platform.key', 'utf8').trim(),
    rootSm3: env.SXQ_ROOT_SM3 || null,
  });
  // The callback certificate is read when a callback comes, so registration may follow the start (as in the test).
  const certFile = env.CALLBACK_CERT || 'callback.pem';
  Object.defineProperty(party, 'callbackCertificatePem', { get: () => fs.readFileSync(certFile, 'utf8') });
  return party;
}

if (require.main === module) {
  const server = createServer(fromEnv());
  server.listen(Number(process.env.PORT || 9100), process.env.HOST || '127.0.0.1', () => {
    const { address, port } = server.address();
    console.log(`listening http://${address}:${port}`);
  });
}

module.exports = { createServer, fromEnv };
