"""ClaimPersonalCertificate and the PIN around it, over the fakes: who may claim, the first PIN, reuse of the
pair across entitlements, wrong and locked PINs, SetCertificatePin, ChangePin."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.change_pin import ChangePinCommand
from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.certificates.set_certificate_pin import SetCertificatePinCommand
from domain.accounts.sms import SmsPurpose
from domain.certificates.certificate import CertificateStatus, CertificateUsage
from domain.certificates.claim import EntitlementRequired, IdentityNotVerified
from domain.certificates.pin import PinAlreadySet, PinLocked, WeakPin, WrongPin
from domain.errors import ErrorCode, NotFound
from domain.seals.seal import SealKind
from tests.app_fixture import DEFAULT_META, ID_LI, wrong_code
from tests.fakes import Snapshot

PIN = "135790"


async def claim(app, user, ent, pin=PIN):
    return await app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent.id, pin,
                                                                                DEFAULT_META))


async def test_first_claim_issues_the_dual_pair_sets_the_pin_and_makes_the_name_seal(app):
    user = await app.verified_user()
    ent = await app.personal_entitlement(user)
    got = await claim(app, user, ent)
    assert got.signing.usage is CertificateUsage.SIGNING and got.encryption.usage is CertificateUsage.ENCRYPTION
    assert got.signing.pair_id == got.encryption.pair_id and not got.reused
    assert got.signing.status is CertificateStatus.ACTIVE
    assert app.db.tables["certificate_pins"][user.account_id].failed_attempts == 0
    assert got.personal_seal is not None and got.personal_seal.kind is SealKind.PERSONAL_NAME
    assert got.personal_seal.name == "张三" and got.personal_seal.valid_until == got.signing.not_after


async def test_the_subject_names_the_person_by_a_keyed_identifier_never_the_id_number(app):
    user = await app.verified_user()
    got = await claim(app, user, await app.personal_entitlement(user))
    dn = got.signing.subject_dn
    assert "CN=张三" in dn and "serialNumber=" in dn
    identity = app.db.identity(user.account_id)
    number = app.sealer.reveal_number(user.account_id, identity.number_ciphertext)
    assert number not in dn and number[-6:] not in dn


async def test_a_second_entitlement_reuses_the_same_certificates_and_seal(app):
    user = await app.verified_user()
    first = await claim(app, user, await app.personal_entitlement(user))
    second = await claim(app, user, await app.personal_entitlement(user, days=730))
    assert second.reused and second.signing.id == first.signing.id and second.encryption.id == first.encryption.id
    assert second.personal_seal.id == first.personal_seal.id
    assert len(app.db.rows("certificates")) == 2 and len(app.db.rows("seals")) == 1


async def test_after_revocation_a_claim_issues_a_new_pair(app):
    user = await app.verified_user()
    first = await claim(app, user, await app.personal_entitlement(user))
    await app.revoke_certificate(RevokeCertificateCommand(user.principal, first.signing.id, "KEY_COMPROMISE"))
    again = await claim(app, user, await app.personal_entitlement(user))
    assert not again.reused and again.signing.id != first.signing.id
    assert app.db.tables["certificates"][first.encryption.id].status is CertificateStatus.REVOKED


async def test_after_expiry_a_claim_issues_a_new_pair(app):
    user = await app.verified_user()
    first = await claim(app, user, await app.personal_entitlement(user))
    app.clock.advance(days=400)
    again = await claim(app, user, await app.personal_entitlement(user))
    assert not again.reused and again.signing.not_before > first.signing.not_after - timedelta(days=400)
    seals = app.db.rows("seals")
    assert len(seals) == 2, "the first name seal lapsed with its certificate; a new one is made"


async def test_claiming_before_identity_is_verified_is_refused_and_changes_nothing(app):
    user = await app.register_user()
    ent = await app.personal_entitlement(user)
    before = Snapshot.of(app.db)
    with pytest.raises(IdentityNotVerified) as err:
        await claim(app, user, ent)
    assert err.value.code is ErrorCode.IDENTITY_NOT_VERIFIED
    assert Snapshot.of(app.db) == before


@pytest.mark.parametrize("case", ["missing", "someone_elses", "expired", "enterprise"])
async def test_claiming_without_an_active_entitlement_of_ones_own_is_refused(app, case):
    user = await app.verified_user()
    other = await app.verified_user("13900139000", "李四", ID_LI)
    if case == "missing":
        ent_id = uuid4()
    elif case == "someone_elses":
        ent_id = (await app.personal_entitlement(other)).id
    elif case == "expired":
        ent_id = (await app.personal_entitlement(user, days=1)).id
        app.clock.advance(days=2)
    else:
        from domain.commerce.entitlement import HolderKind

        ent = await app.personal_entitlement(user)
        async with app.uow() as uow:
            (await uow.entitlements.get(ent.id)).holder_kind = HolderKind.ENTERPRISE
            await uow.commit()
        ent_id = ent.id
    before = Snapshot.of(app.db)
    with pytest.raises(EntitlementRequired) as err:
        await app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent_id, PIN))
    assert err.value.field == "entitlementId"
    assert Snapshot.of(app.db) == before


@pytest.mark.parametrize("pin", ["111111", "123456", "654321", "12345", "abcdef", "1234567"])
async def test_a_weak_first_pin_is_refused_and_nothing_is_issued(app, pin):
    user = await app.verified_user()
    ent = await app.personal_entitlement(user)
    with pytest.raises(WeakPin):
        await claim(app, user, ent, pin)
    assert app.db.rows("certificates") == [] and app.db.rows("certificate_pins") == []


async def test_a_later_claim_with_a_wrong_pin_shows_attempts_left_and_six_lock_it(app):
    user = await app.verified_user()
    await claim(app, user, await app.personal_entitlement(user))
    ent = await app.personal_entitlement(user)
    for left in (5, 4, 3, 2, 1):
        with pytest.raises(WrongPin) as err:
            await claim(app, user, ent, "246802")
        assert err.value.details["attemptsLeft"] == left and str(left) in err.value.message
    with pytest.raises(PinLocked):
        await claim(app, user, ent, "246802")
    with pytest.raises(PinLocked):  # the 7th, even with the right PIN
        await claim(app, user, ent, PIN)
    assert len(app.db.rows("certificates")) == 2


async def test_set_pin_needs_an_sms_code_and_only_once(app):
    user = await app.register_user()
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(WeakPin):
        await app.set_certificate_pin(SetCertificatePinCommand(user.principal, "000000", code))
    with pytest.raises(Exception) as err:
        await app.set_certificate_pin(SetCertificatePinCommand(user.principal, PIN, wrong_code(code)))
    assert err.value.code is ErrorCode.SMS_CODE_INVALID
    assert app.db.rows("certificate_pins") == []
    await app.set_certificate_pin(SetCertificatePinCommand(user.principal, PIN, code))
    assert (await app.get_me(user.principal)).has_certificate_pin
    app.clock.advance(seconds=61)
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    with pytest.raises(PinAlreadySet):
        await app.set_certificate_pin(SetCertificatePinCommand(user.principal, "246813", code))


async def test_a_pin_set_beforehand_is_proven_at_the_first_claim(app):
    user = await app.verified_user()
    code = await app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
    await app.set_certificate_pin(SetCertificatePinCommand(user.principal, PIN, code))
    ent = await app.personal_entitlement(user)
    with pytest.raises(WrongPin):
        await claim(app, user, ent, "246802")
    got = await claim(app, user, ent, PIN)
    assert got.signing.status is CertificateStatus.ACTIVE


async def test_change_pin_rewraps_the_keys_and_the_old_pin_stops_working(app):
    user = await app.verified_user()
    await claim(app, user, await app.personal_entitlement(user))
    with pytest.raises(WrongPin) as err:
        await app.change_certificate_pin(ChangePinCommand(user.principal, "246802", "975310"))
    assert err.value.field == "oldPin"
    with pytest.raises(WeakPin) as err:
        await app.change_certificate_pin(ChangePinCommand(user.principal, PIN, "999999"))
    assert err.value.field == "newPin"
    assert await app.change_certificate_pin(ChangePinCommand(user.principal, PIN, "975310")) == 1
    await claim(app, user, await app.personal_entitlement(user), "975310")
    with pytest.raises(WrongPin):
        await claim(app, user, await app.personal_entitlement(user), PIN)


async def test_another_accounts_certificate_cannot_be_revoked_or_seen(app):
    user = await app.verified_user()
    got = await claim(app, user, await app.personal_entitlement(user))
    other = await app.verified_user("13900139000", "李四", ID_LI)
    before = Snapshot.of(app.db)
    with pytest.raises(NotFound):
        await app.revoke_certificate(RevokeCertificateCommand(other.principal, got.signing.id, "KEY_COMPROMISE"))
    assert Snapshot.of(app.db) == before
    assert await app.get_my_certificate(other.principal, got.signing.id) is None
    assert await app.list_my_certificates(other.principal) == []


async def test_my_certificates_show_expiry(app):
    user = await app.verified_user()
    await claim(app, user, await app.personal_entitlement(user))
    app.clock.advance(days=400)
    views = await app.list_my_certificates(user.principal)
    assert [v.status for v in views] == [CertificateStatus.EXPIRED] * 2


async def test_a_claim_that_fails_after_issuing_leaves_nothing_behind(app, monkeypatch):
    """The pair, the PIN, the superseded survivor, the seal and the audit commit together or not at all."""
    user = await app.verified_user()
    ent = await app.personal_entitlement(user)
    blobs_before = set(app.blobs.blobs)

    async def audit_breaks(*args, **kwargs):
        raise RuntimeError("the database went away mid-claim")

    seals = app.claim_personal_certificate._seals
    original = seals.ensure_in

    async def ensure_then_break(uow, *args):
        result = await original(uow, *args)
        await audit_breaks()
        return result

    monkeypatch.setattr(seals, "ensure_in", ensure_then_break)
    with pytest.raises(RuntimeError):
        await claim(app, user, ent)
    assert app.db.tables["certificates"] == {}
    assert user.account_id not in app.db.tables["certificate_pins"]
    assert app.db.tables.get("seals", {}) == {}
    assert set(app.blobs.blobs) == blobs_before, "the seal picture of a claim that did not commit is deleted"
