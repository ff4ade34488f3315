"""Steps of the §8.6 cascade: a change of name and legal rep through the bank transfer and the operator's decision,
and what it does to the enterprise's org certificates and seals. People and the enterprise come from the §8.1
steps (features/steps/enterprise_members.py)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from features.steps.enterprise_bank_transfer import LICENCE, SIGNED_LETTER
from features.steps.enterprise_members import ID_NUMBERS, _m, _person
from features.world import World

ACCOUNT = "6222020200112233445"
BANK = "中国工商银行北京海淀支行"


def _enterprise_id(world: World):
    return _m(world)["current"][0]


def _change_through_review(world: World, name: str, new_name: str, rep: str, approve: bool) -> None:
    d = world.driver
    session, _ = _person(world, name)
    enterprise_id = _enterprise_id(world)
    world.run(d.request_enterprise_change(session, enterprise_id, new_name, rep, ID_NUMBERS[rep], LICENCE,
                                          SIGNED_LETTER))
    transfer = world.run(d.start_bank_transfer(session, enterprise_id, ACCOUNT, BANK))
    code = world.run(d.deposit_code(ACCOUNT))
    world.run(d.confirm_bank_transfer(session, transfer.id, code, SIGNED_LETTER))
    operator = world.operator_session()
    [(review_id, _summary)] = world.run(d.pending_review_summaries(operator, "ENTERPRISE_CHANGE"))
    world.run(d.decide_review(operator, review_id, approve, None if approve else "营业执照与申请信息不一致"))
    if approve:  # four eyes: a supervisor countersigns an enterprise change
        world.run(d.decide_review(world.supervisor_session(), review_id, True, None))


@when(parsers.parse('"{name}" 申请将企业名称变更为 "{new_name}"、法定代表人变更为 "{rep}"，完成对公打款并经工作人员审核通过'))
def _(world: World, name: str, new_name: str, rep: str) -> None:
    _change_through_review(world, name, new_name, rep, True)


@when(parsers.parse('"{name}" 申请将企业名称变更为 "{new_name}"、法定代表人变更为 "{rep}"，完成对公打款但被工作人员驳回'))
def _(world: World, name: str, new_name: str, rep: str) -> None:
    _change_through_review(world, name, new_name, rep, False)


def _admin_session(world: World):
    return _person(world, _m(world)["current"][1])[0]


def _certificates(world: World):
    return world.run(world.driver.enterprise_certificates(_admin_session(world), _enterprise_id(world)))


@then(parsers.parse('企业的有效签名证书和加密证书以 "{name}" 为主体，原来的两张证书已吊销'))
def _(world: World, name: str) -> None:
    certs = _certificates(world)
    active = sorted(c.usage for c in certs if c.status == "ACTIVE" and f"O={name}" in c.subject_dn)
    assert active == ["ENCRYPTION", "SIGNING"], certs
    assert sorted(c.usage for c in certs if c.status == "REVOKED" and f"O={name}" not in c.subject_dn) == [
        "ENCRYPTION", "SIGNING"], certs


@then(parsers.parse('企业的有效签名证书和加密证书以 "{name}" 为主体，没有证书被吊销'))
def _(world: World, name: str) -> None:
    certs = _certificates(world)
    assert sorted((c.usage, c.status) for c in certs) == [("ENCRYPTION", "ACTIVE"), ("SIGNING", "ACTIVE")], certs
    assert all(f"O={name}" in c.subject_dn for c in certs)


def _seals(world: World):
    return world.run(world.driver.enterprise_seals(_admin_session(world), _enterprise_id(world), True))


@then(parsers.parse('企业印章 "{seal}" 仍然有效，章面环绕文字为 "{text}"'))
def _(world: World, seal: str, text: str) -> None:
    [found] = [s for s in _seals(world) if s.name == seal]
    assert (found.status, found.surrounding_text) == ("ACTIVE", text)


@then(parsers.parse('原 "{seal}" 已注销，新的 "{seal2}" 刻有 "{rep}"'))
def _(world: World, seal: str, seal2: str, rep: str) -> None:
    found = sorted((s.status, s.surrounding_text) for s in _seals(world) if s.name == seal)
    assert found == [("ACTIVE", rep), ("REVOKED", "张三")], found
