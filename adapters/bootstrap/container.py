"""The composition root: the one place that knows every adapter and wires them into the use cases."""

from __future__ import annotations

import functools

import httpx
from dependency_injector import containers, providers

from adapters.ca.authority import PLATFORM_CALLBACK as PLATFORM_CALLBACK_SIGNER
from adapters.ca.authority import CaConfig, Sm2CertificateAuthority
from adapters.ca.cms import Sm2DocumentSignatures
from adapters.ca.vault import Sm2KeyVault
from adapters.clock import SystemClock
from adapters.crypto.cosigning_hsm import SoftwareCoSigningHsm
from adapters.crypto.sm2 import default_backend as sm2_default_backend
from adapters.crypto.sm2.public_keys import Sm2PublicKeyParser
from adapters.documents.admin_transfer_letters import PadesTransferLetterDocuments
from adapters.documents.fonts import resolve_font
from adapters.documents.grant_letters import PadesGrantLetterDocuments
from adapters.documents.letters import PadesLetterDocuments
from adapters.documents.service_application_letters import PadesServiceLetterDocuments
from adapters.observability.metrics import watch_pool
from adapters.observability.outbox import ObservedDeliveries, add_request_id
from adapters.observability.tracing import instrument_engine, instrument_http_client
from adapters.persistence.engine import make_engine, make_read_engine, make_session_factory
from adapters.persistence.repositories_ca import SqlAlchemyCaStore
from adapters.persistence.uow import OutboxSignal, SqlAlchemyUnitOfWorks
from adapters.realtime.orders import make_order_feed
from adapters.realtime.select import make_scan_feed
from adapters.sandbox.bank_transfers import SandboxBankTransferVerifier
from adapters.sandbox.console import SandboxConsoleAdapter
from adapters.sandbox.enterprises import SandboxEnterpriseVerifier
from adapters.sandbox.face import SandboxFaceVerifier
from adapters.sandbox.identity import SandboxIdentityVerifier
from adapters.sandbox.invoices import SandboxInvoiceIssuer
from adapters.sandbox.payments import SandboxPaymentGateway
from adapters.sandbox.sms import SandboxSmsGateway
from adapters.seals.images import PillowSealImages
from adapters.seals.maker import CaSealMaker
from adapters.security.blobs import EncryptedFileBlobStore
from adapters.security.crypto import HmacSm3Hasher, ScryptPasswordHasher, Sm4GcmCipher
from adapters.security.images import PillowImageInspector
from adapters.security.keys import KeyRing, load_master_key
from adapters.security.totp import PyotpAuthenticator
from adapters.vendors.bank_transfers import HttpBankTransferVerifier
from adapters.vendors.destinations import DestinationGuard
from adapters.vendors.enterprises import HttpEnterpriseVerifier
from adapters.vendors.http import HttpFaceVerifier, HttpIdentityVerifier, HttpSmsSender, VendorEndpoint
from adapters.vendors.payments import ProductionPaymentGateway, UnconfiguredInvoiceIssuer
from adapters.vendors.platform_callbacks import HttpPlatformCallbackSender
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
from application.certificates.certificate_services import CertificateServices
from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificate
from application.certificates.claim_personal_certificate import ClaimPersonalCertificate
from application.certificates.enterprise_certificates import ListEnterpriseCertificates
from application.certificates.issue_dual_certificates import IssueDualCertificates
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.list_my_certificates import GetMyCertificate, ListMyCertificates
from application.certificates.revoke_certificate import RevokeCertificate
from application.certificates.search_certificates import GetCertificateForOperator, SearchCertificates
from application.certificates.start_pin_reset_face import StartPinResetFace
from application.commerce.invoices import INVOICE_ISSUE_TOPIC, invoice_issue_given_up
from application.commerce.platform_administration import (
    ListPlatformsForOperators,
    RetireServicePlan,
    SetPlatformStatus,
)
from application.commerce.refund_payment import PAYMENT_REFUND_TOPIC
from application.commerce.use_cases import CommerceUseCases, commerce_use_cases
from application.enterprises.change_cascade import OrgCascade
from application.enterprises.deletion import enterprise_roles_block_deletion
from application.enterprises.enterprise_reviews import ENTERPRISE_CHANGE_HOOKS
from application.enterprises.identity_links import ENTERPRISE_IDENTITY_HOOKS
from application.enterprises.member_removal import leave_enterprises_on_deletion
from application.enterprises.review_outcomes import review_outcomes
from application.enterprises.use_cases import EnterpriseUseCases, enterprise_use_cases
from application.file_links import FileLinks
from application.grants.use_cases import GrantUseCases, grant_use_cases
from application.identity.evidence import EvidenceSealer
from application.identity.face_outcome import CompleteFaceVerification, RecordFaceCallback
from application.identity.reviews import DecideReview, GetReview, ListReviews, ReadReviewAttachment
from application.identity.start_id_card_verification import StartIdCardVerification
from application.identity.submit_manual_verification import SubmitManualVerification
from application.operators.console_session import AuthenticateConsole
from application.operators.operators import CreateOperator, OperatorLogin
from application.operators.review_dossier import OpenReviewDossier
from application.operators.search_audit_log import SearchAuditLog
from application.operators.system_health import GiveUpOutboxMessage, ReadSystemHealth, RetryOutboxMessage
from application.operators.use_cases import ConsoleUseCases
from application.outbox import (
    BLOB_DELETE_TOPIC,
    OutboxDispatcher,
    blob_delete_handler,
    invoice_issue_handler,
    payment_refund_handler,
    sms_handler,
)
from application.scans.callbacks import CALLBACK_TOPIC, platform_callback_handler
from application.scans.use_cases import ScanUseCases, scan_use_cases
from application.scans.watch_scan_session import UnitOfWorkWatchedSessions, WatchScanSession
from application.seals.capture_handwritten_signature import CaptureHandwrittenSignature
from application.seals.change_seal_face import ChangeSealFace
from application.seals.enterprise_seal_use_cases import enterprise_seal_use_cases
from application.seals.export_seal import ExportSeal
from application.seals.list_my_seals import GetMySeal, ListMySeals
from application.seals.personal_name_seal import PersonalNameSeals
from application.seals.read_seal_image import ReadSealImage
from application.seals.revoke_seal import RevokeSeal
from application.seals.signature_appearances import ListSignatureAppearances, NameSignatureImage
from application.serialisation_locks import PruneSerialisationLocks
from application.signing.cosigning import CoSigning
from application.signing.enroll_signing_key import EnrollSigningKey
from application.signing.prune_signing_requests import PruneSigningRequests
from application.signing.reset_signing_key import ResetSigningKey
from application.use_cases import UseCases


