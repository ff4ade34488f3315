"""What `sxq serve` (and so `make run`) prints first: the mode, where to go, and, in the sandbox, what it is not."""

from __future__ import annotations

from adapters.bootstrap.settings import Settings

SANDBOX_WARNING = (
    "SANDBOX: SMS, identity and face checks, bank deposits and payments are simulated and the master key was made\n"
    "  on this machine. Not for real people or real data. Production: SXQ_MODE=production (see README).\n"
    "  沙箱模式：短信、实名、人脸、对公打款和支付均为模拟，请勿用于真实用户和真实数据。")


def _database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def banner(settings: Settings, host: str, port: int) -> str:
    shown_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    base = (settings.public_url or f"http://{shown_host}:{port}").rstrip("/")
    ws = base.replace("http", "ws", 1)
    lines = [
        f"数信签 (Shuxinqian) — {settings.mode} mode, listening on {host}:{port}",
        f"  GraphQL API  {base}/graphql  (POST; subscriptions over {ws}/graphql, graphql-transport-ws)",
        (f"  GraphiQL     {base}/graphql  (open it in a browser)" if settings.sandbox
         else "  GraphiQL     off in production"),
        f"  Console      {base}/console  (operators)",
        f"  Health       {base}/healthz",
        f"  Database     {_database(settings.db_url)}",
        "  Cross-origin " + (", ".join(settings.web_origins) or "none") + "  (SXQ_ALLOWED_ORIGINS)",
    ]
    if settings.sandbox:
        lines.append("  " + SANDBOX_WARNING)
    rule = "─" * 78
    return "\n".join([rule, *lines, rule])
