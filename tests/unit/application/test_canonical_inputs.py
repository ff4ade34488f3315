"""Where identifiers enter the use cases, only their canonical spelling goes on (domain/canonical.py): a full-width
legal-rep ID number is the verified person's number, a full-width credit code the enterprise's, a full-width bank
account and deposit code the ASCII ones; digits NFKC keeps and hidden characters are refused with typed errors."""

from __future__ import annotations

import pytest

from application.enterprises.start_bank_transfer import StartBankTransferCommand
from domain.enterprises.bank_transfer import TransferStatus
from domain.enterprises.enterprise import Membership
from domain.errors import DomainError, ErrorCode
from tests.app_fixture import CREDIT_CODE, DEFAULT_META, ID_ZHANG, FakeApp
from tests.unit.application.test_enterprise_bank_transfer import ACCOUNT, BANK, confirm

FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def wide(text: str) -> str:
    return text.translate(FULL_WIDTH)


async def test_an_enterprise_made_with_full_width_codes_stores_them_canonical(app: FakeApp):
    user = await app.verified_user()  # 张三, ID_ZHANG
    made = await app.create_enterprise(user, name="北京数信(海淀)科技有限公司", credit_code=wide(CREDIT_CODE),
                                       legal_rep_id_number=wide(ID_ZHANG))
    e = made.enterprise
    assert (e.credit_code, e.name) == (CREDIT_CODE, "北京数信（海淀）科技有限公司")
    assert e.legal_rep_id_masked == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    # The full-width number is the verified person's number: they are recognised as the legal rep.
    assert isinstance(made.membership, Membership) and made.membership.is_legal_rep


@pytest.mark.parametrize(("field", "over"), [
    ("creditCode", {"credit_code": CREDIT_CODE[:3] + "١" + CREDIT_CODE[4:]}),
    ("legalRepIdNumber", {"legal_rep_id_number": ID_ZHANG.translate(ARABIC_INDIC)}),
    ("legalRepName", {"legal_rep_name": "张\u200d三"}),
    ("name", {"name": "北京数信\u202e科技有限公司"}),
])
async def test_an_enterprise_with_a_non_canonical_identifier_is_refused(app: FakeApp, field, over):
    user = await app.verified_user()
    with pytest.raises(DomainError) as err:
        await app.create_enterprise(user, **over)
    assert err.value.field == field
    assert app.db.rows("enterprises") == []


async def test_a_full_width_account_and_code_are_the_ascii_ones(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await app.enterprises.transfers.start_bank_transfer(
        StartBankTransferCommand(user.principal, e.id, wide("6222-0202 0011 2233 445"), BANK, DEFAULT_META))
    assert app.bank.orders[-1].account_number == ACCOUNT
    done = await confirm(app, user, t.id, wide(app.bank.code_sent_to(ACCOUNT)))
    assert done.transfer.status is TransferStatus.CONFIRMED  # the full-width code was the right code


@pytest.mark.parametrize("account", [ACCOUNT.translate(ARABIC_INDIC), ACCOUNT[:-1] + "٥",
                                     ACCOUNT[:8] + "\u200b" + ACCOUNT[8:]])
async def test_a_bank_account_in_digits_nfkc_keeps_is_refused(app: FakeApp, account):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    with pytest.raises(DomainError) as err:
        await app.enterprises.transfers.start_bank_transfer(
            StartBankTransferCommand(user.principal, e.id, account, BANK, DEFAULT_META))
    assert (err.value.code, err.value.field) == (ErrorCode.INVALID_INPUT, "accountNumber")
    assert app.bank.orders == []


async def test_a_deposit_code_in_digits_nfkc_keeps_costs_no_try(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await app.enterprises.transfers.start_bank_transfer(
        StartBankTransferCommand(user.principal, e.id, ACCOUNT, BANK, DEFAULT_META))
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT).translate(ARABIC_INDIC))
    assert err.value.field == "code"
    assert app.db.rows("bank_transfers")[0].attempts_left == 3
