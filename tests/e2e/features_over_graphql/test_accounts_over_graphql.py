"""§3 注册/登录 and 选择访问入口, over GraphQL."""

from pytest_bdd import scenarios

scenarios("accounts.feature")
