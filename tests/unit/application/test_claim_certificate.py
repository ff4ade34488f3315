"""ClaimPersonalCertificate over the fakes (SPEC §C): who may claim, two calls approved by the phone's
co-signature, the signing certificate over the enrolled key, reuse of the pair across entitlements, wrong PINs
counted on the key (six lock it)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.signing.cosigning import NeedsCoSignature
from domain.certificates.certificate import CertificateStatus, CertificateUsage
from domain.certificates.claim import EntitlementRequired, IdentityNotVerified
from domain.errors import ErrorCode, NotFound
from domain.seals.seal import SealKind
from domain.signing.signing_key import PinIncorrect, PinLocked, SigningKeyRequired, SigningKeyStatus
from domain.signing.signing_request import SigningPurpose
from sxq_phone import OnScreen
from tests.app_fixture import DEFAULT_META, ID_LI
from tests.fakes import Snapshot
from tests.support.phones import TEST_PIN, WRONG_PIN

SCREEN = OnScreen.act("certificate.claim_personal")


async def enrolled(app, *args):
    user = await app.verified_user(*args)
    await app.enrol(user)
    return user


async def claim(app, user, ent, pin=TEST_PIN):
    return await app.claim_personal(user, ent.id, pin)


def first_call(app, user, ent_id):
    return app.claim_personal_certificate(ClaimPersonalCertificateCommand(user.principal, ent_id, None, DEFAULT_META))


async def test_the_first_call_issues_nothing_and_asks_for_a_co_signature_over_the_claim(app):
    user = await enrolled(app)
    ent = await app.personal_entitlement(user)
    before = len(app.db.rows("certificates"))
    pending = await first_call(app, user, ent.id)
    assert isinstance(pending, NeedsCoSignature) and len(pending.requests) == 1
    request = pending.requests[0]
    assert request.purpose is SigningPurpose.CLAIM_PERSONAL_CERTIFICATE and "张三" in request.display
    assert b'"action":"certificate.claim_personal"' in request.message and str(ent.id).encode() in request.message
    assert len(app.db.rows("certificates")) == before and len(app.db.rows("signing_requests")) == 1


async def test_first_claim_certifies_the_enrolled_key_and_makes_the_name_seal(app):
    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    key = (await app.get_me(user.principal)).signing_key
    assert got.signing.usage is CertificateUsage.SIGNING and got.encryption.usage is CertificateUsage.ENCRYPTION
    assert got.signing.public_key == key.public_key, "the signing certificate certifies the two-share key"
    assert got.signing.pair_id == got.encryption.pair_id and not got.reused
    assert [k.kind.value for k in app.db.rows("wrapped_keys")] == ["ESCROWED"], "no personal signing key is held"
    assert got.personal_seal is not None and got.personal_seal.kind is SealKind.PERSONAL_NAME
    assert got.personal_seal.name == "张三" and got.personal_seal.valid_until == got.signing.not_after


async def test_the_audit_keeps_the_claim_statement_and_a_signature_that_verifies_under_the_certificate(app):
    import base64

    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    event = next(e for e in app.db.rows("audit") if e.kind == "certificate.claimed")
    (signed,) = event.detail["evidence"]["signed"]
    message, signature = base64.b64decode(signed["message"]), base64.b64decode(signed["signature"])
    assert b'"account":"' + str(user.account_id).encode() in message
    assert app.sm2.verify(got.signing.public_key, message, signature)


async def test_claiming_without_an_enrolled_key_is_refused_before_any_request(app):
    user = await app.verified_user()
    ent = await app.personal_entitlement(user)
    with pytest.raises(SigningKeyRequired) as err:
        await first_call(app, user, ent.id)
    assert err.value.code is ErrorCode.SIGNING_KEY_REQUIRED and app.db.rows("signing_requests") == []


async def test_the_subject_names_the_person_by_a_keyed_identifier_never_the_id_number(app):
    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    dn = got.signing.subject_dn
    assert "CN=张三" in dn and "serialNumber=" in dn
    identity = app.db.identity(user.account_id)
    number = app.sealer.reveal_number(user.account_id, identity.number_ciphertext)
    assert number not in dn and number[-6:] not in dn


async def test_a_second_entitlement_reuses_the_same_certificates_and_seal(app):
    user = await enrolled(app)
    first = await claim(app, user, await app.personal_entitlement(user))
    second = await claim(app, user, await app.personal_entitlement(user, days=730))
    assert second.reused and second.signing.id == first.signing.id and second.encryption.id == first.encryption.id
    assert second.personal_seal.id == first.personal_seal.id
    assert len(app.db.rows("certificates")) == 2 and len(app.db.rows("seals")) == 1


async def test_after_revocation_a_claim_issues_a_new_pair_over_the_same_key(app):
    user = await enrolled(app)
    first = await claim(app, user, await app.personal_entitlement(user))
    await app.revoke_certificate(RevokeCertificateCommand(user.principal, first.signing.id, "KEY_COMPROMISE"))
    again = await claim(app, user, await app.personal_entitlement(user))
    assert not again.reused and again.signing.id != first.signing.id
    assert again.signing.public_key == first.signing.public_key
    assert app.db.tables["certificates"][first.encryption.id].status is CertificateStatus.REVOKED


async def test_after_expiry_a_claim_issues_a_new_pair(app):
    user = await enrolled(app)
    first = await claim(app, user, await app.personal_entitlement(user))
    app.clock.advance(days=400)
    again = await claim(app, user, await app.personal_entitlement(user))
    assert not again.reused and again.signing.not_before > first.signing.not_after - timedelta(days=400)
    assert len(app.db.rows("seals")) == 2, "the first name seal lapsed with its certificate; a new one is made"


async def test_claiming_before_identity_is_verified_is_refused_and_changes_nothing(app):
    user = await app.register_user()
    await app.enrol(user)
    ent = await app.personal_entitlement(user)
    before = Snapshot.of(app.db)
    with pytest.raises(IdentityNotVerified) as err:
        await first_call(app, user, ent.id)
    assert err.value.code is ErrorCode.IDENTITY_NOT_VERIFIED
    assert Snapshot.of(app.db) == before


@pytest.mark.parametrize("case", ["missing", "someone_elses", "expired", "enterprise"])
async def test_claiming_without_an_active_entitlement_of_ones_own_is_refused(app, case):
    user = await enrolled(app)
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
        await first_call(app, user, ent_id)
    assert err.value.field == "entitlementId"
    assert Snapshot.of(app.db) == before


async def test_wrong_pins_count_on_the_key_and_six_lock_it_even_for_the_right_pin(app):
    user = await enrolled(app)
    await claim(app, user, await app.personal_entitlement(user))
    ent = await app.personal_entitlement(user)
    for left in (5, 4, 3, 2, 1):
        with pytest.raises(PinIncorrect) as err:
            await claim(app, user, ent, WRONG_PIN)
        assert err.value.details["attemptsLeft"] == left and str(left) in err.value.message
        assert err.value.code is ErrorCode.PIN_INCORRECT and err.value.field == "coSignature"
    with pytest.raises(PinLocked):
        await claim(app, user, ent, WRONG_PIN)
    with pytest.raises(PinLocked):  # refused at the first call now: no request is even made
        await claim(app, user, ent, TEST_PIN)
    key = (await app.get_me(user.principal)).signing_key
    assert key.status is SigningKeyStatus.LOCKED and key.attempts_left == 0
    assert len(app.db.rows("certificates")) == 2


async def test_a_right_pin_resets_the_count(app):
    user = await enrolled(app)
    ent = await app.personal_entitlement(user)
    for _ in range(5):
        with pytest.raises(PinIncorrect):
            await claim(app, user, ent, WRONG_PIN)
    await claim(app, user, ent)
    assert (await app.get_me(user.principal)).signing_key.attempts_left == 6


async def test_another_accounts_certificate_cannot_be_revoked_or_seen(app):
    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    other = await app.verified_user("13900139000", "李四", ID_LI)
    before = Snapshot.of(app.db)
    with pytest.raises(NotFound):
        await app.revoke_certificate(RevokeCertificateCommand(other.principal, got.signing.id, "KEY_COMPROMISE"))
    assert Snapshot.of(app.db) == before
    assert await app.get_my_certificate(other.principal, got.signing.id) is None
    assert await app.list_my_certificates(other.principal) == []


async def test_my_certificates_show_expiry(app):
    user = await enrolled(app)
    await claim(app, user, await app.personal_entitlement(user))
    app.clock.advance(days=400)
    views = await app.list_my_certificates(user.principal)
    assert [v.status for v in views] == [CertificateStatus.EXPIRED] * 2


async def test_a_claim_that_fails_after_issuing_leaves_nothing_behind(app, monkeypatch):
    """The pair, the superseded survivor, the seal and the audit commit together or not at all."""
    user = await enrolled(app)
    ent = await app.personal_entitlement(user)
    blobs_before = set(app.blobs.blobs)

    seals = app.claim_personal_certificate._seals
    original = seals.ensure_in

    async def ensure_then_break(uow, *args):
        result = await original(uow, *args)
        raise RuntimeError("the database went away mid-claim")
        return result

    monkeypatch.setattr(seals, "ensure_in", ensure_then_break)
    with pytest.raises(RuntimeError):
        await claim(app, user, ent)
    assert app.db.tables["certificates"] == {}
    assert app.db.tables.get("seals", {}) == {}
    assert set(app.blobs.blobs) == blobs_before, "the seal picture of a claim that did not commit is deleted"
