"""A small SM2 PKI for the document and seal tests, built with the CA's own certificate code: a root, an
issuing CA, an event certificate (the signer of SMS-confirmed letters), an enterprise's organisation
certificate, the seal maker, and a second root nobody trusts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509


@dataclass(frozen=True)
class Issued:
    key: bytes
    cert: x509.Certificate


@dataclass(frozen=True)
class Pki:
    backend: object
    root: Issued
    issuing: Issued
    event: Issued
    org: Issued
    seal_maker: Issued
    foreign_root: Issued


def _root(backend, sx, cn: str, now: datetime) -> Issued:
    key = backend.generate_private_key()
    cert = sx.make_root(key, sx.name(common_name=cn, organization_name="数信签测试", country_name="CN"),
                        now - timedelta(days=1), now + timedelta(days=3650), backend=backend)
    return Issued(key, cert)


@pytest.fixture(scope="session")
def pki() -> Pki:
    from adapters.ca import profiles
    from adapters.ca import x509 as sx
    from adapters.crypto.sm2 import default_backend

    backend = default_backend()
    now = datetime.now(UTC)
    root = _root(backend, sx, "数信签测试根CA", now)
    ik = backend.generate_private_key()
    issuing = Issued(ik, sx.make_issuing_ca(
        root.cert, root.key, sx.name(common_name="数信签测试签发CA", organization_name="数信签测试", country_name="CN"),
        backend.public_key(ik), now - timedelta(hours=1), now + timedelta(days=3000), backend=backend))

    def leaf(profile, subject: dict, lifetime: timedelta) -> Issued:
        key = backend.generate_private_key()
        cert = sx.issue_certificate(issuing.cert, issuing.key, subject, backend.public_key(key), profile,
                                    now - timedelta(minutes=5), now + lifetime, backend=backend)
        return Issued(key, cert)

    return Pki(
        backend=backend,
        root=root,
        issuing=issuing,
        event=leaf(profiles.EVENT, {"common_name": "王建国", "serial_number": "ID3201"}, timedelta(hours=20)),
        org=leaf(profiles.ORG_SIGNING, {"common_name": "北京数信科技有限公司", "organization_name": "北京数信科技有限公司",
                                        "organization_identifier": "91110108MA01ABCD2X"}, timedelta(days=365)),
        seal_maker=leaf(profiles.SEAL_MAKER, {"common_name": "数信签电子印章制作", "organization_name": "数信签测试"},
                        timedelta(days=365)),
        foreign_root=_root(backend, sx, "别家根CA", now),
    )
