"""Steps every chapter shares: outcomes of the last act, time passing, signing in."""

from __future__ import annotations

from pytest_bdd import given, parsers, step, then, when

from features.driver import Refused
from features.world import World


@then("操作成功")
def _(world: World) -> None:
    assert world.acted, "no act was attempted"
    assert world.error is None, f"refused: {world.error}"


@then(parsers.parse('操作失败，错误码为 "{code}"'))
def _(world: World, code: str) -> None:
    assert world.acted, "no act was attempted"
    assert world.error is not None, "the act succeeded"
    assert world.error.code == code, f"refused with {world.error.code}: {world.error.message}"


@then(parsers.parse('提示信息包含 "{text}"'))
def _(world: World, text: str) -> None:
    assert world.error is not None
    assert text in world.error.message, world.error.message


@step(parsers.parse("过了 {minutes:d} 分钟"))
def _(world: World, minutes: int) -> None:
    world.driver.advance_clock(minutes * 60)


@step(parsers.parse("过了 {seconds:d} 秒"))
def _(world: World, seconds: int) -> None:
    world.driver.advance_clock(seconds)


@given(parsers.parse('手机号 "{phone}" 已注册，密码为 "{password}"'))
def _(world: World, phone: str, password: str) -> None:
    # Registered some time ago: the session that registration opened has long been closed.
    world.run(world.driver.logout(world.register(phone, password)))


@given(parsers.parse('我已用手机号 "{phone}" 和密码 "{password}" 登录'))
def _(world: World, phone: str, password: str) -> None:
    world.session = world.run(world.driver.login_with_password(phone, password))
    world.phone, world.password = phone, password


@when(parsers.parse('我用手机号 "{phone}" 和密码 "{password}" 登录'))
def _(world: World, phone: str, password: str) -> None:
    session = world.attempt(world.driver.login_with_password(phone, password))
    if session is not None:
        world.session = session


@then("我已处于登录状态")
def _(world: World) -> None:
    assert world.session is not None
    assert world.run(world.driver.is_signed_in(world.session))


@then("我已下线")
def _(world: World) -> None:
    assert world.session is not None
    assert not world.run(world.driver.is_signed_in(world.session))


@then(parsers.parse('手机号 "{phone}" 可以用密码 "{password}" 登录'))
def _(world: World, phone: str, password: str) -> None:
    session = world.run(world.driver.login_with_password(phone, password))
    assert world.run(world.driver.is_signed_in(session))


@then(parsers.parse('手机号 "{phone}" 不能用密码 "{password}" 登录'))
def _(world: World, phone: str, password: str) -> None:
    try:
        world.run(world.driver.login_with_password(phone, password))
    except Refused as refused:
        assert refused.code == "INVALID_CREDENTIALS", refused
    else:
        raise AssertionError(f"{phone} could still log in with {password}")


@then(parsers.parse('手机号 "{phone}" 没有账号'))
def _(world: World, phone: str) -> None:
    assert not world.driver.has_account(phone)


@then(parsers.parse('手机 "{phone}" 收到的最新短信包含 "{text}"'))
def _(world: World, phone: str, text: str) -> None:
    texts = world.run(world.driver.sms_texts(phone))
    assert texts, f"no SMS reached {phone}"
    assert text in texts[-1], texts[-1]


@then(parsers.parse('手机 "{phone}" 共收到 {count:d} 条短信'))
def _(world: World, phone: str, count: int) -> None:
    assert len(world.run(world.driver.sms_texts(phone))) == count
