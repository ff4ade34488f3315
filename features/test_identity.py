"""§4 实名认证: 4.1 身份证 + 人脸, 4.2 人工审核."""

from pytest_bdd import scenarios

scenarios("identity.feature")
