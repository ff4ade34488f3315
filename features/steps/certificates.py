"""Steps of §6.1.1 (领取个人数字证书), §9.1 (印章管理) and the PIN parts of §9.3 (证书签署密码, the two-share
signing key of SPEC §C: the PIN lives on the phone)."""

from __future__ import annotations

from pytest_bdd import given, parsers, step, then, when

from domain.accounts.sms import SmsPurpose
from features.driver import Refused
from features.world import World
from tests.app_fixture import ID_LI, ID_WANG, ID_ZHANG
from tests.support.data import image_bytes

ID_NUMBERS = {"张三": ID_ZHANG, "李四": ID_LI, "王五": ID_WANG}
STYLES = {"方形": "SQUARE", "长方形": "RECTANGLE", "椭圆": "OVAL", "圆形公章": "CLASSIC"}
KINDS = {"个人名章": "PERSONAL_NAME", "手写签名": "HANDWRITTEN", "姓名签名": "NAME_SIGNATURE"}
SEAL_STATUSES = {"有效": "ACTIVE", "已注销": "REVOKED", "已过期": "EXPIRED"}
WRONG_PIN = "246802"


def _verified(world: World, name: str, phone: str):
    session = world.register(phone, "Passw0rd1")
    token = world.run(world.driver.start_id_card(session, name, ID_NUMBERS[name]))
    world.driver.person_finishes_face(token, True)
    world.run(world.driver.complete_face(session, token))
    return session


def _c(world: World) -> dict:
    return world.certificates


@given(parsers.parse('我是已实名认证的用户 "{name}"，手机号 "{phone}"'))
def _(world: World, name: str, phone: str) -> None:
    world.session, world.phone, world.password = _verified(world, name, phone), phone, "Passw0rd1"


@given(parsers.parse('我是尚未实名认证的用户，手机号 "{phone}"'))
def _(world: World, phone: str) -> None:
    world.session, world.phone, world.password = world.register(phone, "Passw0rd1"), phone, "Passw0rd1"


@given("我已购买一项个人证书服务")
def _(world: World) -> None:
    _c(world)["entitlement"] = world.run(world.driver.personal_service(world.session))


@given("我购买的个人证书服务已过期")
def _(world: World) -> None:
    _c(world)["entitlement"] = world.run(world.driver.personal_service(world.session, days=-1))


@given(parsers.parse('我已用证书签署密码 "{pin}" 领取个人数字证书'))
def _(world: World, pin: str) -> None:
    if "entitlement" not in _c(world):
        _c(world)["entitlement"] = world.run(world.driver.personal_service(world.session))
    _c(world)["claimed"] = world.run(world.driver.claim_certificate(world.session, _c(world)["entitlement"], pin))


@when(parsers.parse('我用证书签署密码 "{pin}" 领取个人数字证书'))
def _(world: World, pin: str) -> None:
    claimed = world.attempt(world.driver.claim_certificate(world.session, _c(world)["entitlement"], pin))
    if claimed is not None:
        _c(world).setdefault("claimed", claimed)
        _c(world)["last_claim"] = claimed


@when(parsers.parse('我又购买了一项个人证书服务，并用证书签署密码 "{pin}" 领取证书'))
def _(world: World, pin: str) -> None:
    _c(world)["entitlement"] = world.run(world.driver.personal_service(world.session))
    claimed = world.attempt(world.driver.claim_certificate(world.session, _c(world)["entitlement"], pin))
    if claimed is not None:
        _c(world)["last_claim"] = claimed


@then("我持有一张有效的签名证书和一张有效的加密证书")
def _(world: World) -> None:
    certs = [c for c in world.run(world.driver.my_certificates(world.session)) if c.status == "ACTIVE"]
    assert sorted(c.usage for c in certs) == ["ENCRYPTION", "SIGNING"], certs


@then("我没有任何证书")
def _(world: World) -> None:
    assert world.run(world.driver.my_certificates(world.session)) == []


@then(parsers.parse('证书主题含姓名 "{name}"，不含身份证号码'))
def _(world: World, name: str) -> None:
    dn = _c(world)["claimed"].subject_dn
    assert f"CN={name}" in dn and ID_NUMBERS[name] not in dn, dn


@then("领取到的仍是原来那对证书")
def _(world: World) -> None:
    first, last = _c(world)["claimed"], _c(world)["last_claim"]
    assert (last.signing_id, last.encryption_id) == (first.signing_id, first.encryption_id)
    assert len(world.run(world.driver.my_certificates(world.session))) == 2


