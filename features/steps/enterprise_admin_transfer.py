"""Steps of §8.4 (管理员转授): several people, each with their own session, act on one enterprise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.driver import Session
from features.steps.enterprises import APPEARANCES, ID_NUMBERS, ROLES
from features.world import World
from tests.app_fixture import id_number, wrong_code

PEOPLE = {**ID_NUMBERS, "赵六": id_number("51010419880808765")}

TRANSFER_STATUSES = {"待签署": "PENDING", "已生效": "APPROVED", "已取消": "CANCELLED", "已过期": "EXPIRED"}


@dataclass
class Person:
    session: Session
    phone: str


def _t(world: World) -> dict:
    return world.enterprises.setdefault("admin_transfer", {"people": {}, "enterprises": {}})


def _person(world: World, name: str) -> Person:
    return _t(world)["people"][name]


def _enterprise_id(world: World, name: str):
    return _t(world)["enterprises"][name]


@given(parsers.parse('"{name}" 是已实名认证的用户，手机号 "{phone}"'))
def _(world: World, name: str, phone: str) -> None:
    session = world.register(phone, "Passw0rd1")
    token = world.run(world.driver.start_id_card(session, name, PEOPLE[name]))
    world.driver.person_finishes_face(token, True)
    world.run(world.driver.complete_face(session, token))
    _t(world)["people"][name] = Person(session, phone)


@given(parsers.parse('"{who}" 创建了企业 "{ename}"，统一社会信用代码 "{code}"，法定代表人 "{rep}"'))
def _(world: World, who: str, ename: str, code: str, rep: str) -> None:
    created = world.run(world.driver.create_enterprise(_person(world, who).session, ename, code, rep, PEOPLE[rep]))
    _t(world)["enterprises"][ename] = created.id


def _sign_code(world: World, person: Person) -> str:
    world.driver.advance_clock(61)  # a code asked for earlier in the scenario does not hold this one back
    world.run(world.driver.request_code(person.phone, SmsPurpose.SIGN, person.session))
    code = world.run(world.driver.last_code(person.phone, SmsPurpose.SIGN))
    assert code is not None
    return code


@given(parsers.parse('法定代表人 "{rep}" 已签署企业 "{ename}" 的认证授权书'))
def _(world: World, rep: str, ename: str) -> None:
    person = _person(world, rep)
    letter = world.run(world.driver.prepare_authorization_letter(person.session, _enterprise_id(world, ename)))
    world.run(world.driver.sign_authorization_letter(person.session, letter.id, APPEARANCES["姓名签名"],
                                                     _sign_code(world, person)))


@given(parsers.parse('"{who}" 已是企业 "{ename}" 的普通成员'))
def _(world: World, who: str, ename: str) -> None:
    world.run(world.driver.add_member_directly(_person(world, who).session, _enterprise_id(world, ename)))


@when(parsers.parse('"{who}" 已离开企业 "{ename}"'))
def _(world: World, who: str, ename: str) -> None:
    world.run(world.driver.remove_member_directly(_person(world, who).session, _enterprise_id(world, ename)))


@when(parsers.parse('"{who}" 将企业 "{ename}" 的管理员转授给 "{target}"'))
def _(world: World, who: str, ename: str, target: str) -> None:
    enterprise_id = _enterprise_id(world, ename)
    members = world.run(world.driver.member_ids(_person(world, target).session))
    # Someone outside the enterprise has no member ID in it: a client could only send one from elsewhere.
    member_id = members.get(enterprise_id) or next(iter(members.values()))
    transfer = world.attempt(world.driver.request_admin_transfer(_person(world, who).session, enterprise_id,
                                                                 member_id))
    if transfer is not None:
        _t(world)["transfer"] = transfer


@then(parsers.parse('管理员转授的状态是"{status}"'))
def _(world: World, status: str) -> None:
    assert _t(world)["transfer"].status == TRANSFER_STATUSES[status]


def _approve(world: World, who: str, kind: str, *, right_code: bool) -> None:
    person = _person(world, who)
    code = _sign_code(world, person)
    world.attempt(world.driver.approve_admin_transfer(person.session, _t(world)["transfer"].id, APPEARANCES[kind],
                                                      code if right_code else wrong_code(code)))


@when(parsers.parse('"{who}" 用"{kind}"和收到的签署验证码签署管理员变更授权书'))
def _(world: World, who: str, kind: str) -> None:
    _approve(world, who, kind, right_code=True)


@when(parsers.parse('"{who}" 用"{kind}"和错误的签署验证码签署管理员变更授权书'))
def _(world: World, who: str, kind: str) -> None:
    _approve(world, who, kind, right_code=False)


@then(parsers.parse('"{who}" 在企业 "{ename}" 的角色是"{role}"'))
def _(world: World, who: str, ename: str, role: str) -> None:
    mine = {m.id: m.role for m in world.run(world.driver.my_memberships(_person(world, who).session))}
    assert mine.get(_enterprise_id(world, ename)) == ROLES[role]


@then(parsers.parse('"{who}" 能查看已签署的管理员变更授权书'))
def _(world: World, who: str) -> None:
    pdf = world.run(world.driver.admin_transfer_letter(_person(world, who).session, _t(world)["transfer"].letter_id,
                                                       signed=True))
    assert pdf is not None and pdf.startswith(b"%PDF")


@then(parsers.parse('"{who}" 不能查看已签署的管理员变更授权书'))
def _(world: World, who: str) -> None:
    assert world.run(world.driver.admin_transfer_letter(_person(world, who).session, _t(world)["transfer"].letter_id,
                                                        signed=True)) is None


# ---------------------------------------------------------------- finding the transfer (issue 19): link, node, list


def _link_in_sms(world: World, person: Person, words: str) -> str:
    links = [u for t in world.run(world.driver.sms_texts(person.phone)) if words in t
             for u in re.findall(r"https?://\S+", t)]
    assert links, f"no link about {words} reached {person.phone}"
    return links[-1]


@then(parsers.parse('"{who}" 从短信中的链接打开的正是该管理员转授：由 "{giver}" 转授给 "{receiver}"，状态"{status}"'))
def _(world: World, who: str, giver: str, receiver: str, status: str) -> None:
    person = _person(world, who)
    url = _link_in_sms(world, person, "管理员变更授权书")
    seen = world.run(world.driver.open_admin_transfer_link(person.session, url))
    assert seen is not None and seen.id == _t(world)["transfer"].id, seen
    assert (seen.from_admin_name, seen.to_admin_name, seen.status) == (giver, receiver, TRANSFER_STATUSES[status])


def _listed(world: World, who: str, ename: str, *, pending_only: bool):
    return world.run(world.driver.enterprise_admin_transfers(_person(world, who).session,
                                                             _enterprise_id(world, ename), pending_only=pending_only))


@then(parsers.parse('"{who}" 在企业 "{ename}" 的待签署管理员转授中看到由 "{giver}" 转授给 "{receiver}" 的一项'))
def _(world: World, who: str, ename: str, giver: str, receiver: str) -> None:
    found = _listed(world, who, ename, pending_only=True)
    assert [(t.from_admin_name, t.to_admin_name, t.status) for t in found] == [(giver, receiver, "PENDING")], found
    _t(world)["listed"] = found[0]


@then(parsers.parse('"{who}" 在企业 "{ename}" 的待签署管理员转授中看不到任何转授'))
def _(world: World, who: str, ename: str) -> None:
    assert _listed(world, who, ename, pending_only=True) == []


@then(parsers.parse('"{who}" 在企业 "{ename}" 的管理员转授中看不到任何转授'))
def _(world: World, who: str, ename: str) -> None:
    assert _listed(world, who, ename, pending_only=False) == []


@then(parsers.parse('"{who}" 能查看该管理员转授，状态"{status}"'))
def _(world: World, who: str, status: str) -> None:
    seen = world.run(world.driver.admin_transfer(_person(world, who).session, _t(world)["transfer"].id))
    assert seen is not None and seen.status == TRANSFER_STATUSES[status], seen


@then(parsers.parse('"{who}" 看不到该管理员转授'))
def _(world: World, who: str) -> None:
    session = _person(world, who).session
    assert world.run(world.driver.admin_transfer(session, _t(world)["transfer"].id)) is None
    assert world.run(world.driver.admin_transfer_letter(session, _t(world)["transfer"].letter_id,
                                                        signed=False)) is None


@when(parsers.parse('"{who}" 用"{kind}"和收到的签署验证码签署待签署列表中的管理员转授'))
def _(world: World, who: str, kind: str) -> None:
    person = _person(world, who)
    code = _sign_code(world, person)
    world.attempt(world.driver.approve_admin_transfer(person.session, _t(world)["listed"].id, APPEARANCES[kind], code))
