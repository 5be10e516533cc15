"""Shared helpers for actions: settings, the record's session factory, logging."""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterable
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.text import plain
from bot.config import get_settings
from bot.store.people import record_key
from bot.store.session import session_factory

log = logging.getLogger("bot.actions")

# Rasa 3.6 fills a response template and then, if "0[" appears anywhere in the result, takes
# it for an unfilled placeholder and sends the raw template ("{reflection}") instead
# (rasa/core/nlg/interpolator.py). A word joiner, which shows as nothing (the Telegram bridge
# drops it), keeps a person's "0[" from tripping that check.
_TEMPLATE_TRIP = "0["
_TEMPLATE_SAFE = "0\u2060["


def _ensure_logging() -> None:
    # Sanic runs actions in worker processes where rasa_sdk's logging set-up may not
    # reach; our structured lines must still land in the action server's log.
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def store() -> sessionmaker[Session]:
    """The record's session factory (one per process, built on first use)."""
    return session_factory(get_settings().database_url)


def person_key(tracker: Tracker) -> str:
    """The pseudonymous record key of the person in this conversation."""
    return record_key(get_settings(), tracker.sender_id)


def log_event(event: str, tracker: Tracker, **fields: Any) -> None:
    """Structured log line without any personal text: event name, hashed id and counts."""
    _ensure_logging()
    key = person_key(tracker)[:8]
    extras = " ".join(f"{k}={v}" for k, v in fields.items())
    log.info("event=%s person=%s %s", event, key, extras)


def latest_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), intent.get("confidence")


def button_choice(tracker: Tracker) -> str | None:
    """The choice a button carried (``/choose{"choice": "carer"}``), if one was pressed."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "choice" and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def typed(value: Any) -> str:
    """A ``from_text`` slot's value as the person's words, safe to store and analyse.

    Rasa's REST channel passes on whatever is posted: control characters (a NUL cannot be
    stored in PostgreSQL), lone surrogates (nor in UTF-8 at all) and invisible format
    characters are removed (:func:`bot.coaching.text.plain`); anything not text is ``""``.
    """
    return plain(value) if isinstance(value, str) else ""


def for_template(value: str | None) -> str | None:
    """A value (often the person's own words) made safe to fill a response template with."""
    return value.replace(_TEMPLATE_TRIP, _TEMPLATE_SAFE) if isinstance(value, str) else value


# A SlotSet for the requested slot steers Rasa's form (which slot to ask next, or stop), even
# when the value is unchanged; every other slot matters to Rasa only through its value.
_STEERING_SLOTS = frozenset({"requested_slot"})
# After these, slot values are not what the tracker showed: nothing more is dropped.
_RESETTING_EVENTS = frozenset({"reset_slots", "restart", "session_started", "undo", "rewind"})


def changed_slots_only(
    events: list[dict[str, Any]], slots: dict[str, Any], keep: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """``events`` without the SlotSets that leave a slot as it already is.

    ``slots`` are the values before the events. Rasa reads back and replays a whole
    conversation at every turn, so each event stored costs at every later turn; a form that
    re-sets a dozen unchanged slots per answer made conversations about a quarter longer.
    Slots in ``keep`` (a form's slot candidates, which Rasa expects back) always stay.
    """
    kept_always = _STEERING_SLOTS | set(keep)
    current = dict(slots)
    result = []
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in _RESETTING_EVENTS:
            return result + list(events[index:])
        if kind == "slot":
            name = event.get("name")
            value = event.get("value")
            if name not in kept_always and name in current and current[name] == value:
                continue
            current[name] = value
        result.append(event)
    return result


class SlotChangesOnlyForm(FormValidationAction):
    """A form's validation action that sends Rasa only the slots a turn changes."""

    @abstractmethod  # abstract, so rasa_sdk does not register this class as an action
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # rasa_sdk writes each validated value into ``tracker.slots`` as it goes: look first.
        before = dict(tracker.slots)
        candidates = tracker.slots_to_validate()
        events = await super().run(dispatcher, tracker, domain)
        return changed_slots_only(events, before, keep=candidates)
