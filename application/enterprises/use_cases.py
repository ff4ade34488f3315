"""The enterprise use cases, gathered as one field of application.use_cases.UseCases (`use_cases.enterprises`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.enterprises.authorization_letters import (
    PrepareAuthorizationLetter,
    ReadAuthorizationLetter,
    SignAuthorizationLetter,
)
from application.enterprises.create_enterprise import CreateEnterprise
from application.enterprises.ports import EnterpriseVerifier, LetterDocuments
from application.enterprises.queries import GetEnterprise, MyMemberships
from application.identity.evidence import EvidenceSealer
from application.ports import BlobStore, Clock, ImageInspector, SecretHasher, UnitOfWorkFactory
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


def enterprise_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, verifier: EnterpriseVerifier,
                         sealer: EvidenceSealer, blobs: BlobStore, images: ImageInspector, upload_limit: int,
                         codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                         documents: LetterDocuments, seal_images: SealImages,
                         hasher: SecretHasher) -> EnterpriseUseCases:
    appearances = ListSignatureAppearances(uow, clock)
    return EnterpriseUseCases(
        create_enterprise=CreateEnterprise(uow, verifier, sealer, blobs, images, clock, upload_limit),
        my_memberships=MyMemberships(uow),
        get_enterprise=GetEnterprise(uow),
        prepare_authorization_letter=PrepareAuthorizationLetter(uow, documents, blobs, appearances, clock),
        sign_authorization_letter=SignAuthorizationLetter(uow, codes, issue_event_certificate, documents, blobs,
                                                          appearances, seal_images, hasher, clock),
        read_authorization_letter=ReadAuthorizationLetter(uow, blobs),
    )