def _observed_engine(settings):
    engine = make_engine(settings.db_url)
    watch_pool(engine.sync_engine)  # sxq_db_pool_* metrics
    instrument_engine(engine)  # spans, when tracing is on
    return engine


def make_http_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    # Outgoing calls carry the request id of the work they are part of (a callback: the request that caused it).
    client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0), event_hooks={"request": [add_request_id]},
                               transport=transport)
    instrument_http_client(client)
    return client


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

    engine = providers.Singleton(_observed_engine, settings)
    session_factory = providers.Singleton(make_session_factory, engine)
    outbox_signal = providers.Singleton(OutboxSignal)
    read_engine = providers.Singleton(lambda s, e: make_read_engine(s.db_url, e), settings, engine)
    read_session_factory = providers.Singleton(lambda e: make_session_factory(e, reads_only=True), read_engine)
    # The factory every use case gets: a call is a write unit of work, `.read()` the request's shared read one.
    uows = providers.Singleton(SqlAlchemyUnitOfWorks, session_factory, read_session_factory, clock, outbox_signal)
    uow = providers.Callable(lambda f: f(), uows)

    policies = providers.Callable(lambda s: s.policies, settings)

    # Scan-session changes for the scanSessionChanged subscription, across workers (adapters/realtime).
    scan_feed = providers.Singleton(lambda s: make_scan_feed(s.db_url, s.redis_url), settings)
    # Order changes for the orderChanged subscription: the same machinery on a channel of its own.
    order_feed = providers.Singleton(lambda s: make_order_feed(s.db_url, s.redis_url), settings)
    watch_scan_session = providers.Singleton(
        lambda u, feed, h, c: WatchScanSession(UnitOfWorkWatchedSessions(u), feed, h, c),
        uows, scan_feed, secret_hasher, clock)

    # Outside services: the sandbox adapters in sandbox mode (the default), the vendors' HTTP APIs in production.
    http_client = providers.Singleton(make_http_client)
    sms_gateway = providers.Singleton(
        lambda s, sf, c, http: SandboxSmsGateway(sf, c) if s.sandbox else _production_sms(s, http),
        settings, session_factory, clock, http_client)
    identity_verifier = providers.Singleton(
        lambda s, http: SandboxIdentityVerifier() if s.sandbox else _production_identity(s, http),
        settings, http_client)
    face_verifier = providers.Singleton(
        lambda s, sf, c, ring, http: (
            SandboxFaceVerifier(sf, c, ring.derive("sandbox-face-callback", 32), s.base_url) if s.sandbox
            else _production_faces(s, http)),
        settings, session_factory, clock, keyring, http_client)

    sms_codes = providers.Singleton(lambda c, h, p: SmsCodes(c, h, p.sms), clock, secret_hasher, policies)
    session_issuer = providers.Singleton(lambda c, h, p: SessionIssuer(c, h, p.sessions), clock, secret_hasher,
                                         policies)
    sealer = providers.Singleton(EvidenceSealer, cipher, secret_hasher)

    # The certificate authority, the key vault (adapters/ca) and the co-signing module holding the server's share
    # of every person's two-share signing key (SPEC §C).
    sm2_backend = providers.Singleton(sm2_default_backend)
    ca_store = providers.Singleton(SqlAlchemyCaStore, session_factory)
    certificate_authority = providers.Singleton(
        lambda s, store, ring, sm2, c: Sm2CertificateAuthority(store, ring, sm2, c,
                                                               CaConfig(base_url=s.base_url, sandbox=s.sandbox)),
        settings, ca_store, keyring, sm2_backend, clock)
    key_vault = providers.Singleton(Sm2KeyVault, keyring, sm2_backend)
    cosigning_hsm = providers.Singleton(SoftwareCoSigningHsm, keyring, sm2_backend)
    cosigning = providers.Singleton(CoSigning, uows, cosigning_hsm, sm2_backend, clock)
    revoke_certificate = providers.Singleton(RevokeCertificate, uows, clock)
    issue_dual_certificates = providers.Singleton(IssueDualCertificates, key_vault,
                                                  certificate_authority, clock)
    issue_event_certificate = providers.Singleton(IssueEventCertificate, uows, certificate_authority,
                                                  sm2_backend, clock)

    # Certificates and seals (SPEC §5, §6): the personal half of issue 4.
    seal_images = providers.Singleton(lambda s: PillowSealImages(_checked_font(s.cjk_font)), settings)
    seal_maker = providers.Singleton(CaSealMaker, certificate_authority, sm2_backend)
    # §8.6: re-issue org certificates and re-make seals inside the approving transaction of a change.
    org_cascade = providers.Singleton(OrgCascade, issue_dual_certificates, seal_images, blobs)
    certificate_use_cases = providers.Singleton(
        lambda u, c, codes, h, face, sealer, blobs, images, pol, cos, hsm, ca, issue, revoke, si, sm:
        _certificate_use_cases(u, c, codes, h, face, sealer, blobs, images, pol, cos, hsm, ca, issue, revoke, si, sm),
        uows, clock, sms_codes, secret_hasher, face_verifier, sealer, blobs, images, policies, cosigning,
        cosigning_hsm, certificate_authority, issue_dual_certificates, revoke_certificate, seal_images, seal_maker)

    # Commerce (adapters/sandbox/payments.py, invoices.py): the sandbox plays WeChat Pay, Alipay and the tax
    # platform; production talks to the channels of SXQ_PAYMENT_CHANNELS (adapters/vendors/payments.py).
    payment_gateway = providers.Singleton(
        lambda s, sf, c, ring, http: (SandboxPaymentGateway(sf, c, lambda label: ring.derive(label, 32), s.base_url)
                                      if s.sandbox else _production_payments(s, http)),
        settings, session_factory, clock, keyring, http_client)
    invoice_issuer = providers.Singleton(
        lambda s, blobs: SandboxInvoiceIssuer(blobs, _checked_font(s.cjk_font)) if s.sandbox
        else UnconfiguredInvoiceIssuer(), settings, blobs)
    # Platforms' callback URLs (adapters/vendors/destinations.py): https and no address inside in production; the
    # sandbox also takes http and loopback, for a platform running beside it.
    callback_destinations = providers.Singleton(
        lambda s: DestinationGuard(allow_http=s.sandbox, allow_loopback=s.sandbox), settings)
    commerce_use_cases = providers.Singleton(
        lambda s, u, c, ca, gw, inv, blobs, h, dest, feed: commerce_use_cases(
            u, c, ca=ca, keys=Sm2PublicKeyParser(), gateway=gw, issuer=inv, blobs=blobs, hasher=h,
            policy=s.commerce_policy, base_url=s.base_url, callback_signer_certificate=_callback_signer_der(ca),
            destinations=dest, order_feed=feed),
        settings, uows, clock, certificate_authority, payment_gateway, invoice_issuer, blobs, secret_hasher,
        callback_destinations, order_feed)

    # The scan services (SPEC §7): CMS signatures, signed callbacks to platforms through the outbox.
    document_signatures = providers.Singleton(Sm2DocumentSignatures, sm2_backend)
    platform_callback_sender = providers.Singleton(
        lambda http, ca, sm2, dest: HttpPlatformCallbackSender(
            http, lambda: ca.service_signer(PLATFORM_CALLBACK_SIGNER), sm2, dest),
        http_client, certificate_authority, sm2_backend, callback_destinations)
    scan_use_cases = providers.Singleton(
        lambda s, u, c, h, sm2, sig, cos, vault, blobs, feed: scan_use_cases(
            u, c, hasher=h, sm2=sm2, signatures=sig, cosigning=cos, vault=vault, blobs=blobs, feed=feed,
            policy=s.scan_policy),
        settings, uows, clock, secret_hasher, sm2_backend, document_signatures, cosigning, key_vault, blobs,
        scan_feed)

    # Enterprises (SPEC §3): the four-element check, sandbox or the registry vendor's HTTP API.
    enterprise_verifier = providers.Singleton(
        lambda s, http: SandboxEnterpriseVerifier() if s.sandbox
        else HttpEnterpriseVerifier(_vendor(s, "ENTERPRISE"), http), settings, http_client)
    # §5.1.2 corporate micro-deposits: the sandbox bank (adapters/sandbox/bank_transfers.py) or the vendor's API.
    bank_transfer_verifier = providers.Singleton(
        lambda s, sf, c, http: SandboxBankTransferVerifier(sf, c) if s.sandbox
        else HttpBankTransferVerifier(_vendor(s, "BANK"), http), settings, session_factory, clock, http_client)
    letter_documents = providers.Singleton(
        lambda s, sm2, ca: PadesLetterDocuments(sm2, _checked_font(s.cjk_font), _ca_chain(ca)),
        settings, sm2_backend, certificate_authority)
    transfer_letter_documents = providers.Singleton(  # §8.4 管理员变更授权书
        lambda s, sm2, ca: PadesTransferLetterDocuments(sm2, _checked_font(s.cjk_font), _ca_chain(ca)),
        settings, sm2_backend, certificate_authority)
    grant_letter_documents = providers.Singleton(  # §8.5 企业证书授权书
        lambda s, sm2, ca: PadesGrantLetterDocuments(sm2, _checked_font(s.cjk_font), _ca_chain(ca)),
        settings, sm2_backend, certificate_authority)
    grant_use_cases = providers.Singleton(
        lambda s, u, c, codes, issue, letters, blobs, seal_images, h: grant_use_cases(
            u, c, codes=codes, issue_event_certificate=issue, letters=letters, blobs=blobs, seal_images=seal_images,
            hasher=h, base_url=s.base_url),
        settings, uows, clock, sms_codes, issue_event_certificate, grant_letter_documents, blobs, seal_images,
        secret_hasher)
    service_letter_documents = providers.Singleton(  # §6.3 服务申请授权书
        lambda s, sm2, ca: PadesServiceLetterDocuments(sm2, _checked_font(s.cjk_font), _ca_chain(ca)),
        settings, sm2_backend, certificate_authority)
    enterprise_use_cases = providers.Singleton(
        lambda s, u, c, v, sealer, blobs, images, pol, codes, issue, docs, seal_images, h, faces, tl, bank, cipher,
        sl: enterprise_use_cases(
            u, c, verifier=v, sealer=sealer, blobs=blobs, images=images, upload_limit=pol.identity.upload_max_bytes,
            codes=codes, issue_event_certificate=issue, documents=docs, seal_images=seal_images, hasher=h,
            faces=faces, base_url=s.base_url, transfer_letters=tl, bank=bank, cipher=cipher, service_letters=sl,
            commerce_policy=s.commerce_policy),
        settings, uows, clock, enterprise_verifier, sealer, blobs, images, policies, sms_codes,
        issue_event_certificate, letter_documents, seal_images, secret_hasher, face_verifier,
        transfer_letter_documents, bank_transfer_verifier, cipher, service_letter_documents)

    dispatcher = providers.Singleton(
        lambda u, c, sms, blobs, com, cb, lease: OutboxDispatcher(u, c, {SMS_TOPIC: sms_handler(sms),
                                                                  BLOB_DELETE_TOPIC: blob_delete_handler(blobs),
                                                                  INVOICE_ISSUE_TOPIC: invoice_issue_handler(
                                                                      com.issue_invoice),
                                                                  CALLBACK_TOPIC: platform_callback_handler(cb),
                                                                  PAYMENT_REFUND_TOPIC: payment_refund_handler(
                                                                      com.refund_payment)},
                                                           {INVOICE_ISSUE_TOPIC: invoice_issue_given_up},
                                                           observer=ObservedDeliveries(), lease=lease),
        uows, clock, sms_gateway, blobs, commerce_use_cases, platform_callback_sender,
        providers.Callable(lambda s: s.outbox_lease, settings))

    # Signed links to protected files (application/file_links.py), under a key of their own.
    file_links = providers.Singleton(
        lambda s, u, c, ring: FileLinks(u, HmacSm3Hasher(ring, "file-links"), c, s.base_url, s.file_link_seconds),
        settings, uows, clock, keyring)

    use_cases = providers.Singleton(
        lambda u, c, codes, pw, sess, pol, idv, face, sealer, blobs, images, certs, com, watch, scans, ent, gr, oc,
        cipher, links: _use_cases(u, c, codes, pw, sess, pol, idv, face, sealer, blobs, images, certs, com, watch,
                                  scans=scans, enterprises=ent, grants=gr, cascade=oc, cipher=cipher,
                                  file_links=links),
        uows, clock, sms_codes, passwords, session_issuer, policies, identity_verifier, face_verifier,
        sealer, blobs, images, certificate_use_cases, commerce_use_cases, watch_scan_session, scan_use_cases,
        enterprise_use_cases, grant_use_cases, org_cascade, cipher, file_links)

    # The operator console's own use cases (adapters/http/console).
    console_use_cases = providers.Singleton(
        lambda u, c, sess, pol, sealer, cipher, ca, disp: _console_use_cases(u, c, sess, pol, sealer, cipher, ca, disp),
        uows, clock, session_issuer, policies, sealer, cipher, certificate_authority, dispatcher)

    sandbox_console = providers.Singleton(SandboxConsoleAdapter, sms_gateway, face_verifier, identity_verifier,
                                          dispatcher, session_factory, payment_gateway, bank=bank_transfer_verifier,
                                          enterprises=enterprise_verifier)


