"""§9.3 安全中心: passwords, phone, sessions, account deletion."""

from pytest_bdd import scenarios

scenarios("security_center.feature")
