"""The certificate authority: a root and an issuing CA (SM2 with SM3), their service signers, issuance with
profile lint, CRLs and OCSP answers. Implements `application.certificates.ports.CertificateAuthority`.

CA private keys are SM4-GCM encrypted under a key derived from the master key and stored in `ca_keys`;
they are decrypted into memory when the CA loads, and never logged or served. In sandbox mode the
hierarchy is created at first use; in production it must exist (`sxq ca init` or `sxq ca import`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from asn1crypto import x509 as ax509

from adapters.ca import crl as crl_mod
from adapters.ca import envelope, ocsp
from adapters.ca import profiles as p
from adapters.ca import x509 as sx
from adapters.persistence.repositories_ca import SqlAlchemyCaStore, StoredCaKey, StoredCrl
from adapters.security.crypto import Sm4GcmCipher
from adapters.security.keys import KeyRing
from application.certificates.ports import CertificateRequest, SubjectInfo
from application.crypto.ports import Sm2Backend
from application.ports import Clock
from domain.certificates.certificate import Certificate, CertificateStatus, HolderKind, serial_hex

log = logging.getLogger(__name__)

ROOT, ISSUING, OCSP = "root", "issuing", "ocsp"
PLATFORM_CALLBACK, SEAL_MAKER = "platform-callback", "seal-maker"
CA_NAMES = (ROOT, ISSUING)
_SERVICE_PROFILES = {OCSP: p.OCSP_RESPONDER, PLATFORM_CALLBACK: p.PLATFORM_CALLBACK, SEAL_MAKER: p.SEAL_MAKER}
_SERVICE_NAMES = {OCSP: "OCSP 响应服务", PLATFORM_CALLBACK: "平台回调签名服务", SEAL_MAKER: "电子印章制作服务"}

ROOT_VALIDITY = timedelta(days=20 * 365)
ISSUING_VALIDITY = timedelta(days=10 * 365)
CA_BACKDATE = timedelta(hours=1)
SERVICE_RENEW_BEFORE = timedelta(days=30)


class CaNotInitialised(RuntimeError):
    pass


@dataclass
class CaKey:
    name: str
    certificate: ax509.Certificate
    private_key: bytes | None = field(repr=False)  # None: an offline root

    @property
    def public_key(self) -> bytes:
        return sx.public_key_of(self.certificate)


@dataclass(frozen=True)
class CaConfig:
    base_url: str
    sandbox: bool
    organization: str = "数信签"
    root_name: str = "数信签 SM2 根 CA"
    issuing_name: str = "数信签 SM2 签发 CA"
    crl_validity: timedelta = timedelta(days=1)
    crl_refresh: timedelta = timedelta(hours=1)
    ocsp_validity: timedelta = timedelta(hours=4)

    def crl_url(self, ca: str) -> str:
        return f"{self.base_url.rstrip('/')}/ca/crl/{ca}.crl"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/ca/ocsp"

    def ca_issuers_url(self, ca: str) -> str:
        return f"{self.base_url.rstrip('/')}/ca/certs/{ca}.cer"


def subject_name(subject: SubjectInfo) -> ax509.Name:
    if subject.kind is HolderKind.PERSON:
        return sx.name(country_name="CN", common_name=subject.name, serial_number=subject.identifier)
    if subject.kind is HolderKind.ORGANIZATION:
        return sx.name(country_name="CN", organization_name=subject.organization or subject.name,
                       common_name=subject.name, organization_identifier=subject.identifier)
    return sx.name(country_name="CN", organization_name=subject.organization, common_name=subject.name,
                   serial_number=subject.identifier)


_DN_SHORT = {"country_name": "C", "organization_name": "O", "organizational_unit_name": "OU",
             "common_name": "CN", "serial_number": "serialNumber", "organization_identifier": "organizationIdentifier",
             "locality_name": "L", "state_or_province_name": "ST"}


def dn_string(name: ax509.Name) -> str:
    """RFC 4514 order (most specific first) with the usual short names."""
    parts = []
    for rdn in reversed(list(name.chosen)):
        for atv in rdn:
            key = atv["type"].native
            value = str(atv["value"].native).replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")
            parts.append(f"{_DN_SHORT.get(key, atv['type'].dotted)}={value}")
    return ",".join(parts)


class Sm2CertificateAuthority:
    def __init__(self, store: SqlAlchemyCaStore, ring: KeyRing, backend: Sm2Backend, clock: Clock,
                 config: CaConfig) -> None:
        self._store, self._backend, self._clock, self.config = store, backend, clock, config
        self._cipher = Sm4GcmCipher(ring.derive("ca/ca-private-keys", 16))
        self._keys: dict[str, CaKey] = {}
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ loading and creating

    def forget_loaded_keys(self) -> None:
        """Drops the keys held in memory; the next use loads them again. For when the database under a
        running authority was replaced (a restore from backup, a test wiping its tables)."""
        self._keys = {}

    def _wrap(self, name: str, private_key: bytes) -> bytes:
        return self._cipher.encrypt(private_key, b"sxq/ca-key/v1/" + name.encode())

    def _unwrap(self, name: str, wrapped: bytes) -> bytes:
        return self._cipher.decrypt(wrapped, b"sxq/ca-key/v1/" + name.encode())

    def _stored(self, key: CaKey, now: datetime) -> StoredCaKey:
        tbs = key.certificate["tbs_certificate"]
        return StoredCaKey(name=key.name, certificate=key.certificate.dump(),
                           wrapped_private_key=None if key.private_key is None else self._wrap(key.name, key.private_key),
                           serial=serial_hex(tbs["serial_number"].native),
                           not_after=tbs["validity"]["not_after"].native, created_at=now)

    async def ensure_ready(self) -> None:
        """Loads the hierarchy; in sandbox mode creates it on first use. Renews service certificates due."""
        if ISSUING in self._keys and not self._service_due(OCSP):
            return
        async with self._lock:
            if ISSUING not in self._keys:
                await self._load()
            if ISSUING not in self._keys:
                if not self.config.sandbox:
                    raise CaNotInitialised("no CA in the database: run `sxq ca init` or `sxq ca import`")
                await self.initialise()
            if self._service_due(OCSP):
                await self._issue_service(OCSP)

    def _service_due(self, name: str) -> bool:
        key = self._keys.get(name)
        if key is None:
            return True
        not_after = key.certificate["tbs_certificate"]["validity"]["not_after"].native
        return not_after - self._clock.now() < SERVICE_RENEW_BEFORE

    async def _load(self) -> None:
        loaded = {}
        for name, row in (await self._store.keys()).items():
            private = None if row.wrapped_private_key is None else self._unwrap(name, row.wrapped_private_key)
            loaded[name] = CaKey(name, ax509.Certificate.load(row.certificate), private)
        issuing = loaded.get(ISSUING)
        for name in _SERVICE_PROFILES:
            # A service certificate made under an issuing CA that has since been replaced is dropped.
            if name in loaded and (issuing is None or not sx.verify_certificate(
                    loaded[name].certificate, issuing.public_key, backend=self._backend)):
                del loaded[name]
        self._keys = loaded

    async def initialise(self) -> dict[str, ax509.Certificate]:
        """Creates the root, the issuing CA and the OCSP responder. Refuses when a CA exists."""
        now = self._clock.now()
        # CA certificates start a little in the past: certificate times have whole seconds, and a leaf
        # issued in the same second as its brand-new CA (or by a server whose clock trails) must still lie
        # inside its issuer's validity.
        born = now - CA_BACKDATE
        if await self._store.keys():
            await self._load()
            raise CaNotInitialised("a CA already exists in this database")
        root_key = self._backend.generate_private_key()
        suffix = "（沙箱）" if self.config.sandbox else ""
        root_cert = sx.make_root(root_key, sx.name(country_name="CN", organization_name=self.config.organization,
                                                   common_name=self.config.root_name + suffix),
                                 born, born + ROOT_VALIDITY, backend=self._backend)
        issuing_key = self._backend.generate_private_key()
        issuing_cert = sx.make_issuing_ca(
            root_cert, root_key, sx.name(country_name="CN", organization_name=self.config.organization,
                                         common_name=self.config.issuing_name + suffix),
            self._backend.public_key(issuing_key), born, born + ISSUING_VALIDITY, crl_url=self.config.crl_url(ROOT),
            backend=self._backend)
        await self._adopt(CaKey(ROOT, root_cert, root_key), CaKey(ISSUING, issuing_cert, issuing_key), now=now)
        log.info("created the CA hierarchy (root serial %s, issuing serial %s)",
                 serial_hex(root_cert.serial_number), serial_hex(issuing_cert.serial_number))
        return {ROOT: root_cert, ISSUING: issuing_cert}

    async def import_ca(self, root_cert: ax509.Certificate, issuing_cert: ax509.Certificate, issuing_key: bytes,
                        root_key: bytes | None = None) -> None:
        """Production: a hierarchy made elsewhere. The root key may stay offline (then no root CRL here)."""
        if not sx.verify_certificate(root_cert, root_cert, backend=self._backend):
            raise ValueError("the root certificate is not self-signed with SM2-with-SM3")
        if not sx.verify_certificate(issuing_cert, root_cert, backend=self._backend):
            raise ValueError("the issuing CA certificate was not signed by the root")
        if self._backend.public_key(issuing_key) != sx.public_key_of(issuing_cert):
            raise ValueError("the issuing CA key does not match its certificate")
        if root_key is not None and self._backend.public_key(root_key) != sx.public_key_of(root_cert):
            raise ValueError("the root key does not match its certificate")
        if not issuing_cert.ca or "key_cert_sign" not in (issuing_cert.key_usage_value.native or ()):
            raise ValueError("the issuing certificate is not a CA certificate that may sign certificates")
        if await self._store.keys():
            raise CaNotInitialised("a CA already exists in this database")
        await self._adopt(CaKey(ROOT, root_cert, root_key), CaKey(ISSUING, issuing_cert, issuing_key),
                          now=self._clock.now())

    async def _adopt(self, root: CaKey, issuing: CaKey, *, now: datetime) -> None:
        for key in (root, issuing):
            if not await self._store.put_key(self._stored(key, now)):
                await self._load()  # another process created the CA first: use theirs
                return
        self._keys = {ROOT: root, ISSUING: issuing}
        await self._issue_service(OCSP)

    async def _issue_service(self, name: str) -> CaKey:
        issuing = self._keys[ISSUING]
        assert issuing.private_key is not None
        now = self._clock.now()
        profile = _SERVICE_PROFILES[name]
        not_after = min(now + profile.max_validity,
                        issuing.certificate["tbs_certificate"]["validity"]["not_after"].native)
        private_key = self._backend.generate_private_key()
        cert = sx.issue_certificate(
            issuing.certificate, issuing.private_key,
            sx.name(country_name="CN", organization_name=self.config.organization, common_name=_SERVICE_NAMES[name]),
            self._backend.public_key(private_key), profile, now, not_after,
            crl_url=None if name == OCSP else self.config.crl_url(ISSUING),
            ocsp_url=None if name == OCSP else self.config.ocsp_url, backend=self._backend)
        key = CaKey(name, cert, private_key)
        if not await self._store.put_key(self._stored(key, now), replace=True):
            await self._load()
            return self._keys[name]
        self._keys[name] = key
        return key

    async def ca_certificate(self, name: str) -> ax509.Certificate:
        await self.ensure_ready()
        return self._keys[name].certificate

    async def service_signer(self, name: str) -> tuple[ax509.Certificate, bytes]:
        """The certificate and key of one of our service signers (OCSP responder, platform-callback signer,
        seal maker), issued by the issuing CA on first use and renewed before it lapses."""
        if name not in _SERVICE_PROFILES:
            raise ValueError(f"unknown service signer {name!r}")
        await self.ensure_ready()
        if self._service_due(name):
            async with self._lock:
                if self._service_due(name):
                    await self._issue_service(name)
        key = self._keys[name]
        assert key.private_key is not None
        return key.certificate, key.private_key

    # ------------------------------------------------------------------ the CertificateAuthority port

    async def prepare(self, request: CertificateRequest) -> Certificate:
        await self.ensure_ready()
        issuing = self._keys[ISSUING]
        profile = p.profile_named(request.profile)
        subject = subject_name(request.subject)
        tbs = sx.prepare_tbs(issuing.certificate, issuing.public_key, subject, request.public_key, profile,
                             request.not_before, request.not_after, crl_url=self.config.crl_url(ISSUING),
                             ocsp_url=self.config.ocsp_url, ca_issuers_url=self.config.ca_issuers_url(ISSUING))
        validity = tbs["validity"]
        return Certificate(
            serial=serial_hex(tbs["serial_number"].native), usage=request.usage, profile=profile.name,
            issuer=ISSUING, subject_dn=dn_string(subject), holder_kind=request.subject.kind,
            public_key=request.public_key, not_before=validity["not_before"].native,
            not_after=validity["not_after"].native, tbs=tbs.dump(), created_at=self._clock.now(),
            holder_account_id=request.holder_account_id, holder_enterprise_id=request.holder_enterprise_id,
            pair_id=request.pair_id)

    async def sign(self, certificate: Certificate) -> None:
        await self.ensure_ready()
        issuer = self._keys[certificate.issuer]
        assert issuer.private_key is not None
        # Sign the bytes that were stored, re-linted: what the database holds is what the CA signed.
        tbs = ax509.TbsCertificate.load(certificate.tbs)
        p.lint(tbs, p.profile_named(certificate.profile), issuer.certificate)
        cert = sx.sign_tbs(tbs, issuer.private_key, backend=self._backend, issuer_public_key=issuer.public_key)
        certificate.signed(cert.dump())

    async def dual_package(self, signing: Certificate, encryption: Certificate, encryption_private_key: bytes) -> bytes:
        if signing.der is None or encryption.der is None:
            raise ValueError("both certificates must be signed")
        return envelope.dual_package(self._backend, ax509.Certificate.load(signing.der),
                                     ax509.Certificate.load(encryption.der), encryption_private_key)

    # ------------------------------------------------------------------ publication

    async def certificate_pem(self, name: str) -> str:
        return sx.to_pem(await self.ca_certificate(name))

    async def crl_this_update(self, name: str) -> datetime | None:
        """When the CRL of `name` now published was signed (None before the first one)."""
        current = await self._store.crl(name)
        return current.this_update if current is not None else None

    async def crl(self, name: str) -> bytes | None:
        """The current DER CRL of `name` ("root" | "issuing"), re-signed when a revocation was added or when
        it is due; None when this server does not hold that CA's key (an offline root)."""
        await self.ensure_ready()
        ca = self._keys.get(name)
        if name not in CA_NAMES or ca is None or ca.private_key is None:
            return None
        now = self._clock.now()
        for _ in range(3):
            current = await self._store.crl(name)
            count = await self._store.revoked_count(name)
            if (current is not None and current.revoked_count == count and now < current.next_update
                    and now - current.this_update < self.config.crl_refresh and current.this_update <= now):
                return current.der
            entries = [crl_mod.RevokedEntry(int(serial, 16), at, reason)
                       for serial, at, reason in await self._store.revocations(name)]
            number = 1 if current is None else current.number + 1
            der = crl_mod.build_crl(ca.certificate, ca.private_key, entries, this_update=now,
                                    next_update=now + self.config.crl_validity, number=number,
                                    backend=self._backend).dump()
            published = StoredCrl(name, number, len(entries), now, now + self.config.crl_validity, der)
            if await self._store.put_crl(published, None if current is None else current.number):
                return der
        raise RuntimeError("could not publish a CRL")  # pragma: no cover - three lost races in a row

    async def ocsp(self, request_der: bytes) -> bytes:
        try:
            cert_ids, nonce = ocsp.parse_request(request_der)
        except ocsp.OcspMalformed as exc:
            log.info("malformed OCSP request: %s", exc)
            return ocsp.error_response("malformed_request")
        await self.ensure_ready()
        issuing = self._keys[ISSUING]
        # Only certificates of the issuing CA: the responder is delegated by it, not by the root.
        serials = [serial_hex(c["serial_number"].native) if c["serial_number"].native > 0 else None
                   for c in cert_ids]
        mine = [s is not None and ocsp.issued_by(c, issuing.certificate) for c, s in zip(cert_ids, serials,
                                                                                          strict=True)]
        known = await self._store.statuses(ISSUING, [s for s, m in zip(serials, mine, strict=True) if m])
        answers = []
        for cert_id, serial, is_mine in zip(cert_ids, serials, mine, strict=True):
            answer = ocsp.StatusAnswer("unknown")
            if is_mine:
                found = known.get(serial)
                if found is not None:
                    status, revoked_at, reason = found
                    if status is CertificateStatus.REVOKED:
                        answer = ocsp.StatusAnswer("revoked", revoked_at, reason)
                    elif status in (CertificateStatus.ACTIVE, CertificateStatus.EXPIRED):
                        answer = ocsp.StatusAnswer("good")
            answers.append((cert_id, answer))
        responder_cert, responder_key = await self.service_signer(OCSP)
        now = self._clock.now()
        return ocsp.build_response(responder_cert, responder_key, answers, nonce=nonce, produced_at=now,
                                   next_update=now + self.config.ocsp_validity, backend=self._backend)