@step(parsers.parse("我连续 {times:d} 次输入错误的证书签署密码"))
def _(world: World, times: int) -> None:
    # Each try is a claim the phone co-signs with a share decrypted under the wrong PIN: the server's verification
    # fails, which is the only place a PIN is ever checked.
    for _ in range(times):
        entitlement = world.run(world.driver.personal_service(world.session))
        world.attempt(world.driver.claim_certificate(world.session, entitlement, WRONG_PIN))


@then(parsers.parse('我的签名密钥状态为 "{status}"，还可尝试 {left:d} 次'))
def _(world: World, status: str, left: int) -> None:
    assert world.run(world.driver.signing_key(world.session)) == (status, left)


@then("我还没有签名密钥")
def _(world: World) -> None:
    assert world.run(world.driver.signing_key(world.session)) is None


@then("签名证书的公钥就是我的签名密钥的公钥")
def _(world: World) -> None:
    certified = world.run(world.driver.certified_public_key(world.session, _c(world)["claimed"].signing_id))
    assert certified == world.run(world.driver.signing_key_public_key(world.session))


@then("审计日志保存了我对领取证书的声明及其签名，签名可用签名证书验证")
def _(world: World) -> None:
    from adapters.crypto.sm2 import default_backend

    evidence = world.run(world.driver.audit_evidence(world.session, "certificate.claimed"))
    assert evidence, "no certificate.claimed evidence in the audit log"
    statement, signature = evidence[-1]
    assert b'"action":"certificate.claim_personal"' in statement
    certified = world.run(world.driver.certified_public_key(world.session, _c(world)["claimed"].signing_id))
    assert default_backend().verify(certified, statement, signature)


@given(parsers.parse('我已用收到的验证码设置证书签署密码 "{pin}"'))
def _(world: World, pin: str) -> None:
    world.driver.advance_clock(61)
    world.run(world.driver.request_code(world.phone, SmsPurpose.CERTIFICATE_PIN, world.session))
    world.code_request = (world.phone, SmsPurpose.CERTIFICATE_PIN)
    world.run(world.driver.enrol_signing_key(world.session, pin, world.received_code()))


@when(parsers.parse('我用错误的验证码设置证书签署密码 "{pin}"'))
def _(world: World, pin: str) -> None:
    code = world.received_code()
    world.attempt(world.driver.enrol_signing_key(world.session, pin, f"{(int(code) + 1) % 1000000:06d}"))


@when("我获取证书密码验证码")
def _(world: World) -> None:
    world.driver.advance_clock(61)  # a code asked for earlier in the scenario (enrolment) does not hold this one back
    world.run(world.driver.request_code(world.phone, SmsPurpose.CERTIFICATE_PIN, world.session))
    world.code_request = (world.phone, SmsPurpose.CERTIFICATE_PIN)


@when(parsers.parse('我用收到的验证码设置证书签署密码 "{pin}"'))
def _(world: World, pin: str) -> None:
    world.attempt(world.driver.enrol_signing_key(world.session, pin, world.received_code()))


@when(parsers.parse("我为重置证书签署密码完成人脸核验，结果{verdict}"))
def _(world: World, verdict: str) -> None:
    token = world.run(world.driver.start_pin_reset_face(world.session))
    world.driver.person_finishes_face(token, verdict == "通过")
    world.face_token = token


@when(parsers.parse('我用收到的验证码和人脸核验结果把证书签署密码重置为 "{pin}"'))
def _(world: World, pin: str) -> None:
    assert world.face_token is not None
    new_ids = world.attempt(world.driver.reset_signing_key(world.session, world.received_code(), world.face_token,
                                                           pin))
    _c(world)["new_signing"] = new_ids[0] if new_ids else None


@then("原签名证书已吊销，加密证书仍然有效，并有一张新的有效签名证书")
def _(world: World) -> None:
    first = _c(world)["claimed"]
    certs = {c.id: c for c in world.run(world.driver.my_certificates(world.session))}
    assert certs[first.signing_id].status == "REVOKED"
    assert certs[first.encryption_id].status == "ACTIVE"
    assert certs[_c(world)["new_signing"]].status == "ACTIVE"


@when(parsers.parse('我用证书签署密码 "{pin}" 使用证书'))
@then(parsers.parse('我可以用证书签署密码 "{pin}" 使用证书'))
def _(world: World, pin: str) -> None:
    entitlement = world.run(world.driver.personal_service(world.session))
    world.run(world.driver.claim_certificate(world.session, entitlement, pin))


