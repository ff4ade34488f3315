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


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


SMS_VENDORS = ("http", "aliyun", "tencent")
IDENTITY_VENDORS = ("http", "tencent", "aliyun")
FACE_VENDORS = ("http", "tencent")
PAYMENT_CHANNELS = ("WECHAT_PAY", "ALIPAY")
VENDOR_PREFIXES = ("SXQ_WECHATPAY_", "SXQ_ALIPAY_", "SXQ_ALIYUN_", "SXQ_TENCENT_")


def _choice(env: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}")
    return value


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
    # How long a signed file link (seal image, letter, invoice PDF, identity photo) works (application/file_links.py).
    file_link_seconds: int = 300
    outbox_poll_seconds: float = 2.0
    # Request bodies (adapters/http/limits.py): a JSON or other body, and multipart uploads (each file at most
    # policies.identity.upload_max_bytes, at most this many files).
    max_json_bytes: int = 1024 * 1024
    multipart_max_files: int = 3
    # Introspection and "Did you mean …?" hints; None: on in the sandbox, off in production (integrators read the
    # committed schema.graphql).
    graphql_introspection: bool | None = None
    graphql_suggestions: bool | None = None
    # Refuse GraphQL documents that are not on the persisted-query list (adapters/http/persisted_queries.py).
    # Off by default in both modes: third parties may write their own documents against the public schema.
    graphql_persisted_only: bool = False
    # Every log line is cut to this many characters (adapters/http/logs.py).
    log_line_max_chars: int = 2000
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
    # Which vendor stands behind each port in production (the sandbox mode always uses the sandbox):
    # "http" is the generic signed-JSON adapter above; the named vendors read their own SXQ_<VENDOR>_* settings
    # from vendor_env (adapters/vendors/<vendor>*.py name and check them at start).
    sms_vendor: str = "http"  # http | aliyun | tencent
    identity_vendor: str = "http"  # http | tencent | aliyun (the two-element check)
    face_vendor: str = "http"  # http | tencent (liveness)
    payment_channels: tuple[str, ...] = ()  # WECHAT_PAY, ALIPAY: the channels with a configured gateway
    vendor_env: dict[str, str] = field(default_factory=dict)

    @property
    def sandbox(self) -> bool:
        return self.mode == "sandbox"

    @property
    def web_origins(self) -> tuple[str, ...]:
        if self.allowed_origins is not None:
            return self.allowed_origins
        return SANDBOX_DEFAULT_ORIGINS if self.sandbox else ()

    @property
    def introspection(self) -> bool:
        return self.sandbox if self.graphql_introspection is None else self.graphql_introspection

    @property
    def suggestions(self) -> bool:
        return self.sandbox if self.graphql_suggestions is None else self.graphql_suggestions

    @property
    def upload_max_bytes(self) -> int:
        return self.policies.identity.upload_max_bytes

    @property
    def multipart_max_bytes(self) -> int:
        """The whole multipart body: every file at its limit, the operations and map fields, and the framing."""
        return self.multipart_max_files * self.upload_max_bytes + 2 * self.max_json_bytes + 64 * 1024

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
        sms_vendor, identity_vendor, face_vendor = (
            _choice(e, "SXQ_SMS_VENDOR", SMS_VENDORS), _choice(e, "SXQ_IDENTITY_VENDOR", IDENTITY_VENDORS),
            _choice(e, "SXQ_FACE_VENDOR", FACE_VENDORS))
        channels = tuple(c.strip().upper() for c in e.get("SXQ_PAYMENT_CHANNELS", "").split(",") if c.strip())
        if unknown := [c for c in channels if c not in PAYMENT_CHANNELS]:
            raise ValueError(f"SXQ_PAYMENT_CHANNELS: unknown channel {unknown[0]} "
                             f"(known: {', '.join(PAYMENT_CHANNELS)})")
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
                console_idle=timedelta(minutes=_int(e, "SXQ_CONSOLE_IDLE_MINUTES", 15)),
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
            max_json_bytes=_int(e, "SXQ_MAX_JSON_BYTES", 1024 * 1024),
            multipart_max_files=_int(e, "SXQ_MULTIPART_MAX_FILES", 3),
            graphql_introspection=_bool(e, "SXQ_GRAPHQL_INTROSPECTION", mode == "sandbox"),
            graphql_suggestions=_bool(e, "SXQ_GRAPHQL_SUGGESTIONS", mode == "sandbox"),
            graphql_persisted_only=_bool(e, "SXQ_GRAPHQL_PERSISTED_ONLY", False),
            log_line_max_chars=_int(e, "SXQ_LOG_LINE_MAX_CHARS", 2000),
            file_link_seconds=_int(e, "SXQ_FILE_LINK_SECONDS", 300),
            vendors={name: (e.get(f"SXQ_{name}_API_URL"), e.get(f"SXQ_{name}_API_KEY"), e.get(f"SXQ_{name}_API_SECRET"))
                     for name in ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK")},
            sms_vendor=sms_vendor,
            identity_vendor=identity_vendor,
            face_vendor=face_vendor,
            payment_channels=channels,
            vendor_env={k: v for k, v in e.items() if k.startswith(VENDOR_PREFIXES)},
        )
