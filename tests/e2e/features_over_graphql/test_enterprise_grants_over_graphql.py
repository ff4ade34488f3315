"""§8.5 证书授权 and scanning with the company certificate (§7.3), over GraphQL."""

from pytest_bdd import scenarios

from features.steps import (
    enterprise_grants,
    enterprise_members,
    enterprise_seals,
    enterprise_service_applications,
    enterprise_services,
)

# This chapter's steps, beside the shared ones the conftest exposes.
for _module in (enterprise_members, enterprise_services, enterprise_seals, enterprise_service_applications,
                enterprise_grants):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_grants.feature")
