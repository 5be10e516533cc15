"""Structured logs (bot.logs): JSON Lines on request, a conversation pseudonym, never text."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
import typer

from bot import logs
from bot.cli import _configure_logging
from bot.config import get_settings
from bot.store.people import record_key

SECRET = b"log-test-secret"
SENDER = "telegram-pseudonym-0f3c"


@pytest.fixture(autouse=True)
def root_logger() -> Iterator[None]:
    """Put the root logger and the quietened loggers back as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_json_lines_have_time_level_logger_message_and_conversation() -> None:
    stream = io.StringIO()
    logs.configure(fmt="json", stream=stream)
    log = logging.getLogger("bot.actions")
    log.info("service started")
    with logs.conversation(SENDER, SECRET) as pseudonym:
        log.info("event=%s stored=%s", "answer", True)
    first, second = (json.loads(line) for line in lines(stream))
    assert list(first) == ["time", "level", "logger", "message"]
    assert first["level"] == "INFO" and first["logger"] == "bot.actions"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert second["message"] == "event=answer stored=True"
    assert second["conversation"] == pseudonym
    assert re.fullmatch(r"[0-9a-f]{12}", pseudonym)


def test_the_pseudonym_is_stable_short_and_not_the_sender_or_the_record_key(var_dir) -> None:
    first = logs.conversation_pseudonym(SENDER, SECRET)
    assert first == logs.conversation_pseudonym(SENDER, SECRET)
    assert first != logs.conversation_pseudonym(SENDER + "x", SECRET)
    assert first != logs.conversation_pseudonym(SENDER, b"another secret")
    assert SENDER not in first
    # With no secret given it uses the local one, and it is not a prefix of the record key,
    # so a log line alone does not lead to anyone's record.
    settings = get_settings()
    local = logs.conversation_pseudonym(SENDER)
    assert local != first
    assert not record_key(settings, SENDER).startswith(local)


def test_an_exception_is_logged_by_kind_and_trace_never_by_its_message() -> None:
    stream = io.StringIO()
    logs.configure(fmt="json", stream=stream)
    said = " ".join(["I told the bot", "my neighbour hits me"])  # a value, as at run time
    try:
        raise ValueError(said)
    except ValueError:
        logging.getLogger("bot.web").exception("request failed")
    [entry] = (json.loads(line) for line in lines(stream))
    assert entry["error"] == "ValueError" and "test_logs.py" in entry["trace"]
    assert "neighbour" not in stream.getvalue()


def test_plain_lines_carry_the_conversation_too() -> None:
    stream = io.StringIO()
    logs.configure(fmt="text", stream=stream)
    with logs.conversation(SENDER, SECRET) as pseudonym:
        logging.getLogger("bot.telegram").warning("reply failed")
    logging.getLogger("bot.telegram").warning("outside")
    inside, outside = lines(stream)
    assert inside.endswith(f"WARNING bot.telegram conversation={pseudonym} reply failed")
    assert outside.endswith("WARNING bot.telegram outside")


def test_configuring_twice_does_not_double_lines_and_httpx_urls_stay_out(monkeypatch) -> None:
    stream = io.StringIO()
    monkeypatch.setenv("COACH_LOG_FORMAT", "json")
    logs.configure(stream=stream)
    logs.configure(stream=stream, verbose=True)
    logging.getLogger("bot").debug("once")
    # httpx logs each request's URL at INFO; a Bot API URL holds the token.
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:SECRET/x")
    assert [json.loads(line)["message"] for line in lines(stream)] == ["once"]


def test_the_cli_uses_it_and_refuses_an_unknown_format(monkeypatch) -> None:
    monkeypatch.setenv("COACH_LOG_FORMAT", "json")
    _configure_logging()
    [ours] = [h for h in logging.getLogger().handlers if h.get_name() == "coach"]
    assert isinstance(ours.formatter, logs.JsonFormatter)
    monkeypatch.setenv("COACH_LOG_FORMAT", "xml")
    with pytest.raises(typer.Exit) as stopped:
        _configure_logging()
    assert stopped.value.exit_code == 2
