"""§6.2 企业证书服务购买 and §6.2.1 领取企业证书, over GraphQL."""

from pytest_bdd import scenarios

from features.steps import enterprise_members, enterprise_services

# This chapter's steps, beside the shared ones the conftest exposes.
for _module in (enterprise_members, enterprise_services):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_services.feature")
