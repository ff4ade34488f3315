"""Steps of §8.2 (印章管理): 制作机构印章, 制作法人代表章, 变更章面, 印章注销. People are kept by name by the §8.1 steps
(features/steps/enterprise_members.py); the enterprise acted on is the last one created there and its creator
looks at its seal list. Seals are named in the scenarios; the id of the latest one made under a name is kept."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from features.steps.enterprise_members import _m, _members, _person
from features.world import World

KINDS = {"公章": "OFFICIAL", "合同专用章": "CONTRACT", "财务专用章": "FINANCE", "发票专用章": "INVOICE",
         "人事专用章": "PERSONNEL", "其他": "OTHER", "法定代表人章": "LEGAL_REP"}
STYLES = {"经典": "CLASSIC", "双圈": "DOUBLE_RING", "做旧": "AGED", "方形": "SQUARE"}
STATUSES = {"有效": "ACTIVE", "已注销": "REVOKED", "已过期": "EXPIRED"}


def _enterprise_id(world: World):
    return _m(world)["current"][0]


def _seal_ids(world: World) -> dict:
    return world.enterprises.setdefault("seals", {})


def _make(world: World, name: str, pin: str, kind: str, seal: str, admin: str | None = None):
    session, _ = _person(world, name)
    admin_id = None
    if admin is not None:
        admin_id = next(m.id for m in _members(world) if m.name == admin)

    async def act():
        made = await world.driver.create_enterprise_seal(session, _enterprise_id(world), seal, KINDS[kind], pin,
                                                         admin_id)
        _seal_ids(world)[seal] = made.id
        return made
    return act()


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 制作"{kind}"类型的印章 "{seal}"，印章管理员为 "{admin}"'))
def _(world: World, name: str, pin: str, kind: str, seal: str, admin: str) -> None:
    world.attempt(_make(world, name, pin, kind, seal, admin))


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 制作"{kind}"类型的印章 "{seal}"'))
def _(world: World, name: str, pin: str, kind: str, seal: str) -> None:
    world.attempt(_make(world, name, pin, kind, seal))


@given(parsers.parse('"{name}" 已用证书密码 "{pin}" 制作"{kind}"类型的印章 "{seal}"'))
def _(world: World, name: str, pin: str, kind: str, seal: str) -> None:
    world.run(_make(world, name, pin, kind, seal))


def _seals(world: World, name: str | None = None, include_invalid: bool = True):
    session, _ = _person(world, name or _m(world)["current"][1])
    return world.run(world.driver.enterprise_seals(session, _enterprise_id(world), include_invalid))


def _seal(world: World, seal: str):
    wanted = _seal_ids(world)[seal]
    return next(s for s in _seals(world) if s.id == wanted)


@then(parsers.parse('企业印章列表中有 "{seal}"（{kind}），状态"{status}"'))
def _(world: World, seal: str, kind: str, status: str) -> None:
    found = _seal(world, seal)
    assert (found.name, found.kind, found.status) == (seal, KINDS[kind], STATUSES[status]), found


@then(parsers.parse('印章 "{seal}" 为"{style}"样式，可以导出为电子印章数据（GB/T 38540）'))
def _(world: World, seal: str, style: str) -> None:
    found = _seal(world, seal)
    assert found.style == STYLES[style] and found.has_ses_seal, found


@then(parsers.parse('印章 "{seal}" 不能再导出'))
def _(world: World, seal: str) -> None:
    assert not _seal(world, seal).has_ses_seal


@then(parsers.parse('"{name}" 看到的企业印章是"{expected}"'))
def _(world: World, name: str, expected: str) -> None:
    # As a set: seals made in the same instant have no order between them.
    assert sorted(s.name for s in _seals(world, name, include_invalid=False)) == sorted(expected.split("、"))


@then(parsers.parse('"{name}" 看到的企业印章为空'))
def _(world: World, name: str) -> None:
    assert _seals(world, name) == []


@then(parsers.parse('企业没有任何印章'))
def _(world: World) -> None:
    assert _seals(world) == []


@then(parsers.parse('企业共有 {count:d} 枚有效的"{kind}"'))
def _(world: World, count: int, kind: str) -> None:
    assert len([s for s in _seals(world, include_invalid=False) if s.kind == KINDS[kind]]) == count


def _change(world: World, name: str, pin: str, seal: str, style: str | None = None, code: str | None = None):
    session, _ = _person(world, name)
    return world.driver.change_org_seal_face(session, _seal_ids(world)[seal], pin,
                                             style=STYLES[style] if style else None, info_code=code)


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 变更印章 "{seal}" 的章面：样式"{style}"，信息编码 "{code}"'))
def _(world: World, name: str, pin: str, seal: str, style: str, code: str) -> None:
    world.attempt(_change(world, name, pin, seal, style, code))


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 变更印章 "{seal}" 的章面：样式"{style}"'))
def _(world: World, name: str, pin: str, seal: str, style: str) -> None:
    world.attempt(_change(world, name, pin, seal, style))


@then(parsers.parse('印章 "{seal}" 的样式为"{style}"，信息编码为 "{code}"'))
def _(world: World, seal: str, style: str, code: str) -> None:
    found = _seal(world, seal)
    assert (found.style, found.info_code) == (STYLES[style], code), found


@then(parsers.parse('印章 "{seal}" 保留了 {count:d} 个章面'))
def _(world: World, seal: str, count: int) -> None:
    assert world.run(world.driver.seal_face_count(_seal_ids(world)[seal])) == count


def _revoke(world: World, name: str, pin: str, seal: str):
    session, _ = _person(world, name)
    return world.driver.revoke_seal(session, _seal_ids(world)[seal], pin)


@when(parsers.parse('"{name}" 用证书密码 "{pin}" 注销印章 "{seal}"'))
def _(world: World, name: str, pin: str, seal: str) -> None:
    world.attempt(_revoke(world, name, pin, seal))


@given(parsers.parse('"{name}" 已用证书密码 "{pin}" 注销印章 "{seal}"'))
def _(world: World, name: str, pin: str, seal: str) -> None:
    world.run(_revoke(world, name, pin, seal))
