"""Operators find certificates by serial, holder or enterprise; only a supervisor (or an admin) revokes one, and
the revocation is audited with who did it."""

from __future__ import annotations

import pytest

from application.certificates.revoke_certificate import RevokeCertificateCommand
from domain.certificates.certificate import CertificateStatus
from domain.errors import Forbidden, PermissionDenied
from domain.operators.operator import OperatorRole
from tests.app_fixture import DEFAULT_META
from tests.unit.application.test_claim_certificate import claim, enrolled


async def holder_with_certificate(app):
    user = await enrolled(app)
    got = await claim(app, user, await app.personal_entitlement(user))
    return user, got


async def test_search_by_serial_phone_and_name(app):
    user, got = await holder_with_certificate(app)
    operator = await app.operator()
    by_serial = await app.search_certificates(operator, got.signing.serial.upper())
    assert [f.certificate.id for f in by_serial] == [got.signing.id]
    assert by_serial[0].holder == user.phone
    by_phone = await app.search_certificates(operator, user.phone)
    assert {f.certificate.id for f in by_phone} == {got.signing.id, got.encryption.id}
    by_name = await app.search_certificates(operator, "张三")
    assert {f.certificate.id for f in by_name} == {got.signing.id, got.encryption.id}
    assert await app.search_certificates(operator, "李四") == []
    with pytest.raises(Forbidden):
        await app.search_certificates(user.principal, user.phone)


@pytest.mark.parametrize("role", [OperatorRole.SUPERVISOR, OperatorRole.ADMIN])
async def test_a_supervisor_revokes_with_a_reason_and_the_act_is_audited(app, role):
    user, got = await holder_with_certificate(app)
    supervisor = await app.operator("boss", role=role)
    revoked = await app.revoke_certificate(RevokeCertificateCommand(supervisor, got.signing.id, "KEY_COMPROMISE",
                                                                    meta=DEFAULT_META))
    assert {c.id for c in revoked} == {got.signing.id, got.encryption.id}
    assert all(c.status is CertificateStatus.REVOKED for c in revoked)
    [event] = app.db.audit_events("certificate.revoked")
    assert (event.operator_id, event.detail["reason"]) == (supervisor.id, "KEY_COMPROMISE")
    assert set(event.detail["serials"]) == {got.signing.serial, got.encryption.serial}


async def test_a_reviewer_may_not_revoke_and_nothing_changes(app):
    _user, got = await holder_with_certificate(app)
    reviewer = await app.operator()
    with pytest.raises(PermissionDenied):
        await app.revoke_certificate(RevokeCertificateCommand(reviewer, got.signing.id, "KEY_COMPROMISE"))
    assert app.db.tables["certificates"][got.signing.id].status is CertificateStatus.ACTIVE
    assert app.db.audit_events("certificate.revoked") == []
