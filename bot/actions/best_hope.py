"""The first open question as one form: the answer, then the drafted outcome.

``best_hope_form`` asks for ``best_hope`` (a free answer) and then ``draft_reply`` (what the
person makes of the drafted outcome). The validation action decides, for every message,
whether it is an answer or a command (DESIGN §8). The answer is stored as soon as it is
accepted, so nothing is lost if the person stops or the conversation breaks off later.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import latest_intent, log_event, person_key, store
from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.control import CHOICES, Turn, interpret_turn
from bot.coaching.draft import draft_outcome
from bot.coaching.questions import best_hope_question
from bot.coaching.reflect import simple_reflection
from bot.coaching.summary import summary_parts
from bot.coaching.text import clean
from bot.store import repositories

QUESTION_KEY = "best_hope"
MAX_PROBES = 2
# Slots that belong to one run of the form; cleared when it ends.
FORM_SLOTS = (
    "best_hope",
    "draft_reply",
    "draft_outcome",
    "draft_outcome_id",
    "probe",
    "form_stopped",
)


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


class ActionAskDraftReply(Action):
    """Reflect the answer and show the draft for confirm / change / leave out."""

    def name(self) -> str:
        return "action_ask_draft_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        probe = tracker.get_slot("probe")
        if probe == "reword":
            dispatcher.utter_message(response="utter_ask_outcome_wording")
            return []
        if probe is None:
            reflection = simple_reflection(tracker.get_slot("best_hope") or "")
            if reflection:
                dispatcher.utter_message(response="utter_reflection", reflection=reflection)
        dispatcher.utter_message(
            response="utter_show_draft", draft=tracker.get_slot("draft_outcome")
        )
        return []


class ValidateBestHopeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_best_hope_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        # An answer that gave no draft has nothing to confirm: the form ends after it.
        if tracker.get_slot("best_hope") is not None and tracker.get_slot("draft_outcome") is None:
            return ["best_hope"]
        return domain_slots

    def validate_best_hope(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ""
        turn = interpret_turn(text, *latest_intent(tracker))
        attempts = int(tracker.get_slot("probe_count") or 0)
        if turn in (Turn.STOP, Turn.PAUSE):
            log_event("form_ended", tracker, how=turn.value)
            return {"best_hope": None, "form_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_in_form")
            return {"best_hope": None, "probe": "help", "probe_count": attempts + 1}
        kind = assess_answer(text)
        # After a few gentle probes, take what the person gives rather than press on.
        if kind is not AnswerKind.FULL and (kind is AnswerKind.EMPTY or attempts < MAX_PROBES):
            log_event("probe", tracker, kind=kind.value)
            return {"best_hope": None, "probe": kind.value, "probe_count": attempts + 1}

        draft = draft_outcome(text)
        key = person_key(tracker)
        outcome_id = None
        with store().begin() as session:
            stored = repositories.has_consented(session, key)
            if stored:
                answer = repositories.add_answer(session, key, QUESTION_KEY, text)
                if draft is not None:
                    outcome = repositories.add_outcome(
                        session, key, draft.statement, answer_id=answer.id
                    )
                    outcome_id = float(outcome.id)
        log_event("answer", tracker, stored=stored, drafted=draft is not None)
        return {
            "best_hope": text,
            "draft_outcome": draft.statement if draft else None,
            "draft_outcome_id": outcome_id,
            "probe": None,
            "probe_count": 0,
        }

    def validate_draft_reply(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ""
        intent, confidence = latest_intent(tracker)
        turn = interpret_turn(text, intent, confidence, choices=CHOICES)
        if turn in (Turn.STOP, Turn.PAUSE):
            return {"draft_reply": None, "form_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_draft")
            return {"draft_reply": None, "probe": "help"}
        if turn is Turn.REWORD:
            return {"draft_reply": None, "probe": "reword"}
        if turn is Turn.AFFIRM:
            return {"draft_reply": "confirmed"}
        if turn is Turn.DENY:
            return {"draft_reply": "dropped"}
        wording = clean(text)
        if assess_answer(wording) is AnswerKind.EMPTY:
            return {"draft_reply": None, "probe": "reword"}
        # Anything else typed here is the person's own wording of the outcome.
        return {"draft_reply": "reworded", "draft_outcome": wording}


class ActionFinishBestHope(Action):
    """End of the form: save the draft's fate, give the summary, or say goodbye if stopped."""

    def name(self) -> str:
        return "action_finish_best_hope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = person_key(tracker)
        stopped = tracker.get_slot("form_stopped")
        reply = tracker.get_slot("draft_reply")
        outcome_id = tracker.get_slot("draft_outcome_id")
        statement = tracker.get_slot("draft_outcome")
        status = {"confirmed": "confirmed", "reworded": "confirmed", "dropped": "dropped"}.get(
            reply or ""
        )
        with store().begin() as session:
            if outcome_id is not None and status is not None:
                wording = statement if reply == "reworded" else None
                repositories.set_outcome_status(session, key, int(outcome_id), status, wording)
            ending = "paused" if stopped == "pause" else "stopped" if stopped else "finished"
            repositories.finish_conversation(session, key, ending)
        log_event("form_finished", tracker, ending=ending, outcome=status)

        if stopped:
            dispatcher.utter_message(
                response="utter_paused" if stopped == "pause" else "utter_stopped"
            )
        else:
            if status == "dropped":
                dispatcher.utter_message(response="utter_outcome_dropped")
            elif status == "confirmed":
                dispatcher.utter_message(response="utter_outcome_confirmed")
            else:
                reflection = simple_reflection(tracker.get_slot("best_hope") or "")
                if reflection:
                    dispatcher.utter_message(response="utter_reflection", reflection=reflection)
                dispatcher.utter_message(response="utter_no_draft")
            kept = statement if status == "confirmed" else None
            dispatcher.utter_message(
                response="utter_summary", **summary_parts(tracker.get_slot("best_hope"), kept)
            )
        return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("probe_count", 0)]
