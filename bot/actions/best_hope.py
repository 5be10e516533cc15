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
from bot.coaching.drafting import draft_answer
from bot.coaching.questions import best_hope_question
from bot.coaching.reflect import NEUTRAL_REFLECTION
from bot.coaching.risk import signposting
from bot.coaching.summary import empowering_summary
from bot.coaching.text import clean
from bot.config import get_settings
from bot.store import repositories

QUESTION_KEY = "best_hope"
MAX_PROBES = 2
# Slots that belong to one run of the form; cleared when it ends.
FORM_SLOTS = (
    "best_hope",
    "reflection",
    "affirmation",
    "probe_service",
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
        question = best_hope_question(
            tracker.get_slot("probe"), attempt, tracker.get_slot("probe_service")
        )
        dispatcher.utter_message(text=question)
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
            reflection = tracker.get_slot("reflection")
            if reflection:
                dispatcher.utter_message(response="utter_reflection", reflection=reflection)
            affirmation = tracker.get_slot("affirmation")
            if affirmation:
                dispatcher.utter_message(response="utter_affirmation", affirmation=affirmation)
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
        question = best_hope_question(
            tracker.get_slot("probe"), attempts, tracker.get_slot("probe_service")
        )
        drafted = draft_answer(question, text)
        key = person_key(tracker)
        if drafted.risk is not None:
            return self._risk(dispatcher, tracker, key, text, drafted.risk.category)

        kind = assess_answer(text)
        # After a few gentle probes, take what the person gives rather than press on.
        if kind is not AnswerKind.FULL and (kind is AnswerKind.EMPTY or attempts < MAX_PROBES):
            log_event("probe", tracker, kind=kind.value)
            return {"best_hope": None, "probe": kind.value, "probe_count": attempts + 1}

        with store().begin() as session:
            stored = repositories.has_consented(session, key)
            outcome_ids = []
            if stored:
                outcome_ids = repositories.save_answer(
                    session,
                    key,
                    QUESTION_KEY,
                    text,
                    outcomes=[(o.statement, o.domain) for o in drafted.outcomes],
                    services=[(s.span.text, s.for_outcome) for s in drafted.services],
                    strengths=[s.text for s in drafted.strengths],
                )
        log_event("answer", tracker, stored=stored, outcomes=len(drafted.outcomes),
                  services=len(drafted.services), strengths=len(drafted.strengths))  # fmt: skip
        if not drafted.outcomes and drafted.services and attempts < MAX_PROBES:
            # A bare request: ask what it would make possible, so the outcome is heard too.
            return {
                "best_hope": None,
                "probe": "service",
                "probe_service": drafted.services[0].span.text,
                "probe_count": attempts + 1,
            }
        first = drafted.outcomes[0] if drafted.outcomes else None
        return {
            "best_hope": text,
            "draft_outcome": first.statement if first else None,
            "draft_outcome_id": float(outcome_ids[0]) if outcome_ids else None,
            "reflection": drafted.reflection,
            "affirmation": drafted.affirmation,
            "probe": None,
            "probe_count": 0,
        }

    @staticmethod
    def _risk(
        dispatcher: CollectingDispatcher, tracker: Tracker, key: str, text: str, category: str
    ) -> dict[str, Any]:
        """Stop drafting, signpost, and flag the conversation for the worker."""
        with store().begin() as session:
            if repositories.has_consented(session, key):
                repositories.add_answer(session, key, QUESTION_KEY, text)
            repositories.flag_risk(session, key)
        log_event("risk", tracker, category=category)
        dispatcher.utter_message(
            response="utter_risk", signposting=signposting(category, get_settings().duty_line)
        )
        return {"best_hope": None, "form_stopped": "risk", "requested_slot": None}

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
            ending = {"pause": "paused", "risk": "paused", "stop": "stopped"}.get(
                stopped or "", "finished"
            )
            repositories.finish_conversation(session, key, ending)
            record = repositories.record_as_dict(session, key)
        log_event("form_finished", tracker, ending=ending, outcome=status)

        if stopped == "risk":
            pass  # the signposting was the reply; nothing more is said over it
        elif stopped:
            dispatcher.utter_message(
                response="utter_paused" if stopped == "pause" else "utter_stopped"
            )
        else:
            if status == "dropped":
                dispatcher.utter_message(response="utter_outcome_dropped")
            elif status == "confirmed":
                dispatcher.utter_message(response="utter_outcome_confirmed")
            else:
                reflection = tracker.get_slot("reflection")
                if reflection and reflection != NEUTRAL_REFLECTION:
                    dispatcher.utter_message(response="utter_reflection", reflection=reflection)
                dispatcher.utter_message(response="utter_no_draft")
            confirmed = [o["statement"] for o in record["outcomes"] if o["status"] == "confirmed"]
            if not confirmed and status == "confirmed" and statement:
                confirmed = [statement]  # nothing stored without consent; still say it back
            for part in empowering_summary(record["strengths"], confirmed, [], record["role"]):
                dispatcher.utter_message(response="utter_summary", summary=part)
            dispatcher.utter_message(response="utter_summary_end")
        return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("probe_count", 0)]