def _console_use_cases(uow, clock, sessions, policies, sealer, cipher, ca, dispatcher) -> ConsoleUseCases:
    return ConsoleUseCases(
        authenticate=AuthenticateConsole(uow, sessions, clock, policies.sessions.console_idle),
        review_dossier=OpenReviewDossier(uow, sealer, cipher, clock),
        search_certificates=SearchCertificates(uow),
        get_certificate=GetCertificateForOperator(uow),
        search_audit_log=SearchAuditLog(uow, clock),
        list_platforms=ListPlatformsForOperators(uow),
        set_platform_status=SetPlatformStatus(uow, clock),
        retire_plan=RetireServicePlan(uow, clock),
        system_health=ReadSystemHealth(uow, clock, ca),
        retry_outbox_message=RetryOutboxMessage(uow, clock),
        give_up_outbox_message=GiveUpOutboxMessage(uow, clock, dispatcher),
    )


def _use_cases(uow, clock, codes, passwords, sessions, policies, identity_verifier, face_verifier, sealer, blobs,
               images, certs: dict, commerce: CommerceUseCases, watch_scan_session=None, *,
               scans: ScanUseCases, enterprises: EnterpriseUseCases, grants: GrantUseCases, cascade=None,
               cipher=None, file_links: FileLinks | None = None) -> UseCases:
    get_review = GetReview(uow)
    totp = PyotpAuthenticator()
    # The legal-rep link first, then member invitations (they need the keyed hasher, so they come built).
    identity_hooks = (*ENTERPRISE_IDENTITY_HOOKS, *enterprises.members.identity_hooks)
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
        delete_account=DeleteAccount(uow, codes, clock, [enterprise_roles_block_deletion],
                                     [leave_enterprises_on_deletion]),
        start_id_card_verification=StartIdCardVerification(uow, identity_verifier, face_verifier, sealer, clock),
        complete_face_verification=CompleteFaceVerification(uow, face_verifier, clock, identity_hooks),
        record_face_callback=RecordFaceCallback(uow, face_verifier, clock, identity_hooks),
        submit_manual_verification=SubmitManualVerification(uow, blobs, images, sealer, clock, policies.identity),
        list_reviews=ListReviews(uow),
        get_review=get_review,
        read_review_attachment=ReadReviewAttachment(get_review, blobs, uow, clock),
        decide_review=DecideReview(uow, clock, review_outcomes(
            identity_hooks, on_enterprise_changed=(*ENTERPRISE_CHANGE_HOOKS, *([cascade] if cascade else [])))),
        create_operator=CreateOperator(uow, passwords, clock, cipher, totp),
        operator_login=OperatorLogin(uow, passwords, sessions, clock, policies.login, cipher, totp),
        commerce=commerce,
        watch_scan_session=watch_scan_session,
        scans=scans,
        enterprises=enterprises,
        grants=grants,
        file_links=file_links,
        **certs,
    )


