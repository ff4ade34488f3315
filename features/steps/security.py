"""Steps of §9.3, the security centre: passwords, phone, sessions, deleting the account."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from features.world import World
from tests.app_fixture import wrong_code


@given("我在另一台设备上也已登录")
def _(world: World) -> None:
    assert world.session is not None and world.phone and world.password
    world.other_device = world.run(world.driver.login_with_password(world.phone, world.password))


@then("另一台设备已下线")
def _(world: World) -> None:
    assert not world.run(world.driver.is_signed_in(world.other_device))


@then("另一台设备仍在线")
def _(world: World) -> None:
    assert world.run(world.driver.is_signed_in(world.other_device))


@when(parsers.parse('我把登录密码由 "{old}" 改为 "{new}"'))
def _(world: World, old: str, new: str) -> None:
    world.attempt(world.driver.change_password(world.session, old, new))


@when(parsers.parse('我用收到的验证码把手机号 "{phone}" 的密码重置为 "{new}"'))
def _(world: World, phone: str, new: str) -> None:
    world.attempt(world.driver.reset_password(phone, world.received_code(), new))


@when(parsers.parse('我用错误的验证码把手机号 "{phone}" 的密码重置为 "{new}"'))
def _(world: World, phone: str, new: str) -> None:
    world.attempt(world.driver.reset_password(phone, wrong_code(world.received_code()), new))


@when(parsers.parse('我输入登录密码 "{password}" 和收到的验证码，把手机号换成 "{phone}"'))
def _(world: World, password: str, phone: str) -> None:
    world.attempt(world.driver.change_phone(world.session, phone, world.received_code(), password))


@then(parsers.parse("我能看到 {count:d} 个登录会话"))
def _(world: World, count: int) -> None:
    assert len(world.run(world.driver.list_sessions(world.session))) == count


@when("我结束另一台设备的会话")
def _(world: World) -> None:
    world.attempt(world.driver.end_session(world.session, world.other_device.session_id))


@when("我退出登录")
def _(world: World) -> None:
    world.attempt(world.driver.logout(world.session))


@when("我用刷新令牌换取新的令牌")
def _(world: World) -> None:
    fresh = world.attempt(world.driver.refresh(world.session))
    if fresh is not None:
        world.first_replaced = world.first_replaced or world.session
        world.replaced, world.session = world.session, fresh


@when("有人再次使用旧的刷新令牌")
def _(world: World) -> None:
    world.attempt(world.driver.refresh(world.replaced))


@when("有人再次使用最早的刷新令牌")
def _(world: World) -> None:
    world.attempt(world.driver.refresh(world.first_replaced))


@when("我用收到的验证码注销账户")
def _(world: World) -> None:
    world.attempt(world.driver.delete_account(world.session, world.received_code()))


@when("我用错误的验证码注销账户")
def _(world: World) -> None:
    world.attempt(world.driver.delete_account(world.session, wrong_code(world.received_code())))
