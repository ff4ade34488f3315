"""§6.1 购买个人证书服务, §6.4 查看订单（支付/取消、账单明细、开票、查看发票）, §9.2 我的服务."""

from pytest_bdd import scenarios

scenarios("commerce.feature")
