"""The legal-rep invitation's state machine (§5.1.1.2): 24 hours, superseded by a newer one, used once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.enterprises.legal_rep_invitation import (
    INVITATION_TTL,
    InvitationExpired,
    InvitationInvalid,
    InvitationStatus,
    LegalRepInvitation,
)

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _invitation() -> LegalRepInvitation:
    return LegalRepInvitation.issue(enterprise_id=uuid4(), invited_by=uuid4(), phone="13900139000",
                                   token_hash="h", now=NOW)


def test_valid_for_24_hours():
    inv = _invitation()
    assert inv.expires_at - inv.created_at == INVITATION_TTL == timedelta(hours=24)
    inv.ensure_open(NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(InvitationExpired):
        inv.ensure_open(NOW + timedelta(hours=24))


def test_accept_then_use():
    inv, who, letter = _invitation(), uuid4(), uuid4()
    inv.accept(who, face_token="f1", letter_id=letter, now=NOW)
    assert inv.status is InvitationStatus.ACCEPTED and inv.accepted_by == who and inv.letter_id == letter
    inv.mark_used(who, letter, NOW + timedelta(minutes=5))
    assert inv.status is InvitationStatus.USED and inv.used_at is not None
    with pytest.raises(InvitationInvalid):
        inv.ensure_open(NOW)
    with pytest.raises(InvitationInvalid):
        inv.accept(who, face_token="f2", letter_id=uuid4(), now=NOW)


def test_accepting_again_replaces_face_and_letter_and_the_old_letter_is_not_signable():
    inv, who = _invitation(), uuid4()
    first, second = uuid4(), uuid4()
    inv.accept(who, face_token="f1", letter_id=first, now=NOW)
    inv.accept(who, face_token="f2", letter_id=second, now=NOW + timedelta(minutes=1))
    assert (inv.face_token, inv.letter_id) == ("f2", second)
    with pytest.raises(InvitationInvalid):
        inv.ensure_signable_by(who, first, NOW)
    inv.ensure_signable_by(who, second, NOW)


def test_signing_is_bound_by_the_24_hours_too():
    inv, who, letter = _invitation(), uuid4(), uuid4()
    inv.accept(who, face_token="f1", letter_id=letter, now=NOW)
    with pytest.raises(InvitationExpired):
        inv.mark_used(who, letter, NOW + INVITATION_TTL)
    assert inv.status is InvitationStatus.ACCEPTED


def test_another_person_cannot_take_over_an_accepted_invitation():
    inv = _invitation()
    inv.accept(uuid4(), face_token="f1", letter_id=uuid4(), now=NOW)
    with pytest.raises(InvitationInvalid):
        inv.accept(uuid4(), face_token="f2", letter_id=uuid4(), now=NOW)
    with pytest.raises(InvitationInvalid):
        inv.ensure_signable_by(uuid4(), inv.letter_id, NOW)


@pytest.mark.parametrize("accepted", [False, True])
def test_superseded_is_dead(accepted: bool):
    inv, who, letter = _invitation(), uuid4(), uuid4()
    if accepted:
        inv.accept(who, face_token="f1", letter_id=letter, now=NOW)
    inv.supersede(NOW)
    assert inv.status is InvitationStatus.SUPERSEDED and not inv.is_live
    with pytest.raises(InvitationInvalid):
        inv.ensure_open(NOW)
    with pytest.raises(InvitationInvalid):
        inv.mark_used(who, letter, NOW)


def test_a_pending_invitation_is_not_signable_and_a_used_one_cannot_be_superseded():
    inv, who, letter = _invitation(), uuid4(), uuid4()
    with pytest.raises(InvitationInvalid):
        inv.mark_used(who, letter, NOW)
    inv.accept(who, face_token="f1", letter_id=letter, now=NOW)
    inv.mark_used(who, letter, NOW)
    with pytest.raises(InvitationInvalid):
        inv.supersede(NOW)


@pytest.mark.parametrize("opened", [False, True])
def test_cancelled_before_or_after_it_was_opened_it_opens_and_signs_nothing(opened: bool):
    inv = _invitation()
    letter, person = uuid4(), uuid4()
    if opened:
        inv.accept(person, face_token="f", letter_id=letter, now=NOW)
    inv.cancel(NOW + timedelta(minutes=1))
    assert inv.status is InvitationStatus.CANCELLED and not inv.is_live
    with pytest.raises(InvitationInvalid):
        inv.ensure_open(NOW + timedelta(minutes=2))
    with pytest.raises(InvitationInvalid):
        inv.mark_used(person, letter, NOW + timedelta(minutes=2))
    for again in (inv.cancel, inv.supersede):
        with pytest.raises(InvitationInvalid):
            again(NOW + timedelta(minutes=3))


def test_shown_expired_only_while_live():
    inv = _invitation()
    assert inv.shown_status(NOW) is InvitationStatus.PENDING
    assert inv.shown_status(NOW + INVITATION_TTL) is InvitationStatus.EXPIRED
    inv.supersede(NOW + INVITATION_TTL)
    assert inv.shown_status(NOW + INVITATION_TTL) is InvitationStatus.SUPERSEDED
