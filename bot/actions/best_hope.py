"""The first open question: ask, validate (answers vs commands), reflect and draft."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import latest_intent, log_event, person_key, store
from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.draft import draft_outcome
from bot.coaching.questions import best_hope_question
from bot.coaching.reflect import simple_reflection
from bot.coaching.summary import summary_parts
from bot.store import repositories

QUESTION_KEY = "best_hope"
MAX_PROBES = 2


class ActionAskBestHope(Action):
    """Ask the question, in a different way each time it has to be asked again."""

    def name(self) -> str:
        return "action_ask_best_hope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        attempt = int(tracker.get_slot("probe_count") or 0)
        dispatcher.utter_message(text=best_hope_question(tracker.get_slot("probe"), attempt))
        return []


class ValidateBestHopeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_best_hope_form"

    def validate_best_hope(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ""
        intent, confidence = latest_intent(tracker)
        turn = interpret_turn(text, intent, confidence)
        attempts = int(tracker.get_slot("probe_count") or 0)
        if turn in (Turn.STOP, Turn.PAUSE):
            log_event("form_ended", tracker, how=turn.value)
            return {"best_hope": None, "form_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_in_form")
            return {"best_hope": None, "probe": "help", "probe_count": attempts + 1}
        kind = assess_answer(text)
        # After a few gentle probes, take what the person gives rather than press on.
        if kind is AnswerKind.FULL or (kind is not AnswerKind.EMPTY and attempts >= MAX_PROBES):
            return {"best_hope": text, "probe": None, "probe_count": 0}
        log_event("probe", tracker, kind=kind.value)
        return {"best_hope": None, "probe": kind.value, "probe_count": attempts + 1}


class ActionProcessAnswer(Action):
    """Store the answer, reflect it back and offer an outcome draft to confirm."""

    def name(self) -> str:
        return "action_process_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = tracker.get_slot("form_stopped")
        if stopped:
            with store().begin() as session:
                status = "paused" if stopped == "pause" else "stopped"
                repositories.finish_conversation(session, person_key(tracker), status)
            dispatcher.utter_message(
                response="utter_paused" if stopped == "pause" else "utter_stopped"
            )
            return [SlotSet("form_stopped", None), SlotSet("probe_count", 0)]

        answer = tracker.get_slot("best_hope") or ""
        key = person_key(tracker)
        draft = draft_outcome(answer)
        with store().begin() as session:
            stored = repositories.has_consented(session, key)
            outcome_id = None
            if stored:
                saved = repositories.add_answer(session, key, QUESTION_KEY, answer)
                if draft is not None:
                    outcome_id = repositories.add_outcome(
                        session, key, draft.statement, answer_id=saved.id
                    ).id
        log_event("answer", tracker, stored=stored, drafted=draft is not None)

        reflection = simple_reflection(answer)
        if reflection:
            dispatcher.utter_message(response="utter_reflection", reflection=reflection)
        if draft is None:
            dispatcher.utter_message(response="utter_no_draft")
            dispatcher.utter_message(response="utter_summary", **summary_parts(answer, None))
            return [SlotSet("draft_outcome", None), SlotSet("draft_outcome_id", None)]
        dispatcher.utter_message(response="utter_show_draft", draft=draft.statement)
        return [
            SlotSet("draft_outcome", draft.statement),
            SlotSet("draft_outcome_id", float(outcome_id) if outcome_id is not None else None),
        ]
