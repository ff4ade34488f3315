"""The composition root: the one place that knows every adapter and wires them into the use cases."""

from __future__ import annotations

import functools

import httpx
from dependency_injector import containers, providers

from adapters.ca.authority import CaConfig, Sm2CertificateAuthority
from adapters.ca.vault import Sm2KeyVault
from adapters.clock import SystemClock
from adapters.crypto.sm2 import default_backend as sm2_default_backend
from adapters.documents.fonts import resolve_font
from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.repositories_ca import SqlAlchemyCaStore
from adapters.persistence.uow import OutboxSignal, SqlAlchemyUnitOfWork
from adapters.sandbox.console import SandboxConsoleAdapter
from adapters.sandbox.face import SandboxFaceVerifier
from adapters.sandbox.identity import SandboxIdentityVerifier
from adapters.sandbox.sms import SandboxSmsGateway
from adapters.security.blobs import EncryptedFileBlobStore
from adapters.security.crypto import HmacSm3Hasher, ScryptPasswordHasher, Sm4GcmCipher
from adapters.security.images import PillowImageInspector
from adapters.security.keys import KeyRing, load_master_key
from adapters.vendors.http import HttpFaceVerifier, HttpIdentityVerifier, HttpSmsSender, VendorEndpoint
from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword, ResetPassword
from application.accounts.change_phone import ChangePhone
from application.accounts.choose_entry_mode import ChooseEntryMode
from application.accounts.delete_account import DeleteAccount
from application.accounts.get_me import GetMe
from application.accounts.login_with_password import LoginWithPassword
from application.accounts.login_with_sms_code import LoginWithSmsCode
from application.accounts.manage_sessions import EndSession, ListSessions, Logout
from application.accounts.refresh_session import RefreshSession
from application.accounts.register import Register
from application.accounts.request_sms_code import RequestSmsCode
from application.accounts.session_issuer import SessionIssuer
from application.accounts.sms_codes import SMS_TOPIC, SmsCodes
from application.certificates.change_pin import ChangePin
from application.certificates.issue_dual_certificates import IssueDualCertificates
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.pin_gate import PinGate
from application.certificates.revoke_certificate import RevokeCertificate
from application.certificates.verify_pin import VerifyPin
from application.identity.evidence import EvidenceSealer
from application.identity.face_outcome import CompleteFaceVerification, RecordFaceCallback
from application.identity.reviews import DecideReview, GetReview, ListReviews, ReadReviewAttachment
from application.identity.start_id_card_verification import StartIdCardVerification
from application.identity.submit_manual_verification import SubmitManualVerification
from application.operators.operators import CreateOperator, OperatorLogin
from application.outbox import BLOB_DELETE_TOPIC, OutboxDispatcher, blob_delete_handler, sms_handler
from application.use_cases import UseCases


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency()
    clock = providers.Singleton(SystemClock)

    master_key = providers.Singleton(
        lambda s: load_master_key(s.master_key, sandbox=s.sandbox, data_dir=s.data_dir), settings)
    keyring = providers.Singleton(KeyRing, master_key)
    cipher = providers.Singleton(Sm4GcmCipher.from_keyring, keyring)
    secret_hasher = providers.Singleton(HmacSm3Hasher, keyring)
    passwords = providers.Singleton(lambda s: ScryptPasswordHasher(n=s.password_scrypt_n), settings)
    images = providers.Singleton(PillowImageInspector)
    blobs = providers.Singleton(lambda s, c: EncryptedFileBlobStore(s.data_dir / "blobs", c), settings, cipher)

    engine = providers.Singleton(lambda s: make_engine(s.db_url), settings)
    session_factory = providers.Singleton(make_session_factory, engine)
    outbox_signal = providers.Singleton(OutboxSignal)
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory, clock, outbox_signal)

    policies = providers.Callable(lambda s: s.policies, settings)

    # Outside services: the sandbox adapters in sandbox mode (the default), the vendors' HTTP APIs in production.
    http_client = providers.Singleton(httpx.AsyncClient, timeout=httpx.Timeout(10.0, connect=3.0))
    sms_gateway = providers.Singleton(
        lambda s, sf, c, http: SandboxSmsGateway(sf, c) if s.sandbox else HttpSmsSender(_vendor(s, "SMS"), http),
        settings, session_factory, clock, http_client)
    identity_verifier = providers.Singleton(
        lambda s, http: SandboxIdentityVerifier() if s.sandbox else HttpIdentityVerifier(_vendor(s, "IDENTITY"), http),
        settings, http_client)
    face_verifier = providers.Singleton(
        lambda s, sf, c, ring, http: (
            SandboxFaceVerifier(sf, c, ring.derive("sandbox-face-callback", 32), s.base_url) if s.sandbox
            else HttpFaceVerifier(_vendor(s, "FACE"), http, f"{s.base_url}/callbacks/face")),
        settings, session_factory, clock, keyring, http_client)

    sms_codes = providers.Singleton(lambda c, h, p: SmsCodes(c, h, p.sms), clock, secret_hasher, policies)
    session_issuer = providers.Singleton(lambda c, h, p: SessionIssuer(c, h, p.sessions), clock, secret_hasher,
                                         policies)
    sealer = providers.Singleton(EvidenceSealer, cipher, secret_hasher)
    dispatcher = providers.Singleton(
        lambda u, c, sms, blobs: OutboxDispatcher(u, c, {SMS_TOPIC: sms_handler(sms),
                                                         BLOB_DELETE_TOPIC: blob_delete_handler(blobs)}),
        uow.provider, clock, sms_gateway, blobs)

    use_cases = providers.Singleton(
        lambda u, c, codes, pw, sess, pol, idv, face, sealer, blobs, images: _use_cases(
            u, c, codes, pw, sess, pol, idv, face, sealer, blobs, images),
        uow.provider, clock, sms_codes, passwords, session_issuer, policies, identity_verifier, face_verifier,
        sealer, blobs, images)

    # The certificate authority and the key vault (adapters/ca). The PIN KDF costs twice the password one.
    sm2_backend = providers.Singleton(sm2_default_backend)
    ca_store = providers.Singleton(SqlAlchemyCaStore, session_factory)
    certificate_authority = providers.Singleton(
        lambda s, store, ring, sm2, c: Sm2CertificateAuthority(store, ring, sm2, c,
                                                               CaConfig(base_url=s.base_url, sandbox=s.sandbox)),
        settings, ca_store, keyring, sm2_backend, clock)
    key_vault = providers.Singleton(lambda s, ring, sm2: Sm2KeyVault(ring, sm2, scrypt_n=s.pin_scrypt_n),
                                    settings, keyring, sm2_backend)
    pin_gate = providers.Singleton(PinGate, uow.provider, key_vault, clock)
    verify_pin = providers.Singleton(VerifyPin, pin_gate)
    change_pin = providers.Singleton(ChangePin, uow.provider, pin_gate, key_vault, clock)
    revoke_certificate = providers.Singleton(RevokeCertificate, uow.provider, clock)
    issue_dual_certificates = providers.Singleton(IssueDualCertificates, uow.provider, pin_gate, key_vault,
                                                  certificate_authority, clock)
    issue_event_certificate = providers.Singleton(IssueEventCertificate, uow.provider, certificate_authority,
                                                  sm2_backend, clock)

    sandbox_console = providers.Singleton(SandboxConsoleAdapter, sms_gateway, face_verifier, identity_verifier,
                                          dispatcher, session_factory)


