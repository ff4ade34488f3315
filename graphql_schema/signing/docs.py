"""Descriptions of the two-share signing key's schema elements (see graphql_schema/common/docs.py)."""

from __future__ import annotations

_PAYLOAD_ERRORS = "Why nothing was changed; empty on success."

DOCS: dict[str, str] = {
    "SigningKey.id": "Global ID of the signing key.",
    "SigningKey.status": "ACTIVE, LOCKED (after 6 wrong PINs) or REPLACED (after a reset).",
    "SigningKey.createdAt": "When the key was enrolled.",
    "SigningKeyStatus": "State of a two-share signing key.",
    "SigningKeyStatus.ACTIVE": "Usable: co-signatures are accepted.",
    "SigningKeyStatus.LOCKED": "Six wrong co-signatures (wrong PINs) in a row: refused until reset "
                               "(`startPinResetFaceVerification`, then `resetSigningKey`).",
    "SigningKeyStatus.REPLACED": "Superseded by a reset; a new ACTIVE key took its place.",
    "SigningPurpose.CLAIM_PERSONAL_CERTIFICATE": "Approves claiming the personal certificate pair.",
    "SigningPurpose.CLAIM_ENTERPRISE_CERTIFICATE": "Approves claiming an enterprise's certificate pair.",
    "SigningPurpose.CAPTURE_HANDWRITTEN_SIGNATURE": "Approves the captured handwritten signature.",
    "SigningPurpose.CREATE_ENTERPRISE_SEAL": "Approves making an organisation seal.",
    "SigningPurpose.CHANGE_SEAL_FACE": "Approves a seal's new face.",
    "SigningPurpose.REVOKE_SEAL": "Approves revoking a seal.",
    "SigningPurpose.SCAN_LOGIN": "A scan LOGIN: the platform's challenge, which the platform receives signed.",
    "SigningPurpose.SCAN_ENCRYPT": "A scan ENCRYPT: the consent the platform receives signed.",
    "SigningPurpose.SCAN_DOCUMENT": "A scan SIGN: a document's raw SM3 hash.",
    "SigningPurpose.SCAN_SIGNED_ATTRIBUTES": "A scan SIGN: the CMS signed attributes over a document's hash.",
    "SigningPurpose.SCAN_CONSENT": "A statement approving a DECRYPT, or a use of an enterprise's key.",
    "SigningRequest.id": "Global ID of the request; the co-signature names it (`CoSignatureInput.requestId`).",
    "SigningRequest.purpose": "What signing it approves.",
    "SigningRequest.expiresAt": "The co-signature must arrive before this (5 minutes).",
    "CoSignatureInput.requestId": "The `SigningRequest.id` it answers.",
    "EnrollSigningKeyInput": "The phone's public key share and a CERTIFICATE_PIN code.",
    "EnrollSigningKeyPayload": "The enrolled key and the server's public share.",
    "EnrollSigningKeyPayload.signingKey": "The new ACTIVE key; null on error.",
    "EnrollSigningKeyPayload.userErrors": _PAYLOAD_ERRORS,
    "ResetSigningKeyInput": "A CERTIFICATE_PIN code, a passed face token and the new device share.",
    "ResetSigningKeyPayload": "The new key; the old one is REPLACED.",
    "ResetSigningKeyPayload.signingKey": "The new ACTIVE key; null on error.",
    "ResetSigningKeyPayload.serverPublicShare": "base64 P_server of the new key, returned once: the app checks "
                                                "`publicKey` with it, then forgets it.",
    "ResetSigningKeyPayload.userErrors": _PAYLOAD_ERRORS,
    "Mutation.enrollSigningKey(input)": "The device share and code.",
    "Mutation.resetSigningKey(input)": "Code, face token and new device share.",
}
