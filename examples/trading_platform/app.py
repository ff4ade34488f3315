"""The platform's own web app (Starlette): a QR page that follows the session live, and the callback
endpoint that 数信签 POSTs to.

    GET  /                 buttons: 扫码登录 / 扫码签章 (a sample PDF)
    POST /login, /sign     create a session, redirect to its QR page
    GET  /qr/{tId}         the QR (drawn by the vendored static/qrcode-generator) and a graphql-transport-ws
                           subscription with the watchToken; on CONFIRMED it shows the verified result in place
    POST /sxq/callback     verified callbacks (400 when the signature or certificate does not check)
    GET  /result/{tId}     the verified outcome (JSON); /result/{tId}.pdf the signed PDF

Run:  SXQ_URL=http://127.0.0.1:8000 PLATFORM_CODE=DEMOPF00001 PLATFORM_KEY=platform.key \\
      CALLBACK_CERT=callback.pem uvicorn examples.trading_platform.app:app --port 9000"""

from __future__ import annotations

import html
import json
import logging
import os
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import pki
from .platform import RelyingParty, new_key_file

log = logging.getLogger(__name__)

QR_PAGE = """<!doctype html><meta charset="utf-8"><title>扫码</title>
<h1>请使用数信签 App 扫码</h1>
<div id="qr" data-content="{qr}"></div>
<p>二维码内容：<code id="qr-text">{qr}</code></p>
<p>状态：<b id="status">WAITING</b></p>
<p id="problem" hidden></p>
<section id="result" hidden><h2>结果</h2><p id="result-text"></p></section>
<script src="/static/qrcode-generator-2.0.4.js"></script>
<script>
// The QR is drawn here from the vendored library (nothing comes from a CDN).
const content = document.getElementById("qr").dataset.content;
qrcode.stringToBytes = qrcode.stringToBytesFuncs["UTF-8"];
const code = qrcode(0, "M");
code.addData(content, "Byte");
code.make();
document.getElementById("qr").innerHTML = code.createSvgTag({{cellSize: 5, margin: 20, alt: "扫码二维码"}});

const tId = {t_id};
const show = (id, text) => {{ const el = document.getElementById(id); el.textContent = text; el.hidden = false; }};
// The session's status comes from 数信签 over a WebSocket (this page's origin must be in its
// SXQ_ALLOWED_ORIGINS); the verified result comes from this platform's own server (the callback), fetched
// without leaving the page.
async function showResult() {{
  for (let i = 0; i < 60; i++) {{
    const r = await (await fetch("/result/" + encodeURIComponent(tId))).json();
    if (r.verified) {{
      const who = r.holder && r.holder.name ? r.holder.name : "";
      show("result-text", "已验证" + (who ? "：" + who : "") + (r.operation === "SIGN" ? "（已签章）" : ""));
      document.getElementById("result").hidden = false;
      return;
    }}
    if (r.error) {{ show("problem", "结果未通过验证：" + r.error); return; }}
    await new Promise((done) => setTimeout(done, 500));
  }}
  show("problem", "未收到结果，请刷新重试");
}}
let finished = false;
const ws = new WebSocket({ws_url}, "graphql-transport-ws");
ws.onopen = () => ws.send(JSON.stringify({{type: "connection_init"}}));
ws.onclose = (e) => {{ if (!finished) show("problem", "与数信签的连接已断开（" + e.code + "），状态无法更新"); }};
ws.onmessage = (m) => {{
  const msg = JSON.parse(m.data);
  if (msg.type === "connection_ack") ws.send(JSON.stringify({{id: "1", type: "subscribe", payload: {{
    query: "subscription($tId: String!, $w: String!) {{ scanSessionChanged(tId: $tId, watchToken: $w) {{ tId status }} }}",
    variables: {{tId: tId, w: {watch}}} }}}}));
  if (msg.type === "next") {{
    const s = msg.payload.data.scanSessionChanged.status, el = document.getElementById("status");
    el.textContent = s;
    el.dataset.live = "yes";  // the status now comes from 数信签, not the page's initial text
    if (s === "CONFIRMED") {{ finished = true; showResult(); }}
    if (s === "DECLINED" || s === "EXPIRED") finished = true;
  }}
  if (msg.type === "error") show("problem", "订阅被拒绝");
  if (msg.type === "complete") finished = true;
  if (msg.type === "ping") ws.send(JSON.stringify({{type: "pong"}}));
}};
</script>"""


