"""RequestAdminTransfer (§8.4 管理员转授, steps 1–3): the admin (or the legal rep) picks a member to become admin.

The transfer waits for the legal rep's signature on the rendered transfer letter (管理员变更授权书); the legal
rep hears of it by SMS with the approval link (also the QR code's content, which the requester may show him), as
for the other letters he signs. Outsiders learn nothing (NotFound); plain members are refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.admin_transfer_ports import TransferLetterContent, TransferLetterDocuments
from application.global_ids import global_id
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from domain.clock import CHINA_TZ
from domain.enterprises.admin_transfer import (
    AdminTransfer,
    AdminTransferOutdated,
    AdminTransferPending,
    AdminTransferTargetInvalid,
)
from domain.enterprises.enterprise import Enterprise, Membership
from domain.enterprises.members import NotEnterpriseAdmin
from domain.errors import NotFound

PDF = "application/pdf"
APPROVAL_PATH = "/l/admin-transfer"  # the landing page (adapters/http/landing.py)


def approval_url(base_url: str, transfer_id: UUID) -> str:
    """The page the legal rep opens (and the QR code's content); signing there needs his own login. It carries the
    global ID that `node(id)` and `approveAdminTransfer(transferId)` take."""
    return f"{base_url.rstrip('/')}{APPROVAL_PATH}?id={global_id('AdminTransfer', transfer_id)}"


def transfer_letter_content(transfer: AdminTransfer) -> TransferLetterContent:
    """The letter's data as printed, reproducible from the transfer (the signer needs the same layout)."""
    local = transfer.requested_at.astimezone(CHINA_TZ)
    return TransferLetterContent(enterprise_name=transfer.enterprise_name, credit_code=transfer.credit_code,
                                 legal_rep_name=transfer.legal_rep_name, from_admin_name=transfer.from_admin_name,
                                 to_admin_name=transfer.to_admin_name, letter_date=local.date(),
                                 letter_no=f"ZS{local:%Y%m%d}{transfer.id.hex[:8].upper()}")


async def current_roles(uow: UnitOfWork, transfer: AdminTransfer) -> tuple[Membership | None, Membership | None]:
    """The giver's and the receiver's memberships as they are now (None: no longer a member)."""
    members = {m.id: m for m in await uow.memberships.for_enterprise(transfer.enterprise_id)}
    return members.get(transfer.from_membership_id), members.get(transfer.to_membership_id)


async def settle_stale_pending(uow: UnitOfWork, enterprise_id: UUID, now) -> AdminTransfer | None:
    """Closes a pending transfer that can no longer take effect (expired, or the roles moved since); returns the
    one still live, if any."""
    pending = await uow.admin_transfers.pending_for(enterprise_id)
    if pending is None:
        return None
    if pending.is_expired(now):
        pending.expire(now)
        return None
    if not pending.still_applies(*await current_roles(uow, pending)):
        pending.cancel(now)
        return None
    return pending


@dataclass(frozen=True)
class RequestAdminTransferCommand:
    principal: Principal | None
    enterprise_id: UUID
    to_membership_id: UUID
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class AdminTransferRequested:
    transfer: AdminTransfer
    enterprise: Enterprise
    approval_url: str

    @property
    def qr_content(self) -> str:
        return self.approval_url


class RequestAdminTransfer:
    def __init__(self, uow: UnitOfWorkFactory, documents: TransferLetterDocuments, blobs: BlobStore,
                 clock: Clock, base_url: str) -> None:
        self._uow, self._documents, self._blobs, self._clock = uow, documents, blobs, clock
        self._base_url = base_url

    async def _draft(self, uow: UnitOfWork, account_id: UUID, cmd: RequestAdminTransferCommand
                     ) -> tuple[AdminTransfer, Enterprise]:
        mine = await uow.memberships.of(cmd.enterprise_id, account_id)
        enterprise = await uow.enterprises.get(cmd.enterprise_id) if mine is not None else None
        if enterprise is None or mine is None:
            raise NotFound("企业不存在", field="enterpriseId")
        if not mine.may_administer:
            raise NotEnterpriseAdmin("只有企业管理员或法定代表人可以转授管理员", field="enterpriseId")
        members = await uow.memberships.for_enterprise(enterprise.id)
        target = next((m for m in members if m.id == cmd.to_membership_id), None)
        if target is None:
            raise NotFound("该成员不在本企业中", field="toMemberId")
        # Admin leaves whoever holds it: the caller when they are the admin, else (the legal rep asking) the admin.
        giver = mine if mine.is_admin else next((m for m in members if m.is_admin), None)
        if giver is None:
            raise AdminTransferOutdated("企业当前没有管理员，无法转授", field="enterpriseId")
        if target.is_admin:
            raise AdminTransferTargetInvalid("该成员已是管理员", field="toMemberId")
        receiver = await uow.identities.for_account(target.account_id)
        if receiver is None or not receiver.is_verified or not receiver.legal_name:
            raise AdminTransferTargetInvalid("该成员尚未完成实名认证，不能成为企业管理员", field="toMemberId")
        giver_identity = await verified_identity(uow, giver.account_id)
        assert giver_identity.legal_name
        transfer = AdminTransfer.request(enterprise=enterprise, from_membership=giver, to_membership=target,
                                         from_admin_name=giver_identity.legal_name,
                                         to_admin_name=receiver.legal_name, requested_by=account_id,
                                         now=self._clock.now())
        return transfer, enterprise

    async def __call__(self, cmd: RequestAdminTransferCommand) -> AdminTransferRequested:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            transfer, enterprise = await self._draft(uow, p.id, cmd)
            live = await uow.admin_transfers.pending_for(enterprise.id)
            if live is not None and not live.is_expired(self._clock.now()) and live.still_applies(
                    *await current_roles(uow, live)):
                raise AdminTransferPending(field="enterpriseId")
        pdf = await self._documents.render(transfer_letter_content(transfer))
        transfer.letter_blob_id = await self._blobs.put(pdf, PDF)
        transfer.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        url = approval_url(self._base_url, transfer.id)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                if await settle_stale_pending(uow, enterprise.id, now) is not None:
                    raise AdminTransferPending(field="enterpriseId")
                uow.admin_transfers.add(transfer)
                await self._tell_legal_rep(uow, transfer, url)
                audit(uow, "enterprise.admin_transfer_requested", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), transfer_id=str(transfer.id))
                await uow.commit()
        except BaseException:
            await self._blobs.delete(transfer.letter_blob_id)
            raise
        return AdminTransferRequested(transfer, enterprise, url)

    @staticmethod
    async def _tell_legal_rep(uow: UnitOfWork, transfer: AdminTransfer, url: str) -> None:
        # A legal rep without an account here yet hears nothing now; the transfer waits for them (7 days).
        rep = next((m for m in await uow.memberships.for_enterprise(transfer.enterprise_id) if m.is_legal_rep), None)
        account = await uow.accounts.get(rep.account_id) if rep is not None else None
        if account is None:
            return
        text = (f"【数信签】{transfer.enterprise_name}申请将企业管理员由{transfer.from_admin_name}转授给"
                f"{transfer.to_admin_name}，需您作为法定代表人签署管理员变更授权书。请于7日内登录数信签处理：{url}")
        uow.outbox.put(SMS_TOPIC, {"phone": account.phone, "text": text, "purpose": "NOTICE"})
