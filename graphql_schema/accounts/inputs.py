"""Inputs of the account mutations: one `input` argument each (api/README.md)."""

from __future__ import annotations

import strawberry

from graphql_schema.accounts.types import EntryModeEnum, SmsPurposeEnum


@strawberry.input
class RequestSmsCodeInput:
    phone: str
    purpose: SmsPurposeEnum  # type: ignore[valid-type]


@strawberry.input
class RegisterInput:
    phone: str
    sms_code: str
    password: str


@strawberry.input
class LoginWithPasswordInput:
    phone: str
    password: str


@strawberry.input
class LoginWithSmsCodeInput:
    phone: str
    sms_code: str


@strawberry.input
class RefreshSessionInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    # GraphQL needs at least one field in an input object; this one is useful too.
    all_sessions: bool = strawberry.field(default=False, description="End every session of the account.")


@strawberry.input
class EndSessionInput:
    session_id: strawberry.ID


@strawberry.input
class ChooseEntryModeInput:
    mode: EntryModeEnum  # type: ignore[valid-type]


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str


@strawberry.input
class ResetPasswordInput:
    phone: str
    sms_code: str
    new_password: str


@strawberry.input
class ChangePhoneInput:
    new_phone: str
    sms_code: str
    password: str


@strawberry.input
class DeleteAccountInput:
    sms_code: str
