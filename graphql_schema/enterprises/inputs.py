"""Inputs of the enterprise mutations: one `input` argument each (api/README.md)."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload


@strawberry.input
class CreateEnterpriseInput:
    name: str = strawberry.field(description="The full name as on the business licence.")
    credit_code: str = strawberry.field(description="Unified social credit code (GB 32100).")
    legal_rep_name: str
    legal_rep_id_number: str = strawberry.field(description="Mainland ID number (GB 11643).")
    business_licence: Upload = strawberry.field(description="JPEG or PNG, at most 5 MB.")


@strawberry.input
class PrepareAuthorizationLetterInput:
    enterprise_id: strawberry.ID


@strawberry.input
class SignAuthorizationLetterInput:
    letter_id: strawberry.ID
    appearance_id: strawberry.ID = strawberry.field(description="One of prepareAuthorizationLetter's appearances.")
    sms_code: str = strawberry.field(description="A code of purpose SIGN sent to the caller's phone.")