def _use_cases(uow, clock, codes, passwords, sessions, policies, identity_verifier, face_verifier, sealer, blobs,
               images) -> UseCases:
    get_review = GetReview(uow)
    return UseCases(
        authenticate=Authenticate(uow, sessions, clock),
        request_sms_code=RequestSmsCode(uow, codes),
        register=Register(uow, codes, passwords, sessions, clock),
        login_with_password=LoginWithPassword(uow, passwords, sessions, clock, policies.login),
        login_with_sms_code=LoginWithSmsCode(uow, codes, sessions, clock),
        refresh_session=RefreshSession(uow, sessions, clock),
        logout=Logout(uow, clock),
        list_sessions=ListSessions(uow, clock),
        end_session=EndSession(uow, clock),
        choose_entry_mode=ChooseEntryMode(uow),
        get_me=GetMe(uow),
        change_password=ChangePassword(uow, passwords, clock, policies.login),
        reset_password=ResetPassword(uow, codes, passwords, clock),
        change_phone=ChangePhone(uow, codes, passwords, clock),
        delete_account=DeleteAccount(uow, codes, clock),
        start_id_card_verification=StartIdCardVerification(uow, identity_verifier, face_verifier, sealer, clock),
        complete_face_verification=CompleteFaceVerification(uow, face_verifier, clock),
        record_face_callback=RecordFaceCallback(uow, face_verifier, clock),
        submit_manual_verification=SubmitManualVerification(uow, blobs, images, sealer, clock, policies.identity),
        list_reviews=ListReviews(uow),
        get_review=get_review,
        read_review_attachment=ReadReviewAttachment(get_review, blobs),
        decide_review=DecideReview(uow, clock),
        create_operator=CreateOperator(uow, passwords, clock),
        operator_login=OperatorLogin(uow, passwords, sessions, clock, policies.login),
    )


def _vendor(settings, name: str) -> VendorEndpoint:
    url, key, secret = settings.vendors.get(name, (None, None, None))
    return VendorEndpoint.from_parts(url, key, secret, name)


@functools.cache
def _checked_font(spec: str | None):
    # Parsing the 19 MB collection to prove it has Chinese glyphs takes ~0.3 s: once per process and font.
    return resolve_font(spec)


def build_container(settings, **overrides) -> Container:
    from adapters.persistence.mappers import start_mappers

    start_mappers()
    # A missing or glyph-less CJK font is a start-up error, not tofu in the first letter someone signs.
    _checked_font(settings.cjk_font)
    container = Container(settings=settings)
    for name, value in overrides.items():
        getattr(container, name).override(providers.Object(value))
    if settings.sandbox:
        container.face_verifier().connect(container.use_cases().record_face_callback)
    else:
        # Fail at start, not at the first SMS: the master key and every vendor must be configured.
        container.master_key()
        container.sms_gateway(), container.identity_verifier(), container.face_verifier()
    return container
