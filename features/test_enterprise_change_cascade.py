"""§8.6 企业信息变更: the cascade to org certificates and seals."""

from pytest_bdd import scenarios

from features.steps import (
    enterprise_bank_transfer,
    enterprise_change_cascade,
    enterprise_grants,
    enterprise_members,
    enterprise_seals,
    enterprise_services,
)

# This chapter's steps, beside the shared ones features/conftest.py exposes.
for _module in (enterprise_members, enterprise_services, enterprise_seals, enterprise_bank_transfer,
                enterprise_change_cascade, enterprise_grants):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_change_cascade.feature")
