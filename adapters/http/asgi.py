"""The ASGI application built from the environment, for process managers that import it by name:

    uvicorn adapters.http.asgi:app --workers 2 --ws-max-size 1048576   (each worker builds its own container)

Our loggers get the capped format of `sxq serve` (adapters/bootstrap/logs.py); uvicorn's own loggers keep the
configuration uvicorn gave them (pass `--log-config` to change it)."""

from __future__ import annotations

from adapters.bootstrap.dependency_warnings import filter_known_dependency_warnings

filter_known_dependency_warnings()  # before the app's imports pull in pyhanko

from adapters.bootstrap.logs import configure_logging  # noqa: E402
from adapters.bootstrap.settings import Settings  # noqa: E402
from adapters.http.app import create_app  # noqa: E402

_settings = Settings.from_env()
configure_logging(_settings.log_level, _settings.log_line_max_chars)
app = create_app(_settings)
