"""The person's own data: a copy of the plan, share codes, everything held, and erasing it.

Each command is a module function (so a question in progress can answer it on the spot and
ask again) wrapped in a thin action for when no question is open.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import for_template, latest_intent, log_event, person_key, store
from bot.front_ends import ERASE_CONVERSATION, document_payload
from bot.plans.export import render_plan
from bot.plans.markdown import plan_messages
from bot.plans.structure import build_plan
from bot.store import repositories


def _nothing_kept(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_nothing_kept")


def show_plan(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Send the person their plan as a few short messages."""
    key = person_key(tracker)
    with store().begin() as session:
        consented = repositories.has_consented(session, key)
        record = repositories.record_as_dict(session, key)
    log_event("plan", tracker, consented=consented)
    if not consented:
        _nothing_kept(dispatcher)
        return
    if not any(o["status"] in ("confirmed", "achieved") for o in record["outcomes"]):
        dispatcher.utter_message(response="utter_plan_empty")
        return
    for part in plan_messages(build_plan(record)):
        dispatcher.utter_message(response="utter_plan", plan=for_template(part))
    content, _, filename = render_plan(record, "pdf", pseudonym=key)
    dispatcher.utter_message(json_message=document_payload(filename, content))


def share_code(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Give the person a new code for their worker, shown once."""
    key = person_key(tracker)
    with store().begin() as session:
        if not repositories.has_consented(session, key):
            _nothing_kept(dispatcher)
            log_event("share", tracker, created=False)
            return
        code, expires = repositories.create_share_code(session, key)
    log_event("share", tracker, created=True)
    dispatcher.utter_message(response="utter_share_code", code=code, expires=f"{expires:%-d %B %Y}")


def unshare(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Cancel every share code the person has given out."""
    with store().begin() as session:
        revoked = repositories.revoke_share_codes(session, person_key(tracker))
    log_event("unshare", tracker, revoked=revoked)
    dispatcher.utter_message(response="utter_unshared" if revoked else "utter_nothing_shared")


def my_data(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Tell the person what is held about them and send it all as a JSON file."""
    key = person_key(tracker)
    with store().begin() as session:
        held = repositories.get_person(session, key) is not None
        record = repositories.record_as_dict(session, key)
    log_event("mydata", tracker, held=held)
    if not held:
        _nothing_kept(dispatcher)
        return
    dispatcher.utter_message(
        response="utter_my_data",
        summary=data_summary(record),
    )
    held_data = {
        "record": record,
        # Rasa's own copy of the conversation, as the dialogue server sent it with this turn.
        "conversation": [_readable(event) for event in tracker.events],
    }
    dispatcher.utter_message(
        json_message=document_payload(
            "my-outcomes-coach-data.json", json.dumps(held_data, ensure_ascii=False, indent=2)
        )
    )


def data_summary(record: dict) -> str:
    """A short, readable account of what is kept about the person, for /mydata."""
    count = len(record["outcomes"])
    things = "1 thing that matters" if count == 1 else f"{count} things that matter"
    answers = len(record["answers"])
    parts = [
        f"Here's everything I keep about you, under a made-up id: {things} to you, "
        f"{answers} answer{'' if answers == 1 else 's'} in your own words",
    ]
    if record["reviews"]:
        parts.append(f"{len(record['reviews'])} look{'s' if len(record['reviews']) > 1 else ''}"
                     " back at how things are going")  # fmt: skip
    uses = sum(len(share["uses"]) for share in record["shares"])
    if record["shares"]:
        opened = "never opened" if not uses else f"opened {uses} time{'' if uses == 1 else 's'}"
        parts.append(f"{len(record['shares'])} share code{'s' if len(record['shares']) > 1 else ''}"
                     f" ({opened})")  # fmt: skip
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return (
        f"{listed}. The file below has all of it, with our conversation. Type /delete to erase it."
    )


def _readable(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the person would want to read it: what happened, when, and what was said."""
    kept = {"event": event.get("event"), "timestamp": event.get("timestamp")}
    for field in ("text", "name", "value"):
        if event.get(field) is not None:
            kept[field] = event[field]
    return kept


class ActionShowPlan(Action):
    def name(self) -> str:
        return "action_show_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        show_plan(dispatcher, tracker)
        return []


class ActionShareCode(Action):
    def name(self) -> str:
        return "action_share_code"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        share_code(dispatcher, tracker)
        return []


class ActionUnshare(Action):
    def name(self) -> str:
        return "action_unshare"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        unshare(dispatcher, tracker)
        return []


class ActionMyData(Action):
    def name(self) -> str:
        return "action_my_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        my_data(dispatcher, tracker)
        return []


def erase(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Erase the person's record and ask the front end to erase the conversation too."""
    with store().begin() as session:
        held = repositories.erase_person(session, person_key(tracker))
    log_event("delete", tracker, held=held)
    dispatcher.utter_message(response="utter_deleted")
    dispatcher.utter_message(json_message={ERASE_CONVERSATION: True})


class ActionDeleteData(Action):
    """Erase the person's record; the front end then erases Rasa's copy of the conversation.

    Rasa saves the conversation after this action returns, so its events can only be
    removed once the reply has been sent: the ``erase_conversation`` payload asks for that.
    """

    def name(self) -> str:
        return "action_delete_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not confirmed_erasure(tracker):
            # Rules only run this after a yes to "erase everything?"; erasing cannot be undone,
            # so it is checked here too: no prediction or typed payload skips the question.
            log_event("delete_unconfirmed", tracker)
            return [FollowupAction("utter_ask_delete")]
        erase(dispatcher, tracker)
        return [AllSlotsReset()]


def confirmed_erasure(tracker: Tracker) -> bool:
    """Whether the latest message is a yes to the question "erase everything?".

    That is: its intent is ``affirm``, and the last thing the bot did before it (apart from
    listening) was to ask ``utter_ask_delete``.
    """
    if latest_intent(tracker)[0] != "affirm":
        return False
    before_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if before_message:
                return False  # another message came between the question and this one
            before_message = True
        elif before_message and event.get("event") == "action":
            name = event.get("name")
            if name != "action_listen":
                return name == "utter_ask_delete"
    return False
