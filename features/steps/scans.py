"""Steps of §7 扫码服务: a trading platform opens a QR session, I scan it in the app, check it and confirm with a
certificate and the PIN (or decline); the platform reads the result and receives callbacks."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from pytest_bdd import given, parsers, step, then, when

from adapters.crypto.sm2 import default_backend
from features.world import World
from tests.app_fixture import ID_LI, ID_WANG, ID_ZHANG
from tests.support.platform import TestPlatform

sm2 = default_backend()

OPERATIONS = {"扫码登录": "LOGIN", "扫码签章": "SIGN", "扫码加密": "ENCRYPT", "扫码解密": "DECRYPT"}
SERVICE_OPERATIONS = {"登录": "LOGIN", "签章": "SIGN", "加密": "ENCRYPT", "解密": "DECRYPT"}
STATUSES = {"待扫码": "WAITING", "已扫码": "SCANNED", "已确认": "CONFIRMED", "已拒绝": "DECLINED", "已过期": "EXPIRED"}
ID_NUMBERS = {"张三": ID_ZHANG, "李四": ID_LI, "王五": ID_WANG}
WRONG_PIN = "246802"
PIN = "135790"


def _s(world: World) -> dict[str, Any]:
    return world.scans


def _words(text: str, table: dict[str, str]) -> list[str]:
    return [table[w] for w in text.split("、")]


def _platform(world: World, name: str) -> TestPlatform:
    return _s(world).setdefault("platforms", {})[name]


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _create(world: World, name: str, operation: str, **kw: Any) -> None:
    platform = _platform(world, name)
    _s(world)["platform"] = platform
    _s(world)["created"] = world.run(world.driver.create_scan_session(platform, operation, **kw))


def _result(world: World) -> dict[str, Any]:
    view = world.run(world.driver.platform_scan_session(_s(world)["platform"], _s(world)["created"].t_id))
    assert view is not None and view.result is not None, view
    return view.result


def _confirm(world: World, pin: str, *, certificate: str = "signing_id", with_seal: bool = False) -> None:
    claimed = world.certificates["claimed"]
    shown = _s(world)["shown"]
    world.attempt(world.driver.confirm_scan_session(world.session, shown.session_id, getattr(claimed, certificate),
                                                    pin, claimed.seal_id if with_seal else None))


def _verifies(world: World, certificate_pem: str, message: bytes, signature_b64: str) -> bool:
    return sm2.verify(world.driver.certificate_public_key(certificate_pem), message, _b64(signature_b64))


# ---------------------------------------------------------------- the platform


@given(parsers.parse('交易平台 "{name}" 已接入全国互认服务'))
def _(world: World, name: str) -> None:
    platforms = _s(world).setdefault("platforms", {})
    n = len(platforms) + 1
    platform = TestPlatform(code=f"GGZYJY{44000 + n}", name=name,
                            callback_url=f"https://platform{n}.example/sxq/callback")
    world.run(world.driver.connect_trading_platform(platform))
    platforms[name] = platform


@given(parsers.parse('我在交易平台 "{name}" 购买了包含 "{operations}" 的个人证书服务'))
def _(world: World, name: str, operations: str) -> None:
    world.run(world.driver.scan_service(world.session, _platform(world, name), _words(operations, SERVICE_OPERATIONS)))


@given(parsers.parse('我在交易平台 "{name}" 购买了包含 "{operations}" 的个人证书服务，可签署 {quota:d} 次'))
def _(world: World, name: str, operations: str, quota: int) -> None:
    world.run(world.driver.scan_service(world.session, _platform(world, name), _words(operations, SERVICE_OPERATIONS),
                                        sign_quota=quota))


@when(parsers.parse('交易平台 "{name}" 生成 "{operation}" 二维码'))
def _(world: World, name: str, operation: str) -> None:
    _create(world, name, OPERATIONS[operation])


@when(parsers.parse('交易平台 "{name}" 生成 "扫码签章" 二维码，连续签署 {count:d} 份文件'))
def _(world: World, name: str, count: int) -> None:
    docs = [(f"D{i}", f"投标文件{i}.pdf", hashlib.new("sm3", f"投标文件 {i}".encode()).hexdigest())
            for i in range(1, count + 1)]
    _s(world)["documents"] = docs
    _create(world, name, "SIGN", documents=docs, continuous=count > 1)


@when(parsers.parse('交易平台 "{name}" 生成附带该数字信封的 "扫码解密" 二维码'))
def _(world: World, name: str) -> None:
    _create(world, name, "DECRYPT", envelopes=[("BID-1", _s(world)["envelope"])])


@when("有人原样重放该平台刚才的请求")
def _(world: World) -> None:
    world.attempt(world.driver.replay_platform_request())


@then(parsers.parse('交易平台 "{name}" 共有 {count:d} 笔扫码业务'))
def _(world: World, name: str, count: int) -> None:
    assert world.driver.scan_sessions_of(_platform(world, name)) == count


@when("过期业务处理任务运行")
def _(world: World) -> None:
    world.run(world.driver.run_scan_expiry())


@then(parsers.parse('平台查询到该业务的状态为 "{status}"'))
def _(world: World, status: str) -> None:
    view = world.run(world.driver.platform_scan_session(_s(world)["platform"], _s(world)["created"].t_id))
    assert view is not None and view.status == STATUSES[status], view


@then(parsers.parse('平台依次收到回调 "{types}"'))
def _(world: World, types: str) -> None:
    t_id = _s(world)["created"].t_id
    got = [c for c in world.run(world.driver.platform_callbacks(_s(world)["platform"])) if c["tId"] == t_id]
    assert [c["type"] for c in got] == _words(types, STATUSES), got
    assert len({c["eventId"] for c in got}) == len(got)


# ---------------------------------------------------------------- the app


@when("我用数信签 APP 扫描该二维码")
def _(world: World) -> None:
    shown = world.attempt(world.driver.scan_qr_code(world.session, _s(world)["created"].qr_content))
    if shown is not None:
        _s(world)["shown"] = shown


@given(parsers.parse('用户 "{name}"（手机号 "{phone}"）也在交易平台 "{platform}" 购买了服务并领取了证书'))
def _(world: World, name: str, phone: str, platform: str) -> None:
    d = world.driver
    session = world.register(phone, "Passw0rd1")
    token = world.run(d.start_id_card(session, name, ID_NUMBERS[name]))
    d.person_finishes_face(token, True)
    world.run(d.complete_face(session, token))
    world.run(d.claim_certificate(session, world.run(d.personal_service(session)), PIN))
    world.run(d.scan_service(session, _platform(world, platform), ["LOGIN", "SIGN", "ENCRYPT", "DECRYPT"]))
    _s(world).setdefault("others", {})[name] = session


@when(parsers.parse('"{name}" 用数信签 APP 扫描同一二维码'))
def _(world: World, name: str) -> None:
    world.attempt(world.driver.scan_qr_code(_s(world)["others"][name], _s(world)["created"].qr_content))


@then(parsers.parse('APP 显示交易平台 "{name}" 请求 "{operation}"'))
def _(world: World, name: str, operation: str) -> None:
    shown = _s(world)["shown"]
    assert (shown.platform_name, shown.operation, shown.status) == (name, OPERATIONS[operation], "SCANNED"), shown


@then("可选的证书只有我的签名证书")
def _(world: World) -> None:
    assert _s(world)["shown"].certificate_ids == [world.certificates["claimed"].signing_id]


@then("可选的证书只有我的加密证书")
def _(world: World) -> None:
    assert _s(world)["shown"].certificate_ids == [world.certificates["claimed"].encryption_id]


@then(parsers.parse("APP 显示 {count:d} 份待签文件，可选印章中有我的个人名章"))
def _(world: World, count: int) -> None:
    shown = _s(world)["shown"]
    assert shown.document_ids == [d[0] for d in _s(world)["documents"]] and len(shown.document_ids) == count
    assert world.certificates["claimed"].seal_id in shown.seal_ids


@step(parsers.parse('我选择签名证书，输入 PIN 码 "{pin}" 确认'))
def _(world: World, pin: str) -> None:
    _confirm(world, pin)


@step(parsers.parse('我选择加密证书，输入 PIN 码 "{pin}" 确认'))
def _(world: World, pin: str) -> None:
    _confirm(world, pin, certificate="encryption_id")


@step(parsers.parse('我选择签名证书和个人名章，输入 PIN 码 "{pin}" 确认'))
def _(world: World, pin: str) -> None:
    _confirm(world, pin, with_seal=True)


@when(parsers.parse("我连续 {times:d} 次输入错误的 PIN 码确认该业务"))
def _(world: World, times: int) -> None:
    for _ in range(times):
        _confirm(world, WRONG_PIN)


@when("我在 APP 上拒绝该业务")
def _(world: World) -> None:
    world.attempt(world.driver.decline_scan_session(world.session, _s(world)["shown"].session_id))


# ---------------------------------------------------------------- what the platform received


@then("平台收到的登录签名可用我的签名证书验证，签名内容绑定了本次业务")
def _(world: World) -> None:
    r = _result(world)
    challenge = _b64(r["challenge"])
    bound = json.loads(challenge)
    assert (bound["tId"], bound["platformCode"], bound["operation"]) == (
        _s(world)["created"].t_id, _s(world)["platform"].code, "LOGIN"), bound
    assert _verifies(world, r["signingCertificatePem"], challenge, r["signature"])


@then(parsers.parse('平台收到的身份信息为 "{name}"，身份证号已脱敏'))
def _(world: World, name: str) -> None:
    holder = _result(world)["holder"]
    assert holder["kind"] == "PERSONAL" and holder["name"] == name
    assert "*" in holder["maskedIdNumber"] and ID_NUMBERS[name] not in json.dumps(_result(world))
    assert len(holder["personalTransactionCode"]) == 32


@then(parsers.parse("平台收到 {count:d} 份文件的签名，每份都可用我的签名证书验证，并附有印章图片"))
def _(world: World, count: int) -> None:
    r = _result(world)
    docs = _s(world)["documents"]
    assert [s["docId"] for s in r["signatures"]] == [d[0] for d in docs] and len(docs) == count
    for (_doc_id, _name, sm3_hex), signed in zip(docs, r["signatures"], strict=True):
        assert _verifies(world, r["signingCertificatePem"], bytes.fromhex(sm3_hex), signed["signature"])
        assert signed["signedDataDer"] and _b64(signed["sealImagePng"]).startswith(b"\x89PNG")


@then(parsers.parse('我在交易平台 "{name}" 的服务已签署 {count:d} 次'))
def _(world: World, name: str, count: int) -> None:
    services = [s for s in world.run(world.driver.my_services(world.session)) if s.platform_name == name]
    assert [s.signs_used for s in services] == [count], services


@then("平台收到我的加密证书，以及可用我的签名证书验证的签名")
def _(world: World) -> None:
    r = _result(world)
    assert r["operation"] == "ENCRYPT" and r["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert _verifies(world, r["signingCertificatePem"], _b64(r["challenge"]), r["signature"])


@given(parsers.parse('交易平台 "{name}" 已通过扫码加密取得我的加密证书'))
def _(world: World, name: str) -> None:
    _create(world, name, "ENCRYPT")
    _s(world)["shown"] = world.run(world.driver.scan_qr_code(world.session, _s(world)["created"].qr_content))
    _confirm(world, PIN)
    assert world.error is None, world.error
    _s(world)["encryption_pem"] = _result(world)["encryptionCertificatePem"]


@given("投标人已用该加密证书加密了投标文件的对称密钥")
def _(world: World) -> None:
    key = bytes(range(16))
    public_key = world.driver.certificate_public_key(_s(world)["encryption_pem"])
    _s(world)["bid_key"] = key
    _s(world)["envelope"] = base64.b64encode(sm2.encrypt(public_key, key)).decode()


@then("平台用自己的私钥解开收到的密钥，得到投标人的对称密钥，结果中没有明文密钥")
def _(world: World) -> None:
    r = _result(world)
    (entry,) = r["decryptedKeys"]
    key = _s(world)["bid_key"]
    assert entry["envelopeId"] == "BID-1"
    assert sm2.decrypt(_s(world)["platform"].private_key, _b64(entry["keyForPlatform"])) == key
    text = json.dumps(r)
    assert key.hex() not in text and base64.b64encode(key).decode() not in text