def _certificate_use_cases(uow, clock, codes, hasher, faces, sealer, blobs, images, policies, cosigning, hsm, ca,
                           issue, revoke, seal_images, seal_maker) -> dict:
    """The use cases of personal certificates and seals, as UseCases fields."""
    limit = policies.identity.upload_max_bytes
    name_seals = PersonalNameSeals(uow, seal_images, blobs, clock)
    return dict(
        claim_personal_certificate=ClaimPersonalCertificate(uow, issue, cosigning, hasher, name_seals, clock),
        claim_enterprise_certificate=ClaimEnterpriseCertificate(uow, issue, cosigning, clock),
        list_enterprise_certificates=ListEnterpriseCertificates(uow, clock),
        certificate_services=CertificateServices(uow),
        list_my_certificates=ListMyCertificates(uow, clock),
        get_my_certificate=GetMyCertificate(uow, clock),
        enroll_signing_key=EnrollSigningKey(uow, codes, hsm, ca, hasher, clock),
        start_pin_reset_face=StartPinResetFace(uow, faces, sealer, clock),
        reset_signing_key=ResetSigningKey(uow, codes, faces, hsm, ca, hasher, clock),
        prune_signing_requests=PruneSigningRequests(uow, clock),
        prune_serialisation_locks=PruneSerialisationLocks(uow, clock),
        revoke_certificate=revoke,
        list_my_seals=ListMySeals(uow, clock),
        get_my_seal=GetMySeal(uow, clock),
        list_signature_appearances=ListSignatureAppearances(uow, clock),
        name_signature_image=NameSignatureImage(uow, seal_images),
        change_seal_face=ChangeSealFace(uow, cosigning, seal_images, images, blobs, clock, limit),
        capture_handwritten_signature=CaptureHandwrittenSignature(uow, cosigning, images, blobs, clock, limit),
        revoke_seal=RevokeSeal(uow, cosigning, clock),
        export_seal=ExportSeal(uow, blobs, seal_maker, clock),
        read_seal_image=ReadSealImage(uow, blobs),
        enterprise_seals=enterprise_seal_use_cases(uow, cosigning, seal_images, blobs, clock),
    )


