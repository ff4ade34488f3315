"""The certificate grant use cases (§8.5), gathered for the GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.enterprises.letter_files import ReadLetter
from application.grants.approve_certificate_grant import ApproveCertificateGrant
from application.grants.create_certificate_grant import CreateCertificateGrant
from application.grants.grant_queries import (
    GetCertificateGrant,
    GrantSeals,
    MyCertificateGrants,
    read_grant_letter,
)
from application.grants.list_enterprise_grants import ListEnterpriseGrants
from application.grants.my_granted_certificates import MyGrantedCertificates
from application.grants.ports import GrantLetterDocuments
from application.grants.revoke_certificate_grant import RevokeCertificateGrant
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances


@dataclass(frozen=True)
class GrantUseCases:
    create_certificate_grant: CreateCertificateGrant
    approve_certificate_grant: ApproveCertificateGrant
    revoke_certificate_grant: RevokeCertificateGrant
    my_granted_certificates: MyGrantedCertificates
    list_enterprise_grants: ListEnterpriseGrants
    get_certificate_grant: GetCertificateGrant
    my_certificate_grants: MyCertificateGrants
    read_grant_letter: ReadLetter
    grant_seals: GrantSeals
    clock: Clock  # the GraphQL layer shows statuses as of now (EXPIRED is computed) and the approval link
    base_url: str


def grant_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, codes: SmsCodes,
                    issue_event_certificate: IssueEventCertificate, letters: GrantLetterDocuments, blobs: BlobStore,
                    seal_images: SealImages, hasher: SecretHasher, base_url: str) -> GrantUseCases:
    return GrantUseCases(
        create_certificate_grant=CreateCertificateGrant(uow, clock, base_url, letters, blobs),
        approve_certificate_grant=ApproveCertificateGrant(uow, codes, issue_event_certificate, letters, blobs,
                                                          ListSignatureAppearances(uow, clock), seal_images, hasher,
                                                          clock),
        revoke_certificate_grant=RevokeCertificateGrant(uow, clock),
        my_granted_certificates=MyGrantedCertificates(uow, clock),
        list_enterprise_grants=ListEnterpriseGrants(uow, clock),
        get_certificate_grant=GetCertificateGrant(uow),
        my_certificate_grants=MyCertificateGrants(uow),
        read_grant_letter=read_grant_letter(uow, blobs),
        grant_seals=GrantSeals(uow, clock),
        clock=clock, base_url=base_url,
    )
