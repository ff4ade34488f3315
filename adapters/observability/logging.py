"""Log lines: text for humans by default, one JSON object per line with `SXQ_LOG_FORMAT=json`.

The JSON line carries time, level, logger, the message, the request id, operation and account/operator id of the
current request, and a fixed list of extra fields (duration, status, route, …) — never the record's other
attributes, so a value logged by mistake as `extra=` does not reach the log. Personal data is kept out at the
source: request lines name the route template, not the path, and GraphQL variables are never logged."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from adapters.observability.context import current

# The only extra attributes a log call may add to a JSON line; all are counts, ids, names of code paths or timings.
EXTRA_FIELDS = ("duration_ms", "status", "route", "method", "topic", "outcome", "message_id", "attempts",
                "worker", "event")


def message_of(record: logging.LogRecord) -> str:
    """strawberry logs a failed operation with the document around the error's location, and a document may have
    values written into it (a phone as a literal): of its lines only the error's first is kept."""
    message = record.getMessage()
    if record.name.startswith("strawberry"):
        message = message.split("\n", 1)[0][:300]
    return message


def _context_fields() -> dict[str, str]:
    info = current()
    if info is None:
        return {}
    fields = {"request_id": info.request_id}
    for name in ("operation", "account_id", "operator_id"):
        if (value := getattr(info, name)) is not None:
            fields[name] = value
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message_of(record),
        }
        line.update(_context_fields())
        for name in EXTRA_FIELDS:
            if (value := record.__dict__.get(name)) is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human format, with the request id when there is one (to find the JSON-mode line's siblings)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = message_of(record)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        info = current()
        return f"{text} [{info.request_id}]" if info is not None else text


class _Capped(logging.Formatter):
    """Cuts every line to the cap (SXQ_LOG_LINE_MAX_CHARS): the last defence against a line that quotes input. A JSON
    line that is too long keeps its fixed fields and loses the message's tail instead of becoming invalid JSON."""

    def __init__(self, inner: logging.Formatter, max_chars: int) -> None:
        super().__init__()
        self._inner, self._max = inner, max(200, max_chars)

    def format(self, record: logging.LogRecord) -> str:
        text = self._inner.format(record)
        if len(text) <= self._max:
            return text
        if isinstance(self._inner, JsonFormatter):
            line = json.loads(text)
            excess = len(text) - self._max + 40
            for key in ("exception", "message"):
                if key in line and excess > 0:
                    value = str(line[key])
                    cut = min(len(value), excess)
                    line[key] = value[:len(value) - cut] + " …[cut]"
                    excess -= cut
            return json.dumps(line, ensure_ascii=False, default=str)[:self._max]
        return f"{text[:self._max - 40]} …[{len(text) - self._max + 40} chars cut]"


def configure_logging(log_format: str = "text", level: str = "INFO", max_chars: int = 2000) -> None:
    """Replaces the root handlers (also uvicorn's, which log through the root in json mode)."""
    from adapters.bootstrap.logs import quiet_database_loggers

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Capped(JsonFormatter() if log_format == "json" else TextFormatter(), max_chars))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        lg = logging.getLogger(name)
        lg.handlers = []
        lg.propagate = True
    quiet_database_loggers()  # their lines quote SQL parameters
    # Our own request line replaces uvicorn's access log: it names the route, not the path (paths carry tokens).
    logging.getLogger("uvicorn.access").disabled = True


def uvicorn_log_config() -> dict:
    """For uvicorn.run: keep the handlers we set up (its default config would replace them)."""
    return {"version": 1, "disable_existing_loggers": False}
