"""Descriptions of the certificate context's schema elements (see graphql_schema/common/docs.py)."""

from __future__ import annotations

_PAYLOAD_ERRORS = "Why nothing was changed; empty on success."

DOCS: dict[str, str] = {
    "Certificate.id": "Global ID of the certificate.",
    "Certificate.usage": "Signing or encryption: certificates come in dual pairs (双证书).",
    "Certificate.algorithm": "The key algorithm; always `SM2`.",
    "Certificate.subjectDn": "The subject distinguished name as issued (RFC 4514 string).",
    "Certificate.notBefore": "Start of validity.",
    "Certificate.notAfter": "End of validity.",
    "Certificate.status": "ACTIVE, REVOKED or EXPIRED, as of now.",
    "Certificate.pem": "The certificate, PEM-encoded (`-----BEGIN CERTIFICATE-----`).",
    "Certificate.revokedAt": "When it was revoked; null unless REVOKED.",
    "Certificate.revocationReason": "The reason given at revocation; null unless REVOKED (or for a reason the "
                                    "holder cannot give, e.g. on a signing-key reset).",
    "CertificateStatus": "A certificate's state as of now.",
    "CertificateStatus.ACTIVE": "Valid and not revoked: usable.",
    "CertificateStatus.REVOKED": "Revoked: listed on the CRL and answered REVOKED by OCSP.",
    "CertificateStatus.EXPIRED": "Past `notAfter`.",
    "CertificateUsage": "What a certificate's key is for.",
    "CertificateUsage.SIGNING": "Signing (the key is split between the phone and the server, SPEC §C).",
    "CertificateUsage.ENCRYPTION": "Encryption: the key pair comes from the key vault's escrow (密钥托管); "
                                   "decryption for a platform needs the holder's confirmation (DECRYPT scans).",
    "CertificateHolder": "Whose certificate: a person's account or an enterprise.",
    "RevocationReason.UNSPECIFIED": "No reason given.",
    "RevocationReason.KEY_COMPROMISE": "The key (or the phone holding its share) may be in other hands.",
    "RevocationReason.AFFILIATION_CHANGED": "The holder's details (name, affiliation) changed.",
    "RevocationReason.SUPERSEDED": "Replaced by a new certificate.",
    "RevocationReason.CESSATION_OF_OPERATION": "No longer needed.",
    "UsableEnterpriseCertificate.certificate": "The enterprise's certificate.",
    "UsableEnterpriseCertificate.enterprise": "The enterprise that holds it.",
    "ClaimPersonalCertificateInput": "The entitlement to claim a certificate for; sent twice (SPEC §C).",
    "ClaimPersonalCertificateInput.entitlementId": "An active personal `Entitlement.id` of the caller.",
    "ClaimPersonalCertificatePayload": "First call: `signingRequest`. Second call: the issued pair (the same "
                                       "pair again for a later entitlement, unless it was revoked or lapsed).",
    "ClaimPersonalCertificatePayload.signingCertificate": "The issued signing certificate (second call); null "
                                                          "otherwise.",
    "ClaimPersonalCertificatePayload.encryptionCertificate": "The issued encryption certificate (second call); "
                                                             "null otherwise.",
    "ClaimPersonalCertificatePayload.personalSeal": "The account's personal name seal (个人名章), made with the "
                                                    "first certificate and carried to its validity (second call); "
                                                    "null otherwise.",
    "ClaimPersonalCertificatePayload.userErrors": _PAYLOAD_ERRORS,
    "ClaimEnterpriseCertificateInput": "The enterprise and its entitlement; sent twice (SPEC §C).",
    "ClaimEnterpriseCertificateInput.enterpriseId": "The `Enterprise.id`; the caller is its admin or legal rep.",
    "ClaimEnterpriseCertificatePayload": "First call: `signingRequest`. Second call: the issued org pair.",
    "ClaimEnterpriseCertificatePayload.signingCertificate": "The issued signing certificate (second call); null "
                                                            "otherwise.",
    "ClaimEnterpriseCertificatePayload.encryptionCertificate": "The issued encryption certificate (second call); "
                                                               "null otherwise.",
    "ClaimEnterpriseCertificatePayload.userErrors": _PAYLOAD_ERRORS,
    "StartPinResetFaceVerificationInput": "Nothing to give: the check is of the signed-in person.",
    "StartPinResetFaceVerificationPayload": "The face check for a signing-key reset.",
    "StartPinResetFaceVerificationPayload.faceVerification": "The face check to run on the phone; pass its token "
                                                             "to `resetSigningKey`. Null on error.",
    "StartPinResetFaceVerificationPayload.userErrors": _PAYLOAD_ERRORS,
    "RevokeCertificateInput": "The certificate to revoke.",
    "RevokeCertificateInput.certificateId": "A `Certificate.id` the caller holds (or, for an org certificate, "
                                            "administers).",
    "RevokeCertificateInput.reason": "Why (default UNSPECIFIED); published in the CRL.",
    "RevokeCertificatePayload": "The revoked certificate.",
    "RevokeCertificatePayload.certificate": "The certificate, now REVOKED; null on error.",
    "RevokeCertificatePayload.userErrors": _PAYLOAD_ERRORS,
    "Mutation.claimPersonalCertificate(input)": "The entitlement, and in the second call the co-signature.",
    "Mutation.claimEnterpriseCertificate(input)": "The enterprise and entitlement, and in the second call the "
                                                  "co-signature.",
    "Mutation.startPinResetFaceVerification(input)": "Nothing but an optional tracing id.",
    "Mutation.revokeCertificate(input)": "The certificate and reason.",
}
