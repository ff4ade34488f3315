"""The ASGI application: GraphQL, health, vendor callbacks, protected files and the sandbox face page."""

from __future__ import annotations

import contextlib
import html
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from adapters.bootstrap.container import Container, build_container
from adapters.bootstrap.settings import Settings
from adapters.http.ca_routes import ca_routes
from adapters.http.commerce_routes import commerce_routes
from adapters.http.health import readiness
from adapters.http.origins import with_cors
from adapters.http.worker import background_tasks, stop
from adapters.observability.graphql import ObservedGraphQL, record_principal
from adapters.observability.middleware import ObservabilityMiddleware
from adapters.observability.tracing import instrument_app
from application.context import RequestMeta
from application.ports import InvalidCallback
from application.scans.authenticate_platform import PlatformPrincipal, PlatformRequest
from domain.errors import Unauthenticated
from graphql_schema.common.context import GraphQLContext
from graphql_schema.common.node import from_global_id
from graphql_schema.schema import build_schema

log = logging.getLogger(__name__)


def client_meta(request: Request, trust_proxy: bool) -> RequestMeta:
    ip = request.client.host if request.client else None
    if trust_proxy and (fwd := request.headers.get("x-forwarded-for")):
        ip = fwd.split(",")[0].strip()[:64]
    return RequestMeta(client_ip=ip, user_agent=(request.headers.get("user-agent") or "")[:200] or None)


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token else None


class ShuxinqianGraphQL(ObservedGraphQL, GraphQL):
    def __init__(self, container: Container, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            build_schema(sandbox=settings.sandbox, max_depth=settings.max_query_depth,
                         max_aliases=settings.max_aliases, max_tokens=settings.max_tokens),
            graphql_ide="graphiql" if settings.sandbox else None,
            multipart_uploads_enabled=True,
            allowed_origins=settings.web_origins,  # the WebSocket Origin check (adapters/http/origins.py)
            **kwargs,
        )
        self._container, self._settings = container, settings

    async def get_context(self, request, response) -> GraphQLContext:  # type: ignore[override]
        use_cases = self._container.use_cases()
        principal = await use_cases.authenticate(bearer(request))
        record_principal(principal)
        platform, platform_refusal = await _platform(request, use_cases)
        return GraphQLContext(
            request=request, response=response, principal=principal,
            meta=client_meta(request, self._settings.trust_proxy), use_cases=use_cases,
            sandbox=self._container.sandbox_console() if self._settings.sandbox else None,
            platform=platform, platform_refusal=platform_refusal,
        )


async def _platform(request, use_cases) -> tuple[PlatformPrincipal | None, Unauthenticated | None]:
    """A trading platform's signed request (api/platform.graphql). Starlette caches the body on the Request,
    so strawberry reads the same bytes after this. A refusal is kept for the platform fields to raise."""
    if not isinstance(request, Request) or "x-platform-code" not in request.headers:
        return None, None
    body = await request.body()
    try:
        return await use_cases.scans.authenticate_platform(PlatformRequest(
            method=request.method, path=request.url.path, headers=request.headers, body=body)), None
    except Unauthenticated as refusal:
        return None, refusal


async def _prepare_ca(container: Container, settings: Settings) -> None:
    """The sandbox creates its CA hierarchy at first start; production refuses to start without one
    (`sxq ca init|import`): a CA back end that cannot issue, publish CRLs or answer OCSP is not up."""
    await container.certificate_authority().ensure_ready()


