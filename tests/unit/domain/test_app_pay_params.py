"""Reading the app SDKs' parameter sets from a pay URL: the production shapes and the sandbox cashier URL give
the same fields; anything else gives none."""

from __future__ import annotations

from urllib.parse import urlencode

from domain.commerce.app_pay import AlipayAppParams, WeChatPayAppParams, app_pay_params
from domain.commerce.payment import PaymentChannel

PAYREQ = {"appid": "wx0000000000sandbx", "partnerid": "1900000000", "prepayid": "wx08020000abc",
          "package": "Sign=WXPay", "noncestr": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "timestamp": "1765159200",
          "sign": "c2lnbmF0dXJlKy8="}
WECHAT = WeChatPayAppParams(app_id="wx0000000000sandbx", partner_id="1900000000", prepay_id="wx08020000abc",
                            package="Sign=WXPay", nonce_str="5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
                            timestamp="1765159200", sign="c2lnbmF0dXJlKy8=")
ORDER = urlencode({"app_id": "2021000000000000", "method": "alipay.trade.app.pay", "charset": "utf-8",
                   "biz_content": '{"out_trade_no":"ab","total_amount":"299.00"}', "sign": "x+y/z=="})


def test_wechat_payreq_from_the_production_scheme_and_the_cashier_url():
    assert app_pay_params(PaymentChannel.WECHAT_PAY, "weixin://app/pay?" + urlencode(PAYREQ)) == WECHAT
    cashier = "https://sxq.example/sandbox/pay/wechat_pay/WE0123?" + urlencode(PAYREQ)
    assert app_pay_params(PaymentChannel.WECHAT_PAY, cashier) == WECHAT


def test_alipay_order_string_as_is_or_from_the_cashier_url():
    assert app_pay_params(PaymentChannel.ALIPAY, ORDER) == AlipayAppParams(order_string=ORDER)
    assert app_pay_params(PaymentChannel.ALIPAY, "https://sxq.example/sandbox/pay/alipay/AL01?" + ORDER) \
        == AlipayAppParams(order_string=ORDER)


def test_no_parameter_set_without_every_field_or_for_the_wrong_channel():
    incomplete = {k: v for k, v in PAYREQ.items() if k != "sign"}
    assert app_pay_params(PaymentChannel.WECHAT_PAY, "weixin://app/pay?" + urlencode(incomplete)) is None
    assert app_pay_params(PaymentChannel.ALIPAY, "weixin://app/pay?" + urlencode(PAYREQ)) is None
    assert app_pay_params(PaymentChannel.WECHAT_PAY, ORDER) is None
    assert app_pay_params(PaymentChannel.SANDBOX, "https://sxq.example/sandbox/pay/sandbox/SA01") is None
    assert app_pay_params(PaymentChannel.WECHAT_PAY, "https://sxq.example/sandbox/pay/wechat_pay/WE01") is None
