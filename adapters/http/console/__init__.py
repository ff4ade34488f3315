"""The operator console: server-rendered pages (Jinja2 + vendored htmx) under /console, on the same use cases as
GraphQL. `console_mount` is the one thing the ASGI app needs."""

from adapters.http.console.routes import console_mount

__all__ = ["console_mount"]
