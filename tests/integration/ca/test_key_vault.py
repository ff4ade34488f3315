"""The key vault on the real database: it holds escrowed encryption keys (under the master key) and org signing
keys (under the enterprise's key), nothing of a person's signing key (two shares, SPEC §C); a wrapped key opens
only for its kind, its holder and its public key, tampered bytes open nothing, and neither does the database
without the master key."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from adapters.ca.vault import Sm2KeyVault
from adapters.security.keys import KeyRing
from application.certificates.issue_dual_certificates import IssueDualCertificatesCommand
from application.certificates.ports import KeyUnwrapError, SubjectInfo, WrappedKeyKind
from domain.certificates.certificate import HolderKind
from sxq_phone import Phone
from tests.integration.ca.conftest import issue_dual

ORG = SubjectInfo(HolderKind.ORGANIZATION, "北京数信科技有限公司", "NTRCN-91110108MA01ABCD1E", "北京数信科技有限公司")


async def wrapped(container, certificate_id):
    async with container.uow() as uow:
        return await uow.wrapped_keys.get(certificate_id)


async def org_pair(container, account_id, enterprise_id):
    return await issue_dual(container, IssueDualCertificatesCommand(
        account_id, ORG, container.clock().now() + timedelta(days=365), enterprise_id=enterprise_id))


async def test_a_person_s_signing_certificate_certifies_the_two_share_key_and_the_vault_holds_none_of_it(
        container, new_account):
    account = await new_account()
    # The phone's share and the server's, as enrolment makes them: the joint key P is all the CA certifies.
    enrolled = container.cosigning_hsm().enrol(account, Phone.start_enrolment().device_public_share)
    pair = await issue_dual(container, IssueDualCertificatesCommand(
        account, SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234"),
        container.clock().now() + timedelta(days=365), signing_public_key=enrolled.public_key))

    assert pair.signing.public_key == enrolled.public_key
    assert await wrapped(container, pair.signing.id) is None
    escrowed = await wrapped(container, pair.encryption.id)
    assert (escrowed.kind, escrowed.account_id) == (WrappedKeyKind.ESCROWED, account)
    private_key = container.key_vault().open_escrowed_key(escrowed.blob, account, pair.encryption.public_key)
    assert container.sm2_backend().public_key(private_key) == pair.encryption.public_key


async def test_a_person_s_pair_needs_the_signing_public_key(container, new_account):
    from domain.errors import InvalidInput

    account = await new_account()
    with pytest.raises(InvalidInput):
        await issue_dual(container, IssueDualCertificatesCommand(
            account, SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234"),
            container.clock().now() + timedelta(days=365)))
    async with container.uow() as uow:
        assert await uow.certificates.for_account(account) == []


async def test_the_database_without_the_master_key_opens_nothing(container, new_account, issue_pair):
    account, enterprise_id = await new_account(), uuid4()
    person, org = await issue_pair(account), await org_pair(container, account, enterprise_id)
    escrowed = await wrapped(container, person.encryption.id)
    org_key = await wrapped(container, org.signing.id)
    # Someone with a copy of the database, but another master key.
    thief = Sm2KeyVault(KeyRing(b"\x42" * 32), container.sm2_backend())
    with pytest.raises(KeyUnwrapError):
        thief.open_escrowed_key(escrowed.blob, account, person.encryption.public_key)
    with pytest.raises(KeyUnwrapError):
        thief.open_org_signing_key(org_key.blob, enterprise_id, org.signing.public_key)


async def test_tampered_or_moved_escrowed_keys_do_not_open(container, new_account, issue_pair):
    alice, bob = await new_account(), await new_account()
    a1, a2 = await issue_pair(alice), await issue_pair(alice)
    vault = container.key_vault()
    blob = (await wrapped(container, a1.encryption.id)).blob
    vault.open_escrowed_key(blob, alice, a1.encryption.public_key)

    for i in (0, 1, 40, 66, 70, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[i] ^= 0x80
        with pytest.raises(KeyUnwrapError):
            vault.open_escrowed_key(bytes(tampered), alice, a1.encryption.public_key)
    with pytest.raises(KeyUnwrapError):  # moved onto Alice's other certificate
        vault.open_escrowed_key(blob, alice, a2.encryption.public_key)
    with pytest.raises(KeyUnwrapError):  # moved to Bob
        vault.open_escrowed_key(blob, bob, a1.encryption.public_key)
    with pytest.raises(KeyUnwrapError):  # read as an org signing key
        vault.open_org_signing_key(blob, alice, a1.encryption.public_key)


async def test_tampered_or_moved_org_signing_keys_do_not_open(container, new_account):
    account, acme, other = await new_account(), uuid4(), uuid4()
    first, second = await org_pair(container, account, acme), await org_pair(container, account, other)
    vault, sm2 = container.key_vault(), container.sm2_backend()
    stored = await wrapped(container, first.signing.id)
    assert (stored.kind, stored.account_id) == (WrappedKeyKind.ORGANIZATION, None)
    assert sm2.public_key(vault.open_org_signing_key(stored.blob, acme, first.signing.public_key)) \
        == first.signing.public_key

    for i in (0, 1, 40, 66, 70, len(stored.blob) - 1):
        tampered = bytearray(stored.blob)
        tampered[i] ^= 0x80
        with pytest.raises(KeyUnwrapError):
            vault.open_org_signing_key(bytes(tampered), acme, first.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # moved to the other enterprise
        vault.open_org_signing_key(stored.blob, other, first.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # moved onto the other enterprise's certificate
        vault.open_org_signing_key(stored.blob, other, second.signing.public_key)
    with pytest.raises(KeyUnwrapError):  # read as an escrowed key
        vault.open_escrowed_key(stored.blob, acme, first.signing.public_key)
