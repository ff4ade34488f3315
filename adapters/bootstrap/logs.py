"""Logging for `sxq serve`: one format for ours and uvicorn's loggers, and no line longer than the cap.

The cap is the last line of defence: the GraphQL error log already leaves out messages, variable values and query
text (graphql_schema/common/hardening.py); whatever else quotes a client's input (an access log line, an
exception text) cannot grow a line past the cap either."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Their DEBUG lines quote SQL parameters (phone hashes, ciphertexts, tokens' keyed hashes), and SQLAlchemy's engine
# logs every statement with its parameters at INFO (its `echo`): never below WARNING. Set explicitly rather than
# from the effective level, which is the root's INFO when this runs before SQLAlchemy has set its own default.
QUIET_BELOW_INFO = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")
QUIET_FLOOR = logging.WARNING


def quiet_database_loggers() -> None:
    for name in QUIET_BELOW_INFO:
        logger = logging.getLogger(name)
        logger.setLevel(max(QUIET_FLOOR, logger.level))


class CappedFormatter(logging.Formatter):
    def __init__(self, max_chars: int, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.max_chars = max(200, max_chars)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if len(text) <= self.max_chars:
            return text
        return f"{text[:self.max_chars - 40]} …[{len(text) - self.max_chars + 40} chars cut]"


def configure_logging(level: str, max_chars: int) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(CappedFormatter(max_chars))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_database_loggers()
