"""The pages the links texted to a legal rep open (`/l/...`): an approval link (service application §6.3, admin
transfer §8.4, certificate grant §8.5) or the legal-rep invitation (§5.1.1.2). An SMS opens in the phone's
browser, not in the app, so the page hands over to the app by its deep link (`shuxinqian://<kind>?<same query>`)
and says in Chinese what to do when the app is not installed or the browser (WeChat's) will not open it.

The page is static HTML with inline CSS only: no script, no asset from anywhere else, nothing from the database
(the link's ID or token is only passed on; the app signs in and asks the API, which decides what the person may
see). The links sent before these pages existed (`/enterprise/...`, `/app/certificate-grants/approve`) redirect
here with their query, so an SMS already on a phone keeps working."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

APP_SCHEME = "shuxinqian"
LANDING_PREFIX = "/l"
# A global ID (base64url) or an invitation token (prefix_ + token_urlsafe): nothing else is passed on.
_VALUE = re.compile(r"[A-Za-z0-9_\-]{1,200}", re.ASCII)


@dataclass(frozen=True)
class Landing:
    kind: str  # the path under /l/ and the deep link's host
    param: str  # the query parameter the link carries
    title: str
    what: str  # what the person is asked to do, in the app
    old_path: str | None = None  # where links sent before /l/ pointed


LANDINGS = {landing.kind: landing for landing in (
    Landing("service-application", "id", "企业服务申请待您审批",
            "企业成员申请开通企业服务，需要您作为法定代表人在数信签 App 中查看《服务申请授权书》，"
            "用短信验证码确认并签署后，申请人方可购买。", "/enterprise/service-application"),
    Landing("admin-transfer", "id", "企业管理员变更待您审批",
            "企业管理员申请将管理员身份转给另一位成员，需要您作为法定代表人在数信签 App 中查看"
            "《管理员变更授权书》，用短信验证码确认并签署。", "/enterprise/admin-transfer"),
    Landing("certificate-grant", "grant", "企业证书授权待您审批",
            "企业申请授权一位成员使用企业证书，需要您作为法定代表人在数信签 App 中查看《企业证书授权书》，"
            "用短信验证码确认并签署。", "/app/certificate-grants/approve"),
    Landing("legal-rep-invitation", "token", "企业认证：法定代表人授权邀请",
            "企业管理员邀请您完成企业认证授权：在数信签 App 中用接收本短信的手机号登录，完成人脸核验，"
            "并签署《企业认证授权书》。", "/enterprise/legal-rep-invitation"),
)}


def landing_path(kind: str) -> str:
    return f"{LANDING_PREFIX}/{kind}"


def deep_link(landing: Landing, value: str) -> str:
    return f"{APP_SCHEME}://{landing.kind}?{urlencode({landing.param: value})}"


_STYLE = """
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
background:#f5f6f8;color:#1f2329;line-height:1.6}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1.25rem}
h1{font-size:1.35rem;margin:0 0 .75rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin-bottom:1rem;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.open{display:block;text-align:center;background:#c8102e;color:#fff;text-decoration:none;font-size:1.1rem;
padding:.85rem;border-radius:10px;margin:1rem 0 .25rem}
ol{padding-left:1.3rem;margin:.25rem 0}
.note{color:#646a73;font-size:.9rem}
code{word-break:break-all;font-size:.8rem;color:#646a73}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1">'
           f'<meta name="robots" content="noindex"><title>{html.escape(title)} · 数信签</title>'
           f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>")
    # The link's token must not travel on as a Referer; the page needs nothing but its own inline style.
    return HTMLResponse(doc, status_code=status, headers={
        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                                   "form-action 'none'; frame-ancestors 'none'"})


def landing_page(landing: Landing, value: str | None) -> HTMLResponse:
    if value is None or not _VALUE.fullmatch(value):
        return _page("链接不完整", (
            '<div class="card"><h1>链接不完整</h1><p>这个链接缺少内容，可能是复制时被截断了。'
            "请回到短信，点开完整的链接；或直接打开数信签 App，在待办中处理。</p></div>"), status=400)
    link = html.escape(deep_link(landing, value), quote=True)
    return _page(landing.title, (
        f'<div class="card"><h1>{html.escape(landing.title)}</h1><p>{html.escape(landing.what)}</p>'
        f'<a class="open" href="{link}">打开数信签 App 处理</a>'
        '<p class="note">需使用接收本短信的手机号登录；只有您本人可以签署。</p></div>'
        '<div class="card"><h2 style="font-size:1.05rem;margin:0 0 .5rem">点了没有反应？</h2><ol>'
        "<li>还没有安装数信签 App：请在手机的应用商店搜索“数信签”，下载安装。</li>"
        "<li>安装后用接收本短信的手机号注册或登录，并完成实名认证。</li>"
        "<li>回到短信，再点一次这个链接，App 会直接打开待您处理的事项。</li></ol>"
        '<p class="note">在微信、QQ 等 App 内打开时可能无法跳转：请点右上角“…”，选择“在浏览器打开”。</p>'
        f'<p class="note">App 内链接：<code>{link}</code></p></div>'))


def landing_routes() -> list[Route]:
    async def landing(request: Request) -> Response:
        found = LANDINGS.get(request.path_params["kind"])
        if found is None:
            return _page("链接无效", '<div class="card"><h1>链接无效</h1><p>请回到短信，点开完整的链接。</p></div>',
                         status=404)
        return landing_page(found, request.query_params.get(found.param))

    def moved(target: str):
        async def redirect(request: Request) -> Response:
            query = request.url.query
            return RedirectResponse(target + (f"?{query}" if query else ""), status_code=308)
        return redirect

    routes = [Route(LANDING_PREFIX + "/{kind}", landing)]
    routes += [Route(ld.old_path, moved(landing_path(ld.kind))) for ld in LANDINGS.values() if ld.old_path]
    return routes
