"""Steps of §6.2 (企业证书服务购买), §6.2.1 (领取企业证书) and §8.3 (证书管理). People are kept by name by the §8.1 steps
(features/steps/enterprise_members.py); the enterprise acted on is the last one created there."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.commerce.order import add_months
from features.steps.enterprise_members import _m, _person
from features.world import World

SERVICE_STATUSES = {"有效": "ACTIVE", "已过期": "EXPIRED"}
CERTIFICATE_USAGES = {"签名证书": "SIGNING", "加密证书": "ENCRYPTION"}
CERTIFICATE_STATUSES = {"有效": "ACTIVE", "已吊销": "REVOKED", "已过期": "EXPIRED"}


def _enterprise_id(world: World):
    return _m(world)["current"][0]


def _buy(world: World, name: str, platform: str, plan: str):
    session, _ = _person(world, name)
    plan_id = world.run(world.driver.plan_by_name(session, platform, plan))
    return world.driver.place_enterprise_order(session, _enterprise_id(world), [plan_id])


def _buy_and_pay(world: World, name: str, platform: str, plan: str) -> None:
    session, _ = _person(world, name)
    order = world.run(_buy(world, name, platform, plan))
    payment = world.run(world.driver.pay_order(session, order.id, "WECHAT_PAY"))
    world.run(world.driver.wallet_pays(payment.id))


@when(parsers.parse('"{name}" 为企业购买平台 "{platform}" 的服务 "{plan}" 并支付'))
def _(world: World, name: str, platform: str, plan: str) -> None:
    _buy_and_pay(world, name, platform, plan)


@given(parsers.parse('"{name}" 已为企业购买并支付平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, name: str, platform: str, plan: str) -> None:
    _buy_and_pay(world, name, platform, plan)


@when(parsers.parse('"{name}" 为企业购买平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, name: str, platform: str, plan: str) -> None:
    world.attempt(_buy(world, name, platform, plan))


def _services(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.services_with_holders(session))


@then(parsers.parse('"{name}" 的服务中有 "{platform}" 的 "{plan}"，归属 "{holder}"，状态"{status}"'))
def _(world: World, name: str, platform: str, plan: str, holder: str, status: str) -> None:
    found = [(s.platform_name, s.plan_name, s.holder_name, s.status) for s in _services(world, name)]
    assert found == [(platform, plan, holder, SERVICE_STATUSES[status])], found


@then(parsers.parse('"{name}" 的服务中没有任何服务'))
def _(world: World, name: str) -> None:
    assert _services(world, name) == []


def _claim(world: World, name: str, pin: str):
    session, _ = _person(world, name)
    enterprise = world.enterprises.setdefault("services", {})
    if "entitlement" not in enterprise:
        admin_session, _ = _person(world, _m(world)["current"][1])
        held = [s for s in world.run(world.driver.services_with_holders(admin_session)) if s.holder_name]
        enterprise["entitlement"] = held[0].id
    return world.driver.claim_enterprise_certificate(session, _enterprise_id(world), enterprise["entitlement"], pin)


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 领取企业证书'))
def _(world: World, name: str, pin: str) -> None:
    world.attempt(_claim(world, name, pin))


@given(parsers.parse('"{name}" 已用证书密码 "{pin}" 领取企业证书'))
def _(world: World, name: str, pin: str) -> None:
    world.run(_claim(world, name, pin))


def _org_certificates(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.enterprise_certificates(session, _enterprise_id(world)))


@then(parsers.parse('企业 "{enterprise}" 有有效的签名证书和加密证书，证书主体为企业名称和统一社会信用代码'))
def _(world: World, enterprise: str) -> None:
    certs = _org_certificates(world, _m(world)["current"][1])
    assert sorted((c.usage, c.status) for c in certs) == [("ENCRYPTION", "ACTIVE"), ("SIGNING", "ACTIVE")]
    for c in certs:
        assert f"O={enterprise}" in c.subject_dn and "organizationIdentifier=NTRCN-91110108MA01ABCD1E" in c.subject_dn


@then(parsers.parse('企业 "{enterprise}" 共有 {count:d} 张企业证书'))
def _(world: World, enterprise: str, count: int) -> None:
    assert len(_org_certificates(world, _m(world)["current"][1])) == count


@then(parsers.parse('"{name}" 看到企业 "{enterprise}" 的证书为空'))
def _(world: World, name: str, enterprise: str) -> None:
    assert _org_certificates(world, name) == []


@then(parsers.parse('"{name}" 的个人证书列表中没有企业证书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    assert world.run(world.driver.my_certificates(session)) == []


# §8.3 证书管理: the enterprise's certificates and the services each carries.


@when(parsers.parse('"{name}" 查看企业 "{enterprise}" 的证书及证书拥有的服务'))
def _(world: World, name: str, enterprise: str) -> None:
    session, _ = _person(world, name)
    seen = world.run(world.driver.enterprise_certificates_with_services(session, _enterprise_id(world)))
    world.enterprises.setdefault("services", {})["seen"] = seen


@then(parsers.parse('看到企业的{first}和{second}，状态均为"{status}"'))
def _(world: World, first: str, second: str, status: str) -> None:
    seen = world.enterprises["services"]["seen"]
    wanted = sorted((CERTIFICATE_USAGES[u], CERTIFICATE_STATUSES[status]) for u in (first, second))
    assert sorted((c.certificate.usage, c.certificate.status) for c in seen) == wanted, seen


@then(parsers.parse('每张证书拥有的服务是平台 "{platform}" 的 "{plan}"，状态"{status}"，有效期 {months:d} 个月'))
def _(world: World, platform: str, plan: str, status: str, months: int) -> None:
    seen = world.enterprises["services"]["seen"]
    assert seen
    for c in seen:
        assert [(s.platform_name, s.plan_name, s.status) for s in c.services] == [
            (platform, plan, SERVICE_STATUSES[status])], c
        assert all(s.valid_until == add_months(s.valid_from, months) for s in c.services), c


@then("看到的企业证书及服务为空")
def _(world: World) -> None:
    assert world.enterprises["services"]["seen"] == []
