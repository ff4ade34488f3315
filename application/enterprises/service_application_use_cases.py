"""The use cases of §6.3 (member service applications) and §8.1 赠送服务, gathered as one field of
EnterpriseUseCases (`use_cases.enterprises.services`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.commerce.policy import CommercePolicy
from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseService
from application.enterprises.approve_service_application import ApproveServiceApplication
from application.enterprises.gift_service import GiftService
from application.enterprises.letter_files import ReadLetter
from application.enterprises.my_service_applications import ListMyServiceApplications
from application.enterprises.reject_service_application import RejectServiceApplication
from application.enterprises.service_application_ports import ServiceLetterDocuments
from application.enterprises.service_application_queries import (
    GetServiceApplication,
    ListEnterpriseServiceApplications,
    read_service_application_letter,
)
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances


@dataclass(frozen=True)
class ServiceApplicationUseCases:
    apply_for_enterprise_service: ApplyForEnterpriseService
    approve_service_application: ApproveServiceApplication
    reject_service_application: RejectServiceApplication
    my_service_applications: ListMyServiceApplications
    gift_service: GiftService
    get_service_application: GetServiceApplication
    read_service_application_letter: ReadLetter
    list_enterprise_service_applications: ListEnterpriseServiceApplications


def service_application_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, letters: ServiceLetterDocuments,
                                  blobs: BlobStore, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                                  appearances: ListSignatureAppearances, seal_images: SealImages,
                                  hasher: SecretHasher, base_url: str,
                                  commerce_policy: CommercePolicy) -> ServiceApplicationUseCases:
    return ServiceApplicationUseCases(
        apply_for_enterprise_service=ApplyForEnterpriseService(uow, letters, blobs, clock, base_url),
        approve_service_application=ApproveServiceApplication(uow, codes, issue_event_certificate, letters, blobs,
                                                              appearances, seal_images, hasher, clock),
        reject_service_application=RejectServiceApplication(uow, clock),
        my_service_applications=ListMyServiceApplications(uow, clock),
        gift_service=GiftService(uow, clock, commerce_policy),
        get_service_application=GetServiceApplication(uow, clock),
        read_service_application_letter=read_service_application_letter(uow, blobs),
        list_enterprise_service_applications=ListEnterpriseServiceApplications(uow, clock),
    )
