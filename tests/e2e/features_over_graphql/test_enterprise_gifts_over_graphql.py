"""§8.1 赠送服务, over GraphQL."""

from pytest_bdd import scenarios

from features.steps import enterprise_gifts, enterprise_members, enterprise_services

# This chapter's steps, beside the shared ones the conftest exposes.
for _module in (enterprise_members, enterprise_services, enterprise_gifts):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_gifts.feature")