def create_app(party: RelyingParty) -> Starlette:
    async def index(_: Request) -> Response:
        return HTMLResponse("<meta charset='utf-8'><h1>示例交易平台</h1><form method=post action=/login>"
                            "<button>扫码登录</button></form><form method=post action=/sign><button>扫码签章"
                            "</button></form>")

    async def login(_: Request) -> Response:
        session = await party.start_login()
        return RedirectResponse(f"/qr/{session['tId']}", status_code=303)

    async def sign(_: Request) -> Response:
        session = await party.start_sign({"doc-1": ("投标文件.pdf", sample_pdf())})
        return RedirectResponse(f"/qr/{session['tId']}", status_code=303)

    async def qr(request: Request) -> Response:
        t_id = request.path_params["t_id"]
        if t_id not in party.watch_tokens:
            return Response("not found", status_code=404)
        qr_content = party.qr_contents.get(t_id, "")
        ws_url = party.server_url.replace("http", "ws", 1) + "/graphql"
        return HTMLResponse(QR_PAGE.format(qr=html.escape(qr_content), ws_url=json.dumps(ws_url),
                                           t_id=json.dumps(t_id), watch=json.dumps(party.watch_tokens[t_id])))

    async def callback(request: Request) -> Response:
        body = await request.body()
        try:
            await party.handle_callback(body, request.headers)
        except pki.VerificationError as exc:
            log.warning("refused a callback: %s", exc)
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})

    async def result(request: Request) -> Response:
        t_id = request.path_params["t_id"]
        outcome = party.outcomes.get(t_id)
        if outcome is None:
            return Response("not found", status_code=404)
        if request.path_params.get("pdf"):
            return Response(outcome.signed_pdf or b"", media_type="application/pdf")
        return JSONResponse({"tId": t_id, "operation": outcome.operation, "status": outcome.status,
                             "verified": outcome.verified, "holder": outcome.holder, "error": outcome.error,
                             "openedBids": {k: v.decode("utf-8", "replace") for k, v in outcome.opened_bids.items()}})

    async def result_pdf(request: Request) -> Response:
        request.path_params["pdf"] = True
        return await result(request)

    return Starlette(routes=[
        Route("/", index), Route("/login", login, methods=["POST"]), Route("/sign", sign, methods=["POST"]),
        Route("/qr/{t_id}", qr), Route("/sxq/callback", callback, methods=["POST"]),
        Route("/result/{t_id}.pdf", result_pdf), Route("/result/{t_id}", result),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ])


def sample_pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=14)
    doc.cell(text="Bid document - sample")
    return bytes(doc.output())


def _from_env() -> Starlette:
    with open(os.environ["CALLBACK_CERT"]) as f:
        cert = f.read()
    party = RelyingParty(server_url=os.environ.get("SXQ_URL", "http://127.0.0.1:8000"),
                         platform_code=os.environ["PLATFORM_CODE"],
                         private_key=new_key_file(os.environ.get("PLATFORM_KEY", "platform.key")),
                         callback_certificate_pem=cert, http=httpx.AsyncClient(timeout=10),
                         root_sm3_hex=os.environ.get("SXQ_ROOT_SM3") or None)
    return create_app(party)


def __getattr__(name: str):  # `uvicorn examples.trading_platform.app:app` builds it from the environment
    if name == "app":
        return _from_env()
    raise AttributeError(name)
