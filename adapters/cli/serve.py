"""`sxq serve` (the HTTP server, N uvicorn workers) and `sxq worker` (the outbox and the sweeping jobs).

The embedded default (`make run`) is one process: `sxq serve` with one worker runs the outbox worker inside it.
Scaled out, web processes run `sxq serve --http-only [--workers N]` and one or more `sxq worker` processes deliver
the outbox; a claimed message is leased to its worker (application/outbox.py), so two never deliver it at once.

Metrics (`SXQ_METRICS_ADDR`) are served by the process that owns the command: with several uvicorn workers the
supervisor serves the sum over its workers (prometheus_client's multiprocess mode, in a directory made for it)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import tempfile

HTTP_ONLY_ENV = "SXQ_SERVE_HTTP_ONLY"


def _observability(settings, service: str) -> None:
    from adapters.observability.logging import configure_logging
    from adapters.observability.tracing import setup_tracing

    configure_logging(settings.log_format, settings.log_level, settings.log_line_max_chars)
    setup_tracing(service)


def app_factory():
    """What each uvicorn worker process builds (uvicorn imports it by name when it runs several)."""
    from adapters.bootstrap.settings import Settings
    from adapters.http.app import create_app

    settings = Settings.from_env()
    _observability(settings, "sxq-serve")
    return create_app(settings, run_worker=os.environ.get(HTTP_ONLY_ENV) != "1")


def cmd_serve(args: argparse.Namespace) -> int:
    from adapters.bootstrap.settings import Settings
    from adapters.cli.banner import banner

    settings = Settings.from_env()
    if args.migrate:
        from adapters.cli.main import cmd_migrate

        cmd_migrate(args)
    workers = max(1, args.workers or 1)
    # Several web processes never run the outbox themselves: `sxq worker` does, with its lease.
    http_only = args.http_only or workers > 1
    os.environ[HTTP_ONLY_ENV] = "1" if http_only else "0"
    metrics_dir = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="sxq-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # before prometheus_client is imported
    try:
        import uvicorn

        from adapters.observability.metrics import serve_metrics

        host, port = args.host or settings.host, args.port or settings.port
        print(banner(settings, host, port), flush=True)
        print(f"  processes    {workers} HTTP worker(s); outbox " + ("in `sxq worker`" if http_only else
                                                                     "in this process"), flush=True)
        if settings.metrics_addr:
            print(f"  metrics      http://{settings.metrics_addr}/metrics", flush=True)
        _observability(settings, "sxq-serve")
        serve_metrics(settings.metrics_addr)
        # A WebSocket message is bounded like a JSON body (adapters/http/limits.py).
        common = dict(host=host, port=port, log_level=settings.log_level.lower(), log_config=None,
                      ws_max_size=settings.max_json_bytes, proxy_headers=settings.trust_proxy, forwarded_allow_ips="*" if settings.trust_proxy else None)
        if workers == 1:
            from adapters.http.app import create_app

            uvicorn.run(create_app(settings, run_worker=not http_only), **common)
        else:
            uvicorn.run("adapters.cli.serve:app_factory", factory=True, workers=workers, **common)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from adapters.bootstrap.settings import Settings

    settings = Settings.from_env()
    _observability(settings, "sxq-worker")
    from adapters.observability.metrics import serve_metrics

    serve_metrics(settings.metrics_addr)
    asyncio.run(run_worker(settings))
    return 0


async def run_worker(settings, container=None, stop: asyncio.Event | None = None) -> None:
    """Runs until SIGTERM/SIGINT (or `stop`): the outbox worker, the sweeping jobs and the heartbeat."""
    import logging

    from adapters.bootstrap.container import build_container
    from adapters.http.worker import background_tasks
    from adapters.http.worker import stop as stop_tasks

    log = logging.getLogger("sxq.worker")
    container = container or build_container(settings)
    await container.certificate_authority().ensure_ready()  # callbacks are signed with the CA's service key
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    tasks = background_tasks(container, settings)
    log.info("outbox worker started", extra={"worker": _worker_name()})
    try:
        await stop.wait()
    finally:
        await stop_tasks(tasks)
        await container.scan_feed().close()
        await container.http_client().aclose()
        await container.engine().dispose()
        log.info("outbox worker stopped", extra={"worker": _worker_name()})


def _worker_name() -> str:
    from adapters.observability.samplers import WORKER_NAME

    return WORKER_NAME


def register(sub) -> None:
    serve = sub.add_parser("serve", help="run the HTTP server (and, with one worker, the outbox worker in it)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("SXQ_WORKERS", "1") or 1),
                       help="uvicorn worker processes (SXQ_WORKERS); more than one implies --http-only")
    serve.add_argument("--http-only", action="store_true",
                       help="do not run the outbox worker and sweeping jobs here (run `sxq worker`)")
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run the outbox worker and the sweeping jobs (beside `serve --http-only`)")
    worker.set_defaults(func=cmd_worker)
