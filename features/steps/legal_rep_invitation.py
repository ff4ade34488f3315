"""Steps of §5.1.1.2 (企业管理员发起企业认证) and of the legal rep who verifies later (SPEC §3).

"我" is the admin; "法定代表人" is the person on the invited phone, with their own session."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.steps.enterprises import APPEARANCES, ROLES
from features.world import World
from tests.app_fixture import ID_LI, ID_WANG, ID_ZHANG, wrong_code

ID_NUMBERS = {"张三": ID_ZHANG, "李四": ID_LI, "王五": ID_WANG}
PASSWORD = "Passw0rd1"


def _i(world: World) -> dict:
    return world.enterprises.setdefault("invitation", {})


def _links(world: World, phone: str) -> list[str]:
    texts = world.run(world.driver.sms_texts(phone))
    return [m.group(0) for t in texts if "企业认证授权" in t and (m := re.search(r"https?://\S+", t))]


@when(parsers.parse('我邀请法定代表人通过手机号 "{phone}" 授权'))
def _(world: World, phone: str) -> None:
    url = world.attempt(world.driver.invite_legal_rep(world.session, world.enterprises["current"].id, phone))
    if url is not None:
        _i(world).update(phone=phone, url=url)


@then(parsers.parse('手机号 "{phone}" 收到了认证邀请链接'))
def _(world: World, phone: str) -> None:
    links = _links(world, phone)
    assert links and links[-1] == _i(world)["url"], links


@then(parsers.parse('手机号 "{phone}" 没有收到认证邀请链接'))
def _(world: World, phone: str) -> None:
    assert _links(world, phone) == []


def _person(world: World, name: str, phone: str, *, verified: bool) -> None:
    session = world.register(phone, PASSWORD)
    if verified:
        _verify(world, session, name)
    _i(world).update(rep=session, rep_phone=phone, rep_name=name)


def _verify(world: World, session, name: str) -> None:
    token = world.run(world.driver.start_id_card(session, name, ID_NUMBERS[name]))
    world.driver.person_finishes_face(token, True)
    world.run(world.driver.complete_face(session, token))


@given(parsers.parse('"{name}" 用手机号 "{phone}" 注册并完成了实名认证'))
def _(world: World, name: str, phone: str) -> None:
    _person(world, name, phone, verified=True)


@given(parsers.parse('"{name}" 用手机号 "{phone}" 注册但尚未实名认证'))
def _(world: World, name: str, phone: str) -> None:
    _person(world, name, phone, verified=False)


@when("该用户完成实名认证")
def _(world: World) -> None:
    _verify(world, _i(world)["rep"], _i(world)["rep_name"])


@given("邀请发出后过了 24 小时")
def _(world: World) -> None:
    world.driver.advance_clock(24 * 3600)


@given("该用户重新登录")
def _(world: World) -> None:
    inv = _i(world)
    inv["rep"] = world.run(world.driver.login_with_password(inv["rep_phone"], PASSWORD))


def _open(world: World, which: int) -> None:
    inv = _i(world)
    links = _links(world, inv["rep_phone"])
    assert len(links) >= -which, f"no such invitation reached {inv['rep_phone']}"
    token = parse_qs(urlparse(links[which]).query)["token"][0]
    accepted = world.attempt(world.driver.accept_legal_rep_invitation(inv["rep"], token))
    if accepted is not None:
        inv["accepted"] = accepted


@when("该用户打开收到的邀请链接")
def _(world: World) -> None:
    _open(world, -1)


@when("该用户打开此前收到的邀请链接")
def _(world: World) -> None:
    _open(world, -2)


# ---- the admin's view of the invitation: listed, resent (a new link), cancelled

INVITATION_STATUSES = {"待打开": "PENDING", "已打开": "ACCEPTED", "已过期": "EXPIRED", "已取消": "CANCELLED",
                       "已使用": "USED", "已被取代": "SUPERSEDED"}


def _live(world: World):
    return world.run(world.driver.legal_rep_invitations(world.session, world.enterprises["current"].id))


@then(parsers.parse('我看到发给 "{masked}" 的法定代表人邀请，状态"{status}"'))
def _(world: World, masked: str, status: str) -> None:
    assert [(i.phone_masked, i.status) for i in _live(world)] == [(masked, INVITATION_STATUSES[status])]


@then("我看不到待处理的法定代表人邀请")
def _(world: World) -> None:
    assert _live(world) == []


@when("我重新发送法定代表人邀请")
def _(world: World) -> None:
    (live,) = _live(world)
    url = world.attempt(world.driver.resend_legal_rep_invitation(world.session, live.id))
    if url is not None:
        _i(world)["url"] = url


@when("我取消法定代表人邀请")
def _(world: World) -> None:
    (live,) = _live(world)
    world.attempt(world.driver.cancel_legal_rep_invitation(world.session, live.id))


@given(parsers.parse("邀请发出后过了 {minutes:d} 分钟"))
def _(world: World, minutes: int) -> None:
    world.driver.advance_clock(minutes * 60)


@when("该用户完成人脸核验且核验通过")
def _(world: World) -> None:
    world.driver.person_finishes_face(_i(world)["accepted"].face_token, passed=True)


@when("该用户的人脸核验未通过")
def _(world: World) -> None:
    world.driver.person_finishes_face(_i(world)["accepted"].face_token, passed=False)


@when("该用户获取签署验证码")
def _(world: World) -> None:
    inv = _i(world)
    world.run(world.driver.request_code(inv["rep_phone"], SmsPurpose.SIGN, inv["rep"]))
    inv["code"] = world.run(world.driver.last_code(inv["rep_phone"], SmsPurpose.SIGN))


def _sign(world: World, session, kind: str, code: str) -> None:
    world.attempt(world.driver.sign_authorization_letter(session, _i(world)["accepted"].letter_id,
                                                         APPEARANCES[kind], code))


@when(parsers.parse('该用户用"{kind}"和收到的签署验证码签署授权书'))
def _(world: World, kind: str) -> None:
    _sign(world, _i(world)["rep"], kind, _i(world)["code"])


@when(parsers.parse('该用户用"{kind}"和错误的签署验证码签署授权书'))
def _(world: World, kind: str) -> None:
    _sign(world, _i(world)["rep"], kind, wrong_code(_i(world)["code"]))


@when(parsers.parse('我用"{kind}"和我收到的签署验证码签署该用户的授权书'))
def _(world: World, kind: str) -> None:
    world.run(world.driver.request_code(world.phone, SmsPurpose.SIGN, world.session))
    _sign(world, world.session, kind, world.run(world.driver.last_code(world.phone, SmsPurpose.SIGN)))


def _role_of(world: World, session, name: str) -> str | None:
    found = {m.name: m for m in world.run(world.driver.my_memberships(session))}
    return found[name].role if name in found else None


@then(parsers.parse('该用户在企业 "{name}" 的角色是"{role}"'))
def _(world: World, name: str, role: str) -> None:
    assert _role_of(world, _i(world)["rep"], name) == ROLES[role]


@then(parsers.parse('该用户不属于企业 "{name}"'))
def _(world: World, name: str) -> None:
    assert _role_of(world, _i(world)["rep"], name) is None
