"""The sandbox cashier (收银台): the page a sandbox payment's payUrl opens, where a tester plays the payer and
pays or fails the payment; the sandbox gateway then sends its signed notification to /payments/notify/{channel}
as a real channel would. Server-rendered, no script and no outside assets, so it works in any browser or web
view. Also the sandbox merchant's public keys, to check the app-pay parameters' signatures."""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from adapters.sandbox.payments import CashierView, SandboxPaymentGateway
from domain.commerce.payment import PaymentChannel

CHANNEL_NAMES = {PaymentChannel.SANDBOX: "沙箱支付", PaymentChannel.WECHAT_PAY: "微信支付",
                 PaymentChannel.ALIPAY: "支付宝"}
STATUS_TEXT = {
    "NOTPAY": "待支付",
    "SUCCESS": "支付成功：已通知商户，请回到 App 查看订单。",
    "PAYERROR": "支付失败：没有扣款，可回到 App 重新发起支付。",
    "REFUND": "已退款：款项已退回付款人。",
}
STYLE = ("body{font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;max-width:28rem;"
         "margin:2rem auto;padding:0 1rem;color:#222}.amount{font-size:2rem;margin:.5rem 0}"
         "button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem .5rem .3rem 0}"
         ".note{color:#a33;font-size:.9rem}dt{color:#666}dd{margin:0 0 .6rem 0;word-break:break-all}")


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>", status_code=status_code,
        headers={"Cache-Control": "no-store"})


def _cashier(view: CashierView) -> HTMLResponse:
    amount = f"¥{view.amount_fen // 100}.{view.amount_fen % 100:02d}"
    state = html.escape(STATUS_TEXT.get(view.status, view.status))
    actions = ""
    if view.status == "NOTPAY":
        actions = ("<form method='post'>"
                   "<button type='submit' name='action' value='pay' id='pay'>确认支付</button>"
                   "<button type='submit' name='action' value='fail' id='fail'>支付失败</button></form>")
    return _page("沙箱收银台", (
        f"<h1>沙箱收银台 · {html.escape(CHANNEL_NAMES[view.channel])}</h1>"
        "<p class='note'>这是沙箱环境：不会真实扣款。</p>"
        f"<p class='amount'>{amount}</p>"
        "<dl><dt>商品</dt><dd>数信签证书服务</dd>"
        f"<dt>商户订单号</dt><dd>{html.escape(view.payment_id.hex)}</dd>"
        f"<dt>交易号</dt><dd>{html.escape(view.trade_no)}</dd>"
        f"<dt>状态</dt><dd id='status' data-status='{html.escape(view.status)}'>{state}</dd></dl>"
        f"{actions}"))


def sandbox_cashier_routes(gateway: SandboxPaymentGateway) -> list[Route]:
    async def cashier(request: Request) -> Response:
        channel, trade_no = request.path_params["channel"], request.path_params["trade_no"]
        view = await gateway.cashier(channel, trade_no)
        if view is None:
            return _page("沙箱收银台", "<h1>沙箱收银台</h1><p>该支付不存在或链接有误。</p>", 404)
        if request.method == "POST":
            action = (await request.form()).get("action")
            if action in ("pay", "fail"):
                await gateway.pay_trade(view.trade_no, succeed=action == "pay")
            # After a POST, a GET (303): a reload does not pay twice.
            return RedirectResponse(request.url.path, status_code=303)
        return _cashier(view)

    async def keys(_: Request) -> Response:
        return JSONResponse({c.value: gateway.merchant(c) for c in (PaymentChannel.WECHAT_PAY, PaymentChannel.ALIPAY)})

    return [
        Route("/sandbox/pay/keys", keys),
        Route("/sandbox/pay/{channel}/{trade_no}", cashier, methods=["GET", "POST"]),
    ]
