"""What happens to a drafted outcome: confirmed, reworded or left out; then the summary."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import latest_intent, log_event, person_key, store
from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.summary import summary_parts
from bot.coaching.text import clean
from bot.store import repositories

_CLEARED = ["best_hope", "draft_outcome", "draft_outcome_id", "outcome_wording", "probe"]


def _finish(
    dispatcher: CollectingDispatcher, tracker: Tracker, status: str, statement: str | None
) -> list[dict[str, Any]]:
    """Save the outcome's fate, give the summary and clear the conversation's slots."""
    outcome_id = tracker.get_slot("draft_outcome_id")
    key = person_key(tracker)
    with store().begin() as session:
        if outcome_id is not None:
            repositories.set_outcome_status(session, key, int(outcome_id), status, statement)
        repositories.finish_conversation(session, key)
    log_event("outcome", tracker, status=status)
    dispatcher.utter_message(
        response="utter_outcome_confirmed" if status == "confirmed" else "utter_outcome_dropped"
    )
    dispatcher.utter_message(
        response="utter_summary",
        **summary_parts(tracker.get_slot("best_hope"), statement),
    )
    return [SlotSet(slot, None) for slot in _CLEARED] + [SlotSet("probe_count", 0)]


class ActionConfirmOutcome(Action):
    def name(self) -> str:
        return "action_confirm_outcome"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _finish(dispatcher, tracker, "confirmed", tracker.get_slot("draft_outcome"))


class ActionDropOutcome(Action):
    def name(self) -> str:
        return "action_drop_outcome"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _finish(dispatcher, tracker, "dropped", None)


class ValidateRewordForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reword_form"

    def validate_outcome_wording(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ""
        intent, confidence = latest_intent(tracker)
        turn = interpret_turn(text, intent, confidence)
        if turn in (Turn.STOP, Turn.PAUSE):
            # Keep the draft as it was; the person can change it later.
            return {"outcome_wording": tracker.get_slot("draft_outcome"), "requested_slot": None}
        if turn is Turn.HELP or assess_answer(text) is AnswerKind.EMPTY:
            dispatcher.utter_message(response="utter_help_in_form")
            return {"outcome_wording": None}
        return {"outcome_wording": clean(text)}


class ActionSaveReworded(Action):
    """Save the person's own wording (from the reword form or typed straight after the draft)."""

    def name(self) -> str:
        return "action_save_reworded"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        wording = tracker.get_slot("outcome_wording") or clean(tracker.latest_message.get("text"))
        if not wording or assess_answer(wording) is AnswerKind.EMPTY:
            wording = tracker.get_slot("draft_outcome")
        return _finish(dispatcher, tracker, "confirmed", wording)