def _callback_signer_der(ca: Sm2CertificateAuthority):
    """The certificate of our platform-callback signer, which registerPlatform hands the platform."""
    async def der() -> bytes:
        cert, _key = await ca.service_signer(PLATFORM_CALLBACK_SIGNER)
        return cert.dump()
    return der


def _ca_chain(ca: Sm2CertificateAuthority):
    """The issuing CA's certificate, embedded in letter signatures so a verifier needs only our root."""
    async def chain():
        return [await ca.ca_certificate("issuing")]
    return chain


def _production_sms(settings, http: httpx.AsyncClient):
    """SXQ_SMS_VENDOR: the generic HTTP adapter or a named vendor (adapters/vendors/sms.py)."""
    if settings.sms_vendor == "aliyun":
        from adapters.vendors.sms import AliyunSmsConfig, AliyunSmsSender
        return AliyunSmsSender(AliyunSmsConfig.from_env(settings.vendor_env), http)
    if settings.sms_vendor == "tencent":
        from adapters.vendors.sms import TencentSmsConfig, TencentSmsSender
        return TencentSmsSender(TencentSmsConfig.from_env(settings.vendor_env), http)
    return HttpSmsSender(_vendor(settings, "SMS"), http)


def _production_identity(settings, http: httpx.AsyncClient):
    """SXQ_IDENTITY_VENDOR: the generic HTTP adapter, Tencent FaceID's or Alibaba Cloud's two-element check."""
    if settings.identity_vendor == "aliyun":
        from adapters.vendors.aliyun import AliyunIdentityConfig, AliyunIdentityVerifier
        return AliyunIdentityVerifier(AliyunIdentityConfig.from_env(settings.vendor_env), http)
    if settings.identity_vendor == "tencent":
        from adapters.vendors.tencentcloud import TencentFaceIdConfig, TencentIdentityVerifier
        return TencentIdentityVerifier(TencentFaceIdConfig.from_env(settings.vendor_env), http)
    return HttpIdentityVerifier(_vendor(settings, "IDENTITY"), http)


