"""Steps of §8.5 (证书授权) and of scanning with the company certificate (SPEC §7.3). People are kept by name by
the §8.1 steps (features/steps/enterprise_members.py), platforms by the §7 steps (features/steps/scans.py); the
enterprise acted on is the last one created, the grant acted on the last one created here."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

from pytest_bdd import given, parsers, then, when

from adapters.crypto.sm2 import default_backend
from domain.accounts.sms import SmsPurpose
from features.steps.enterprise_members import PASSWORD, _m, _person
from features.steps.scans import OPERATIONS, SERVICE_OPERATIONS, _platform, _s, _words
from features.world import World

STATUSES = {"待法人签署": "AWAITING_APPROVAL", "待购买": "AWAITING_PAYMENT", "已生效": "ACTIVE", "已撤销": "REVOKED",
            "已过期": "EXPIRED", "已结束": "ENDED"}
APPEARANCES = {"姓名签名": "NAME_SIGNATURE"}
sm2 = default_backend()


def _g(world: World) -> dict[str, Any]:
    return world.enterprises.setdefault("grants", {})


def _enterprise_id(world: World):
    return _m(world)["current"][0]


def _member_id(world: World, member: str):
    enterprise_id, owner = _m(world)["current"]
    session, _ = _person(world, owner)
    members = world.run(world.driver.members(session, enterprise_id)) or []
    return next(m.id for m in members if m.name == member)


def _org_signing_certificate(world: World):
    """The enterprise's org signing certificate as its legal rep sees it (remembered: it does not change here)."""
    if "org" not in _g(world):
        owner_session, _ = _person(world, _m(world)["current"][1])
        certs = world.run(world.driver.enterprise_certificates(owner_session, _enterprise_id(world)))
        found = [c for c in certs if c.usage == "SIGNING" and c.status == "ACTIVE"]
        assert found, certs
        _g(world)["org"] = found[0]
    return _g(world)["org"]


@when(parsers.parse('过了 {days:d} 天，"{names}" 重新登录'))
def _(world: World, days: int, names: str) -> None:
    _org_signing_certificate(world)
    world.driver.advance_clock(days * 86_400)
    for name in names.split("、"):
        _session, phone = _person(world, name)
        _m(world)["people"][name] = (world.run(world.driver.login_with_password(phone, PASSWORD)), phone)


def _status(world: World) -> str | None:
    """As the enterprise's legal rep sees it in the grant list."""
    session, _ = _person(world, _m(world)["current"][1])
    return world.run(world.driver.grant_status(session, _enterprise_id(world), _g(world)["current"]))


@given(parsers.parse('"{name}" 已将企业管理员转授给 "{member}"'))
def _(world: World, name: str, member: str) -> None:
    session, phone = _person(world, name)
    transfer = world.run(world.driver.request_admin_transfer(session, _enterprise_id(world), _member_id(world, member)))
    world.driver.advance_clock(61)
    world.run(world.driver.request_code(phone, SmsPurpose.SIGN, session))
    code = world.run(world.driver.last_code(phone, SmsPurpose.SIGN))
    world.run(world.driver.approve_admin_transfer(session, transfer.id, "NAME_SIGNATURE", code))


@given(parsers.parse('"{name}" 已领取自己的个人证书，证书密码 "{pin}"'))
def _(world: World, name: str, pin: str) -> None:
    session, _ = _person(world, name)
    world.run(world.driver.claim_certificate(session, world.run(world.driver.personal_service(session)), pin))


def _create(world: World, name: str, member: str, platform: str, ops: str, days: int, seals: str = ""):
    from features.steps.enterprise_seals import _seal_ids

    session, _ = _person(world, name)
    until = world.driver.today() + timedelta(days=days)
    seal_ids = [_seal_ids(world)[s] for s in seals.split("、")] if seals else None
    return world.driver.create_certificate_grant(session, _enterprise_id(world), _member_id(world, member),
                                                 _platform(world, platform).id, _words(ops, OPERATIONS), until,
                                                 seal_ids)


