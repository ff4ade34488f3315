"""Steps of §3: SMS codes, registration, login, entry mode."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from features.driver import Refused
from features.world import ENTRY_MODES, PURPOSES, World
from tests.app_fixture import wrong_code


@given(parsers.parse('手机号 "{phone}" 尚未注册'))
def _(world: World, phone: str) -> None:
    assert not world.driver.has_account(phone)


@given(parsers.parse('我已为手机号 "{phone}" 获取"{purpose}"验证码'))
def _(world: World, phone: str, purpose: str) -> None:
    world.run(world.driver.request_code(phone, PURPOSES[purpose], world.session))
    world.code_request = (phone, PURPOSES[purpose])


@when(parsers.parse('我为手机号 "{phone}" 获取"{purpose}"验证码'))
@when(parsers.parse('我为新手机号 "{phone}" 获取"{purpose}"验证码'))
def _(world: World, phone: str, purpose: str) -> None:
    world.attempt(world.driver.request_code(phone, PURPOSES[purpose], world.session))
    world.code_request = (phone, PURPOSES[purpose])


@when(parsers.parse('我用手机号 "{phone}"、收到的验证码和密码 "{password}" 注册'))
def _(world: World, phone: str, password: str) -> None:
    session = world.attempt(world.driver.register(phone, world.received_code(), password))
    if session is not None:
        world.session = session


@when(parsers.parse('我用手机号 "{phone}"、错误的验证码和密码 "{password}" 注册'))
def _(world: World, phone: str, password: str) -> None:
    world.attempt(world.driver.register(phone, wrong_code(world.received_code()), password))


@when(parsers.parse('我用手机号 "{phone}" 和错误的验证码连续注册 {times:d} 次'))
def _(world: World, phone: str, times: int) -> None:
    bad = wrong_code(world.received_code())
    for _ in range(times):
        world.attempt(world.driver.register(phone, bad, "Passw0rd1"))
        assert world.error is not None


@when(parsers.parse('我用手机号 "{phone}" 和密码 "{password}" 连续登录 {times:d} 次'))
def _(world: World, phone: str, password: str, times: int) -> None:
    for _ in range(times):
        world.attempt(world.driver.login_with_password(phone, password))


@given(parsers.parse('手机号 "{phone}" 的密码登录已被锁定'))
def _(world: World, phone: str) -> None:
    for _ in range(5):
        try:
            world.run(world.driver.login_with_password(phone, "Wr0ngPass1"))
        except Refused as refused:
            last = refused
    assert last.code == "LOGIN_LOCKED"


@when(parsers.parse('我用手机号 "{phone}" 和收到的验证码登录'))
def _(world: World, phone: str) -> None:
    session = world.attempt(world.driver.login_with_code(phone, world.received_code()))
    if session is not None:
        world.session = session


@when(parsers.parse('我用手机号 "{phone}" 和错误的验证码登录'))
def _(world: World, phone: str) -> None:
    world.attempt(world.driver.login_with_code(phone, wrong_code(world.received_code())))


@then("我尚未选择访问入口")
def _(world: World) -> None:
    assert world.run(world.driver.me(world.session)).entry_mode is None


@when(parsers.parse("我选择访问入口“{mode}”"))
def _(world: World, mode: str) -> None:
    world.attempt(world.driver.choose_entry_mode(world.session, ENTRY_MODES[mode]))


@then(parsers.parse("我的访问入口是“{mode}”"))
def _(world: World, mode: str) -> None:
    assert world.run(world.driver.me(world.session)).entry_mode == ENTRY_MODES[mode].value
