"""TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with pyotp, the parameters every authenticator app supports."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "数信签"
STEP_SECONDS = 30


class PyotpAuthenticator:
    def new_secret(self) -> str:
        return pyotp.random_base32(32)  # 160 bits, RFC 4226 §4's recommended length

    def provisioning_uri(self, secret: str, account_name: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        code = (code or "").strip()
        if len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
        step = int(now.timestamp()) // STEP_SECONDS
        # One step either side absorbs the phone's clock drift (RFC 6238 §5.2); compared in constant time.
        for candidate in (step - 1, step, step + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code):
                return candidate
        return None