@then(parsers.parse('证书签署密码 "{pin}" 不能再使用'))
def _(world: World, pin: str) -> None:
    entitlement = world.run(world.driver.personal_service(world.session))
    try:
        world.run(world.driver.claim_certificate(world.session, entitlement, pin))
    except Refused as refused:
        assert refused.code in ("PIN_INCORRECT", "PIN_LOCKED"), refused
    else:
        raise AssertionError(f"the PIN {pin} still works")


@when(parsers.parse('我以原因 "{reason}" 吊销我的签名证书'))
def _(world: World, reason: str) -> None:
    world.attempt(world.driver.revoke_certificate(world.session, _c(world)["claimed"].signing_id, reason))


@then(parsers.parse('我的签名证书和加密证书的状态都是 "{status}"'))
def _(world: World, status: str) -> None:
    first = _c(world)["claimed"]
    certs = {c.id: c.status for c in world.run(world.driver.my_certificates(world.session))}
    assert certs[first.signing_id] == certs[first.encryption_id] == status, certs


# ---------------------------------------------------------------- §9.1 印章管理


def _seal(world: World, kind: str, include_invalid: bool = True):
    seals = world.run(world.driver.my_seals(world.session, include_invalid))
    found = [s for s in seals if s.kind == KINDS[kind]]
    return found[-1] if found else None


@then(parsers.parse('我的印章中有一枚有效的"{kind}"'))
def _(world: World, kind: str) -> None:
    seal = _seal(world, kind, include_invalid=False)
    assert seal is not None and seal.status == "ACTIVE"


@then(parsers.parse('我没有"{kind}"'))
def _(world: World, kind: str) -> None:
    assert _seal(world, kind) is None


@when(parsers.parse('我用证书签署密码 "{pin}" 把个人名章的样式换成"{style}"'))
def _(world: World, pin: str, style: str) -> None:
    seal = _seal(world, "个人名章")
    world.attempt(world.driver.change_seal_face(world.session, seal.id, pin, style=STYLES[style]))


@when(parsers.parse('我用证书签署密码 "{pin}" 上传图片作为个人名章的印模'))
def _(world: World, pin: str) -> None:
    seal = _seal(world, "个人名章")
    world.attempt(world.driver.change_seal_face(world.session, seal.id, pin, image=image_bytes()))


@then(parsers.parse('个人名章的样式是"{style}"'))
def _(world: World, style: str) -> None:
    assert _seal(world, "个人名章").style == STYLES[style]


@when(parsers.parse('我用证书签署密码 "{pin}" 上传手写签名图片'))
def _(world: World, pin: str) -> None:
    world.attempt(world.driver.capture_handwritten_signature(world.session, image_bytes("JPEG"), pin))


@when(parsers.parse('我用证书签署密码 "{pin}" 把一个 PDF 文件当作手写签名上传'))
def _(world: World, pin: str) -> None:
    world.attempt(world.driver.capture_handwritten_signature(world.session, b"%PDF-1.7 not an image", pin))


@step(parsers.parse('我用证书签署密码 "{pin}" 注销"{kind}"'))
def _(world: World, pin: str, kind: str) -> None:
    world.attempt(world.driver.revoke_seal(world.session, _seal(world, kind).id, pin))


@then(parsers.parse('有效印章中没有"{kind}"，查看失效印章时它的状态是"{status}"'))
def _(world: World, kind: str, status: str) -> None:
    assert _seal(world, kind, include_invalid=False) is None
    assert _seal(world, kind, include_invalid=True).status == SEAL_STATUSES[status]


@then(parsers.parse('我签署文件时可选的签名样式是"{kinds}"'))
def _(world: World, kinds: str) -> None:
    expected = [KINDS[k] for k in kinds.split("、")]
    assert world.run(world.driver.signature_appearances(world.session)) == expected


@when(parsers.parse('已实名认证的用户 "{name}"（手机号 "{phone}"）用证书签署密码 "{pin}" 注销我的个人名章'))
def _(world: World, name: str, phone: str, pin: str) -> None:
    mine = _seal(world, "个人名章")
    theirs = _verified(world, name, phone)
    entitlement = world.run(world.driver.personal_service(theirs))
    world.run(world.driver.claim_certificate(theirs, entitlement, pin))
    world.attempt(world.driver.revoke_seal(theirs, mine.id, pin))
