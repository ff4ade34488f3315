"""§8.2 印章管理: org seals, the legal-rep seal, changing a face, revoking."""

from pytest_bdd import scenarios

from features.steps import enterprise_members, enterprise_seals, enterprise_services

# This chapter's steps, beside the shared ones features/conftest.py exposes.
for _module in (enterprise_members, enterprise_services, enterprise_seals):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_seals.feature")
