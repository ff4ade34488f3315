"""What the logs may hold (issue 13, item 4): operation name, error class and place; never a variable's value or a
literal of the query text; no line longer than the cap; phones, codes, passwords and tokens never."""

from __future__ import annotations

import logging

import pytest

from adapters.bootstrap.logs import CappedFormatter
from graphql_schema.common.hardening import operation_label, without_suggestions

SECRET = "hunter2-Secret-Value"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def _everything(caplog) -> str:
    """Every record as the capped formatter writes it, traceback included."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records)


async def test_rejected_variable_values_are_not_logged(gql, logs):
    big = "Z" * 500_000
    # A 500 KB string where an enum belongs, a secret in a wrongly typed variable, a literal in the query.
    await gql.raw("mutation Probe($purpose: SmsPurpose!) { requestSmsCode(input: {phone: \"13700000001\", "
                  "purpose: $purpose}) { userErrors { code } } }", {"purpose": big})
    await gql.raw("query Probe2($id: ID!) { node(id: $id) { id } }", {"id": {"password": SECRET}})
    await gql.raw(f'query Probe3 {{ node(id: 12345, other: "{SECRET}") {{ id }} }}')
    await gql.raw(f'query Probe4 {{ node(id: "{SECRET}") {{ id ... on Account {{ nope }} }} }}')
    await gql.raw(f'query Probe5 {{ node(id: "{SECRET}" ')  # syntax error after a literal
    text = _everything(logs)
    assert big[:100] not in text and SECRET not in text and "13700000001" not in text
    refused = [r for r in logs.records if r.name == "graphql_schema.errors"]
    assert len(refused) >= 5 and all(r.levelno < logging.ERROR for r in refused)
    messages = [r.getMessage() for r in refused]
    assert any("operation=Probe " in m and "variable=$purpose" in m and "class=VariableError" in m for m in messages)
    assert any("operation=- " in m and "class=SyntaxError" in m for m in messages)  # no name before parsing
    assert all("at=" in m for m in messages)


async def test_an_unexpected_failure_is_logged_by_class_and_frames_not_message(gql, container, logs):
    uc = container.use_cases()
    original = uc.get_me.__class__.__call__

    async def boom(self, principal):
        raise RuntimeError(f"db said: {SECRET}")

    await gql.register("13700000002")
    uc.get_me.__class__.__call__ = boom
    try:
        body = await gql.raw(gql.document("Me"))
    finally:
        uc.get_me.__class__.__call__ = original
    assert body["errors"][0]["message"] == "服务器内部错误，请稍后重试"
    failed = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert len(failed) == 1
    line = failed[0].getMessage()
    assert "operation=Me" in line and "class=builtins.RuntimeError" in line and "path=me" in line
    assert "test_log_hygiene.py" in line  # where it was raised
    assert failed[0].exc_info is None
    text = _everything(logs)
    assert SECRET not in text and "13700000002" not in text


async def test_codes_passwords_and_tokens_stay_out_of_the_log(gql, logs):
    session = await gql.register("13700000003")
    await gql.op("LoginWithPassword", {"phone": "13700000003", "password": "Wr0ngPassword"})
    text = _everything(logs)
    assert "13700000003" not in text and "Wr0ngPassword" not in text and "Passw0rdX" not in text
    assert session["session"]["accessToken"] not in text


def test_lines_are_capped():
    formatter = CappedFormatter(max_chars=500)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "value %s", ("v" * 1_000_000,), None)
    line = formatter.format(record)
    assert len(line) <= 500 + 40 and line.endswith("chars cut]")
    try:
        raise ValueError("e" * 100_000)
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert len(formatter.format(record)) <= 540
    short = logging.LogRecord("x", logging.INFO, __file__, 1, "fine", (), None)
    assert formatter.format(short).endswith("x: fine")


def test_configure_logging_caps_what_reaches_the_stream(capsys):
    from adapters.bootstrap.logs import QUIET_BELOW_INFO, configure_logging

    root = logging.getLogger()
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in QUIET_BELOW_INFO})
    # An in-process uvicorn in an earlier test of this worker may have given uvicorn's loggers handlers of their own
    # and propagate=False (its default dictConfig); `sxq serve` runs uvicorn with log_config=None, as here.
    uvicorn_loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access")]
    saved_uvicorn = [(list(u.handlers), u.propagate, u.disabled, u.level) for u in uvicorn_loggers]
    for u in uvicorn_loggers:
        u.handlers[:], u.propagate, u.disabled, u.level = [], True, False, logging.NOTSET
    try:
        configure_logging("DEBUG", 300)
        logging.getLogger("uvicorn.access").info("GET /%s HTTP/1.1", "a" * 100_000)
        # The database drivers' DEBUG lines carry SQL parameters: kept out even at DEBUG.
        logging.getLogger("aiosqlite").debug("executing %s", SECRET)
        logging.getLogger("sqlalchemy.engine.Engine").debug("params %s", SECRET)
        err = capsys.readouterr().err
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
        for u, (handlers, propagate, disabled, level) in zip(uvicorn_loggers, saved_uvicorn, strict=True):
            u.handlers[:], u.propagate, u.disabled, u.level = handlers, propagate, disabled, level
    assert err.strip() and all(len(line) <= 340 for line in err.splitlines())
    assert SECRET not in err


def test_helpers():
    assert without_suggestions("Cannot query field 'mee' on type 'Query'. Did you mean 'me'?") == \
        "Cannot query field 'mee' on type 'Query'."
    assert without_suggestions("Value 'X' does not exist in 'E' enum. Did you mean the enum value 'Y' or 'Z'?") == \
        "Value 'X' does not exist in 'E' enum."
    assert operation_label("Me\nINFO fake line") == "MeINFOfakeline"
    assert operation_label(None) == "-" and len(operation_label("A" * 500)) == 64
