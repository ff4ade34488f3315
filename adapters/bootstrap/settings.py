"""Configuration from the environment; every variable is listed in the README's table."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from adapters.http.origins import SANDBOX_DEFAULT_ORIGINS, parse_allowed_origins
from application.commerce.policy import CommercePolicy
from application.policy import IdentityPolicy, Policies, SessionPolicy, SmsPolicy
from application.scans.policy import ScanPolicy
from domain.accounts.account import LoginPolicy


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _log_format(raw: str) -> str:
    value = raw.strip().lower() or "text"
    if value not in ("text", "json"):
        raise ValueError("SXQ_LOG_FORMAT must be text or json")
    return value


@dataclass(frozen=True)
class Settings:
    mode: str = "sandbox"  # sandbox | production
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    database_url: str | None = None
    master_key: str | None = None
    public_url: str | None = None
    log_level: str = "INFO"
    trust_proxy: bool = False
    password_scrypt_n: int = 2**14
    cjk_font: str | None = None  # "/path/font.ttc#index"; default: the bundled Noto Sans CJK SC
    policies: Policies = field(default_factory=Policies)
    commerce_policy: CommercePolicy = field(default_factory=CommercePolicy)
    scan_policy: ScanPolicy = field(default_factory=ScanPolicy)
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    outbox_poll_seconds: float = 2.0
    # How long a claimed outbox message is its worker's alone (application/outbox.py LEASE).
    outbox_lease: timedelta = timedelta(seconds=60)
    # Observability (adapters/observability): metrics on their own address (host:port; None: no endpoint),
    # text or json log lines, and how old the newest worker heartbeat may be before /readyz says not ready.
    metrics_addr: str | None = None
    log_format: str = "text"
    heartbeat_max_age: timedelta = timedelta(seconds=30)
    # The scan-session change feed across workers: Redis pub/sub when set (else PostgreSQL LISTEN/NOTIFY on
    # PostgreSQL, in-process on SQLite). See adapters/realtime/select.py.
    redis_url: str | None = None
    # Browser pages on other origins allowed to use /graphql (CORS and WebSocket Origin check); None: the mode's
    # default (the example platform's origin in the sandbox, none in production). See adapters/http/origins.py.
    allowed_origins: tuple[str, ...] | None = None
    # The real vendors (production mode): name → (url, api key, secret). See adapters/vendors/http.py.
    vendors: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)

    @property
    def sandbox(self) -> bool:
        return self.mode == "sandbox"

    @property
    def web_origins(self) -> tuple[str, ...]:
        if self.allowed_origins is not None:
            return self.allowed_origins
        return SANDBOX_DEFAULT_ORIGINS if self.sandbox else ()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{(self.data_dir / 'shuxinqian.db').resolve()}"

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        mode = e.get("SXQ_MODE", "sandbox").strip().lower()
        if mode not in ("sandbox", "production"):
            raise ValueError("SXQ_MODE must be sandbox or production")
        policies = Policies(
            sms=SmsPolicy(
                code_ttl=timedelta(seconds=_int(e, "SXQ_SMS_CODE_TTL_SECONDS", 300)),
                max_attempts=_int(e, "SXQ_SMS_MAX_ATTEMPTS", 5),
                cooldown=timedelta(seconds=_int(e, "SXQ_SMS_COOLDOWN_SECONDS", 60)),
                daily_cap_per_phone=_int(e, "SXQ_SMS_DAILY_CAP_PER_PHONE", 10),
                daily_cap_per_ip=_int(e, "SXQ_SMS_DAILY_CAP_PER_IP", 50),
            ),
            login=LoginPolicy(
                max_failures=_int(e, "SXQ_LOGIN_MAX_FAILURES", 5),
                lock_duration=timedelta(minutes=_int(e, "SXQ_LOGIN_LOCK_MINUTES", 15)),
            ),
            sessions=SessionPolicy(
                access_ttl=timedelta(seconds=_int(e, "SXQ_ACCESS_TOKEN_TTL_SECONDS", 7200)),
                refresh_ttl=timedelta(days=_int(e, "SXQ_REFRESH_TOKEN_TTL_DAYS", 30)),
                operator_access_ttl=timedelta(seconds=_int(e, "SXQ_OPERATOR_TOKEN_TTL_SECONDS", 8 * 3600)),
            ),
            identity=IdentityPolicy(upload_max_bytes=_int(e, "SXQ_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)),
        )
        return cls(
            mode=mode,
            host=e.get("SXQ_HOST", "127.0.0.1"),
            port=_int(e, "SXQ_PORT", 8000),
            data_dir=Path(e.get("SXQ_DATA_DIR", "var")),
            database_url=e.get("SXQ_DATABASE_URL") or None,
            master_key=e.get("SXQ_MASTER_KEY") or None,
            public_url=e.get("SXQ_PUBLIC_URL") or None,
            log_level=e.get("SXQ_LOG_LEVEL", "INFO").upper(),
            trust_proxy=e.get("SXQ_TRUST_PROXY", "").lower() in ("1", "true", "yes"),
            password_scrypt_n=_int(e, "SXQ_PASSWORD_SCRYPT_N", 2**14),
            cjk_font=e.get("SXQ_CJK_FONT") or None,
            redis_url=e.get("SXQ_REDIS_URL") or None,
            allowed_origins=(parse_allowed_origins(e["SXQ_ALLOWED_ORIGINS"])
                             if e.get("SXQ_ALLOWED_ORIGINS") is not None else None),
            policies=policies,
            commerce_policy=CommercePolicy(
                payment_timeout=timedelta(minutes=_int(e, "SXQ_ORDER_PAYMENT_MINUTES", 30)),
                invoice_share_ttl=timedelta(hours=_int(e, "SXQ_INVOICE_SHARE_LINK_HOURS", 7 * 24)),
            ),
            scan_policy=ScanPolicy(session_ttl=timedelta(seconds=_int(e, "SXQ_SCAN_SESSION_SECONDS", 120))),
            outbox_lease=timedelta(seconds=_int(e, "SXQ_OUTBOX_LEASE_SECONDS", 60)),
            outbox_poll_seconds=float(_int(e, "SXQ_OUTBOX_POLL_SECONDS", 2)),
            metrics_addr=e.get("SXQ_METRICS_ADDR") or None,
            log_format=_log_format(e.get("SXQ_LOG_FORMAT", "text")),
            heartbeat_max_age=timedelta(seconds=_int(e, "SXQ_WORKER_HEARTBEAT_MAX_AGE_SECONDS", 30)),
            max_query_depth=_int(e, "SXQ_GRAPHQL_MAX_DEPTH", 12),
            max_aliases=_int(e, "SXQ_GRAPHQL_MAX_ALIASES", 30),
            max_tokens=_int(e, "SXQ_GRAPHQL_MAX_TOKENS", 2000),
            vendors={name: (e.get(f"SXQ_{name}_API_URL"), e.get(f"SXQ_{name}_API_KEY"), e.get(f"SXQ_{name}_API_SECRET"))
                     for name in ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK")},
        )
