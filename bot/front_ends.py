"""What the front ends (terminal chat, Telegram) do with the custom payloads actions send.

Kept apart from ``bot.actions`` so the front ends need not import the action server's code.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.coaching.text import plain

DOCUMENT = "document"
ERASE_CONVERSATION = "erase_conversation"

# A command as typed: /name, optionally @BotName, then whitespace or the end.
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@\w+)?(?=\s|$)")
_LEADING_SLASHES = re.compile(r"^[\s/]+")
# Rasa keeps /restart (which wipes the conversation at once, with no "are you sure?"), /back
# and /session_start for itself: what people type reaches Rasa under the project's own names.
COMMAND_INTENTS = {"restart": "start_again", "back": "help", "session_start": "help"}
# Commands that take "on" or "off" after them.
SWITCH_COMMANDS = {"nudges"}


def typed_to_rasa(text: str) -> str:
    """What a person typed, as the message Rasa gets.

    Commands keep only their name (``/start@CoachBot abc`` becomes ``/start``), renamed where
    Rasa reserves the name: Rasa reads a leading slash as an intent and ``{...}`` after it as
    entities, so a person must not be able to type intents with entities. Other text starting
    with a slash loses the slash. Control, invisible and unstorable characters go first
    (:func:`bot.coaching.text.plain`), so "/delete" with a zero-width space is still
    ``/delete`` (which asks before erasing anything) and nothing hides a slash.
    """
    text = plain(text).strip()
    if not text.startswith("/"):
        return text
    match = _COMMAND.match(text)
    if match:
        name = match.group(1).lower()
        switch = text[match.end() :].strip().lower()
        if name in SWITCH_COMMANDS and switch in ("on", "off"):
            # "/nudges off": the one argument kept, as an entity the front end writes itself.
            return f'/{name}{{"switch":"{switch}"}}'
        return "/" + COMMAND_INTENTS.get(name, name)
    # Every leading slash goes, even after spaces ("/ /delete{...}"): nothing typed may reach
    # Rasa as an intent with entities.
    return _LEADING_SLASHES.sub("", text)


def document_in(reply: Mapping[str, Any]) -> tuple[str, bytes] | None:
    """A file an action sent, as (safe file name, content), or ``None``.

    The payload is ``{"document": {"filename", "text"}}`` for text, or with ``"base64"``
    instead of ``"text"`` for a binary file such as a PDF.
    """
    custom = reply.get("custom")
    document = custom.get(DOCUMENT) if isinstance(custom, Mapping) else None
    if not isinstance(document, Mapping) or not isinstance(document.get("filename"), str):
        return None
    if isinstance(document.get("text"), str):
        content = document["text"].encode()
    elif isinstance(document.get("base64"), str):
        try:
            content = base64.b64decode(document["base64"], validate=True)
        except binascii.Error:
            return None
    else:
        return None
    # Only a plain file name: never a path the front end would write outside its folder.
    safe = "".join(ch for ch in document["filename"] if ch.isalnum() or ch in "-_.").lstrip(".")
    return (safe or "document.txt"), content


def document_payload(filename: str, content: bytes | str) -> dict[str, Any]:
    """The custom payload an action sends to have the front end deliver a file."""
    if isinstance(content, str):
        return {DOCUMENT: {"filename": filename, "text": content}}
    return {DOCUMENT: {"filename": filename, "base64": base64.b64encode(content).decode()}}


def wants_erasure(reply: Mapping[str, Any]) -> bool:
    """Whether an action asked for Rasa's copy of the conversation to be erased."""
    custom = reply.get("custom")
    return isinstance(custom, Mapping) and custom.get(ERASE_CONVERSATION) is True


# --- replies that show nothing ------------------------------------------------------------

TROUBLE_MESSAGE = (
    "I'm having a bit of trouble just now — your answers so far are safe. "
    "Please try again in a minute."
)


def shows_nothing(replies: Iterable[Mapping[str, Any]]) -> bool:
    """Whether Rasa's answer to a person's message would show them nothing at all.

    Every message the bot is sent gets at least one reply, so an empty answer means trouble:
    Rasa 3.6 answers 200 with no messages when an action fails (the action server is down
    or erred: Rasa logs the error and drops that action's events, so the form's question,
    and the answers before it, stay as they were). The front ends then say
    :data:`TROUBLE_MESSAGE`; once the action server is back, the person's next message is
    taken as the answer to the same question.
    """
    for reply in replies:
        custom = reply.get("custom")
        custom_text = isinstance(custom, Mapping) and isinstance(custom.get("text"), str)
        if reply.get("text") or reply.get("buttons") or reply.get("image") or custom_text:
            return False
        if document_in(reply) is not None:
            return False
    return True