def _production_faces(settings, http: httpx.AsyncClient):
    """SXQ_FACE_VENDOR: the generic HTTP adapter (it calls back POST /callbacks/face) or Tencent FaceID."""
    if settings.face_vendor == "tencent":
        from adapters.vendors.tencentcloud import TencentFaceIdConfig, TencentFaceVerifier
        return TencentFaceVerifier(TencentFaceIdConfig.from_env(settings.vendor_env), http)
    return HttpFaceVerifier(_vendor(settings, "FACE"), http, f"{settings.base_url}/callbacks/face")


def _production_payments(settings, http: httpx.AsyncClient) -> ProductionPaymentGateway:
    """The gateways of the configured channels; each reads its SXQ_<VENDOR>_* settings and fails at start when
    one is missing. The vendor modules are imported only when their channel is on."""
    gateways = []
    for channel in settings.payment_channels:
        notify_url = f"{settings.base_url}/payments/notify/{channel.lower()}"
        if channel == "WECHAT_PAY":
            from adapters.vendors.wechatpay import WechatPayConfig, WechatPayGateway
            gateways.append(WechatPayGateway(WechatPayConfig.from_env(settings.vendor_env, notify_url), http))
        elif channel == "ALIPAY":
            from adapters.vendors.alipay import AlipayConfig, AlipayGateway
            gateways.append(AlipayGateway(AlipayConfig.from_env(settings.vendor_env, notify_url), http))
    return ProductionPaymentGateway(gateways)


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
        gateway = container.payment_gateway()
        if isinstance(gateway, SandboxPaymentGateway):  # a real channel (tests override) notifies over HTTP
            gateway.connect(container.use_cases().commerce.record_payment_notification)
    else:
        # Fail at start, not at the first SMS: the master key and every vendor must be configured.
        container.master_key()
        container.sms_gateway(), container.identity_verifier(), container.face_verifier()
        container.enterprise_verifier()
        container.bank_transfer_verifier()
        container.payment_gateway()
    return container
