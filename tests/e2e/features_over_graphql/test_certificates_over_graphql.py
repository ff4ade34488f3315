"""§6.1.1 领取个人数字证书 and §9.3 证书签署密码, over GraphQL."""

from pytest_bdd import scenarios

scenarios("certificates.feature")
