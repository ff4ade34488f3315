"""Bank transfers and enterprise changes (§5.1.2, §8.6) against the real database (SQLite, or PostgreSQL with
SXQ_TEST_DATABASE_URL): round trips with enums, bytes and aware times; one open transfer and one open change per
enterprise under concurrent writers; the sandbox bank's triggers; the bank vendor's HTTP adapter."""

from __future__ import annotations

import secrets
from uuid import uuid4

import httpx
import pytest

from application.enterprises.bank_transfer_ports import DepositOrder, DepositRefused, DepositState
from application.ports import ExternalServiceUnavailable
from domain.enterprises.bank_transfer import BankTransfer, FailureReason, TransferPurpose, TransferStatus
from domain.enterprises.change import ChangeStatus, EnterpriseChange
from domain.enterprises.enterprise import LegalRepEvidence
from domain.errors import Conflict
from tests.integration.test_legal_rep_invitation_persistence import _enterprise
from tests.integration.test_vendor_http import EP, vendor


def _transfer(enterprise, account, now, **kw) -> BankTransfer:
    args = dict(transfer_id=uuid4(), enterprise_id=enterprise.id, initiated_by=account.id,
                purpose=TransferPurpose.CERTIFICATION, change_id=None, account_number_ciphertext=b"\x02" * 24,
                account_number_masked="6222***********3445", bank_name="中国工商银行北京海淀支行",
                code_hash=secrets.token_hex(32), amount_fen=37, bank_reference=f"SXQ{secrets.token_hex(8)}", now=now)
    return BankTransfer.start(**{**args, **kw})


def _change(enterprise, account, now) -> EnterpriseChange:
    return EnterpriseChange.request(
        change_id=uuid4(), enterprise_id=enterprise.id, requested_by=account.id, old_name=enterprise.name,
        old_legal_rep_name=enterprise.legal_rep_name, new_name="北京数信新科技有限公司",
        new_legal_rep=LegalRepEvidence("王五", b"\x03" * 16, secrets.token_hex(16), "3201**********4411"),
        licence=("l" * 32, "image/png"), letter=("s" * 32, "application/pdf"), now=now)