@when(parsers.parse('"{name}" 将机构证书授权给 "{member}"，交易平台 "{platform}"，服务 "{ops}"，有效期 {days:d} 天'))
def _(world: World, name: str, member: str, platform: str, ops: str, days: int) -> None:
    created = world.attempt(_create(world, name, member, platform, ops, days))
    if created is not None:
        _g(world)["current"] = created.id


@when(parsers.parse('"{name}" 将机构证书和印章 "{seals}" 授权给 "{member}"，交易平台 "{platform}"，服务 "{ops}"，'
                    '有效期 {days:d} 天'))
def _(world: World, name: str, member: str, platform: str, ops: str, seals: str, days: int) -> None:
    created = world.attempt(_create(world, name, member, platform, ops, days, seals))
    if created is not None:
        _g(world)["current"] = created.id


@then(parsers.parse('"{name}" 可以在签署前查看企业证书授权书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    pdf = world.run(world.driver.grant_letter(session, _g(world)["current"], signed=False))
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert world.run(world.driver.grant_letter(session, _g(world)["current"], signed=True)) is None
    _g(world)["letter"] = pdf


@then(parsers.parse('"{name}" 看不到该企业证书授权书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    assert world.run(world.driver.grant_letter(session, _g(world)["current"], signed=False)) is None


@then(parsers.parse('"{name}" 取得的已签署授权书就是签署前查看的那份加上法定代表人的签名'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    signed = world.run(world.driver.grant_letter(session, _g(world)["current"], signed=True))
    assert signed is not None and signed.startswith(_g(world)["letter"]) and len(signed) > len(_g(world)["letter"])


def _approve(world: World, name: str, kind: str):
    session, phone = _person(world, name)
    world.driver.advance_clock(61)  # a code asked for earlier in the scenario does not hold this one back
    world.run(world.driver.request_code(phone, SmsPurpose.SIGN, session))
    code = world.run(world.driver.last_code(phone, SmsPurpose.SIGN))
    return world.driver.approve_certificate_grant(session, _g(world)["current"], APPEARANCES[kind], code)


@when(parsers.parse('"{name}" 用"{kind}"和收到的签署验证码签署企业证书授权书'))
def _(world: World, name: str, kind: str) -> None:
    world.attempt(_approve(world, name, kind))


def _buy(world: World, name: str, plan: str):
    session, _ = _person(world, name)
    plan_id = world.run(world.driver.plan_by_name(session, "", plan))
    return world.driver.place_grant_order(session, _g(world)["current"], [plan_id])


def _buy_and_pay(world: World, name: str, plan: str) -> None:
    session, _ = _person(world, name)
    order = world.run(_buy(world, name, plan))
    payment = world.run(world.driver.pay_order(session, order.id, "WECHAT_PAY"))
    world.run(world.driver.wallet_pays(payment.id))


@when(parsers.parse('"{name}" 为该证书授权购买服务 "{plan}" 并支付'))
def _(world: World, name: str, plan: str) -> None:
    _buy_and_pay(world, name, plan)


@when(parsers.parse('"{name}" 为该证书授权购买服务 "{plan}"'))
def _(world: World, name: str, plan: str) -> None:
    world.attempt(_buy(world, name, plan))


@given(parsers.parse('"{name}" 已将机构证书和印章 "{seals}" 授权给 "{member}"，交易平台 "{platform}"，服务 "{ops}"，'
                     '有效期 {days:d} 天，并已签署和购买'))
def _(world: World, name: str, member: str, platform: str, ops: str, seals: str, days: int) -> None:
    _g(world)["current"] = world.run(_create(world, name, member, platform, ops, days, seals)).id
    world.run(_approve(world, name, "姓名签名"))
    _buy_and_pay(world, name, "企业标准版")
    assert _status(world) == "ACTIVE"


@given(parsers.parse('"{name}" 已将机构证书授权给 "{member}"，交易平台 "{platform}"，服务 "{ops}"，有效期 {days:d} 天，'
                     '并已签署和购买'))
def _(world: World, name: str, member: str, platform: str, ops: str, days: int) -> None:
    _g(world)["current"] = world.run(_create(world, name, member, platform, ops, days)).id
    world.run(_approve(world, name, "姓名签名"))
    _buy_and_pay(world, name, "企业标准版")
    assert _status(world) == "ACTIVE"


@given(parsers.parse('"{name}" 在交易平台 "{platform}" 有包含 "{ops}" 的个人证书服务'))
def _(world: World, name: str, platform: str, ops: str) -> None:
    session, _ = _person(world, name)
    world.run(world.driver.scan_service(session, _platform(world, platform), _words(ops, SERVICE_OPERATIONS)))


@when(parsers.parse('"{name}" 撤销该证书授权'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.revoke_certificate_grant(session, _g(world)["current"]))


@then(parsers.parse('证书授权的状态是"{status}"'))
def _(world: World, status: str) -> None:
    assert _status(world) == STATUSES[status]


def _my_grants(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.my_certificate_grants(session))


@then(parsers.parse('"{name}" 持有交易平台 "{platform}" 的证书授权，服务 "{ops}"，有效期 {months:d} 个月，状态"{status}"'))
def _(world: World, name: str, platform: str, ops: str, months: int, status: str) -> None:
    [grant] = _my_grants(world, name)
    assert (grant.platform_id, grant.operations, grant.status) == (
        _platform(world, platform).id, _words(ops, OPERATIONS), STATUSES[status]), grant
    # Through the last day of the enterprise's service the purchase created (months from payment, Beijing time).
    lasts = (grant.valid_until - world.driver.today()).days
    assert 28 * months <= lasts <= 31 * months + 1, grant


@then(parsers.parse('"{name}" 持有的证书授权状态是"{status}"'))
def _(world: World, name: str, status: str) -> None:
    assert [g.status for g in _my_grants(world, name)] == [STATUSES[status]]


@then(parsers.parse('"{name}" 没有可用的企业证书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    assert world.run(world.driver.usable_enterprise_certificates(session)) == []


@then(parsers.parse('"{name}" 可用的企业证书属于 "{enterprise}"'))
def _(world: World, name: str, enterprise: str) -> None:
    session, _ = _person(world, name)
    found = world.run(world.driver.usable_enterprise_certificates(session))
    assert [(c.certificate_id, c.enterprise_name) for c in found] == [
        (_org_signing_certificate(world).id, enterprise)], found


# ---------------------------------------------------------------- scanning with the company certificate


@when(parsers.parse('"{name}" 用数信签 APP 扫描该二维码'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    shown = world.attempt(world.driver.scan_qr_code(session, _s(world)["created"].qr_content))
    if shown is not None:
        _s(world)["shown"] = shown


@then(parsers.parse('"{name}" 可选的证书中有 "{enterprise}" 的企业证书'))
def _(world: World, name: str, enterprise: str) -> None:
    assert _org_signing_certificate(world).id in _s(world)["shown"].certificate_ids


@then(parsers.parse('"{name}" 可选的证书中没有企业证书'))
def _(world: World, name: str) -> None:
    org = _org_signing_certificate(world).id
    assert _s(world)["shown"].certificate_ids and org not in _s(world)["shown"].certificate_ids


@when(parsers.parse('"{name}" 选择企业证书，输入自己的证书密码 "{pin}" 确认'))
def _(world: World, name: str, pin: str) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.confirm_scan_session(session, _s(world)["shown"].session_id,
                                                    _org_signing_certificate(world).id, pin, None))


def _result(world: World) -> dict[str, Any]:
    view = world.run(world.driver.platform_scan_session(_s(world)["platform"], _s(world)["created"].t_id))
    assert view is not None and view.result is not None, view
    return view.result


@then(parsers.parse('平台收到的身份信息为企业 "{enterprise}" 的统一社会信用代码和统一交易码，经办人为 "{name}"'))
def _(world: World, enterprise: str, name: str) -> None:
    holder = _result(world)["holder"]
    assert (holder["kind"], holder["name"], holder["creditCode"]) == ("ENTERPRISE", enterprise, "91110108MA01ABCD1E")
    assert len(holder["unifiedTransactionCode"]) == 32 and len(holder["personalTransactionCode"]) == 32
    assert holder.get("actingPersonName", name) == name and "*" in holder["maskedIdNumber"]


@then("平台收到的登录签名可用企业的签名证书验证，签名内容绑定了本次业务")
def _(world: World) -> None:
    r = _result(world)
    challenge = base64.b64decode(r["challenge"])
    bound = json.loads(challenge)
    assert (bound["tId"], bound["platformCode"], bound["operation"]) == (
        _s(world)["created"].t_id, _s(world)["platform"].code, "LOGIN"), bound
    assert r["holder"]["kind"] == "ENTERPRISE"
    # The platform checks the signature against the certificate it received: the enterprise's signing certificate.
    key = world.driver.certificate_public_key(r["signingCertificatePem"])
    assert sm2.verify(key, challenge, base64.b64decode(r["signature"]))


@then(parsers.parse("平台收到 {count:d} 份文件的签名，每份都可用企业的签名证书验证"))
def _(world: World, count: int) -> None:
    r = _result(world)
    docs = _s(world)["documents"]
    assert len(r["signatures"]) == len(docs) == count
    assert "91110108MA01ABCD1E" in r["signingCertificatePem"] or r["holder"]["kind"] == "ENTERPRISE"
    key = world.driver.certificate_public_key(r["signingCertificatePem"])
    for (_doc_id, _name, sm3_hex), signed in zip(docs, r["signatures"], strict=True):
        assert sm2.verify(key, bytes.fromhex(sm3_hex), base64.b64decode(signed["signature"]))


@then(parsers.parse('"{name}" 看到企业在交易平台 "{platform}" 的服务已签署 {count:d} 次'))
def _(world: World, name: str, platform: str, count: int) -> None:
    session, _ = _person(world, name)
    services = [s for s in world.run(world.driver.my_services(session)) if s.platform_name == platform]
    # The enterprise's first purchase and the grant's: the use counts against one of them.
    assert sum(s.signs_used for s in services) == count, services


# ---------------------------------------------------------------- a revoked org seal in a SIGN session


@when(parsers.parse('交易平台 "{name}" 生成加盖企业印章的 "扫码签章" 二维码'))
def _(world: World, name: str) -> None:
    from features.steps.scans import _create

    docs = [("D1", "投标文件1.pdf", hashlib.new("sm3", "投标文件 1".encode()).hexdigest())]
    _create(world, name, "SIGN", documents=docs, seal_owner="ENTERPRISE")


@then(parsers.parse('"{name}" 可选的印章中没有 "{seal}"'))
def _(world: World, name: str, seal: str) -> None:
    from features.steps.enterprise_seals import _seal_ids

    assert _seal_ids(world)[seal] not in _s(world)["shown"].seal_ids


@then(parsers.parse('"{name}" 可选的印章只有 "{seal}"'))
def _(world: World, name: str, seal: str) -> None:
    from features.steps.enterprise_seals import _seal_ids

    assert list(_s(world)["shown"].seal_ids) == [_seal_ids(world)[seal]]


@when(parsers.parse('"{name}" 选择企业证书和印章 "{seal}"，输入自己的证书密码 "{pin}" 确认'))
def _(world: World, name: str, seal: str, pin: str) -> None:
    from features.steps.enterprise_seals import _seal_ids

    session, _ = _person(world, name)
    world.attempt(world.driver.confirm_scan_session(session, _s(world)["shown"].session_id,
                                                    _org_signing_certificate(world).id, pin, _seal_ids(world)[seal]))
