"""Steps of §5.1.2 (对公打款认证), §5.1.3 (人工审核) and §8.6 (企业信息变更)."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from domain.accounts.sms import SmsPurpose
from features.steps.certificates import _verified
from features.steps.enterprises import CERT_STATUSES, ID_NUMBERS, METHODS, ROLES
from features.world import World
from tests.support.data import image_bytes

# A whole (if empty) PDF: the scanned, signed and stamped letter; the licence is a real picture, so the steps hold
# under the real image inspector (over GraphQL) as under the fake.
SIGNED_LETTER = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LICENCE = image_bytes("PNG")


def _e(world: World) -> dict:
    return world.enterprises


def _users(world: World) -> dict:
    return _e(world).setdefault("users", {})


def _start(world: World, session, account: str, bank: str) -> None:
    transfer = world.attempt(world.driver.start_bank_transfer(session, _e(world)["current"].id, account, bank))
    if transfer is not None:
        _e(world)["transfer"], _e(world)["account"] = transfer, account


def _confirm(world: World, code: str) -> None:
    transfer = world.attempt(world.driver.confirm_bank_transfer(world.session, _e(world)["transfer"].id, code,
                                                                SIGNED_LETTER))
    if transfer is not None:
        _e(world)["transfer"] = transfer


def _right_code(world: World) -> str:
    return world.run(world.driver.deposit_code(_e(world)["account"]))


def _detail(world: World, session=None):
    return world.run(world.driver.enterprise_detail(session or world.session, _e(world)["current"].id))


# ---------------------------------------------------------------- people


@given(parsers.parse('用户 "{name}" 已实名认证，手机号 "{phone}"'))
def _(world: World, name: str, phone: str) -> None:
    _users(world)[name] = _verified(world, name, phone)


@given(parsers.parse('我已把 "{name}"（手机号 "{phone}"）添加为企业的普通成员'))
def _(world: World, name: str, phone: str) -> None:
    member = world.run(world.driver.add_member(world.session, _e(world)["current"].id, name, phone, "MEMBER"))
    assert member.status == "ACTIVE"


# ---------------------------------------------------------------- the letter and the deposit


@when("我下载空白授权书")
def _(world: World) -> None:
    pdf = world.attempt(world.driver.letter_template(world.session, _e(world)["current"].id))
    assert pdf is None or pdf.startswith(b"%PDF")


@when(parsers.parse('我用对公账号 "{account}"、开户行 "{bank}" 发起对公打款'))
def _(world: World, account: str, bank: str) -> None:
    _start(world, world.session, account, bank)


@given(parsers.parse('我已用对公账号 "{account}"、开户行 "{bank}" 发起对公打款'))
def _(world: World, account: str, bank: str) -> None:
    _start(world, world.session, account, bank)
    assert world.error is None, world.error


@when(parsers.parse('"{name}" 用对公账号 "{account}"、开户行 "{bank}" 发起对公打款'))
def _(world: World, name: str, account: str, bank: str) -> None:
    _start(world, _users(world)[name], account, bank)


@given(parsers.parse('银行没有对公账号 "{account}"'))
def _(world: World, account: str) -> None:
    world.driver.bank_refuses_account(account)


@given(parsers.parse("打款发起后过了 {hours:d} 小时"))
def _(world: World, hours: int) -> None:
    world.driver.advance_clock(hours * 3600)
    # So long after, the app has me sign in again.
    world.session = world.run(world.driver.login_with_password(world.phone, world.password))


@then(parsers.parse("打款认证还可尝试 {count:d} 次"))
def _(world: World, count: int) -> None:
    assert _e(world)["transfer"].attempts_left == count


@when("我回填打款备注中的验证码并上传盖章授权书")
def _(world: World) -> None:
    _confirm(world, _right_code(world))


@given("我已回填打款备注中的验证码并上传盖章授权书")
def _(world: World) -> None:
    _confirm(world, _right_code(world))
    assert world.error is None, world.error
    kind = "ENTERPRISE_CHANGE" if _e(world).get("change") else "ENTERPRISE_CERTIFICATION"
    _pending(world, kind, "")


@when("我回填错误的打款验证码并上传盖章授权书")
def _(world: World) -> None:
    right = _right_code(world)
    _confirm(world, f"{(int(right) + 1) % 1_000_000:06d}")


@then(parsers.parse('企业的认证方式是"{method}"'))
def _(world: World, method: str) -> None:
    assert _detail(world).method == METHODS[method]


# ---------------------------------------------------------------- operators


def _pending(world: World, kind: str, text: str) -> None:
    found = [(rid, summary) for rid, summary in world.run(world.driver.pending_review_summaries(
        world.operator_session(), kind)) if text in summary]
    assert found, f"no pending {kind} review mentions {text}"
    world.review_id = found[-1][0]


@then(parsers.parse('待审核的企业认证申请写明 "{text}"'))
def _(world: World, text: str) -> None:
    _pending(world, "ENTERPRISE_CERTIFICATION", text)


@then(parsers.parse('待审核的企业信息变更申请写明 "{text}"'))
def _(world: World, text: str) -> None:
    _pending(world, "ENTERPRISE_CHANGE", text)


# ---------------------------------------------------------------- §8.6 information change


@given(parsers.parse('我的企业 "{name}"（统一社会信用代码 "{code}"，法定代表人 "{rep}"）已由法定代表人签署授权书完成认证'))
def _(world: World, name: str, code: str, rep: str) -> None:
    d = world.driver
    _e(world)["current"] = world.run(d.create_enterprise(world.session, name, code, rep, ID_NUMBERS[rep]))
    letter = world.run(d.prepare_authorization_letter(world.session, _e(world)["current"].id))
    world.run(d.request_code(world.phone, SmsPurpose.SIGN, world.session))
    code_sms = world.run(d.last_code(world.phone, SmsPurpose.SIGN))
    world.run(d.sign_authorization_letter(world.session, letter.id, "NAME_SIGNATURE", code_sms))
    assert _detail(world).status == "CERTIFIED"


def _request_change(world: World, name: str | None, rep: str | None) -> None:
    status = world.attempt(world.driver.request_enterprise_change(
        world.session, _e(world)["current"].id, name, rep, ID_NUMBERS[rep] if rep else None, LICENCE, SIGNED_LETTER))
    if status is not None:
        _e(world)["change"] = status


@when(parsers.parse('我申请将法定代表人变更为 "{rep}"'))
def _(world: World, rep: str) -> None:
    _request_change(world, None, rep)


@when(parsers.parse('我申请将企业名称变更为 "{name}"'))
def _(world: World, name: str) -> None:
    _request_change(world, name, None)


@given(parsers.parse('我已申请将企业名称变更为 "{name}"'))
def _(world: World, name: str) -> None:
    _request_change(world, name, None)
    assert world.error is None, world.error


@then(parsers.parse('变更申请的状态是"{status}"'))
def _(world: World, status: str) -> None:
    assert _e(world)["change"] == {"待打款": "AWAITING_TRANSFER", "审核中": "PENDING_REVIEW"}[status]


@then(parsers.parse('企业的名称是 "{name}"，法定代表人是 "{rep}"'))
def _(world: World, name: str, rep: str) -> None:
    detail = _detail(world)
    assert (detail.name, detail.legal_rep_name) == (name, rep)


@then(parsers.parse('企业的认证状态仍是"{status}"'))
def _(world: World, status: str) -> None:
    assert _detail(world).status == CERT_STATUSES[status]


@then(parsers.parse('"{name}" 在该企业的角色是"{role}"'))
def _(world: World, name: str, role: str) -> None:
    session = _users(world)[name]
    mine = {m.id: m for m in world.run(world.driver.my_memberships(session))}
    assert mine[_e(world)["current"].id].role == ROLES[role]


@then(parsers.parse('我在该企业的角色是"{role}"'))
def _(world: World, role: str) -> None:
    mine = {m.id: m for m in world.run(world.driver.my_memberships(world.session))}
    assert mine[_e(world)["current"].id].role == ROLES[role]