async def test_a_change_and_its_transfer_round_trip(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    change = _change(enterprise, account, now)
    async with container.uow() as uow:
        uow.enterprise_changes.add(change)
        await uow.commit()
    transfer = _transfer(enterprise, account, now, purpose=TransferPurpose.CHANGE, change_id=change.id)
    async with container.uow() as uow:
        uow.bank_transfers.add(transfer)
        await uow.commit()
    async with container.uow() as uow:
        got = await uow.bank_transfers.get(transfer.id)
        (opened,) = await uow.bank_transfers.open_for(enterprise.id)
        open_change = await uow.enterprise_changes.open_for(enterprise.id)
        assert opened.id == transfer.id and open_change is not None and open_change.id == change.id
        assert (got.purpose, got.status, got.change_id, got.expires_at.tzinfo is not None) == (
            TransferPurpose.CHANGE, TransferStatus.AWAITING_CODE, change.id, True)
        assert got.account_number_ciphertext == b"\x02" * 24
        assert open_change.new_legal_rep.name == "王五" and open_change.new_legal_rep_id_ciphertext == b"\x03" * 16
        got.bank_failed(FailureReason.NAME_MISMATCH, container.clock().now())
        open_change.submit_for_review(container.clock().now())
        open_change.reject("执照不清晰", container.clock().now())
        await uow.commit()
    async with container.uow() as uow:
        assert await uow.bank_transfers.open_for(enterprise.id) == []
        assert await uow.enterprise_changes.open_for(enterprise.id) is None
        closed = await uow.bank_transfers.get(transfer.id)
        assert (closed.status, closed.failure_reason, closed.open_enterprise_id) == (
            TransferStatus.FAILED, FailureReason.NAME_MISMATCH, None)
        assert (await uow.enterprise_changes.get(change.id)).status is ChangeStatus.REJECTED


async def test_one_open_transfer_and_one_open_change_per_enterprise(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    async with container.uow() as uow:
        uow.bank_transfers.add(_transfer(enterprise, account, now))
        await uow.commit()
    with pytest.raises(Conflict):
        async with container.uow() as uow:
            uow.bank_transfers.add(_transfer(enterprise, account, now))
            await uow.commit()
    async with container.uow() as uow:
        uow.enterprise_changes.add(_change(enterprise, account, now))
        await uow.commit()
    with pytest.raises(Conflict):
        async with container.uow() as uow:
            uow.enterprise_changes.add(_change(enterprise, account, now))
            await uow.commit()


async def test_the_enterprises_rejection_reason_round_trips(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    async with container.uow() as uow:
        e = await uow.enterprises.get(enterprise.id)
        e.start_transfer(now)
        e.submit_for_review(now)
        e.reject_certification("授权书未盖章", now)
        await uow.commit()
    async with container.uow() as uow:
        assert (await uow.enterprises.get(enterprise.id)).rejection_reason == "授权书未盖章"


def _order(account_number: str) -> DepositOrder:
    return DepositOrder(reference=f"SXQ{secrets.token_hex(8)}", account_number=account_number,
                        bank_name="中国工商银行北京海淀支行", account_name="北京数信科技有限公司", amount_fen=42,
                        remark="数信签认证码123456")


async def test_the_sandbox_bank_credits_refuses_fails_later_or_is_down_by_the_last_digit(container):
    bank = container.bank_transfer_verifier()
    ok, later = _order("6222020200112233445"), _order("6222020200112233447")
    await bank.send(ok)
    await bank.send(later)
    assert (await bank.status(ok.reference)).state is DepositState.SENT
    failed = await bank.status(later.reference)
    assert (failed.state, failed.reason) == (DepositState.FAILED, FailureReason.NAME_MISMATCH)
    assert (await bank.status("unknown")).state is DepositState.PENDING
    with pytest.raises(DepositRefused) as refused:
        await bank.send(_order("6222020200112233444"))
    assert refused.value.reason is FailureReason.ACCOUNT_NOT_FOUND
    with pytest.raises(ExternalServiceUnavailable):
        await bank.send(_order("6222020200112233440"))
    (credit,) = await bank.deposits("6222020200112233445")
    assert (credit.amount_fen, credit.remark) == (42, "数信签认证码123456")
    assert await bank.deposits("6222020200112233447") == []  # a failed deposit never reaches the statement


async def test_the_bank_vendor_is_asked_to_deposit_and_later_how_it_went():
    from adapters.vendors.bank_transfers import HttpBankTransferVerifier

    answers = iter([httpx.Response(200, json={"result": "ACCEPTED"}),
                    httpx.Response(200, json={"result": "REFUSED", "reason": "ACCOUNT_NOT_FOUND"}),
                    httpx.Response(200, json={"state": "FAILED", "reason": "NAME_MISMATCH"}),
                    httpx.Response(200, json={"state": "SENT"}),
                    httpx.Response(503)])
    http, seen = vendor(lambda r: next(answers))
    bank = HttpBankTransferVerifier(EP, http)
    order = _order("6222020200112233445")
    await bank.send(order)
    assert seen[0][1] == "/bank/micro-deposits" and seen[0][2]["accountName"] == "北京数信科技有限公司"
    assert seen[0][2]["remark"] == order.remark and seen[0][2]["amountFen"] == 42
    with pytest.raises(DepositRefused):
        await bank.send(order)
    failed = await bank.status(order.reference)
    assert (failed.state, failed.reason) == (DepositState.FAILED, FailureReason.NAME_MISMATCH)
    assert seen[2][1] == f"/bank/micro-deposits/{order.reference}"
    assert (await bank.status(order.reference)).state is DepositState.SENT
    with pytest.raises(ExternalServiceUnavailable):
        await bank.status(order.reference)
