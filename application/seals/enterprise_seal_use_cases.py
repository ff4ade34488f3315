"""The org-seal use cases of §8.2 that are not reached through the shared seal mutations, gathered as one field of
application.use_cases.UseCases (`use_cases.enterprise_seals`). changeSealFace, revokeSeal and ExportSeal handle org
seals inside ChangeSealFace, RevokeSeal and ExportSeal."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports import BlobStore, Clock, UnitOfWorkFactory
from application.seals.create_enterprise_seal import CreateEnterpriseSeal
from application.seals.enterprise_seal_queries import ListEnterpriseSeals
from application.seals.ports import SealImages
from application.signing.cosigning import CoSigning


@dataclass(frozen=True)
class EnterpriseSealUseCases:
    create_enterprise_seal: CreateEnterpriseSeal
    list_enterprise_seals: ListEnterpriseSeals


def enterprise_seal_use_cases(uow: UnitOfWorkFactory, cosigning: CoSigning, images: SealImages, blobs: BlobStore,
                              clock: Clock) -> EnterpriseSealUseCases:
    return EnterpriseSealUseCases(create_enterprise_seal=CreateEnterpriseSeal(uow, cosigning, images, blobs, clock),
                                  list_enterprise_seals=ListEnterpriseSeals(uow, clock))
