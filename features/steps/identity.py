"""Steps of §4: ID card with face liveness, manual review of other documents, operators deciding."""

from __future__ import annotations

from datetime import date, timedelta

from pytest_bdd import given, parsers, then, when

from features.driver import Session
from features.world import DOCUMENTS, STATUSES, World
from tests.support.data import image_bytes

# Real pictures, so the scenarios hold under the real image inspector (over GraphQL) as under the fake.
PNG, JPEG = image_bytes("PNG"), image_bytes("JPEG")

MB = 1024 * 1024


def verify_by_face(world: World, session: Session, name: str, number: str) -> None:
    d = world.driver
    token = world.run(d.start_id_card(session, name, number))
    d.person_finishes_face(token, passed=True)
    world.run(d.complete_face(session, token))
    assert world.run(d.me(session)).identity_status == "VERIFIED"


def submit(world: World, doc: str, name: str, number: str, expires_on: date, *, front: bytes | None = None,
           portrait: bytes | None = None):
    return world.driver.submit_manual(world.session, DOCUMENTS[doc], name, number, expires_on,
                                      front if front is not None else PNG,
                                      PNG, portrait if portrait is not None else JPEG)


def in_years(world: World, years: int) -> date:
    today = world.driver.today()
    return today.replace(year=today.year + years)


# ---------------------------------------------------------------- 4.1 ID card and face


@when(parsers.parse('我用姓名 "{name}" 和身份证号 "{number}" 发起实名认证'))
def _(world: World, name: str, number: str) -> None:
    token = world.attempt(world.driver.start_id_card(world.session, name, number))
    if token is not None:
        world.face_token = token


@when("我在人脸核验页面完成人脸识别")
def _(world: World) -> None:
    world.driver.person_finishes_face(world.face_token, passed=True)


@when("我在人脸核验页面未通过人脸识别")
def _(world: World) -> None:
    world.driver.person_finishes_face(world.face_token, passed=False)


@when("人脸核验服务商回调通知结果")
def _(world: World) -> None:
    world.run(world.driver.vendor_calls_back(world.face_token))


@when("我刷新认证结果")
def _(world: World) -> None:
    world.attempt(world.driver.complete_face(world.session, world.face_token))


@then(parsers.parse("我的实名状态是“{status}”"))
def _(world: World, status: str) -> None:
    assert world.run(world.driver.me(world.session)).identity_status == STATUSES[status]


@then(parsers.parse('我的证件号显示为 "{masked}"'))
def _(world: World, masked: str) -> None:
    assert world.run(world.driver.me(world.session)).masked_number == masked


@given(parsers.parse('公安身份核验认定身份证号 "{number}" 与姓名不符'))
def _(world: World, number: str) -> None:
    world.driver.registry_says_mismatch(number)


@given("公安身份核验服务暂不可用")
def _(world: World) -> None:
    world.driver.registry_down(True)


@when("公安身份核验服务恢复")
def _(world: World) -> None:
    world.driver.registry_down(False)


@given(parsers.parse('我已用姓名 "{name}" 和身份证号 "{number}" 完成实名认证'))
def _(world: World, name: str, number: str) -> None:
    verify_by_face(world, world.session, name, number)


@given(parsers.parse('另一账号 "{phone}" 已用姓名 "{name}" 和身份证号 "{number}" 完成实名认证'))
def _(world: World, phone: str, name: str, number: str) -> None:
    verify_by_face(world, world.register(phone, "Other0ne1"), name, number)


@then(parsers.parse('另一账号 "{phone}" 可以用姓名 "{name}" 和身份证号 "{number}" 完成实名认证'))
def _(world: World, phone: str, name: str, number: str) -> None:
    verify_by_face(world, world.register(phone, "Other0ne1"), name, number)


# ---------------------------------------------------------------- 4.2 manual review


@when(parsers.parse('我提交人工审核：证件类型“{doc}”，姓名 "{name}"，证件号 "{number}"，有效期 {years:d} 年'))
def _(world: World, doc: str, name: str, number: str, years: int) -> None:
    review_id = world.attempt(submit(world, doc, name, number, in_years(world, years)))
    if review_id is not None:
        world.review_id = review_id


@when(parsers.parse('我提交人工审核：证件类型“{doc}”，姓名 "{name}"，证件号 "{number}"，有效期至昨天'))
def _(world: World, doc: str, name: str, number: str) -> None:
    world.attempt(submit(world, doc, name, number, world.driver.today() - timedelta(days=1)))


@given(parsers.parse('我已提交人工审核：证件类型“{doc}”，姓名 "{name}"，证件号 "{number}"'))
def _(world: World, doc: str, name: str, number: str) -> None:
    world.review_id = world.run(submit(world, doc, name, number, in_years(world, 3)))


@when("我提交人工审核，但证件人像面是一份 PDF 文件")
def _(world: World) -> None:
    world.attempt(submit(world, "护照", "CHAN TAI MAN", "E12345678", in_years(world, 3),
                         front=b"%PDF-1.7\n1 0 obj << >> endobj\n"))


@when(parsers.parse("我提交人工审核，但本人头照有 {size:d}MB"))
def _(world: World, size: int) -> None:
    world.attempt(submit(world, "护照", "CHAN TAI MAN", "E12345678", in_years(world, 3),
                         portrait=JPEG + b"\x00" * (size * MB)))


@then(parsers.parse("待审核列表中有 {count:d} 份申请"))
def _(world: World, count: int) -> None:
    assert len(world.run(world.driver.pending_reviews(world.operator_session()))) == count


@then(parsers.parse("系统保存了 {count:d} 张证件照片"))
def _(world: World, count: int) -> None:
    assert world.driver.stored_uploads() == count


@when("工作人员通过这份审核")
def _(world: World) -> None:
    world.attempt(world.driver.decide_review(world.operator_session(), world.review_id, True, None))


@when("工作人员初审通过这份审核，再由另一位主管复核通过")
def _(world: World) -> None:
    world.attempt(world.driver.decide_review(world.operator_session(), world.review_id, True, None))
    if world.error is None:
        world.attempt(world.driver.decide_review(world.supervisor_session(), world.review_id, True, None))


@when("同一位工作人员初审通过后又复核这份审核")
def _(world: World) -> None:
    world.run(world.driver.decide_review(world.operator_session(), world.review_id, True, None))
    world.attempt(world.driver.decide_review(world.operator_session(), world.review_id, True, None))


@when("工作人员驳回这份审核，未填写原因")
def _(world: World) -> None:
    world.attempt(world.driver.decide_review(world.operator_session(), world.review_id, False, None))


@when(parsers.parse('工作人员驳回这份审核，原因是 "{reason}"'))
def _(world: World, reason: str) -> None:
    world.attempt(world.driver.decide_review(world.operator_session(), world.review_id, False, reason))


@when("我自己通过这份审核")
def _(world: World) -> None:
    world.attempt(world.driver.decide_review(world.session, world.review_id, True, None))
