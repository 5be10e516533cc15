"""Logging for every ``coach`` process, configured in one place.

Log records say what happened, never what people said: event names, counts and a short
*conversation pseudonym* instead of a sender id. ``COACH_LOG_FORMAT=json`` switches the
output to JSON Lines, one object per record with ``time``, ``level``, ``logger``, ``message``
and, inside a conversation, ``conversation``; the default is one plain line per record.

The conversation pseudonym is an HMAC of the sender id with the local secret, cut to 12 hex
characters: the same conversation gets the same pseudonym in every log line (so one person's
turns can be followed through the logs), but it cannot be turned back into the sender id, and
it is not the record's key either, so a log line alone does not find anyone's record.

Usage::

    from bot import logs

    logs.configure()                      # once, at the start of a command
    with logs.conversation(sender_id):    # around the work for one message
        log.info("answer_stored")         # carries conversation=<pseudonym>
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

FORMAT_VARIABLE = "COACH_LOG_FORMAT"
FORMATS = ("text", "json")
PSEUDONYM_LENGTH = 12
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(conversation_part)s %(message)s"

# Libraries whose INFO lines carry things that must not reach a log: httpx logs every request
# URL, and a Telegram Bot API URL contains the bot token.
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}

_conversation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "coach_conversation", default=None
)


def conversation_pseudonym(sender_id: str, secret: bytes | None = None) -> str:
    """The short pseudonym that stands for a conversation in logs.

    Args:
        sender_id: The sender id Rasa knows the conversation by (itself a pseudonym for
            Telegram and terminal chats; chosen by the caller on the REST channel).
        secret: The pseudonymisation secret; read with :func:`bot.config.load_secret` when
            not given.
    """
    if secret is None:
        from bot.config import get_settings, load_secret

        secret = load_secret(get_settings())
    digest = hmac.new(secret, f"log:{sender_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_LENGTH]


@contextmanager
def conversation(sender_id: str | None, secret: bytes | None = None) -> Iterator[str | None]:
    """Mark every log record made inside the block as belonging to one conversation."""
    pseudonym = None if sender_id is None else conversation_pseudonym(sender_id, secret)
    token = _conversation.set(pseudonym)
    try:
        yield pseudonym
    finally:
        _conversation.reset(token)


class ConversationFilter(logging.Filter):
    """Adds ``record.conversation`` (the current pseudonym, or ``None``) to every record.

    A record made with ``extra={"conversation": ...}`` keeps its own value.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "conversation", None) is None:
            record.conversation = _conversation.get()
        record.conversation_part = (
            f" conversation={record.conversation}" if record.conversation else ""
        )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, conversation.

    Of an exception only its type and the traceback's frames are kept, not its message:
    database errors quote the values they were given, and those can be what someone said.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        conversation_id = getattr(record, "conversation", None)
        if conversation_id:
            entry["conversation"] = conversation_id
        if record.exc_info and record.exc_info[0] is not None:
            import traceback

            kind, _, trace = record.exc_info
            entry["error"] = kind.__name__
            entry["trace"] = "".join(traceback.format_tb(trace)).rstrip()
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The plain line: ``time LEVEL logger [conversation=…] message``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "conversation_part"):
            ConversationFilter().filter(record)
        return super().format(record)


def log_format(value: str | None = None) -> str:
    """The chosen format: ``value``, else ``COACH_LOG_FORMAT``, else ``text``."""
    chosen = (value or os.environ.get(FORMAT_VARIABLE) or "text").strip().lower()
    if chosen not in FORMATS:
        raise ValueError(f"{FORMAT_VARIABLE} must be one of {', '.join(FORMATS)}, not {chosen!r}")
    return chosen


_HANDLER_NAME = "coach"


def configure(
    verbose: bool = False, *, fmt: str | None = None, stream: TextIO | None = None
) -> logging.Handler:
    """Send every logger's records to ``stream`` (standard error) in the chosen format.

    Safe to call more than once: the handler it added before is replaced, never doubled.

    Args:
        verbose: DEBUG instead of INFO.
        fmt: ``text`` or ``json``; by default ``COACH_LOG_FORMAT``, else ``text``.
        stream: Where to write; standard error by default.

    Returns:
        The handler now on the root logger.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(ConversationFilter())
    handler.setFormatter(JsonFormatter() if log_format(fmt) == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    return handler


__all__ = [
    "FORMAT_VARIABLE",
    "ConversationFilter",
    "JsonFormatter",
    "TextFormatter",
    "configure",
    "conversation",
    "conversation_pseudonym",
    "log_format",
]
