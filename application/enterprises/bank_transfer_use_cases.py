"""The use cases of §5.1.2 bank transfer, §5.1.3 manual review and §8.6 information change, gathered as one field
of EnterpriseUseCases (`use_cases.enterprises.transfers`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.enterprises.bank_transfer_ports import BankTransferVerifier
from application.enterprises.confirm_bank_transfer import ConfirmBankTransfer
from application.enterprises.letter_template import PrepareLetterTemplate
from application.enterprises.ports import LetterDocuments
from application.enterprises.request_enterprise_change import RequestEnterpriseChange
from application.enterprises.start_bank_transfer import StartBankTransferVerification
from application.enterprises.transfer_queries import BankTransferState, CertificationProgress
from application.identity.evidence import EvidenceSealer
from application.ports import BlobStore, Clock, FieldCipher, ImageInspector, SecretHasher, UnitOfWorkFactory


@dataclass(frozen=True)
class BankTransferUseCases:
    start_bank_transfer: StartBankTransferVerification
    confirm_bank_transfer: ConfirmBankTransfer
    prepare_letter_template: PrepareLetterTemplate
    request_enterprise_change: RequestEnterpriseChange
    certification_progress: CertificationProgress
    bank_transfer_state: BankTransferState


def bank_transfer_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, bank: BankTransferVerifier,
                            cipher: FieldCipher, hasher: SecretHasher, sealer: EvidenceSealer, blobs: BlobStore,
                            images: ImageInspector, documents: LetterDocuments,
                            upload_limit: int) -> BankTransferUseCases:
    return BankTransferUseCases(
        start_bank_transfer=StartBankTransferVerification(uow, bank, cipher, hasher, clock),
        confirm_bank_transfer=ConfirmBankTransfer(uow, bank, blobs, images, hasher, clock, upload_limit),
        prepare_letter_template=PrepareLetterTemplate(uow, documents, blobs, clock),
        request_enterprise_change=RequestEnterpriseChange(uow, sealer, blobs, images, clock, upload_limit),
        certification_progress=CertificationProgress(uow, clock),
        bank_transfer_state=BankTransferState(uow, clock),
    )
