"""The scan-service use cases, gathered as one field of application.use_cases.UseCases (`use_cases.scans`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.certificates.ports import KeyVault
from application.crypto.ports import Sm2Backend
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWorkFactory
from application.scans.authenticate_platform import AuthenticatePlatform
from application.scans.confirm_scan_session import ConfirmScanSession
from application.scans.create_scan_session import CreateScanSession
from application.scans.decline_scan_session import DeclineScanSession
from application.scans.expire_scan_sessions import ExpireScanSessions
from application.scans.feed import ScanSessionFeed
from application.scans.my_scan_session import GetMyScanSession
from application.scans.platform_scan_session import GetPlatformScanSession
from application.scans.policy import ScanPolicy
from application.scans.ports import DocumentSignatures
from application.scans.scan_qr_code import ScanQrCode
from application.signing.cosigning import CoSigning


@dataclass(frozen=True)
class ScanUseCases:
    authenticate_platform: AuthenticatePlatform
    create_scan_session: CreateScanSession
    platform_scan_session: GetPlatformScanSession
    scan_qr_code: ScanQrCode
    confirm_scan_session: ConfirmScanSession
    decline_scan_session: DeclineScanSession
    get_my_scan_session: GetMyScanSession
    expire_scan_sessions: ExpireScanSessions
    feed: ScanSessionFeed | None
    clock: Clock


def scan_use_cases(uow: UnitOfWorkFactory, clock: Clock, *, hasher: SecretHasher, sm2: Sm2Backend,
                   signatures: DocumentSignatures, cosigning: CoSigning, vault: KeyVault, blobs: BlobStore,
                   feed: ScanSessionFeed | None, policy: ScanPolicy) -> ScanUseCases:
    return ScanUseCases(
        authenticate_platform=AuthenticatePlatform(uow, sm2, clock, policy),
        create_scan_session=CreateScanSession(uow, hasher, signatures, clock, policy),
        platform_scan_session=GetPlatformScanSession(uow, clock),
        scan_qr_code=ScanQrCode(uow, hasher, clock, feed),
        confirm_scan_session=ConfirmScanSession(uow, cosigning, vault, sm2, signatures, blobs, hasher, clock, feed),
        decline_scan_session=DeclineScanSession(uow, clock, feed),
        get_my_scan_session=GetMyScanSession(uow, clock),
        expire_scan_sessions=ExpireScanSessions(uow, clock, feed),
        feed=feed,
        clock=clock,
    )
