"""The parameter sets the channels' app SDKs take, read from a payment's pay URL.

Both the production adapters (adapters/vendors/wechatpay.py, alipay.py) and the sandbox gateway put the signed
fields in the pay URL, so one reading serves both and the app sees the same shapes in either:

- WECHAT_PAY: the query of `weixin://app/pay?…` (production) or of the sandbox cashier URL is the PayReq
  (appid, partnerid, prepayid, package, noncestr, timestamp, sign), form-encoded;
- ALIPAY: the order string handed to the SDK's payV2 is the whole pay URL (production) or the query of the
  sandbox cashier URL.

A pay URL without those fields (the simulated SANDBOX channel) has no parameter set."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from domain.commerce.payment import PaymentChannel

WECHAT_FIELDS = ("appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign")
ALIPAY_FIELDS = ("app_id", "method", "biz_content", "sign")


@dataclass(frozen=True)
class WeChatPayAppParams:
    app_id: str
    partner_id: str
    prepay_id: str
    package: str
    nonce_str: str
    timestamp: str
    sign: str


@dataclass(frozen=True)
class AlipayAppParams:
    order_string: str


def _query(pay_url: str) -> str:
    # An Alipay order string is form-encoded, so a literal "?" only ever separates a URL from its query.
    _, sep, query = pay_url.partition("?")
    return query if sep else pay_url


def app_pay_params(channel: PaymentChannel, pay_url: str) -> WeChatPayAppParams | AlipayAppParams | None:
    query = _query(pay_url)
    fields = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items() if len(v) == 1}
    if channel is PaymentChannel.WECHAT_PAY and all(fields.get(f) for f in WECHAT_FIELDS):
        return WeChatPayAppParams(app_id=fields["appid"], partner_id=fields["partnerid"],
                                  prepay_id=fields["prepayid"], package=fields["package"],
                                  nonce_str=fields["noncestr"], timestamp=fields["timestamp"], sign=fields["sign"])
    if channel is PaymentChannel.ALIPAY and all(fields.get(f) for f in ALIPAY_FIELDS):
        return AlipayAppParams(order_string=query)
    return None
