"""What each `ErrorCode` means to an app: when it happens and what to do. Kept beside the GraphQL enum (not in
the domain, which only names the codes) and set as the enum values' descriptions; a test fails when a code has
none (tests/contract/test_schema_documented.py). The `message` of a user error is the Chinese sentence to show;
these texts are for the developer."""

from __future__ import annotations

from domain.errors import ErrorCode as E

ERROR_CODE_DOCS: dict[E, str] = {
    E.INVALID_INPUT: "An input is malformed or not allowed in this state (a value outside its set, a control or "
                     "invisible character, a missing choice, an action that no longer applies). `field` names the "
                     "input when there is one. Show `message`; let the user correct the input.",
    E.INPUT_TOO_LONG: "A string in the input is longer than 4096 characters; refused before anything runs. `field` "
                      "is its path. Shorten it.",
    E.INVALID_PHONE: "Not a mainland China mobile number (11 digits, starting with 1). Let the user correct it.",
    E.WEAK_PASSWORD: "The password breaks the rule: 8–16 characters with upper-case, lower-case letters and digits. "
                     "Let the user choose another.",
    E.PHONE_ALREADY_REGISTERED: "Registering a number that already has an account (or changing to one). Offer to log "
                                "in instead.",
    E.SMS_CODE_INVALID: "The SMS code is wrong, already used, or was never requested for this phone and purpose. "
                        "`attemptsLeft` says how many wrong tries the code still allows. Let the user retype it.",
    E.SMS_CODE_EXPIRED: "The SMS code's 5 minutes are over. Request a new code (`requestSmsCode`).",
    E.SMS_CODE_ATTEMPTS_EXCEEDED: "Too many wrong tries: the code is dead (`attemptsLeft` 0). Request a new code.",
    E.SMS_COOLDOWN: "A code for this phone and purpose was sent less than 60 s ago. Wait `retryAfterSeconds`, then "
                    "ask again (keep the resend button disabled until then).",
    E.SMS_DAILY_LIMIT: "The day's cap of codes (per phone, or per network address) is reached, counted in China "
                       "Standard Time. Ask again tomorrow.",
    E.SMS_DELIVERY_FAILED: "Reserved: SMS are handed to the carrier asynchronously, so this version does not return "
                           "it. Treat like SERVICE_UNAVAILABLE (retry later).",
    E.INVALID_CREDENTIALS: "Wrong phone or password (also a wrong old password when changing it). `attemptsLeft` "
                           "says how many wrong passwords remain before password login is locked. Let the user "
                           "retry or log in with an SMS code.",
    E.LOGIN_LOCKED: "Password login is locked after 5 wrong passwords (15 minutes). `retryAfterSeconds` says when it "
                    "opens again; meanwhile offer login with an SMS code, which stays open.",
    E.INVALID_REFRESH_TOKEN: "The refresh token is unknown, expired, or was already used (a reused one ends the "
                             "session, as theft). Sign in again.",
    E.NOT_FOUND: "The object does not exist or is not the caller's to see (the two are not told apart, so ids cannot "
                 "be probed). Refresh the view; do not retry.",
    E.PERMISSION_DENIED: "The caller may not do this to this object (e.g. another person's order, a role that does "
                         "not allow it, a SIGN, DELETE_ACCOUNT, CERTIFICATE_PIN or CHANGE_PHONE code asked for without "
                         "sign-in or for a phone that is not the caller's). Do not retry.",
    E.ACCOUNT_DELETION_BLOCKED: "The account cannot be deleted now; `message` says why: it is an enterprise's "
                                "legal representative (change the enterprise's information first) or its only "
                                "administrator (transfer the role first).",
    E.INVALID_ID_NUMBER: "The resident ID number is malformed (18 characters with a valid check digit). Let the user "
                         "correct it.",
    E.INVALID_DOCUMENT_NUMBER: "The number does not fit the chosen document type's format. Let the user correct it.",
    E.INVALID_NAME: "The legal name is not a plausible name (length, characters). Let the user correct it.",
    E.DOCUMENT_EXPIRED: "The identity document's validity has ended. Ask for a valid document.",
    E.DOCUMENT_ALREADY_USED: "This document already verified another account; one person, one account. Stop; the "
                             "user should use that account.",
    E.ALREADY_VERIFIED: "The account has completed real-name verification already. Nothing to do.",
    E.VERIFICATION_IN_PROGRESS: "A real-name verification is already waiting for its face check or for review. Wait "
                                "for it (the account's `realNameStatus` changes).",
    E.IDENTITY_MISMATCH: "The name and ID number do not match the identity registry (or the person's real-name "
                         "record). Let the user check both.",
    E.SERVICE_UNAVAILABLE: "An outside service (identity registry, face liveness, bank) did not answer. Nothing was "
                           "changed: retry later.",
    E.FACE_TOKEN_INVALID: "The face-verification token is unknown, expired or used. Start the face verification "
                          "again.",
    E.FACE_PENDING: "The face check has not finished yet. Retry completing it a few seconds later.",
    E.FACE_FAILED: "The face check did not pass (not the same person, or not live). Start over.",
    E.INVALID_IMAGE: "An upload is not a JPG or PNG image. Let the user pick another.",
    E.FILE_TOO_LARGE: "An upload exceeds its size limit (5 MB for images). Let the user pick a smaller one.",
    E.REVIEW_ALREADY_DECIDED: "Operators: another decision on this review came first. Refresh the queue.",
    E.REASON_REQUIRED: "Operators: rejecting needs a reason the user will see. Fill it in.",
    E.CONFLICT: "The object changed meanwhile (a parallel request won, or it is no longer in a state that allows "
                "this). Refresh and decide again.",
    E.IDENTITY_NOT_VERIFIED: "The act needs a real-name verified account (certificates, seals, enterprises, scans). "
                             "Send the user through real-name verification first.",
    E.ENTITLEMENT_REQUIRED: "No active certificate service covers this (none bought, expired, revoked, or the "
                            "enterprise has no organisation certificate yet). Offer to buy one (`placeOrder`).",
    E.SEAL_NOT_ACTIVE: "The seal is revoked or expired. Choose another seal or make a new one.",
    E.NOT_SUPPORTED: "The act is not available for this kind of object (e.g. changing the face of an organisation "
                     "seal). Do not retry.",
    E.ORDER_NOT_PAYABLE: "The order is cancelled, closed (its 30 minutes ran out) or not awaiting payment; also when "
                         "cancelling an order that is not pending. Place a new order if still wanted.",
    E.ORDER_ALREADY_PAID: "The order is paid already. Show it as paid; do not pay again.",
    E.PLAN_SUBJECT_MISMATCH: "A chosen service plan is for another kind of holder (personal vs enterprise) or "
                             "another platform than the act needs. Pick a matching plan.",
    E.INVOICE_NOT_ALLOWED: "No invoice for this order: it is not paid, or an invoice was requested already.",
    E.NOT_AVAILABLE_YET: "Reserved for features announced but not offered by this server. Do not retry.",
    E.SCAN_QR_INVALID: "The scanned content is not a QR code of a scan session of this service. Ask the user to "
                       "scan the platform's current code.",
    E.SCAN_SESSION_EXPIRED: "The QR code's session expired before it was scanned or confirmed. Refresh the code on "
                            "the platform and scan again.",
    E.SCAN_SESSION_TAKEN: "Another account scanned this QR code first. Only that account can finish it.",
    E.SCAN_SESSION_CLOSED: "The scan session is already confirmed, declined or expired. Nothing more to do on it.",
    E.CERTIFICATE_NOT_USABLE: "The chosen certificate cannot serve this scan (revoked or expired, or no active "
                              "service of the platform covers its holder). Choose one from `usableCertificates`.",
    E.QUOTA_EXHAUSTED: "The service's signing quota is used up. Buy more (a new service plan) or choose another "
                       "certificate.",
    E.ENTERPRISE_ALREADY_CERTIFIED: "The enterprise (by unified social credit code) is certified already. Apply to "
                                    "join it instead (`applyToJoinEnterprise`).",
    E.NOT_LEGAL_REPRESENTATIVE: "The caller's real-name identity is not the enterprise's legal representative "
                                "(法定代表人), who alone may sign this. Have the legal rep do it, e.g. through an "
                                "invitation (`inviteLegalRepAuthorization`).",
    E.CERTIFICATION_METHOD_UNAVAILABLE: "This certification method is not open to this enterprise now (see "
                                        "`Enterprise.availableMethods`). Choose another.",
    E.BANK_TRANSFER_CODE_INVALID: "The code from the bank-transfer remark is wrong. `attemptsLeft` says how many "
                                  "tries remain. Let the user check the bank statement.",
    E.BANK_TRANSFER_EXPIRED: "The bank-transfer verification's 72 hours are over. Start a new transfer.",
    E.BANK_TRANSFER_FAILED: "The bank transfer failed (account not found, name mismatch, or too many wrong codes: "
                            "`attemptsLeft` 0). Start a new transfer after fixing the cause.",
    E.ENTERPRISE_CHANGE_IN_PROGRESS: "An information change of this enterprise is already under way. Wait for it "
                                     "to finish.",
    E.ADMIN_TRANSFER_PENDING: "An administrator transfer is already waiting for the legal rep's signature. Wait for "
                              "it to be signed or to expire.",
    E.ADMIN_TRANSFER_CLOSED: "The administrator transfer is approved, cancelled or expired; it can no longer be "
                             "signed. Start a new one if still wanted.",
    E.ADMIN_TRANSFER_TARGET_INVALID: "The chosen member cannot become administrator (not an active member of this "
                                     "enterprise, or already one). Choose another member.",
    E.ADMIN_TRANSFER_OUTDATED: "The members changed since the transfer was requested; it no longer applies. Request "
                               "it again.",
    E.INVITATION_EXPIRED: "The legal-rep invitation link is older than 24 hours. Ask the administrator to invite "
                          "again.",
    E.INVITATION_INVALID: "The invitation is unknown or was replaced by a newer one. Ask for a new invitation.",
    E.INVITATION_RESEND_LIMIT: "A member invitation was sent 5 times already, or this phone was invited to this "
                               "enterprise 3 times today. Cancel it and add the member again later.",
    E.SECOND_APPROVER_REQUIRED: "(Operators) An enterprise change needs two approvals (four eyes): the operator who "
                                "gave the first may not give the second. Leave it to a different SUPERVISOR or ADMIN.",
    E.SECOND_FACTOR_REQUIRED: "(Operators) The operator has a second factor: send the 6-digit code of the "
                              "authenticator app as `totpCode` with the password (the console also refuses operators "
                              "without one).",
    E.ENTERPRISE_NOT_CERTIFIED: "The act needs a certified enterprise. Finish enterprise certification first.",
    E.ADMIN_ALREADY_EXISTS: "An enterprise has one administrator; adding another is refused. Use the administrator "
                            "transfer instead.",
    E.JOIN_REFUSED: "No certified enterprise matches the full name with that administrator name and phone (one "
                    "answer for every mismatch, so enterprises cannot be probed). Let the user check the details; "
                    "repeated failures lead to JOIN_ATTEMPTS_EXCEEDED.",
    E.ALREADY_MEMBER: "The person is already a member of the enterprise. Nothing to do.",
    E.JOIN_APPLICATION_PENDING: "An application to join this enterprise is already waiting for the administrator. "
                                "Wait for the decision.",
    E.JOIN_APPLICATION_DECIDED: "The join application was decided or withdrawn already. Refresh.",
    E.NOT_ENTERPRISE_ADMIN: "Only the enterprise's administrator or legal representative may do this. Do not retry.",
    E.MEMBER_NAME_MISMATCH: "The name given does not match the real-name identity of the user with that phone. Let "
                            "the administrator check the name.",
    E.MEMBER_INVITATION_PENDING: "That phone was already invited and has not registered and verified yet. Wait.",
    E.CANNOT_REMOVE_LEGAL_REP: "The legal representative cannot be removed from the enterprise.",
    E.CANNOT_REMOVE_LAST_ADMIN: "The administrator cannot be removed; transfer the administrator role first.",
    E.JOIN_ATTEMPTS_EXCEEDED: "Too many failed join applications today. Try again tomorrow.",
    E.SERVICE_APPLICATION_CLOSED: "The member's service application was decided, withdrawn or expired; it cannot be "
                                  "decided again.",
    E.SERVICE_APPLICATION_NOT_APPROVED: "Buying for the enterprise needs the legal rep's approval of the service "
                                        "application first. Wait for it.",
    E.NOT_APPLICANT: "Only the member who applied for the service may buy it.",
    E.ORG_CERTIFICATE_REQUIRED: "The enterprise has no valid organisation certificate yet. Buy an enterprise "
                                "certificate service and claim the certificate (`claimEnterpriseCertificate`) first.",
    E.SEAL_KIND_TAKEN: "The enterprise already has an active seal of this kind. Revoke it before making another.",
    E.CERTIFICATE_GRANT_CLOSED: "The certificate grant is revoked, ended, expired, or not at the step this act "
                                "needs. Refresh it.",
    E.PIN_INCORRECT: "The co-signature does not verify: the PIN (证书密码) typed on the phone was wrong. "
                     "`attemptsLeft` says how many wrong PINs remain before the signing key locks. Nothing was "
                     "signed; start the act again (new signing requests) and let the user retype the PIN.",
    E.PIN_LOCKED: "Six wrong PINs locked the signing key (`attemptsLeft` 0). Only a reset with an SMS code and a "
                  "fresh face check opens it (`resetSigningKey`).",
    E.SIGNING_KEY_REQUIRED: "No signing key share is enrolled for this account yet. Enrol one on this phone "
                            "(`enrollSigningKey`, the user chooses the PIN), then repeat the act.",
    E.SIGNING_KEY_EXISTS: "A signing key is enrolled already; enrolling again is refused. A forgotten PIN is reset "
                          "with `resetSigningKey`.",
    E.INVALID_KEY_SHARE: "The device's public key share is not a valid SM2 point (or is the identity). Generate the "
                         "share again with the phone library.",
    E.SIGNING_REQUEST_INVALID: "The co-signatures do not fit the act's signing requests (unknown, another account's "
                               "or another act's, one missing, or the signing key changed). Start the act again.",
    E.SIGNING_REQUEST_EXPIRED: "The signing requests' 5 minutes are over before the co-signatures came. Start the "
                               "act again.",
    E.SIGNING_REQUEST_USED: "The signing requests were used already (a replay, or a repeated second call). Start the "
                            "act again if it did not take effect.",
}


def describe_error_codes(enum_definition) -> None:
    """Sets each value's description on strawberry's definition of the ErrorCode enum."""
    for value in enum_definition.values:
        value.description = ERROR_CODE_DOCS.get(E(value.value))
