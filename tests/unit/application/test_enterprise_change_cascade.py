"""The §8.6 cascade on fakes (issue 7): an approved change of name and legal rep re-issues the org certificates
under the new name, re-faces the org seals, revokes the old legal rep's seal and makes the new one's — in the
approving transaction, or not at all."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.claim_enterprise_certificate import current_org_pair
from application.enterprises.change_cascade import OrgCascade
from application.enterprises.review_outcomes import review_outcomes
from application.identity.reviews import DecideReview, DecideReviewCommand
from application.seals.org_seal_access import SEAL_REVOKED_HOOKS
from domain.certificates.certificate import CertificateStatus, RevocationReason
from domain.commerce.entitlement import HolderKind
from domain.enterprises.change import ChangeStatus
from domain.grants.grant import CertificateGrant, GrantStatus
from domain.identity.review import ReviewStatus
from domain.operators.operator import OperatorRole
from domain.seals.org_seal import single_key
from domain.seals.seal import SealKind, SealStatus
from tests.app_fixture import DEFAULT_META, ID_LI, FakeApp
from tests.fakes import Snapshot
from tests.unit.application.test_enterprise_change import request, through_transfer
from tests.unit.application.test_enterprise_seals import _with_org_certificate, create

NEW_NAME = "北京数信云科技有限公司"


async def _changed(app: FakeApp, *, seal_revoked=()):
    """An enterprise with an org pair, an official seal and a legal-rep seal, whose change of name and legal rep
    (张三 → 李四) waits for the operator. Returns what the decision needs."""
    rep, enterprise, claimed = await _with_org_certificate(app)
    official = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "公章")
    legal = await create(app, rep, enterprise.id, SealKind.LEGAL_REP, "法定代表人章")
    li = await app.verified_user("13900139000", "李四", ID_LI)
    await request(app, rep, enterprise.id, name=NEW_NAME, rep="李四", number=ID_LI)
    review = (await through_transfer(app, rep, enterprise.id)).review
    cascade = OrgCascade(app.issue_dual_certificates, app.seal_images, app.blobs,
                         seal_revoked or SEAL_REVOKED_HOOKS)
    decide = DecideReview(app.uow, app.clock, review_outcomes((), on_enterprise_changed=(cascade,)))
    return rep, li, enterprise, claimed, official.seal, legal.seal, review, decide


async def test_certificates_are_reissued_and_seals_remade_under_the_new_name(app: FakeApp):
    _rep, li, enterprise, claimed, official, legal, review, decide = await _changed(app)
    await app.four_eyes(review.id, decide)

    async with app.uow() as uow:
        old = [await uow.certificates.get(c.id) for c in (claimed.signing, claimed.encryption)]
        signing, encryption = await current_org_pair(uow, enterprise.id, app.clock.now())
        seals = {s.id: s for s in await uow.seals.for_enterprise(enterprise.id)}
        official_faces = await uow.seals.faces_of(official.id)
        new_key = await uow.wrapped_keys.get(signing.id)
    assert [(c.status, c.revocation_reason) for c in old] == [
        (CertificateStatus.REVOKED, RevocationReason.AFFILIATION_CHANGED)] * 2
    for cert in (signing, encryption):
        assert cert.id not in {claimed.signing.id, claimed.encryption.id}
        assert f"O={NEW_NAME}" in cert.subject_dn and cert.not_after == claimed.signing.not_after
    opened = app.vault.open_org_signing_key(new_key.blob, enterprise.id, signing.public_key)
    assert app.sm2.public_key(opened) == signing.public_key

    # The official seal keeps its id (and what names it) with a new face; its first face stays.
    assert seals[official.id].surrounding_text == NEW_NAME and len(official_faces) == 2
    # The old legal rep's seal is revoked, and a new one carries the new legal rep's name.
    assert seals[legal.id].status is SealStatus.REVOKED
    [new_legal] = [s for s in seals.values() if s.kind is SealKind.LEGAL_REP and s.id != legal.id]
    assert new_legal.status is SealStatus.ACTIVE and new_legal.surrounding_text == "李四"
    assert new_legal.single_key == single_key(enterprise.id, SealKind.LEGAL_REP)  # holds the one-at-a-time place


async def test_a_cascade_that_fails_leaves_everything_as_it_was(app: FakeApp):
    async def refuse(uow, seal, now):
        raise RuntimeError("a grant could not be ended")

    _rep, _li, enterprise, claimed, _official, legal, review, decide = await _changed(app, seal_revoked=(refuse,))
    await decide(DecideReviewCommand(await app.operator(), review.id, True, None, DEFAULT_META))  # the first eyes
    supervisor = await app.operator("supervisor", role=OperatorRole.SUPERVISOR)
    before = Snapshot.of(app.db, ignore=("audit", "outbox", "sms"))
    blobs_before = set(app.blobs.blobs)
    with pytest.raises(RuntimeError):
        await decide(DecideReviewCommand(supervisor, review.id, True, None, DEFAULT_META))
    after = Snapshot.of(app.db, ignore=("audit", "outbox", "sms"))
    assert [t for t in after.tables if after.tables[t] != before.tables.get(t)] == []
    async with app.uow() as uow:
        assert (await uow.reviews.get(review.id)).status is ReviewStatus.PENDING
        assert (await uow.enterprise_changes.get(review.subject_id)).status is ChangeStatus.PENDING_REVIEW
        assert (await uow.certificates.get(claimed.signing.id)).status is CertificateStatus.ACTIVE
        assert (await uow.seals.get(legal.id)).status is SealStatus.ACTIVE
    assert set(app.blobs.blobs) == blobs_before  # the pictures drawn for it were deleted


async def _active_grant(app: FakeApp, enterprise_id, member_account_id, seal_ids):
    async with app.uow() as uow:
        [ent] = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, enterprise_id)
        membership = await uow.memberships.of(enterprise_id, member_account_id)
        now = app.clock.now()
        grant = CertificateGrant.create(
            enterprise_id=enterprise_id, membership_id=membership.id, member_account_id=member_account_id,
            platform_id=ent.platform_id, operations=["SIGN"], valid_until=(now + timedelta(days=30)).date(),
            latest_end=ent.valid_until, granted_by=member_account_id, now=now, seal_ids=seal_ids)
        grant.approve(by=member_account_id, signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=now)
        grant.activate(uuid4(), now)
        uow.certificate_grants.add(grant)
        await uow.commit()
    return grant.id


async def test_grants_carry_over_but_one_naming_the_old_legal_reps_seal_ends_with_it(app: FakeApp):
    rep, _li, enterprise, _claimed, official, legal, review, decide = await _changed(app)
    naming_official = await _active_grant(app, enterprise.id, rep.account_id, [official.id])
    naming_none = await _active_grant(app, enterprise.id, rep.account_id, [])
    naming_legal = await _active_grant(app, enterprise.id, rep.account_id, [legal.id])
    await app.four_eyes(review.id, decide)
    async with app.uow() as uow:
        found = {g.id: g for g in await uow.certificate_grants.for_enterprise(enterprise.id)}
    assert found[naming_official].status is GrantStatus.ACTIVE  # the re-faced seal keeps its id
    assert found[naming_none].status is GrantStatus.ACTIVE
    assert (found[naming_legal].status, found[naming_legal].end_reason) == (GrantStatus.ENDED, "SEAL_REVOKED")
