"""Steps of §8.1 赠送服务: the admin or legal rep buys a personal plan for a member, who then claims their own
certificate. People are kept by name by the §8.1 steps (features/steps/enterprise_members.py); the enterprise
acted on is the last one created there."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from features.steps.enterprise_members import ID_NUMBERS, _m, _person
from features.world import World


def _gift(world: World, giver: str, member: str, platform: str, plan: str):
    session, _ = _person(world, giver)
    member_session, _ = _person(world, member)
    enterprise_id = _m(world)["current"][0]
    plan_id = world.run(world.driver.plan_by_name(session, platform, plan))
    members = world.run(world.driver.member_ids(member_session))
    # Someone outside the enterprise has no member ID in it: a client could only send one from elsewhere.
    member_id = members.get(enterprise_id) or next(iter(members.values()))
    return world.driver.gift_service(session, enterprise_id, member_id, [plan_id])


@when(parsers.parse('"{giver}" 为成员 "{member}" 赠送平台 "{platform}" 的服务 "{plan}" 并支付'))
def _(world: World, giver: str, member: str, platform: str, plan: str) -> None:
    session, _ = _person(world, giver)
    order = world.run(_gift(world, giver, member, platform, plan))
    payment = world.run(world.driver.pay_order(session, order.id, "WECHAT_PAY"))
    world.run(world.driver.wallet_pays(payment.id))


@when(parsers.parse('"{giver}" 为成员 "{member}" 赠送平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, giver: str, member: str, platform: str, plan: str) -> None:
    world.attempt(_gift(world, giver, member, platform, plan))


@given(parsers.parse('"{name}" 另建了企业 "{enterprise}"，统一社会信用代码 "{code}"'))
def _(world: World, name: str, enterprise: str, code: str) -> None:
    # Not through the §8.1 step: the enterprise acted on stays the first one.
    session, _ = _person(world, name)
    world.run(world.driver.create_enterprise(session, enterprise, code, name, ID_NUMBERS[name]))


def _services(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.services_with_holders(session))


@then(parsers.parse('"{name}" 的服务中有 "{platform}" 的个人服务 "{plan}"，状态"{status}"'))
def _(world: World, name: str, platform: str, plan: str, status: str) -> None:
    found = [(s.platform_name, s.plan_name, s.holder_name, s.status) for s in _services(world, name)]
    assert found == [(platform, plan, None, {"有效": "ACTIVE"}[status])], found


@when(parsers.parse('"{name}" 用赠送的服务和证书密码 "{pin}" 领取个人证书'))
def _(world: World, name: str, pin: str) -> None:
    session, _ = _person(world, name)
    held = [s for s in _services(world, name) if s.holder_name is None]
    world.attempt(world.driver.claim_certificate(session, held[0].id, pin))


@then(parsers.parse('"{name}" 有有效的个人签名证书和加密证书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    certs = world.run(world.driver.my_certificates(session))
    assert sorted((c.usage, c.status) for c in certs) == [("ENCRYPTION", "ACTIVE"), ("SIGNING", "ACTIVE")], certs
