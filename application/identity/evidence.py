"""Turns a claimed document into DocumentEvidence: encrypted number, keyed index, masked form."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.ports import FieldCipher, SecretHasher, UnitOfWork
from domain.enterprises.enterprise import LegalRepEvidence
from domain.errors import DocumentAlreadyUsed
from domain.identity.documents import DocumentType
from domain.identity.id_number import mask_document_number
from domain.identity.identity import DocumentEvidence, Identity


class EvidenceSealer:
    def __init__(self, cipher: FieldCipher, hasher: SecretHasher) -> None:
        self._cipher, self._hasher = cipher, hasher

    def document_key(self, doc_type: DocumentType, number: str) -> str:
        # Mainland ID numbers verified by face or by review share one key space: one person, one account.
        return self._hasher.hash("document", f"{doc_type.value}|{number}")

    def seal(self, account_id: UUID, doc_type: DocumentType, legal_name: str, number: str,
             expires_on: date | None = None) -> DocumentEvidence:
        return DocumentEvidence(
            document_type=doc_type, legal_name=legal_name,
            number_ciphertext=self._cipher.encrypt(number.encode(), context=b"identity:" + account_id.bytes),
            number_index=self.document_key(doc_type, number),
            number_masked=mask_document_number(number), expires_on=expires_on,
        )

    def legal_rep(self, enterprise_id: UUID, legal_name: str, id_number: str) -> LegalRepEvidence:
        """An enterprise's legal rep, sealed like an identity: the index shares the mainland ID key space, so
        a verified person is recognised as the legal rep by index and name, never by the clear number."""
        return LegalRepEvidence(
            name=legal_name,
            number_ciphertext=self._cipher.encrypt(id_number.encode(), context=b"enterprise:" + enterprise_id.bytes),
            number_index=self.document_key(DocumentType.ID_CARD, id_number),
            number_masked=mask_document_number(id_number))

    def reveal_number(self, account_id: UUID, ciphertext: bytes) -> str:
        return self._cipher.decrypt(ciphertext, context=b"identity:" + account_id.bytes).decode()

    def reveal_legal_rep_number(self, enterprise_id: UUID, ciphertext: bytes) -> str:
        """The licence's legal-rep ID number, for a face check against that identity (§5.1.1.2)."""
        return self._cipher.decrypt(ciphertext, context=b"enterprise:" + enterprise_id.bytes).decode()


async def ensure_document_free(uow: UnitOfWork, document_key: str, account_id: UUID, field: str) -> None:
    holder = await uow.identities.claimed(document_key)
    if holder is not None and holder.account_id != account_id:
        raise DocumentAlreadyUsed(field=field)


async def ensure_may_claim(uow: UnitOfWork, account_id: UUID, document_key: str, field: str) -> None:
    """Before any outside service is asked: the account may start a claim, and the document is free."""
    identity = await uow.identities.for_account(account_id)
    if identity is not None:
        identity.ensure_can_start()
    await ensure_document_free(uow, document_key, account_id, field)


async def identity_of(uow: UnitOfWork, account_id: UUID) -> Identity:
    identity = await uow.identities.for_account(account_id)
    if identity is None:
        identity = Identity(account_id=account_id)
        uow.identities.add(identity)
    return identity
