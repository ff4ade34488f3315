"""Who holds an entitlement: an account or an enterprise (a union over the accounts chapter's types)."""

from __future__ import annotations

from typing import Annotated, Union

import strawberry

from graphql_schema.accounts.types import AccountType, Enterprise

EntitlementHolder = Annotated[Union[AccountType, Enterprise], strawberry.union("EntitlementHolder")]  # noqa: UP007
