"""The ASGI application: GraphQL, health, vendor callbacks, protected files and the sandbox face page."""

from __future__ import annotations

import contextlib
import html
import json
import logging
from typing import Any

from cross_web import HTTPException, StarletteRequestAdapter
from cross_web.request import FormData as CrossWebFormData
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files

from adapters.bootstrap.container import Container, build_container
from adapters.bootstrap.settings import Settings
from adapters.http import persisted_queries
from adapters.http.ca_routes import ca_routes
from adapters.http.commerce_routes import commerce_routes
from adapters.http.console import console_mount
from adapters.http.console.graphiql import vendored_graphiql_html
from adapters.http.file_access import file_principal
from adapters.http.health import readiness
from adapters.http.landing import landing_routes
from adapters.http.limits import (
    BodyLimits,
    BodyLimitSettings,
    MalformedMultipart,
    SecurityHeaders,
    error_body,
    read_multipart,
)
from adapters.http.origins import with_cors
from adapters.http.sandbox_cashier import sandbox_cashier_routes
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


_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}


def file_response(data: bytes, media_type: str, name: str, *, inline: bool = True) -> Response:
    """A protected file: for its owner only (private, never stored by a cache), its type not to be second-guessed
    (nosniff), and named — an upload is an attachment, so a browser opening the link downloads it rather than
    render it in our origin; documents we render ourselves open inline."""
    filename = f"{name}.{_EXTENSIONS.get(media_type, 'bin')}"
    return Response(data, media_type=media_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"'})


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token else None


def body_limits(settings: Settings) -> BodyLimitSettings:
    return BodyLimitSettings(json_bytes=settings.max_json_bytes, multipart_bytes=settings.multipart_max_bytes,
                             file_bytes=settings.upload_max_bytes, max_files=settings.multipart_max_files)


_HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE"}


def _bad_multipart(message: str = "multipart 请求格式不正确") -> HTTPException:
    return HTTPException(400, message)


class _Refused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class ShuxinqianGraphQL(ObservedGraphQL, GraphQL):
    def __init__(self, container: Container, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            build_schema(sandbox=settings.sandbox, max_depth=settings.max_query_depth,
                         max_aliases=settings.max_aliases, max_tokens=settings.max_tokens,
                         introspection=settings.introspection, suggestions=settings.suggestions),
            graphql_ide="graphiql" if settings.sandbox else None,
            multipart_uploads_enabled=True,
            allowed_origins=settings.web_origins,  # the WebSocket Origin check (adapters/http/origins.py)
            **kwargs,
        )
        self._container, self._settings = container, settings
        limits = body_limits(settings)

        class BoundedRequestAdapter(StarletteRequestAdapter):
            async def get_form_data(self) -> CrossWebFormData:
                try:
                    form = await read_multipart(self._request, limits)
                except MalformedMultipart:
                    raise _bad_multipart() from None
                return CrossWebFormData(files=form, form=form)

        self.request_adapter_class = BoundedRequestAdapter

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            # Authentication and every resolver that only reads share one read unit of work (one connection),
            # returned before the response is sent.
            async with self._container.uows().request_reads():
                response = await self.run(Request(scope=scope, receive=receive))
        except _Refused as e:
            # Apollo's convention: a persisted-query error is a GraphQL answer (200) the client acts on.
            response = Response(error_body(e.message, e.code), status_code=200, media_type="application/json")
        except HTTPException as e:
            # A GraphQL-style body for what strawberry refuses before it runs anything (plain text by default).
            response = Response(error_body(e.reason, _HTTP_CODES.get(e.status_code, "BAD_REQUEST")),
                                status_code=e.status_code, media_type="application/json")
        await response(scope, receive, send)

    async def parse_http_body(self, request_adapter):
        """Persisted queries (adapters/http/persisted_queries.py): a listed hash stands for its document."""
        data = await super().parse_http_body(request_adapter)
        for item in data if isinstance(data, list) else [data]:
            try:
                item.query = persisted_queries.resolve(item.query, item.extensions,
                                                       listed_only=self._settings.graphql_persisted_only)
            except persisted_queries.PersistedQueryRefused as refused:
                raise _Refused(refused.message, refused.code) from None
        return data

    async def parse_multipart(self, request) -> dict[str, Any]:
        """The GraphQL multipart request spec, checked: `operations` an object, `map` an object of part name →
        list of "variables.…" paths, every named part a file that was sent. Anything else is the client's
        mistake (400), never a server error."""
        form = (await request.get_form_data()).form
        try:
            operations = json.loads(form.get("operations") or "")
            files_map = json.loads(form.get("map") or "")
        except (TypeError, ValueError):
            raise _bad_multipart("multipart 请求的 operations 与 map 须为 JSON") from None
        if not isinstance(operations, dict) or not isinstance(operations.get("variables") or {}, dict):
            raise _bad_multipart("multipart 请求的 operations 须为 JSON 对象")
        if not isinstance(files_map, dict) or not all(
                isinstance(paths, list) and paths and all(isinstance(p, str) and p.startswith("variables.")
                                                          for p in paths)
                for paths in files_map.values()):
            raise _bad_multipart("multipart 请求的 map 须为对象：文件部分 → [\"variables.…\"]")
        files = {name: value for name, value in form.multi_items() if not isinstance(value, str)}
        if missing := [name for name in files_map if name not in files]:
            raise _bad_multipart(f"map 指向的文件部分不存在：{str(missing[0])[:40]}")
        try:
            return replace_placeholders_with_files(operations, files_map, files)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise _bad_multipart("map 中的路径不在 operations 的 variables 里") from None

    @property
    def graphql_ide_html(self) -> str:  # GraphiQL from our own vendored files, never a CDN
        return vendored_graphiql_html()

    async def on_ws_connect(self, context: GraphQLContext):  # type: ignore[override]
        """A WebSocket client (a browser cannot set headers on one) signs in with its bearer token in the
        connection_init payload: {"Authorization": "Bearer <accessToken>"}. A token there replaces whatever the
        handshake carried; a refused one leaves the connection anonymous, and what needs a signed-in caller
        answers TOKEN_EXPIRED or TOKEN_INVALID as over HTTP."""
        params = context.connection_params or {}
        raw = params.get("Authorization", params.get("authorization"))
        if isinstance(raw, str) and raw:
            scheme, _, token = raw.partition(" ")
            token = token.strip() if scheme.lower() == "bearer" else ""
            context.principal, context.token_refusal = await context.use_cases.authenticate.check(token or None)
            if not token:
                context.principal = None
        return await super().on_ws_connect(context)

    async def get_context(self, request, response) -> GraphQLContext:  # type: ignore[override]
        use_cases = self._container.use_cases()
        principal, token_refusal = await use_cases.authenticate.check(bearer(request))
        record_principal(principal)
        platform, platform_refusal = await _platform(request, use_cases)
        return GraphQLContext(
            request=request, response=response, principal=principal,
            meta=client_meta(request, self._settings.trust_proxy), use_cases=use_cases,
            sandbox=self._container.sandbox_console() if self._settings.sandbox else None,
            platform=platform, platform_refusal=platform_refusal, token_refusal=token_refusal,
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


class _App(Starlette):
    """Starlette with the security headers outside its error middleware, so a 500 carries them too."""

    def __init__(self, *args: Any, trust_proxy: bool, **kwargs: Any) -> None:
        self._trust_proxy = trust_proxy
        super().__init__(*args, **kwargs)

    def build_middleware_stack(self):
        return SecurityHeaders(super().build_middleware_stack(), trust_proxy=self._trust_proxy)


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
        principal = await file_principal(request, use_cases, bearer)
        ref = from_global_id(request.path_params["review_id"], "Review")
        found = None
        if principal is not None and ref is not None:
            found = await use_cases.read_review_attachment(principal, ref[1], request.path_params["role"])
        if found is None:
            # Same answer for "not yours" and "not there".
            return PlainTextResponse("not found", status_code=404)
        data, content_type = found
        return file_response(data, content_type, f"review-{request.path_params['role']}"[:40], inline=False)

    async def seal_image(request: Request) -> Response:
        principal = await file_principal(request, use_cases, bearer)
        ref = from_global_id(request.path_params["seal_id"], "Seal")
        face = request.query_params.get("face")
        face_ref = from_global_id(face, "SealFace") if face else None
        found = None
        if principal is not None and ref is not None and (face is None or face_ref is not None):
            found = await use_cases.read_seal_image(principal, ref[1], face_ref[1] if face_ref else None)
        if found is None:
            return PlainTextResponse("not found", status_code=404)  # "not yours" and "not there" alike
        data, content_type = found
        # A seal face may be an upload (re-encoded like every accepted image) or our drawing: inline, it is an
        # image the app shows.
        return file_response(data, content_type, "seal")

    async def authorization_letter(request: Request) -> Response:
        principal = await file_principal(request, use_cases, bearer)
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
        return file_response(data, "application/pdf", "letter-signed" if request.url.path.endswith("/signed")
                             else "letter")

    async def name_signature_image(request: Request) -> Response:
        png = await use_cases.name_signature_image(await file_principal(request, use_cases, bearer))
        if png is None:
            return PlainTextResponse("not found", status_code=404)
        return file_response(png, "image/png", "name-signature")

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
        await container.order_feed().start()
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
            await container.order_feed().close()
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
    routes.append(console_mount(container, settings))  # the operator console (adapters/http/console)
    routes += landing_routes()  # /l/...: the pages the links texted to a legal rep open
    if settings.sandbox:
        routes.append(Route("/sandbox/face/{token}", sandbox_face_page, methods=["GET", "POST"]))
        routes += sandbox_cashier_routes(container.payment_gateway())  # the payUrl of a sandbox payment
    # Request ids, HTTP metrics and the request log line (adapters/observability); spans when tracing is on.
    app = _App(routes=routes, lifespan=lifespan,
               middleware=[Middleware(ObservabilityMiddleware, routes=routes), Middleware(BodyLimits, body_limits(settings))],
               trust_proxy=settings.trust_proxy)
    instrument_app(app)
    app.state.container = container
    app.state.settings = settings
    return app
