"""Steps of §5.2 (加入企业) and §8.1 (成员管理). Several people act in one scenario: each is kept by name with their
session and phone; the enterprise the steps act on is the last one created."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.world import World
from tests.app_fixture import ID_LI, ID_WANG, ID_ZHANG, id_number

ID_NUMBERS = {"张三": ID_ZHANG, "李四": ID_LI, "王五": ID_WANG, "赵六": id_number("11010119900307001")}
ROLES = {"法定代表人": "LEGAL_REP", "管理员": "ADMIN", "成员": "MEMBER"}
STATUSES = {"已加入": "ACTIVE", "待加入": "INVITED"}
INVITATION_STATUSES = {"待加入": "PENDING", "已过期": "EXPIRED", "已加入": "ACCEPTED", "已取消": "CANCELLED"}
PASSWORD = "Passw0rd1"


def _m(world: World) -> dict:
    return world.enterprises.setdefault("members", {"people": {}, "applications": {}})


def _person(world: World, name: str):
    return _m(world)["people"][name]


def _verify(world: World, session, name: str) -> None:
    token = world.run(world.driver.start_id_card(session, name, ID_NUMBERS[name]))
    world.driver.person_finishes_face(token, True)
    world.run(world.driver.complete_face(session, token))


def _verified(world: World, name: str, phone: str):
    session = world.register(phone, PASSWORD)
    _verify(world, session, name)
    _m(world)["people"][name] = (session, phone)
    return session


def _create(world: World, name: str, enterprise: str, code: str, rep: str):
    session, _ = _person(world, name)
    created = world.run(world.driver.create_enterprise(session, enterprise, code, rep, ID_NUMBERS[rep]))
    _m(world)["current"] = (created.id, name)
    return session, created


@given(parsers.parse('"{name}"（手机号 "{phone}"）已创建企业 "{enterprise}" 并以法定代表人身份完成认证'))
def _(world: World, name: str, phone: str, enterprise: str) -> None:
    _verified(world, name, phone)
    session, created = _create(world, name, enterprise, "91110108MA01ABCD1E", name)
    letter = world.run(world.driver.prepare_authorization_letter(session, created.id))
    world.run(world.driver.request_code(phone, SmsPurpose.SIGN, session))
    code = world.run(world.driver.last_code(phone, SmsPurpose.SIGN))
    signed = world.run(world.driver.sign_authorization_letter(session, letter.id, "NAME_SIGNATURE", code))
    assert signed.status == "CERTIFIED"


@given(parsers.parse('"{name}" 已创建企业 "{enterprise}"，统一社会信用代码 "{code}"，法定代表人 "{rep}"'))
def _(world: World, name: str, enterprise: str, code: str, rep: str) -> None:
    _create(world, name, enterprise, code, rep)


@given(parsers.parse('"{name}" 是已实名认证的用户，手机号 "{phone}"'))
def _(world: World, name: str, phone: str) -> None:
    _verified(world, name, phone)


@when(parsers.parse('"{name}" 用手机号 "{phone}" 注册并完成实名认证'))
def _(world: World, name: str, phone: str) -> None:
    _verified(world, name, phone)


def _apply(world: World, name: str, enterprise: str, admin: str, phone: str, reason: str):
    session, _ = _person(world, name)
    _m(world)["last_apply"] = (name, admin, phone, reason)
    return world.driver.apply_to_join(session, enterprise, admin, phone, reason)


@when(parsers.parse('"{name}" 申请加入企业 "{enterprise}"，管理员 "{admin}"，管理员手机号 "{phone}"，理由 "{reason}"'))
def _(world: World, name: str, enterprise: str, admin: str, phone: str, reason: str) -> None:
    applied = world.attempt(_apply(world, name, enterprise, admin, phone, reason))
    if applied is not None:
        assert applied.status == "PENDING"
        _m(world)["applications"][name] = applied.id


@given(parsers.parse('"{name}" 已申请加入企业 "{enterprise}"，管理员 "{admin}"，管理员手机号 "{phone}"'))
def _(world: World, name: str, enterprise: str, admin: str, phone: str) -> None:
    _m(world)["applications"][name] = world.run(_apply(world, name, enterprise, admin, phone, "申请加入")).id


@then(parsers.parse('提示与申请加入不存在的企业 "{enterprise}" 时完全相同'))
def _(world: World, enterprise: str) -> None:
    refused = world.error
    assert refused is not None
    name, admin, phone, reason = _m(world)["last_apply"]
    world.attempt(_apply(world, name, enterprise, admin, phone, reason))
    assert world.error is not None
    assert (world.error.code, world.error.message, world.error.field) == (refused.code, refused.message,
                                                                          refused.field)


@then(parsers.parse('手机号 "{phone}" 收到包含"{text}"的短信'))
def _(world: World, phone: str, text: str) -> None:
    texts = world.run(world.driver.sms_texts(phone))
    assert any(text in t for t in texts), texts


def _pending(world: World, name: str):
    session, _ = _person(world, name)
    return world.run(world.driver.pending_join_applications(session, _m(world)["current"][0]))


@then(parsers.parse('"{name}" 的待审批列表中有 "{applicant}" 的申请'))
def _(world: World, name: str, applicant: str) -> None:
    assert [a.applicant_name for a in _pending(world, name) or []] == [applicant]


@then(parsers.parse('"{name}" 的待审批列表为空'))
def _(world: World, name: str) -> None:
    assert _pending(world, name) == []


@then(parsers.parse('"{name}" 看不到待审批列表'))
def _(world: World, name: str) -> None:
    assert _pending(world, name) is None


def _decide(world: World, name: str, applicant: str, approve: bool) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.decide_join_application(session, _m(world)["applications"][applicant], approve))


@when(parsers.parse('"{name}" 通过 "{applicant}" 的加入申请'))
def _(world: World, name: str, applicant: str) -> None:
    _decide(world, name, applicant, True)


@when(parsers.parse('"{name}" 拒绝 "{applicant}" 的加入申请'))
def _(world: World, name: str, applicant: str) -> None:
    _decide(world, name, applicant, False)


def _add(world: World, name: str, member: str, phone: str, role: str):
    session, _ = _person(world, name)
    return world.driver.add_member(session, _m(world)["current"][0], member, phone, ROLES[role])


@when(parsers.parse('"{name}" 添加成员 "{member}"，手机号 "{phone}"，角色"{role}"'))
def _(world: World, name: str, member: str, phone: str, role: str) -> None:
    added = _m(world)["added"] = world.attempt(_add(world, name, member, phone, role))
    if added is not None and added.status == "INVITED":
        _m(world).setdefault("invitations", {})[member] = added.id


@given(parsers.parse('"{name}" 已添加成员 "{member}"，手机号 "{phone}"，角色"{role}"'))
def _(world: World, name: str, member: str, phone: str, role: str) -> None:
    assert world.run(_add(world, name, member, phone, role)).status == "ACTIVE"


@then(parsers.parse('添加的成员是"{member}"，手机号显示为"{masked}"，状态"{status}"'))
def _(world: World, member: str, masked: str, status: str) -> None:
    added = _m(world)["added"]
    assert (added.name, added.phone_masked, added.status) == (member, masked, STATUSES[status])


def _members(world: World, name: str | None = None):
    enterprise_id, owner = _m(world)["current"]
    session, _ = _person(world, name or owner)
    return world.run(world.driver.members(session, enterprise_id))


@then(parsers.parse('企业成员是"{expected}"'))
def _(world: World, expected: str) -> None:
    wanted = [tuple(item.rstrip("）").split("（")) for item in expected.split("、")]
    assert [(m.name, m.role) for m in _members(world)] == [(n, ROLES[r]) for n, r in wanted]


@then(parsers.parse('"{name}" 看到的成员手机号是"{expected}"'))
def _(world: World, name: str, expected: str) -> None:
    assert [m.phone_masked for m in _members(world, name)] == expected.split("、")


@when(parsers.parse('"{name}" 用收到的注销验证码注销账户'))
def _(world: World, name: str) -> None:
    session, phone = _person(world, name)
    world.run(world.driver.request_code(phone, SmsPurpose.DELETE_ACCOUNT, session))
    code = world.run(world.driver.last_code(phone, SmsPurpose.DELETE_ACCOUNT))
    world.attempt(world.driver.delete_account(session, code))


@when(parsers.parse('"{name}" 移除成员 "{member}"'))
def _(world: World, name: str, member: str) -> None:
    session, _ = _person(world, name)
    found = {m.name: m.id for m in _members(world, name) or []}
    world.attempt(world.driver.remove_member(session, found[member]))


# ---- §8.1 the invitations addMember made: listed, cancelled, resent by the admin or legal rep


def _invitations(world: World, name: str, pending_only: bool = True):
    session, _ = _person(world, name)
    return world.run(world.driver.member_invitations(session, _m(world)["current"][0], pending_only))


@then(parsers.parse('"{name}" 的待加入邀请中有 "{member}"，手机号显示为"{masked}"，状态"{status}"'))
def _(world: World, name: str, member: str, masked: str, status: str) -> None:
    found = [(i.name, i.phone_masked, i.status) for i in _invitations(world, name) or []]
    assert found == [(member, masked, INVITATION_STATUSES[status])], found


@then(parsers.parse('"{name}" 的待加入邀请为空'))
def _(world: World, name: str) -> None:
    assert _invitations(world, name) == []


@then(parsers.parse('"{name}" 看不到待加入邀请'))
def _(world: World, name: str) -> None:
    assert _invitations(world, name) is None


@then(parsers.parse('"{name}" 的全部邀请中 "{member}" 的状态是"{status}"'))
def _(world: World, name: str, member: str, status: str) -> None:
    found = {i.name: i.status for i in _invitations(world, name, pending_only=False) or []}
    assert found.get(member) == INVITATION_STATUSES[status], found


def _invitation_of(world: World, member: str):
    return _m(world)["invitations"][member]


@when(parsers.parse('"{name}" 取消对 "{member}" 的邀请'))
def _(world: World, name: str, member: str) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.cancel_member_invitation(session, _invitation_of(world, member)))


@when(parsers.parse('"{name}" 重新发送对 "{member}" 的邀请'))
def _(world: World, name: str, member: str) -> None:
    session, _ = _person(world, name)
    world.attempt(world.driver.resend_member_invitation(session, _invitation_of(world, member)))


@given(parsers.parse("成员邀请发出后过了 {days:d} 天"))
def _(world: World, days: int) -> None:
    world.driver.advance_clock(days * 86_400)
    # Their sessions ran out meanwhile: everyone signs in again, as the app would have them do.
    people = _m(world)["people"]
    for name, (_session, phone) in list(people.items()):
        people[name] = (world.run(world.driver.login_with_password(phone, PASSWORD)), phone)


@given(parsers.parse("又过了 {minutes:d} 分钟"))
def _(world: World, minutes: int) -> None:
    world.driver.advance_clock(minutes * 60)
