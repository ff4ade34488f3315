"""The enterprise use cases, gathered as one field of application.use_cases.UseCases (`use_cases.enterprises`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.commerce.policy import CommercePolicy
from application.enterprises.admin_transfer_ports import TransferLetterDocuments
from application.enterprises.admin_transfer_queries import (
    GetAdminTransfer,
    ListEnterpriseAdminTransfers,
    read_admin_transfer_letter,
)
from application.enterprises.approve_admin_transfer import ApproveAdminTransfer
from application.enterprises.authorization_letters import (
    PrepareAuthorizationLetter,
    ReadAuthorizationLetter,
    SignAuthorizationLetter,
)
from application.enterprises.bank_transfer_ports import BankTransferVerifier
from application.enterprises.bank_transfer_use_cases import BankTransferUseCases, bank_transfer_use_cases
from application.enterprises.cancel_legal_rep_invitation import CancelLegalRepInvitation
from application.enterprises.create_enterprise import CreateEnterprise
from application.enterprises.invitation_face import InvitationFaceGate
from application.enterprises.legal_rep_invitation_queries import ListLegalRepInvitations
from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitation,
    InviteLegalRepAuthorization,
)
from application.enterprises.letter_files import ReadLetter
from application.enterprises.member_use_cases import MemberUseCases, member_use_cases
from application.enterprises.ports import EnterpriseVerifier, LetterDocuments
from application.enterprises.queries import GetEnterprise, MyMemberships
from application.enterprises.request_admin_transfer import RequestAdminTransfer
from application.enterprises.resend_legal_rep_invitation import ResendLegalRepInvitation
from application.enterprises.service_application_ports import ServiceLetterDocuments
from application.enterprises.service_application_use_cases import (
    ServiceApplicationUseCases,
    service_application_use_cases,
)
from application.identity.evidence import EvidenceSealer
from application.ports import (
    BlobStore,
    Clock,
    FaceVerifier,
    FieldCipher,
    ImageInspector,
    SecretHasher,
    UnitOfWorkFactory,
)
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances


@dataclass(frozen=True)
class EnterpriseUseCases:
    create_enterprise: CreateEnterprise
    my_memberships: MyMemberships
    get_enterprise: GetEnterprise
    prepare_authorization_letter: PrepareAuthorizationLetter
    sign_authorization_letter: SignAuthorizationLetter
    read_authorization_letter: ReadAuthorizationLetter
    members: MemberUseCases  # §5.2 joining, §8.1 members
    invite_legal_rep_authorization: InviteLegalRepAuthorization
    accept_legal_rep_invitation: AcceptLegalRepInvitation
    list_legal_rep_invitations: ListLegalRepInvitations
    cancel_legal_rep_invitation: CancelLegalRepInvitation
    resend_legal_rep_invitation: ResendLegalRepInvitation
    request_admin_transfer: RequestAdminTransfer
    approve_admin_transfer: ApproveAdminTransfer
    read_admin_transfer_letter: ReadLetter
    get_admin_transfer: GetAdminTransfer  # node(AdminTransfer)
    list_enterprise_admin_transfers: ListEnterpriseAdminTransfers  # Enterprise.adminTransfers
    transfers: BankTransferUseCases  # §5.1.2 bank transfer, §5.1.3 manual review, §8.6 information change
    services: ServiceApplicationUseCases  # §6.3 member service applications, §8.1 赠送服务


def enterprise_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, verifier: EnterpriseVerifier,
                         sealer: EvidenceSealer, blobs: BlobStore, images: ImageInspector, upload_limit: int,
                         codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                         documents: LetterDocuments, seal_images: SealImages, faces: FaceVerifier, base_url: str,
                         hasher: SecretHasher, transfer_letters: TransferLetterDocuments,
                         bank: BankTransferVerifier, cipher: FieldCipher, service_letters: ServiceLetterDocuments,
                         commerce_policy: CommercePolicy) -> EnterpriseUseCases:
    appearances = ListSignatureAppearances(uow, clock)
    return EnterpriseUseCases(
        create_enterprise=CreateEnterprise(uow, verifier, sealer, blobs, images, clock, upload_limit),
        my_memberships=MyMemberships(uow),
        get_enterprise=GetEnterprise(uow),
        prepare_authorization_letter=PrepareAuthorizationLetter(uow, documents, blobs, appearances, clock),
        sign_authorization_letter=SignAuthorizationLetter(uow, codes, issue_event_certificate, documents, blobs,
                                                          appearances, seal_images, hasher, clock,
                                                          InvitationFaceGate(uow, faces, clock)),
        read_authorization_letter=ReadAuthorizationLetter(uow, blobs),
        members=member_use_cases(uow, clock, hasher, cipher),
        invite_legal_rep_authorization=InviteLegalRepAuthorization(uow, hasher, clock, base_url),
        accept_legal_rep_invitation=AcceptLegalRepInvitation(uow, hasher, faces, sealer, documents, blobs, clock),
        list_legal_rep_invitations=ListLegalRepInvitations(uow, clock),
        cancel_legal_rep_invitation=CancelLegalRepInvitation(uow, clock),
        resend_legal_rep_invitation=ResendLegalRepInvitation(uow, hasher, clock, base_url),
        request_admin_transfer=RequestAdminTransfer(uow, transfer_letters, blobs, clock, base_url),
        approve_admin_transfer=ApproveAdminTransfer(uow, codes, issue_event_certificate, transfer_letters, blobs,
                                                    appearances, seal_images, hasher, clock),
        read_admin_transfer_letter=read_admin_transfer_letter(uow, blobs),
        get_admin_transfer=GetAdminTransfer(uow, clock),
        list_enterprise_admin_transfers=ListEnterpriseAdminTransfers(uow, clock),
        transfers=bank_transfer_use_cases(uow, clock, bank=bank, cipher=cipher, hasher=hasher, sealer=sealer,
                                          blobs=blobs, images=images, documents=documents, upload_limit=upload_limit),
        services=service_application_use_cases(uow, clock, letters=service_letters, blobs=blobs, codes=codes,
                                               issue_event_certificate=issue_event_certificate,
                                               appearances=appearances, seal_images=seal_images, hasher=hasher,
                                               base_url=base_url, commerce_policy=commerce_policy),
    )
