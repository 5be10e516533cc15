"""Who is who: from a channel's own id to the Rasa sender id and the record key."""

from __future__ import annotations

from bot.config import Settings, load_secret
from bot.store.pseudonym import pseudonym

# Channels whose raw ids must never reach Rasa: the bridge sends a pseudonym instead.
PSEUDONYMISED_CHANNELS = {"telegram", "terminal"}


def rasa_sender_id(settings: Settings, channel: str, chat_id: str | int) -> str:
    """The sender id used with Rasa for a chat on a channel.

    Telegram and terminal chats are pseudonymised before they reach Rasa. Callers of
    Rasa's REST channel choose their own sender ids, which are used as they are.
    """
    if channel in PSEUDONYMISED_CHANNELS:
        return pseudonym(load_secret(settings), channel, chat_id)
    return str(chat_id)


def record_key(settings: Settings, sender_id: str) -> str:
    """The key of a person's record: an HMAC of the Rasa sender id, so that raw REST
    sender ids are never stored in the record either."""
    return pseudonym(load_secret(settings), "rasa", sender_id)


def record_key_for(settings: Settings, channel: str, chat_id: str | int) -> str:
    """The record key of the person behind a channel's own id (``coach export``)."""
    return record_key(settings, rasa_sender_id(settings, channel, chat_id))
