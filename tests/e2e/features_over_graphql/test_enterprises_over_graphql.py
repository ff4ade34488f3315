"""§5 创建企业 and §5.1.1.1 法定代表人授权认证, over GraphQL."""

from pytest_bdd import scenarios

scenarios("enterprises.feature")
