"""Steps of §6.3 (成员申请企业证书服务, §6.3.1 申请记录, §6.3.2 购买服务). People are kept by name by the §8.1 steps
(features/steps/enterprise_members.py); the enterprise acted on is the last one created there."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.steps.enterprise_members import _m, _person
from features.steps.enterprises import APPEARANCES
from features.world import World
from tests.app_fixture import wrong_code

STATUSES = {"待审批": "PENDING_APPROVAL", "已审批": "APPROVED", "已购买": "PURCHASED", "已拒绝": "REJECTED",
            "已过期": "EXPIRED", "已撤回": "WITHDRAWN"}


def _a(world: World) -> dict:
    return world.enterprises.setdefault("service_applications", {})


def _apply(world: World, name: str, platform: str, plan: str):
    session, _ = _person(world, name)
    plan_id = world.run(world.driver.plan_by_name(session, platform, plan))
    return world.driver.apply_for_enterprise_service(session, _m(world)["current"][0], plan_id)


def _sign_code(world: World, name: str) -> str:
    session, phone = _person(world, name)
    world.driver.advance_clock(61)  # a code asked for earlier in the scenario does not hold this one back
    world.run(world.driver.request_code(phone, SmsPurpose.SIGN, session))
    code = world.run(world.driver.last_code(phone, SmsPurpose.SIGN))
    assert code is not None
    return code


def _approve(world: World, name: str, kind: str, *, right_code: bool):
    session, _ = _person(world, name)
    code = _sign_code(world, name)
    return world.driver.approve_service_application(session, _a(world)["applied"].id, APPEARANCES[kind],
                                                    code if right_code else wrong_code(code))


@when(parsers.parse('"{name}" 申请平台 "{platform}" 的企业服务 "{plan}"'))
def _(world: World, name: str, platform: str, plan: str) -> None:
    applied = world.attempt(_apply(world, name, platform, plan))
    if applied is not None:
        _a(world).update(applied=applied, platform=platform, plan=plan)


@given(parsers.parse('"{name}" 已申请平台 "{platform}" 的企业服务 "{plan}" 并获法人 "{rep}" 审批'))
def _(world: World, name: str, platform: str, plan: str, rep: str) -> None:
    _a(world).update(applied=world.run(_apply(world, name, platform, plan)), platform=platform, plan=plan)
    assert world.run(_approve(world, rep, "姓名签名", right_code=True)).status == "APPROVED"


@then("申请结果给出了转发给法人的审批链接和二维码")
def _(world: World) -> None:
    applied = _a(world)["applied"]
    assert applied.approval_url and applied.approval_url.startswith("http")
    assert "/l/service-application?id=" in applied.approval_url
    assert applied.approval_qr_content == applied.approval_url


@then(parsers.parse('"{name}" 从短信中的审批链接打开的正是该服务申请，申请人 "{applicant}"，状态"{status}"'))
def _(world: World, name: str, applicant: str, status: str) -> None:
    session, phone = _person(world, name)
    links = [u for t in world.run(world.driver.sms_texts(phone)) if "服务申请授权书" in t
             for u in re.findall(r"https?://\S+", t)]
    assert links, f"no approval link reached {phone}"
    seen = world.run(world.driver.open_service_application_link(session, links[-1]))
    assert seen is not None and seen.id == _a(world)["applied"].id, seen
    assert (seen.applicant_name, seen.status) == (applicant, STATUSES[status])


@when(parsers.parse('"{name}" 用"{kind}"和收到的签署验证码审批该服务申请'))
def _(world: World, name: str, kind: str) -> None:
    world.attempt(_approve(world, name, kind, right_code=True))


@when(parsers.parse('"{name}" 用"{kind}"和错误的签署验证码审批该服务申请'))
def _(world: World, name: str, kind: str) -> None:
    world.attempt(_approve(world, name, kind, right_code=False))


@when(parsers.parse('"{name}" 拒绝该服务申请'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.reject_service_application(session, _a(world)["applied"].id))


def _buy(world: World, name: str, platform: str | None = None, plan: str | None = None):
    session, _ = _person(world, name)
    a = _a(world)
    plan_id = world.run(world.driver.plan_by_name(session, platform or a["platform"], plan or a["plan"]))
    return world.driver.place_application_order(session, a["applied"].id, [plan_id])


@when(parsers.parse('"{name}" 购买该服务申请中的套餐并支付'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    order = world.run(_buy(world, name))
    payment = world.run(world.driver.pay_order(session, order.id, "WECHAT_PAY"))
    world.run(world.driver.wallet_pays(payment.id))


@when(parsers.parse('"{name}" 购买该服务申请中的套餐'))
def _(world: World, name: str) -> None:
    world.attempt(_buy(world, name))


@when(parsers.parse('"{name}" 以该服务申请购买平台 "{platform}" 的 "{plan}"'))
def _(world: World, name: str, platform: str, plan: str) -> None:
    world.attempt(_buy(world, name, platform, plan))


def _mine(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.my_service_applications(session))


@then(parsers.parse('"{name}" 的申请记录中 "{plan}" 的状态是"{status}"，企业为 "{enterprise}"'))
def _(world: World, name: str, plan: str, status: str, enterprise: str) -> None:
    found = [(a.plan_name, a.status, a.enterprise_name) for a in _mine(world, name)]
    assert found == [(plan, STATUSES[status], enterprise)], found


@then(parsers.parse('"{name}" 没有服务申请记录'))
def _(world: World, name: str) -> None:
    assert _mine(world, name) == []


# ---------------------------------------------------------------- §8.5.3 法人审批申请证书授权: the enterprise's list


def _listed(world: World, name: str, *, pending_only: bool):
    session, _ = _person(world, name)
    return world.run(world.driver.enterprise_service_applications(session, _m(world)["current"][0],
                                                                  pending_only=pending_only))


@then(parsers.parse('"{name}" 在企业的待审批服务申请中看到 "{applicant}" 申请的 "{plan}"'))
def _(world: World, name: str, applicant: str, plan: str) -> None:
    found = _listed(world, name, pending_only=True)
    assert [(a.applicant_name, a.plan_name, a.status) for a in found] == [(applicant, plan, "PENDING_APPROVAL")]


@then(parsers.parse('"{name}" 在企业的服务申请中看到 "{applicant}" 申请的 "{plan}"，状态"{status}"'))
def _(world: World, name: str, applicant: str, plan: str, status: str) -> None:
    found = _listed(world, name, pending_only=False)
    assert [(a.applicant_name, a.plan_name, a.status) for a in found] == [(applicant, plan, STATUSES[status])]


@then(parsers.parse('"{name}" 在企业的待审批服务申请中看不到任何申请'))
def _(world: World, name: str) -> None:
    assert _listed(world, name, pending_only=True) == []


@then(parsers.parse('"{name}" 在企业的服务申请中看不到任何申请'))
def _(world: World, name: str) -> None:
    assert _listed(world, name, pending_only=False) == []


@then(parsers.parse('"{name}" 可以在审批前查看服务申请授权书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    application_id = _a(world)["applied"].id
    pdf = world.run(world.driver.service_application_letter(session, application_id, signed=False))
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert world.run(world.driver.service_application_letter(session, application_id, signed=True)) is None


@then(parsers.parse('"{name}" 看不到该服务申请授权书'))
def _(world: World, name: str) -> None:
    session, _ = _person(world, name)
    assert world.run(world.driver.service_application_letter(session, _a(world)["applied"].id, signed=False)) is None
