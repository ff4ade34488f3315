"""Account mutations: map input → command, call the use case, map the result → payload."""

from __future__ import annotations

import strawberry

from application.accounts.change_password import ChangePasswordCommand, ResetPasswordCommand
from application.accounts.change_phone import ChangePhoneCommand
from application.accounts.delete_account import DeleteAccountCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from application.accounts.login_with_sms_code import LoginWithSmsCodeCommand
from application.accounts.refresh_session import RefreshSessionCommand
from application.accounts.register import RegisterCommand, SignedIn
from application.accounts.request_sms_code import RequestSmsCodeCommand
from domain.errors import NotFound
from graphql_schema.accounts import inputs as i
from graphql_schema.accounts import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id


def _signed_in(payload: type, r: SignedIn):
    return payload(session=t.AuthSessionTokens.of(r.session), account=t.AccountType.of(r.view))


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Send a 6-digit code (5 min, single use). The code is never returned.")
    async def request_sms_code(self, info: Info, input: i.RequestSmsCodeInput) -> t.RequestSmsCodePayload:
        ctx = info.context

        async def act():
            issued = await ctx.use_cases.request_sms_code(
                RequestSmsCodeCommand(input.phone, input.purpose, ctx.principal, ctx.meta))
            return t.RequestSmsCodePayload(cooldown_seconds=issued.cooldown_seconds, expires_at=issued.expires_at)
        return await run_mutation(t.RequestSmsCodePayload, act, input)

    @strawberry.mutation
    async def register(self, info: Info, input: i.RegisterInput) -> t.RegisterPayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.register(RegisterCommand(input.phone, input.sms_code, input.password, ctx.meta))
            return _signed_in(t.RegisterPayload, r)
        return await run_mutation(t.RegisterPayload, act, input)

    @strawberry.mutation
    async def login_with_password(self, info: Info, input: i.LoginWithPasswordInput) -> t.LoginWithPasswordPayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.login_with_password(LoginWithPasswordCommand(input.phone, input.password, ctx.meta))
            return _signed_in(t.LoginWithPasswordPayload, r)
        return await run_mutation(t.LoginWithPasswordPayload, act, input)

    @strawberry.mutation
    async def login_with_sms_code(self, info: Info, input: i.LoginWithSmsCodeInput) -> t.LoginWithSmsCodePayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.login_with_sms_code(LoginWithSmsCodeCommand(input.phone, input.sms_code, ctx.meta))
            return _signed_in(t.LoginWithSmsCodePayload, r)
        return await run_mutation(t.LoginWithSmsCodePayload, act, input)

    @strawberry.mutation(description="Rotate both tokens. A refresh token used twice ends its session.")
    async def refresh_session(self, info: Info, input: i.RefreshSessionInput) -> t.RefreshSessionPayload:
        ctx = info.context

        async def act():
            issued = await ctx.use_cases.refresh_session(RefreshSessionCommand(input.refresh_token, ctx.meta))
            return t.RefreshSessionPayload(session=t.AuthSessionTokens.of(issued))
        return await run_mutation(t.RefreshSessionPayload, act, input)

    @strawberry.mutation
    async def logout(self, info: Info, input: i.LogoutInput) -> t.LogoutPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.logout(ctx.principal, ctx.meta, everywhere=input.all_sessions)
            return t.LogoutPayload()
        return await run_mutation(t.LogoutPayload, act, input)

    @strawberry.mutation(description="End one of the account's sessions (another device).")
    async def end_session(self, info: Info, input: i.EndSessionInput) -> t.EndSessionPayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.session_id, "Session")
            if ref is None:
                raise NotFound("会话不存在", field="sessionId")
            await ctx.use_cases.end_session(ctx.principal, ref[1], ctx.meta)
            return t.EndSessionPayload()
        return await run_mutation(t.EndSessionPayload, act, input)

    @strawberry.mutation
    async def choose_entry_mode(self, info: Info, input: i.ChooseEntryModeInput) -> t.ChooseEntryModePayload:
        ctx = info.context

        async def act():
            view = await ctx.use_cases.choose_entry_mode(ctx.principal, input.mode)
            return t.ChooseEntryModePayload(account=t.AccountType.of(view))
        return await run_mutation(t.ChooseEntryModePayload, act, input)

    @strawberry.mutation
    async def change_password(self, info: Info, input: i.ChangePasswordInput) -> t.ChangePasswordPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.change_password(
                ChangePasswordCommand(ctx.principal, input.old_password, input.new_password, ctx.meta))
            return t.ChangePasswordPayload()
        return await run_mutation(t.ChangePasswordPayload, act, input)

    @strawberry.mutation
    async def reset_password(self, info: Info, input: i.ResetPasswordInput) -> t.ResetPasswordPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.reset_password(
                ResetPasswordCommand(input.phone, input.sms_code, input.new_password, ctx.meta))
            return t.ResetPasswordPayload()
        return await run_mutation(t.ResetPasswordPayload, act, input)

    @strawberry.mutation(description="Bind a new phone: the login password and a CHANGE_PHONE code sent to it.")
    async def change_phone(self, info: Info, input: i.ChangePhoneInput) -> t.ChangePhonePayload:
        ctx = info.context

        async def act():
            view = await ctx.use_cases.change_phone(
                ChangePhoneCommand(ctx.principal, input.new_phone, input.sms_code, input.password, ctx.meta))
            return t.ChangePhonePayload(account=t.AccountType.of(view))
        return await run_mutation(t.ChangePhonePayload, act, input)

    @strawberry.mutation
    async def delete_account(self, info: Info, input: i.DeleteAccountInput) -> t.DeleteAccountPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.delete_account(DeleteAccountCommand(ctx.principal, input.sms_code, ctx.meta))
            return t.DeleteAccountPayload()
        return await run_mutation(t.DeleteAccountPayload, act, input)
