"""The console's routes, mounted at /console by the ASGI app."""

from __future__ import annotations

from functools import partial

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from adapters.http.console import (
    audit_views,
    auth_views,
    certificate_views,
    health_views,
    platform_views,
    review_views,
)
from adapters.http.console.web import HERE, Console, page


def console_mount(container, settings) -> Mount:
    console = Console(container.use_cases(), container.console_use_cases(), container.secret_hasher(),
                      container.clock(), settings.trust_proxy)

    def signed_in(view, methods=("GET",)):
        return dict(endpoint=page(console, partial(view, console=console)), methods=list(methods))

    routes = [
        Route("/login", partial(auth_views.login, console=console), methods=["GET", "POST"]),
        Route("/logout", **signed_in(auth_views.logout, ("POST",))),
        Route("/", **signed_in(review_views.home)),
        Route("/reviews", **signed_in(review_views.reviews)),
        Route("/reviews/{review_id}", **signed_in(review_views.review)),
        Route("/reviews/{review_id}/decide", **signed_in(review_views.decide, ("POST",))),
        Route("/reviews/{review_id}/files/{role}", **signed_in(review_views.review_file)),
        Route("/certificates", **signed_in(certificate_views.certificates)),
        Route("/certificates/{certificate_id}", **signed_in(certificate_views.certificate)),
        Route("/certificates/{certificate_id}/revoke", **signed_in(certificate_views.revoke, ("POST",))),
        Route("/audit", **signed_in(audit_views.audit_page)),
        Route("/audit.csv", **signed_in(audit_views.audit_csv)),
        Route("/platforms", **signed_in(platform_views.platforms)),
        Route("/platforms", **signed_in(platform_views.register, ("POST",))),
        Route("/platforms/{platform_id}/plans", **signed_in(platform_views.create_plan, ("POST",))),
        Route("/platforms/{platform_id}/suspend", **signed_in(platform_views.set_status, ("POST",))),
        Route("/platforms/{platform_id}/resume", **signed_in(platform_views.set_status, ("POST",))),
        Route("/plans/{plan_id}/retire", **signed_in(platform_views.retire_plan, ("POST",))),
        Route("/health", **signed_in(health_views.health)),
        Route("/health/outbox/{message_id}/retry", **signed_in(health_views.retry, ("POST",))),
        Route("/health/outbox/{message_id}/give-up", **signed_in(health_views.give_up, ("POST",))),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="console-static"),
    ]
    return Mount("/console", routes=routes)
