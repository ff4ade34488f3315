"""§6.3 成员申请企业证书服务 (§6.3.1, §6.3.2), over GraphQL."""

from pytest_bdd import scenarios

from features.steps import enterprise_members, enterprise_service_applications, enterprise_services

# This chapter's steps, beside the shared ones the conftest exposes.
for _module in (enterprise_members, enterprise_services, enterprise_service_applications):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_service_applications.feature")
