"""Org certificates on the real CA and database (§6.2.1): OpenSSL parses and verifies the dual org pair with the
enterprise's name and organizationIdentifier; the org signing key is wrapped under the enterprise's key, opens for
that enterprise only, and belongs to no account."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.issue_dual_certificates import IssueDualCertificatesCommand
from application.certificates.ports import KeyUnwrapError, SubjectInfo, WrappedKeyKind
from domain.certificates.certificate import HolderKind
from tests.integration.ca.conftest import issue_dual
from tests.integration.ca.test_certificates_openssl import VFY, write_chain

CODE = "91110108MA01ABCD1E"


async def issue_org_pair(container, account_id, enterprise_id):
    subject = SubjectInfo(HolderKind.ORGANIZATION, "北京数信科技有限公司", f"NTRCN-{CODE}", "北京数信科技有限公司")
    return await issue_dual(container, IssueDualCertificatesCommand(
        account_id, subject, container.clock().now() + timedelta(days=365), enterprise_id=enterprise_id))


async def test_openssl_accepts_the_org_pair(container, ca, new_account, openssl):
    pair = await issue_org_pair(container, await new_account(), uuid4())
    await write_chain(ca, openssl, pair)
    text = openssl.out("x509", "-in", "sign.pem", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus_space")
    assert (f"Subject: C=CN, O=北京数信科技有限公司, organizationIdentifier=NTRCN-{CODE}, CN=北京数信科技有限公司"
            in text), text
    assert "Digital Signature, Non Repudiation" in text
    out = openssl.out("verify", *VFY, "-partial_chain", "-CAfile", "issuing.pem", "sign.pem", "enc.pem")
    assert out.split() == ["sign.pem:", "OK", "enc.pem:", "OK"]


async def test_the_org_key_opens_for_its_enterprise_only_and_belongs_to_no_account(container, new_account):
    account, enterprise_id = await new_account(), uuid4()
    pair = await issue_org_pair(container, account, enterprise_id)
    vault, sm2 = container.key_vault(), container.sm2_backend()
    async with container.uow() as uow:
        signing = await uow.wrapped_keys.get(pair.signing.id)
        escrow = await uow.wrapped_keys.get(pair.encryption.id)
    assert (signing.kind, signing.account_id) == (WrappedKeyKind.ORGANIZATION, None)
    assert (escrow.kind, escrow.account_id) == (WrappedKeyKind.ESCROWED, None)
    key = vault.open_org_signing_key(signing.blob, enterprise_id, pair.signing.public_key)
    assert sm2.public_key(key) == pair.signing.public_key
    with pytest.raises(KeyUnwrapError):
        vault.open_org_signing_key(signing.blob, uuid4(), pair.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # read as an escrowed key
        vault.open_escrowed_key(signing.blob, enterprise_id, pair.signing.public_key)
    enc = vault.open_escrowed_key(escrow.blob, enterprise_id, pair.encryption.public_key)
    assert sm2.public_key(enc) == pair.encryption.public_key
