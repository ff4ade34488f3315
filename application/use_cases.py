"""Every use case the edges may call, gathered so the GraphQL context has one typed handle on them."""

from __future__ import annotations

from dataclasses import dataclass

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
from application.certificates.certificate_services import CertificateServices
from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificate
from application.certificates.claim_personal_certificate import ClaimPersonalCertificate
from application.certificates.enterprise_certificates import ListEnterpriseCertificates
from application.certificates.list_my_certificates import GetMyCertificate, ListMyCertificates
from application.certificates.revoke_certificate import RevokeCertificate
from application.certificates.start_pin_reset_face import StartPinResetFace
from application.commerce.use_cases import CommerceUseCases
from application.enterprises.use_cases import EnterpriseUseCases
from application.file_links import FileLinks
from application.grants.use_cases import GrantUseCases
from application.identity.face_outcome import CompleteFaceVerification, RecordFaceCallback
from application.identity.reviews import DecideReview, GetReview, ListReviews, ReadReviewAttachment
from application.identity.start_id_card_verification import StartIdCardVerification
from application.identity.submit_manual_verification import SubmitManualVerification
from application.operators.operators import CreateOperator, OperatorLogin
from application.scans.use_cases import ScanUseCases
from application.scans.watch_scan_session import WatchScanSession
from application.seals.capture_handwritten_signature import CaptureHandwrittenSignature
from application.seals.change_seal_face import ChangeSealFace
from application.seals.enterprise_seal_use_cases import EnterpriseSealUseCases
from application.seals.export_seal import ExportSeal
from application.seals.list_my_seals import GetMySeal, ListMySeals
from application.seals.read_seal_image import ReadSealImage
from application.seals.revoke_seal import RevokeSeal
from application.seals.signature_appearances import ListSignatureAppearances, NameSignatureImage
from application.serialisation_locks import PruneSerialisationLocks
from application.signing.enroll_signing_key import EnrollSigningKey
from application.signing.prune_signing_requests import PruneSigningRequests
from application.signing.reset_signing_key import ResetSigningKey


@dataclass(frozen=True)
class UseCases:
    authenticate: Authenticate
    request_sms_code: RequestSmsCode
    register: Register
    login_with_password: LoginWithPassword
    login_with_sms_code: LoginWithSmsCode
    refresh_session: RefreshSession
    logout: Logout
    list_sessions: ListSessions
    end_session: EndSession
    choose_entry_mode: ChooseEntryMode
    get_me: GetMe
    change_password: ChangePassword
    reset_password: ResetPassword
    change_phone: ChangePhone
    delete_account: DeleteAccount
    start_id_card_verification: StartIdCardVerification
    complete_face_verification: CompleteFaceVerification
    record_face_callback: RecordFaceCallback
    submit_manual_verification: SubmitManualVerification
    list_reviews: ListReviews
    get_review: GetReview
    read_review_attachment: ReadReviewAttachment
    decide_review: DecideReview
    create_operator: CreateOperator
    operator_login: OperatorLogin
    commerce: CommerceUseCases
    # certificates and personal seals (SPEC §5, §6)
    claim_personal_certificate: ClaimPersonalCertificate
    claim_enterprise_certificate: ClaimEnterpriseCertificate
    list_enterprise_certificates: ListEnterpriseCertificates
    certificate_services: CertificateServices  # §8.3 the services a certificate carries
    list_my_certificates: ListMyCertificates
    get_my_certificate: GetMyCertificate
    enroll_signing_key: EnrollSigningKey  # SPEC §C
    start_pin_reset_face: StartPinResetFace
    reset_signing_key: ResetSigningKey
    prune_signing_requests: PruneSigningRequests
    prune_serialisation_locks: PruneSerialisationLocks
    revoke_certificate: RevokeCertificate
    list_my_seals: ListMySeals
    get_my_seal: GetMySeal
    list_signature_appearances: ListSignatureAppearances
    name_signature_image: NameSignatureImage
    change_seal_face: ChangeSealFace
    capture_handwritten_signature: CaptureHandwrittenSignature
    revoke_seal: RevokeSeal
    export_seal: ExportSeal
    read_seal_image: ReadSealImage
    enterprise_seals: EnterpriseSealUseCases  # §8.2 createEnterpriseSeal, Enterprise.seals
    # the scan services (SPEC §7): platform side and app side
    scans: ScanUseCases
    # enterprises (SPEC §3): create, certify, members
    enterprises: EnterpriseUseCases
    # §8.5 certificate grants: create, approve (legal rep), revoke; what a member may use through them
    grants: GrantUseCases
    # Absolute, short-lived signed links to the files the API serves (seal images, letters, invoices, photos).
    file_links: FileLinks
    # The scanSessionChanged subscription (SPEC §7.1); None where no change feed is wired.
    watch_scan_session: WatchScanSession | None = None
