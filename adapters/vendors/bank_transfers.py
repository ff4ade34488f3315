"""Corporate micro-deposits (§5.1.2) through the bank-verification vendor, over the same signed JSON protocol as
the other vendors (adapters/vendors/http.py). Placing the order and asking how it went are separate calls: banks
settle asynchronously. Timeouts and 5xx answers are "service unavailable"."""

from __future__ import annotations

from adapters.vendors.http import VendorClient
from application.enterprises.bank_transfer_ports import (
    DepositOrder,
    DepositRefused,
    DepositState,
    DepositStatus,
)
from application.ports import ExternalServiceUnavailable
from domain.enterprises.bank_transfer import FailureReason


def _reason(value: object) -> FailureReason:
    try:
        return FailureReason(str(value))
    except ValueError:
        raise ExternalServiceUnavailable(f"bank: unknown failure reason {value!r}") from None


class HttpBankTransferVerifier(VendorClient):
    async def send(self, order: DepositOrder) -> None:
        answer = await self.call("POST", "/bank/micro-deposits", {
            "reference": order.reference, "accountNumber": order.account_number, "bankName": order.bank_name,
            "accountName": order.account_name, "amountFen": order.amount_fen, "remark": order.remark})
        result = answer.get("result")
        if result == "ACCEPTED":
            return
        if result == "REFUSED":
            raise DepositRefused(_reason(answer.get("reason")))
        raise ExternalServiceUnavailable("bank: unexpected answer")

    async def status(self, reference: str) -> DepositStatus:
        answer = await self.call("GET", f"/bank/micro-deposits/{reference}")
        try:
            state = DepositState(answer["state"])
        except (KeyError, ValueError) as exc:
            raise ExternalServiceUnavailable("bank: unexpected answer") from exc
        return DepositStatus(state, _reason(answer.get("reason")) if state is DepositState.FAILED else None)
