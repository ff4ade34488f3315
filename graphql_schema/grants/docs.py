"""Descriptions of the certificate grants' schema elements (see graphql_schema/common/docs.py)."""

from __future__ import annotations

_PAYLOAD_ERRORS = "Why nothing was changed; empty on success."

DOCS: dict[str, str] = {
    "CertificateGrant.id": "Global ID of the grant.",
    "CertificateGrant.status": "Where the grant stands.",
    "CertificateGrant.operations": "The scan operations the member may perform with the org certificate.",
    "CertificateGrant.createdAt": "When the admin or legal rep made it.",
    "CertificateGrant.approvedAt": "When the legal rep signed; null before.",
    "CertificateGrant.activatedAt": "When it was paid and became ACTIVE; null before.",
    "CertificateGrant.letter": "The grant letter the legal rep signs.",
    "CertificateGrant.enterprise": "The enterprise, while the caller is one of its members.",
    "CertificateGrant.platform": "The platform the grant is for.",
    "CertificateGrantStatus.AWAITING_APPROVAL": "Waiting for the legal rep's signature (`approveCertificateGrant`).",
    "CertificateGrantStatus.AWAITING_PAYMENT": "Signed; waiting for the grantor or the member to buy "
                                               "(`placeOrder` with `grantId`).",
    "CertificateGrantStatus.ACTIVE": "In force: the member sees the certificate in `usableEnterpriseCertificates` "
                                     "and in scans on that platform.",
    "CertificateGrantStatus.REVOKED": "Revoked by the admin or legal rep (final).",
    "CertificateGrantStatus.EXPIRED": "Past `validUntil`.",
    "CertificateGrantStatus.ENDED": "Ended by events (see `endReason`).",
    "CertificateGrantEndReason": "Why a grant ENDED.",
    "CertificateGrantEndReason.MEMBER_REMOVED": "The member left or was removed from the enterprise.",
    "CertificateGrantEndReason.CERTIFICATE_REVOKED": "The enterprise's org certificate was revoked.",
    "CertificateGrantEndReason.SEAL_REVOKED": "A seal the grant names was revoked.",
    "CertificateGrantLetter.id": "Global ID of the letter.",
    "CertificateGrantLetter.signedSha256": "SHA-256 (hex) of the signed PDF; null until signed.",
    "CertificateGrantLetter.signedAt": "When the legal rep signed; null until then.",
    "CreateCertificateGrantInput": "Who may use the enterprise's org certificate, where, for what, until when.",
    "CreateCertificateGrantInput.enterpriseId": "The `Enterprise.id`; the caller is its admin or legal rep, and it "
                                                "holds an active org certificate.",
    "CreateCertificateGrantInput.platformId": "The `TradingPlatform.id` the grant is for.",
    "CreateCertificateGrantInput.operations": "The operations allowed (at least one).",
    "ApproveCertificateGrantInput": "The grant, the appearance and a SIGN code (the legal rep's).",
    "ApproveCertificateGrantInput.grantId": "The `CertificateGrant.id` (from the approval link).",
    "RevokeCertificateGrantInput": "The grant to revoke.",
    "RevokeCertificateGrantInput.grantId": "The `CertificateGrant.id`.",
    "CertificateGrantPayload": "The grant as it now stands.",
    "CertificateGrantPayload.grant": "The grant; null on error.",
    "CertificateGrantPayload.userErrors": _PAYLOAD_ERRORS,
    "Mutation.createCertificateGrant(input)": "Enterprise, member, platform, operations and term.",
    "Mutation.approveCertificateGrant(input)": "Grant, appearance and code.",
    "Mutation.revokeCertificateGrant(input)": "The grant.",
}
