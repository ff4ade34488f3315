"""Steps of §5 (创建企业) and §5.1.1.1 (法定代表人授权认证)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.world import World
from tests.app_fixture import ID_LI, ID_WANG, ID_ZHANG, wrong_code

ID_NUMBERS = {"张三": ID_ZHANG, "李四": ID_LI, "王五": ID_WANG}
CERT_STATUSES = {"草稿": "DRAFT", "待授权": "AWAITING_AUTHORIZATION", "待打款": "AWAITING_TRANSFER",
                 "审核中": "PENDING_REVIEW", "已认证": "CERTIFIED", "未通过": "REJECTED"}
METHODS = {"法定代表人授权": "LEGAL_REP_AUTHORIZATION", "对公打款": "BANK_TRANSFER", "人工审核": "MANUAL_REVIEW"}
ROLES = {"法定代表人": "LEGAL_REP", "管理员": "ADMIN", "成员": "MEMBER"}
APPEARANCES = {"个人名章": "PERSONAL_NAME", "手写签名": "HANDWRITTEN", "姓名签名": "NAME_SIGNATURE"}


def _e(world: World) -> dict:
    return world.enterprises


def _create(world: World, name: str, code: str, rep: str):
    return world.driver.create_enterprise(world.session, name, code, rep, ID_NUMBERS[rep])


@given(parsers.parse('企业信息核验服务认定 "{code}" 的四要素不一致'))
def _(world: World, code: str) -> None:
    world.driver.enterprise_registry_says(code, "MISMATCH")


@given("企业信息核验服务暂不可用")
def _(world: World) -> None:
    world.driver.enterprise_registry_down()


@when(parsers.parse('我创建企业 "{name}"，统一社会信用代码 "{code}"，法定代表人 "{rep}"'))
def _(world: World, name: str, code: str, rep: str) -> None:
    created = world.attempt(_create(world, name, code, rep))
    if created is not None:
        _e(world)["current"] = created


@given(parsers.parse('我已创建企业 "{name}"，统一社会信用代码 "{code}"，法定代表人 "{rep}"'))
def _(world: World, name: str, code: str, rep: str) -> None:
    _e(world)["current"] = world.run(_create(world, name, code, rep))


@then(parsers.parse('企业的认证状态是"{status}"'))
def _(world: World, status: str) -> None:
    assert _e(world)["current"].status == CERT_STATUSES[status]


@then(parsers.parse('可选的认证方式是"{methods}"'))
def _(world: World, methods: str) -> None:
    assert _e(world)["current"].available_methods == [METHODS[m] for m in methods.split("、")]


def _memberships(world: World) -> dict:
    return {m.name: m for m in world.run(world.driver.my_memberships(world.session))}


@then(parsers.parse('我在企业 "{name}" 的角色是"{role}"'))
def _(world: World, name: str, role: str) -> None:
    assert _memberships(world)[name].role == ROLES[role]


@then(parsers.parse('企业 "{name}" 的认证状态是"{status}"'))
def _(world: World, name: str, status: str) -> None:
    assert _memberships(world)[name].status == CERT_STATUSES[status]


@then("我不属于任何企业")
def _(world: World) -> None:
    assert _memberships(world) == {}


@when("我生成企业认证授权书")
def _(world: World) -> None:
    prepared = world.attempt(world.driver.prepare_authorization_letter(world.session, _e(world)["current"].id))
    if prepared is not None:
        _e(world)["letter"] = prepared


@then(parsers.parse('可选的签名样式包含"{kind}"'))
def _(world: World, kind: str) -> None:
    assert APPEARANCES[kind] in _e(world)["letter"].appearance_kinds


@when("我获取签署验证码")
def _(world: World) -> None:
    world.run(world.driver.request_code(world.phone, SmsPurpose.SIGN, world.session))
    _e(world)["code"] = world.run(world.driver.last_code(world.phone, SmsPurpose.SIGN))


def _sign(world: World, kind: str, code: str) -> None:
    world.attempt(world.driver.sign_authorization_letter(world.session, _e(world)["letter"].id, APPEARANCES[kind],
                                                         code))


@when(parsers.parse('我用"{kind}"和收到的签署验证码签署授权书'))
def _(world: World, kind: str) -> None:
    _sign(world, kind, _e(world)["code"])


@when(parsers.parse('我用"{kind}"和错误的签署验证码签署授权书'))
def _(world: World, kind: str) -> None:
    _sign(world, kind, wrong_code(_e(world)["code"]))


@when("我用收到的注销验证码注销账户")
def _(world: World) -> None:
    world.run(world.driver.request_code(world.phone, SmsPurpose.DELETE_ACCOUNT, world.session))
    code = world.run(world.driver.last_code(world.phone, SmsPurpose.DELETE_ACCOUNT))
    world.attempt(world.driver.delete_account(world.session, code))
