"""The four-element check against the enterprise registry vendor, over the same signed JSON protocol as the
other vendors (adapters/vendors/http.py). Timeouts and 5xx answers are "service unavailable"."""

from __future__ import annotations

from adapters.vendors.http import VendorClient
from application.enterprises.ports import FourElementResult
from application.ports import ExternalServiceUnavailable


class HttpEnterpriseVerifier(VendorClient):
    async def check(self, name: str, credit_code: str, legal_rep_name: str,
                    legal_rep_id_number: str) -> FourElementResult:
        answer = await self.call("POST", "/enterprise/four-element", {
            "name": name, "creditCode": credit_code, "legalRepName": legal_rep_name,
            "legalRepIdNumber": legal_rep_id_number})
        try:
            return FourElementResult(answer["result"])
        except (KeyError, ValueError) as exc:
            raise ExternalServiceUnavailable("enterprise registry: unexpected answer") from exc
