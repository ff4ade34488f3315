"""Switching a production deployment between vendors is configuration only: the settings choose the adapter
behind each port, and a vendor missing one of its settings stops the start (not the first payment or SMS)."""

from __future__ import annotations

import pytest

from adapters.bootstrap.container import build_container
from adapters.bootstrap.settings import Settings
from tests.integration.vendors import test_wechatpay as wxt


def _production(tmp_path, **extra: str) -> dict[str, str]:
    env = {"SXQ_MODE": "production", "SXQ_MASTER_KEY": "22" * 32, "SXQ_DATA_DIR": str(tmp_path),
           "SXQ_PUBLIC_URL": "https://ca.example"}
    for name in ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK"):
        env |= {f"SXQ_{name}_API_URL": "https://v.example", f"SXQ_{name}_API_KEY": "k", f"SXQ_{name}_API_SECRET": "s"}
    return env | extra


def _wechat_env(tmp_path) -> dict[str, str]:
    (tmp_path / "apiclient_key.pem").write_bytes(wxt._pem_key(wxt.MERCHANT))
    (tmp_path / "platform.pem").write_bytes(wxt._certificate(wxt.PLATFORM, wxt.PLATFORM_SERIAL))
    return {"SXQ_WECHATPAY_APP_ID": wxt.APP_ID, "SXQ_WECHATPAY_MCH_ID": wxt.MCH_ID,
            "SXQ_WECHATPAY_CERT_SERIAL": wxt.SERIAL, "SXQ_WECHATPAY_API_V3_KEY": wxt.API_V3_KEY.decode(),
            "SXQ_WECHATPAY_PRIVATE_KEY_FILE": str(tmp_path / "apiclient_key.pem"),
            "SXQ_WECHATPAY_PLATFORM_CERT_FILE": str(tmp_path / "platform.pem")}


def test_unknown_vendor_or_channel_names_are_refused():
    with pytest.raises(ValueError, match="SXQ_SMS_VENDOR"):
        Settings.from_env({"SXQ_SMS_VENDOR": "carrier-pigeon"})
    with pytest.raises(ValueError, match="SXQ_FACE_VENDOR must be one of http, tencent"):
        Settings.from_env({"SXQ_FACE_VENDOR": "aliyun"})
    with pytest.raises(ValueError, match="SXQ_PAYMENT_CHANNELS"):
        Settings.from_env({"SXQ_PAYMENT_CHANNELS": "WECHAT_PAY,PAYPAL"})


def test_payment_channels_from_configuration(tmp_path):
    from adapters.vendors.payments import ProductionPaymentGateway
    from adapters.vendors.wechatpay import WechatPayGateway

    gateway = build_container(Settings.from_env(_production(tmp_path))).payment_gateway()
    assert isinstance(gateway, ProductionPaymentGateway) and gateway.channels == []
    with pytest.raises(RuntimeError, match="SXQ_WECHATPAY_APP_ID"):
        build_container(Settings.from_env(_production(tmp_path, SXQ_PAYMENT_CHANNELS="WECHAT_PAY")))
    env = _production(tmp_path, SXQ_PAYMENT_CHANNELS="wechat_pay", **_wechat_env(tmp_path))
    gateway = build_container(Settings.from_env(env)).payment_gateway()
    [wechat] = gateway._by_channel.values()
    assert isinstance(wechat, WechatPayGateway)
    assert wechat._c.notify_url == "https://ca.example/payments/notify/wechat_pay"


def test_sms_vendor_from_configuration(tmp_path):
    from adapters.vendors.http import HttpSmsSender
    from adapters.vendors.sms import AliyunSmsSender, TencentSmsSender
    from tests.integration.vendors.test_sms_vendors import _aliyun_env, _tencent_env

    assert isinstance(build_container(Settings.from_env(_production(tmp_path))).sms_gateway(), HttpSmsSender)
    with pytest.raises(RuntimeError, match="SXQ_ALIYUN_ACCESS_KEY_ID"):
        build_container(Settings.from_env(_production(tmp_path, SXQ_SMS_VENDOR="aliyun")))
    aliyun = build_container(Settings.from_env(_production(tmp_path, SXQ_SMS_VENDOR="aliyun",
                                                           **_aliyun_env("https://dysmsapi.aliyuncs.com"))))
    assert isinstance(aliyun.sms_gateway(), AliyunSmsSender)
    tencent = build_container(Settings.from_env(_production(tmp_path, SXQ_SMS_VENDOR="Tencent",
                                                            **_tencent_env("https://sms.tencentcloudapi.com"))))
    assert isinstance(tencent.sms_gateway(), TencentSmsSender)
    # The sandbox mode stays the sandbox whatever the vendor settings say.
    sandbox = build_container(Settings.from_env({"SXQ_DATA_DIR": str(tmp_path), "SXQ_SMS_VENDOR": "aliyun",
                                                 "SXQ_PAYMENT_CHANNELS": "WECHAT_PAY"}))
    from adapters.sandbox.payments import SandboxPaymentGateway
    from adapters.sandbox.sms import SandboxSmsGateway
    assert isinstance(sandbox.sms_gateway(), SandboxSmsGateway)
    assert isinstance(sandbox.payment_gateway(), SandboxPaymentGateway)


def test_identity_and_face_vendor_from_configuration(tmp_path):
    from adapters.vendors.http import HttpFaceVerifier, HttpIdentityVerifier
    from adapters.vendors.tencentcloud import TencentFaceVerifier, TencentIdentityVerifier

    plain = build_container(Settings.from_env(_production(tmp_path)))
    assert isinstance(plain.identity_verifier(), HttpIdentityVerifier)
    assert isinstance(plain.face_verifier(), HttpFaceVerifier)
    with pytest.raises(RuntimeError, match="SXQ_TENCENT_FACEID_RULE_ID"):
        build_container(Settings.from_env(_production(
            tmp_path, SXQ_FACE_VENDOR="tencent", SXQ_TENCENT_SECRET_ID="id", SXQ_TENCENT_SECRET_KEY="key")))
    tencent = build_container(Settings.from_env(_production(
        tmp_path, SXQ_IDENTITY_VENDOR="tencent", SXQ_FACE_VENDOR="tencent", SXQ_TENCENT_SECRET_ID="id",
        SXQ_TENCENT_SECRET_KEY="key", SXQ_TENCENT_FACEID_RULE_ID="1")))
    assert isinstance(tencent.identity_verifier(), TencentIdentityVerifier)
    assert isinstance(tencent.face_verifier(), TencentFaceVerifier)
    from adapters.vendors.aliyun import AliyunIdentityVerifier
    aliyun = build_container(Settings.from_env(_production(
        tmp_path, SXQ_IDENTITY_VENDOR="aliyun", SXQ_ALIYUN_ACCESS_KEY_ID="id", SXQ_ALIYUN_ACCESS_KEY_SECRET="secret")))
    assert isinstance(aliyun.identity_verifier(), AliyunIdentityVerifier)
    assert isinstance(aliyun.face_verifier(), HttpFaceVerifier)
