"""Steps of §6.1 (购买个人证书服务), §6.4 (查看订单: 支付/取消, 账单明细, 开票, 查看发票) and §9.2 (我的服务)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pytest_bdd import given, parsers, step, then, when

from domain.commerce.order import add_months
from features.driver import Refused
from features.world import World

OPERATIONS = {"登录": "LOGIN", "签署": "SIGN", "加密": "ENCRYPT", "解密": "DECRYPT"}
SUBJECTS = {"个人": "PERSONAL", "企业": "ENTERPRISE"}
CHANNELS = {"微信": "WECHAT_PAY", "支付宝": "ALIPAY"}
ORDER_STATUSES = {"待支付": "PENDING_PAYMENT", "已支付": "PAID", "已完成": "FULFILLED", "已取消": "CANCELLED",
                  "已关闭": "CLOSED"}
PAYMENT_STATUSES = {"待支付": "PENDING", "支付成功": "SUCCEEDED", "待退款": "REFUND_PENDING", "已退款": "REFUNDED",
                    "已关闭": "CLOSED", "支付失败": "FAILED"}
INVOICE_TYPES = {"增值税普通发票": "NORMAL", "增值税专用发票": "SPECIAL"}
TITLE_TYPES = {"个人": "PERSONAL", "企业": "COMPANY"}
INVOICE_STATUSES = {"开具中": "ISSUING", "已开具": "ISSUED", "开具失败": "FAILED"}
SERVICE_STATUSES = {"有效": "ACTIVE", "已过期": "EXPIRED", "已停用": "REVOKED"}
STRANGER_PHONE = "13900139000"


def _k(world: World) -> dict:
    return world.commerce


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def _ops(text: str) -> list[str]:
    return [OPERATIONS[o] for o in text.split("、")]


def _plan_id(world: World, platform: str, plan: str):
    return world.run(world.driver.plan_by_name(world.session, platform, plan))


def _order(world: World):
    orders = {o.id: o for o in world.run(world.driver.my_orders(world.session))}
    return orders[_k(world)["order"]]


def _stranger(world: World):
    if "stranger" not in _k(world):
        _k(world)["stranger"] = world.register(STRANGER_PHONE, "Passw0rd1")
    return _k(world)["stranger"]


# ------------------------------------------------------------ the catalogue (§6.1)


@given(parsers.parse('交易平台 "{platform}" 上架了{subject}套餐 "{plan}"：{ops}，有效期 {months:d} 个月，'
                     '签署 {quota:d} 次，价格 {price} 元'))
def _(world: World, platform: str, subject: str, plan: str, ops: str, months: int, quota: int, price: str) -> None:
    world.run(world.driver.put_plan_on_sale(platform, plan, SUBJECTS[subject], _ops(ops), months, quota, _fen(price)))


@given(parsers.parse('交易平台 "{platform}" 上架了{subject}套餐 "{plan}"：{ops}，有效期 {months:d} 个月，价格 {price} 元'))
def _(world: World, platform: str, subject: str, plan: str, ops: str, months: int, price: str) -> None:
    world.run(world.driver.put_plan_on_sale(platform, plan, SUBJECTS[subject], _ops(ops), months, None, _fen(price)))


@when(parsers.parse('我选择"个人证书服务"并选定平台 "{platform}"'))
def _(world: World, platform: str) -> None:
    offers = world.run(world.driver.catalogue(world.session))
    _k(world)["offer"] = next(o for o in offers if o.name == platform)


@then(parsers.parse('可购买的服务只有 "{names}"'))
def _(world: World, names: str) -> None:
    assert [p.name for p in _k(world)["offer"].plans] == names.split('"、"')


@then(parsers.parse('服务 "{plan}" 的内容是"{ops}"，有效期 {months:d} 个月，签署 {quota:d} 次，价格 {price} 元'))
def _(world: World, plan: str, ops: str, months: int, quota: int, price: str) -> None:
    p = next(p for p in _k(world)["offer"].plans if p.name == plan)
    assert (p.operations, p.validity_months, p.sign_quota, p.price_fen) == (_ops(ops), months, quota, _fen(price))


# ------------------------------------------------------------ ordering and paying (§6.1, §6.4.1)


@when(parsers.parse('我购买平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, platform: str, plan: str) -> None:
    order = world.attempt(world.driver.place_order(world.session, [_plan_id(world, platform, plan)]))
    if order is not None:
        _k(world)["order"] = order.id


@given(parsers.parse('我已下单购买平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, platform: str, plan: str) -> None:
    _k(world)["order"] = world.run(world.driver.place_order(world.session, [_plan_id(world, platform, plan)])).id


@when(parsers.parse('我在一个订单中同时购买 "{p1}" 的 "{s1}" 和 "{p2}" 的 "{s2}"'))
def _(world: World, p1: str, s1: str, p2: str, s2: str) -> None:
    ids = [_plan_id(world, p1, s1), _plan_id(world, p2, s2)]
    order = world.attempt(world.driver.place_order(world.session, ids))
    if order is not None:
        _k(world)["order"] = order.id


@given(parsers.parse('我已购买并支付平台 "{platform}" 的服务 "{plan}"'))
def _(world: World, platform: str, plan: str) -> None:
    order = world.run(world.driver.place_order(world.session, [_plan_id(world, platform, plan)]))
    payment = world.run(world.driver.pay_order(world.session, order.id, "WECHAT_PAY"))
    world.run(world.driver.wallet_pays(payment.id))
    _k(world)["order"] = order.id


@step(parsers.parse("我用{channel}支付该订单"))
def _(world: World, channel: str) -> None:
    payment = world.attempt(world.driver.pay_order(world.session, _k(world)["order"], CHANNELS[channel]))
    if payment is not None:
        _k(world).setdefault("payments", []).append(payment)


@step("我在钱包中完成付款")
def _(world: World) -> None:
    world.run(world.driver.wallet_pays(_k(world)["payments"][-1].id))


@when("我在钱包中支付失败")
def _(world: World) -> None:
    world.run(world.driver.wallet_fails(_k(world)["payments"][-1]))


@then("打开的是一笔新的支付")
def _(world: World) -> None:
    earlier, again = _k(world)["payments"][-2], _k(world)["payments"][-1]
    assert again is not None and again.id != earlier.id and again.status == "PENDING"


@when("我再次点击立即支付")
def _(world: World) -> None:
    payment = world.attempt(world.driver.pay_order(world.session, _k(world)["order"], "WECHAT_PAY"))
    _k(world).setdefault("payments", []).append(payment)


@then("打开的仍是同一笔支付")
def _(world: World) -> None:
    first, again = _k(world)["payments"][0], _k(world)["payments"][-1]
    assert again is not None and again.id == first.id and again.pay_url == first.pay_url


@step("我取消该订单")
def _(world: World) -> None:
    world.attempt(world.driver.cancel_order(world.session, _k(world)["order"]))


@when("另一位用户试图取消我的订单")
def _(world: World) -> None:
    world.attempt(world.driver.cancel_order(_stranger(world), _k(world)["order"]))


@when("另一位用户试图为我的订单申请发票")
def _(world: World) -> None:
    world.attempt(world.driver.request_invoice(_stranger(world), _k(world)["order"], "NORMAL", "PERSONAL", "李四",
                                               None, "lisi@example.cn"))


@then(parsers.parse("我有一笔待支付订单，金额 {price} 元"))
def _(world: World, price: str) -> None:
    order = _order(world)
    assert (order.status, order.amount_fen) == ("PENDING_PAYMENT", _fen(price))


@then(parsers.parse('订单状态是"{status}"'))
def _(world: World, status: str) -> None:
    assert _order(world).status == ORDER_STATUSES[status]


@then("我没有任何订单")
def _(world: World) -> None:
    assert world.run(world.driver.my_orders(world.session)) == []


@then(parsers.parse('该笔支付的状态是"{status}"'))
def _(world: World, status: str) -> None:
    payment = _k(world)["payments"][-1]
    assert world.run(world.driver.payment_status(world.session, payment.id)) == PAYMENT_STATUSES[status]


@when("系统关闭超时未支付的订单")
def _(world: World) -> None:
    _k(world)["closed"] = world.run(world.driver.close_expired_orders())


@then(parsers.parse("关闭了 {count:d} 笔订单"))
def _(world: World, count: int) -> None:
    assert _k(world)["closed"] == count


@step(parsers.parse("过了 {days:d} 天"))
def _(world: World, days: int) -> None:
    world.driver.advance_clock(days * 86_400)


# ------------------------------------------------------------ bill records (§6.4.2)


@given(parsers.parse('平台记录了该服务的 {count:d} 次"{operation}"'))
def _(world: World, count: int, operation: str) -> None:
    world.run(world.driver.record_usage(_k(world)["order"], OPERATIONS[operation], count))


@then(parsers.parse("该订单的账单记录为：{records}"))
def _(world: World, records: str) -> None:
    expected = []
    for item in records.split("，"):
        name, times = item.removesuffix(" 次").split(" ")
        expected.append((OPERATIONS[name], int(times)))
    got = world.run(world.driver.bill_records(world.session, _k(world)["order"]))
    assert sorted(got) == sorted(expected), got


@then("该订单还没有账单记录")
def _(world: World) -> None:
    assert world.run(world.driver.bill_records(world.session, _k(world)["order"])) == []


# ------------------------------------------------------------ invoices (§6.4.3, §6.4.4)


@step(parsers.re(r'我为该订单申请"(?P<invoice_type>[^"]+)"，(?P<title_type>个人|企业)抬头 "(?P<title>[^"]+)"，'
                 r'税号 "(?P<tax>[^"]*)"，邮箱 "(?P<email>[^"]*)"'))
def _(world: World, invoice_type: str, title_type: str, title: str, tax: str, email: str) -> None:
    world.attempt(world.driver.request_invoice(world.session, _k(world)["order"], INVOICE_TYPES[invoice_type],
                                               TITLE_TYPES[title_type], title, tax or None, email))


@step(parsers.re(r'我为该订单申请"(?P<invoice_type>[^"]+)"，(?P<title_type>个人|企业)抬头 "(?P<title>[^"]+)"，'
                 r'邮箱 "(?P<email>[^"]*)"'))
def _(world: World, invoice_type: str, title_type: str, title: str, email: str) -> None:
    world.attempt(world.driver.request_invoice(world.session, _k(world)["order"], INVOICE_TYPES[invoice_type],
                                               TITLE_TYPES[title_type], title, None, email))


@given(parsers.parse("税务平台接下来 {times:d} 次开票都失败"))
def _(world: World, times: int) -> None:
    world.driver.tax_platform_fails(times)


@given(parsers.parse('税务平台没有纳税人识别号 "{tax}" 的登记'))
def _(world: World, tax: str) -> None:
    world.driver.tax_platform_rejects(tax)


@then(parsers.parse('发票未能开具的原因包含"{text}"'))
def _(world: World, text: str) -> None:
    invoice = world.run(world.driver.invoice_of(world.session, _k(world)["order"]))
    assert invoice is not None and invoice.failure_reason and text in invoice.failure_reason, invoice


@step("支付渠道处理退款")
def _(world: World) -> None:
    world.run(world.driver.run_outbox())  # the outbox asks the gateway to return the flagged money


@step("系统开具发票")
def _(world: World) -> None:
    world.run(world.driver.run_outbox())


@given("该订单的发票已开具")
def _(world: World) -> None:
    world.run(world.driver.request_invoice(world.session, _k(world)["order"], "NORMAL", "PERSONAL", "张三", None,
                                           "zhangsan@example.cn"))
    world.run(world.driver.run_outbox())
    assert world.run(world.driver.invoice_of(world.session, _k(world)["order"])).status == "ISSUED"


@then(parsers.parse('该订单的发票状态是"{status}"'))
def _(world: World, status: str) -> None:
    invoice = world.run(world.driver.invoice_of(world.session, _k(world)["order"]))
    assert invoice is not None and invoice.status == INVOICE_STATUSES[status], invoice
    if status == "已开具":
        assert invoice.number and invoice.share_link
    else:
        assert invoice.number is None and invoice.share_link is None


@then(parsers.parse('发票是"{invoice_type}"，{title_type}抬头，税号 "{tax}"'))
def _(world: World, invoice_type: str, title_type: str, tax: str) -> None:
    invoice = world.run(world.driver.invoice_of(world.session, _k(world)["order"]))
    assert (invoice.invoice_type, invoice.title_type, invoice.tax_number) == (
        INVOICE_TYPES[invoice_type], TITLE_TYPES[title_type], tax)


@then("该订单没有发票")
def _(world: World) -> None:
    assert world.run(world.driver.invoice_of(world.session, _k(world)["order"])) is None


@when("我下载发票")
def _(world: World) -> None:
    invoice = world.run(world.driver.invoice_of(world.session, _k(world)["order"]))
    _k(world)["pdf"] = world.attempt(world.driver.download_invoice(world.session, invoice.id))


@then("我得到发票的 PDF 文件")
def _(world: World) -> None:
    assert world.error is None and _k(world)["pdf"].startswith(b"%PDF")


@when("我复制发票链接")
def _(world: World) -> None:
    invoice = world.run(world.driver.invoice_of(world.session, _k(world)["order"]))
    _k(world)["link"] = invoice.share_link


@then("任何人打开该链接都能看到发票的 PDF 文件")
def _(world: World) -> None:
    assert world.run(world.driver.open_share_link(_k(world)["link"])).startswith(b"%PDF")


@then("该链接已失效")
def _(world: World) -> None:
    try:
        world.run(world.driver.open_share_link(_k(world)["link"]))
    except Refused as refused:
        assert refused.code == "NOT_FOUND", refused
    else:
        raise AssertionError("the link still opens")


@then("篡改过的链接打不开")
def _(world: World) -> None:
    link = _k(world)["link"]
    tampered = link[:-2] + ("00" if not link.endswith("00") else "11")
    try:
        world.run(world.driver.open_share_link(tampered))
    except Refused as refused:
        assert refused.code == "NOT_FOUND", refused
    else:
        raise AssertionError("a tampered link opens")


# ------------------------------------------------------------ my services (§9.2)


@then(parsers.parse('我的服务中有平台 "{platform}" 的 "{plan}"，可用于"{ops}"，已签署 {used:d}/{quota:d} 次，'
                    '有效期 {months:d} 个月'))
def _(world: World, platform: str, plan: str, ops: str, used: int, quota: int, months: int) -> None:
    services = world.run(world.driver.my_services(world.session))
    s = next(s for s in services if (s.platform_name, s.plan_name) == (platform, plan))
    assert (s.operations, s.signs_used, s.sign_quota, s.status) == (_ops(ops), used, quota, "ACTIVE")
    today = world.driver.today()
    assert s.valid_until in (add_months(today, months), add_months(today, months) + timedelta(days=1))


@then(parsers.parse("我的服务中共有 {count:d} 项服务"))
def _(world: World, count: int) -> None:
    assert len(world.run(world.driver.my_services(world.session))) == count


@then("我的服务中没有任何服务")
def _(world: World) -> None:
    assert world.run(world.driver.my_services(world.session)) == []


@then("另一位用户的服务中没有任何服务，也看不到我的订单")
def _(world: World) -> None:
    stranger = _stranger(world)
    assert world.run(world.driver.my_services(stranger)) == []
    assert world.run(world.driver.my_orders(stranger)) == []


@then(parsers.parse('我的服务中 "{plan}" 的状态是"{status}"'))
def _(world: World, plan: str, status: str) -> None:
    services = world.run(world.driver.my_services(world.session))
    assert next(s for s in services if s.plan_name == plan).status == SERVICE_STATUSES[status]
