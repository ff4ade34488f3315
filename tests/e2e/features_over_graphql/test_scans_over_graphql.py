"""§7 扫码服务 (扫码登录、签章、加密、解密), over GraphQL with signed platform requests."""

from pytest_bdd import scenarios

scenarios("scans.feature")