def create_app(settings: Settings | None = None, container: Container | None = None, *,
               run_worker: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    container = container or build_container(settings)
    use_cases = container.use_cases()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "mode": settings.mode})

    async def face_callback(request: Request) -> Response:
        body = await request.body()
        if len(body) > 64 * 1024:
            return PlainTextResponse("too large", status_code=413)
        try:
            await use_cases.record_face_callback(body, dict(request.headers))
        except InvalidCallback as exc:
            log.warning("refused face callback: %s", exc)
            return PlainTextResponse("invalid callback", status_code=400)
        return JSONResponse({"code": "SUCCESS"})

    async def review_file(request: Request) -> Response:
        principal = await use_cases.authenticate(bearer(request))
        ref = from_global_id(request.path_params["review_id"], "Review")
        found = None
        if principal is not None and ref is not None:
            found = await use_cases.read_review_attachment(principal, ref[1], request.path_params["role"])
        if found is None:
            # Same answer for "not yours" and "not there".
            return PlainTextResponse("not found", status_code=404)
        data, content_type = found
        return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})

    async def seal_image(request: Request) -> Response:
        principal = await use_cases.authenticate(bearer(request))
        ref = from_global_id(request.path_params["seal_id"], "Seal")
        face = request.query_params.get("face")
        face_ref = from_global_id(face, "SealFace") if face else None
        found = None
        if principal is not None and ref is not None and (face is None or face_ref is not None):
            found = await use_cases.read_seal_image(principal, ref[1], face_ref[1] if face_ref else None)
        if found is None:
            return PlainTextResponse("not found", status_code=404)  # "not yours" and "not there" alike
        data, content_type = found
        return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})

    async def authorization_letter(request: Request) -> Response:
        principal = await use_cases.authenticate(bearer(request))
        ref = from_global_id(request.path_params["letter_id"])
        # Every letter the legal rep signs shares the route (§5.1.1 authorisation, §8.4 transfer, §8.5 grant, §6.3
        # service application); the ID says which.
        readers = {"AuthorizationLetter": use_cases.enterprises.read_authorization_letter,
                   "AdminTransferLetter": use_cases.enterprises.read_admin_transfer_letter,
                   "CertificateGrantLetter": use_cases.grants.read_grant_letter,
                   "ServiceApplicationLetter": use_cases.enterprises.services.read_service_application_letter}
        data = None
        if principal is not None and ref is not None and ref[0] in readers:
            data = await readers[ref[0]](principal, ref[1], signed=request.url.path.endswith("/signed"))
        if data is None:
            return PlainTextResponse("not found", status_code=404)  # members only; "not yours" looks like absent
        return Response(data, media_type="application/pdf", headers={"Cache-Control": "private, no-store"})

    async def name_signature_image(request: Request) -> Response:
        png = await use_cases.name_signature_image(await use_cases.authenticate(bearer(request)))
        if png is None:
            return PlainTextResponse("not found", status_code=404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})

    async def sandbox_face_page(request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "POST":
            form = await request.form()
            passed = form.get("result") == "pass"
            ok = await container.sandbox_console().finish_face_verification(token, passed)
            text = ("已提交，请回到 App 继续。" if ok else "该核验会话不存在或已结束。")
            return HTMLResponse(f"<p>{html.escape(text)}</p>")
        t = html.escape(token)
        return HTMLResponse(
            f"<h1>沙箱人脸核验</h1><p>会话 {t}</p><form method='post'>"
            "<button name='result' value='pass'>通过</button> <button name='result' value='fail'>不通过</button>"
            "</form>")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        await _prepare_ca(container, settings)
        await container.scan_feed().start()
        # The outbox worker and sweeping jobs (adapters/http/worker.py), unless `sxq worker` runs them apart.
        tasks = background_tasks(container, settings) if run_worker else []
        try:
            yield
        finally:
            await stop(tasks)
            if settings.sandbox:
                await container.face_verifier().wait_idle()
                await container.payment_gateway().wait_idle()
            await container.scan_feed().close()
            await container.http_client().aclose()
            await container.engine().dispose()

    graphql_app = ShuxinqianGraphQL(container, settings)
    routes = [
        Route("/graphql", with_cors(graphql_app, settings.web_origins), methods=["GET", "POST", "OPTIONS"]),
        WebSocketRoute("/graphql", graphql_app),  # subscriptions (graphql-transport-ws)
        Route("/healthz", healthz),
        Route("/readyz", readiness(container, settings)),
        Route("/callbacks/face", face_callback, methods=["POST"]),
        Route("/files/reviews/{review_id}/{role}", review_file),
        Route("/files/seals/{seal_id}/image", seal_image),
        Route("/files/appearances/name-signature", name_signature_image),
        Route("/files/letters/{letter_id}", authorization_letter),
        Route("/files/letters/{letter_id}/signed", authorization_letter),
    ]
    routes += ca_routes(container.certificate_authority())
    routes += commerce_routes(use_cases, bearer)
    if settings.sandbox:
        routes.append(Route("/sandbox/face/{token}", sandbox_face_page, methods=["GET", "POST"]))
    # Request ids, HTTP metrics and the request log line (adapters/observability); spans when tracing is on.
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(ObservabilityMiddleware, routes=routes)])
    instrument_app(app)
    app.state.container = container
    app.state.settings = settings
    return app
