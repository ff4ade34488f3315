"""Public CA endpoints: CA certificates, CRLs (RFC 5280) and OCSP (RFC 6960, POST and GET)."""

from __future__ import annotations

import base64
import binascii
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from adapters.ca import ocsp as ocsp_mod
from adapters.ca.authority import CA_NAMES, Sm2CertificateAuthority
from adapters.ca.x509 import load_certificate

log = logging.getLogger(__name__)

MAX_OCSP_REQUEST = 16 * 1024


def ca_routes(ca: Sm2CertificateAuthority) -> list[Route]:
    def not_found() -> Response:
        return PlainTextResponse("not found", status_code=404)

    async def certificate(request: Request) -> Response:
        name, fmt = request.path_params["ca"], request.path_params["fmt"]
        if name not in CA_NAMES or fmt not in ("pem", "cer"):
            return not_found()
        pem = await ca.certificate_pem(name)
        if fmt == "pem":
            return Response(pem, media_type="application/x-pem-file",
                            headers={"Cache-Control": "public, max-age=3600"})
        return Response(load_certificate(pem).dump(), media_type="application/pkix-cert",
                        headers={"Cache-Control": "public, max-age=3600"})

    async def crl(request: Request) -> Response:
        name = request.path_params["ca"]
        der = await ca.crl(name) if name in CA_NAMES else None
        if der is None:
            return not_found()
        return Response(der, media_type="application/pkix-crl", headers={"Cache-Control": "public, max-age=300"})

    def ocsp_response(der: bytes) -> Response:
        return Response(der, media_type="application/ocsp-response", headers={"Cache-Control": "no-cache"})

    async def ocsp_post(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_OCSP_REQUEST:
                return ocsp_response(ocsp_mod.error_response("malformed_request"))
        return ocsp_response(await ca.ocsp(body))

    async def ocsp_get(request: Request) -> Response:
        # RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER request}
        encoded = request.path_params["request"]
        if len(encoded) > MAX_OCSP_REQUEST * 2:
            return ocsp_response(ocsp_mod.error_response("malformed_request"))
        try:
            der = base64.b64decode(encoded.replace(" ", "+"), validate=True)
        except (binascii.Error, ValueError):
            return ocsp_response(ocsp_mod.error_response("malformed_request"))
        return ocsp_response(await ca.ocsp(der))

    return [
        Route("/ca/certs/{ca}.{fmt}", certificate),
        Route("/ca/crl/{ca}.crl", crl),
        Route("/ca/ocsp", ocsp_post, methods=["POST"]),
        Route("/ca/ocsp/{request:path}", ocsp_get, methods=["GET"]),
    ]
