"""The sandbox gateway gives the app SDKs' parameter sets in the real channels' shapes, really signed: the
WeChat PayReq signature and the Alipay RSA2 order string verify against the sandbox merchant's public keys,
and a changed field does not."""

from __future__ import annotations

from uuid import uuid4

from cryptography.hazmat.primitives import serialization

from adapters.sandbox.payments import SANDBOX_ALIPAY_APP_ID, SANDBOX_WECHAT_APP_ID, SANDBOX_WECHAT_MCH_ID
from adapters.vendors.alipay import sign_content
from adapters.vendors.rsa_sha256 import rsa_verify
from adapters.vendors.wechatpay import app_pay_message
from application.commerce.ports import PaymentRequest
from domain.commerce.app_pay import AlipayAppParams, WeChatPayAppParams, app_pay_params
from domain.commerce.payment import PaymentChannel


def _public(gateway, channel):
    return serialization.load_pem_public_key(gateway.merchant(channel)["publicKeyPem"].encode())


async def test_wechat_payreq_is_signed_like_wechat_pay(container, clock):
    gateway = container.payment_gateway()
    url = await gateway.create(PaymentRequest(uuid4(), uuid4(), PaymentChannel.WECHAT_PAY, 29_900, "数信签证书服务"))
    assert url.startswith(container.settings().base_url + "/sandbox/pay/wechat_pay/")
    params = app_pay_params(PaymentChannel.WECHAT_PAY, url)
    assert isinstance(params, WeChatPayAppParams)
    assert (params.app_id, params.partner_id, params.package) == (SANDBOX_WECHAT_APP_ID, SANDBOX_WECHAT_MCH_ID,
                                                                  "Sign=WXPay")
    assert params.prepay_id.startswith("wx") and len(params.nonce_str) == 32
    assert abs(int(params.timestamp) - clock.now().timestamp()) < 5
    key = _public(gateway, PaymentChannel.WECHAT_PAY)
    assert key.key_size == 2048
    signed = app_pay_message(params.app_id, params.timestamp, params.nonce_str, params.prepay_id)
    assert rsa_verify(key, signed, params.sign)
    assert not rsa_verify(key, app_pay_message(params.app_id, params.timestamp, params.nonce_str, "wx0"),
                          params.sign)
    # The other channel's key does not verify it: each channel has its own merchant key.
    assert not rsa_verify(_public(gateway, PaymentChannel.ALIPAY), signed, params.sign)


async def test_alipay_order_string_is_rsa2_signed(container):
    from urllib.parse import parse_qsl

    gateway = container.payment_gateway()
    payment_id = uuid4()
    url = await gateway.create(PaymentRequest(payment_id, uuid4(), PaymentChannel.ALIPAY, 29_900, "数信签证书服务"))
    params = app_pay_params(PaymentChannel.ALIPAY, url)
    assert isinstance(params, AlipayAppParams)
    fields = dict(parse_qsl(params.order_string, strict_parsing=True))
    assert fields["app_id"] == SANDBOX_ALIPAY_APP_ID and fields["method"] == "alipay.trade.app.pay"
    assert fields["sign_type"] == "RSA2" and fields["notify_url"].endswith("/payments/notify/alipay")
    assert f'"out_trade_no":"{payment_id.hex}"' in fields["biz_content"]
    assert '"total_amount":"299.00"' in fields["biz_content"]
    key = _public(gateway, PaymentChannel.ALIPAY)
    assert rsa_verify(key, sign_content(fields), fields["sign"])
    tampered = fields | {"biz_content": fields["biz_content"].replace("299.00", "0.01")}
    assert not rsa_verify(key, sign_content(tampered), fields["sign"])


async def test_the_simulated_channel_has_no_parameter_set_and_keys_are_stable(container):
    from adapters.sandbox.payments import SandboxPaymentGateway

    gateway = container.payment_gateway()
    url = await gateway.create(PaymentRequest(uuid4(), uuid4(), PaymentChannel.SANDBOX, 100, "数信签证书服务"))
    assert "?" not in url and app_pay_params(PaymentChannel.SANDBOX, url) is None
    # Another worker (another gateway over the same master key) signs with the same keys.
    ring = container.keyring()
    twin = SandboxPaymentGateway(container.session_factory(), container.clock(),
                                 lambda label: ring.derive(label, 32), container.settings().base_url)
    for channel in (PaymentChannel.WECHAT_PAY, PaymentChannel.ALIPAY):
        assert twin.merchant(channel) == gateway.merchant(channel)
    assert gateway.merchant(PaymentChannel.WECHAT_PAY) != gateway.merchant(PaymentChannel.ALIPAY)


def test_the_sandbox_keys_are_made_deterministically_from_their_seed():
    from adapters.sandbox.payments import sandbox_rsa_key

    make = sandbox_rsa_key.__wrapped__  # not the per-process cache: a fresh computation each time
    first, again, other = make(b"s" * 32, 1024), make(b"s" * 32, 1024), make(b"t" * 32, 1024)
    assert first.private_numbers() == again.private_numbers()
    assert first.public_key().public_numbers() != other.public_key().public_numbers()
    assert first.key_size == 1024
