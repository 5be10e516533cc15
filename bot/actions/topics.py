"""The preparation conversation as one form that goes through the topics in turn.

``topics_form`` asks for ``answer`` (a free answer to the current ``topic``) and then
``draft_reply`` (what the person makes of the outcome drafted from it). When a topic is done
the validation action moves ``topic`` on and empties both slots, so the form asks the next
question; after the last topic (or on stop, pause or a risk disclosure) the form ends and
``action_finish_topics`` sums up. The validation action decides, for every message, whether
it is an answer or a command (DESIGN §8). Answers and outcome decisions are stored as they
happen, so nothing is lost if the person stops or the conversation breaks off.
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
from bot.coaching.questions import FIRST_TOPIC, next_topic, topic_question
from bot.coaching.reflect import NEUTRAL_REFLECTION
from bot.coaching.risk import detect_risk, signposting
from bot.coaching.summary import empowering_summary, services_summary
from bot.coaching.text import clean
from bot.config import get_settings
from bot.store import repositories

MAX_PROBES = 2
SKIP = frozenset({Turn.SKIP})
# Slots that belong to one topic; emptied when the conversation moves on.
TOPIC_SLOTS = (
    "answer",
    "reflection",
    "affirmation",
    "probe_service",
    "draft_reply",
    "draft_outcome",
    "draft_outcome_id",
    "outcome_why",
    "outcome_help",
    "probe",
)
OUTCOME_STATUS = {"confirmed": "confirmed", "reworded": "confirmed", "dropped": "dropped"}


def _topic(tracker: Tracker) -> str:
    return tracker.get_slot("topic") or FIRST_TOPIC


def _move_on(tracker: Tracker, at_the_end: dict[str, Any] | None = None) -> dict[str, Any]:
    """Slots for the next topic (all of this topic's emptied, so the form asks again), or,
    after the last topic, ``at_the_end`` and the end of the form."""
    following = next_topic(_topic(tracker))
    if following is None:
        return {**(at_the_end or {}), "requested_slot": None}
    cleared = {slot: None for slot in TOPIC_SLOTS}
    return {**cleared, "probe_count": 0, "topic": following}


class ActionAskAnswer(Action):
    """Ask the current topic's question, differently each time it has to be asked again."""

    def name(self) -> str:
        return "action_ask_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = topic_question(
            _topic(tracker),
            tracker.get_slot("probe"),
            int(tracker.get_slot("probe_count") or 0),
            int(tracker.get_slot("visit") or 0),
            tracker.get_slot("probe_service"),
        )
        dispatcher.utter_message(response="utter_topic_question", question=question)
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


class ValidateTopicsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_topics_form"

    def validate_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ""
        turn = interpret_turn(text, *latest_intent(tracker), choices=SKIP)
        attempts = int(tracker.get_slot("probe_count") or 0)
        if turn in (Turn.STOP, Turn.PAUSE):
            log_event("form_ended", tracker, how=turn.value)
            return {"answer": None, "form_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_in_form")
            return {"answer": None, "probe": "help", "probe_count": attempts + 1}
        if turn is Turn.SKIP:
            log_event("skip", tracker, topic=_topic(tracker))
            return _move_on(tracker, {"answer": None})
        question = topic_question(
            _topic(tracker),
            tracker.get_slot("probe"),
            attempts,
            int(tracker.get_slot("visit") or 0),
            tracker.get_slot("probe_service"),
        )
        drafted = draft_answer(question, text)
        key = person_key(tracker)
        if drafted.risk is not None:
            return self._risk(dispatcher, tracker, key, text, drafted.risk.category)

        kind = assess_answer(text)
        # After a few gentle probes, take what the person gives rather than press on.
        if kind is not AnswerKind.FULL and (kind is AnswerKind.EMPTY or attempts < MAX_PROBES):
            log_event("probe", tracker, kind=kind.value)
            return {"answer": None, "probe": kind.value, "probe_count": attempts + 1}

        with store().begin() as session:
            stored = repositories.has_consented(session, key)
            outcome_ids = []
            if stored:
                outcome_ids = repositories.save_answer(
                    session,
                    key,
                    _topic(tracker),
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
                "answer": None,
                "probe": "service",
                "probe_service": drafted.services[0].span.text,
                "probe_count": attempts + 1,
            }
        if not drafted.outcomes:
            # Nothing to confirm: say the person's words back and go on to the next topic.
            if drafted.reflection and drafted.reflection != NEUTRAL_REFLECTION:
                dispatcher.utter_message(response="utter_reflection", reflection=drafted.reflection)
            if drafted.affirmation:
                dispatcher.utter_message(
                    response="utter_affirmation", affirmation=drafted.affirmation
                )
            dispatcher.utter_message(response="utter_no_draft")
            return _move_on(tracker, {"answer": text})
        first = drafted.outcomes[0]
        return {
            "answer": text,
            "draft_outcome": first.statement,
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
                repositories.add_answer(session, key, _topic(tracker), text)
            repositories.flag_risk(session, key)
        log_event("risk", tracker, category=category)
        dispatcher.utter_message(
            response="utter_risk", signposting=signposting(category, get_settings().duty_line)
        )
        return {"answer": None, "form_stopped": "risk", "requested_slot": None}

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
        statement = tracker.get_slot("draft_outcome")
        if turn is Turn.AFFIRM:
            reply = "confirmed"
        elif turn is Turn.DENY:
            reply = "dropped"
        else:
            wording = clean(text)
            if assess_answer(wording) is AnswerKind.EMPTY:
                return {"draft_reply": None, "probe": "reword"}
            # Anything else typed here is the person's own wording of the outcome.
            reply, statement = "reworded", wording
        self._settle(tracker, reply, statement)
        if reply == "dropped":
            dispatcher.utter_message(response="utter_outcome_dropped")
            return _move_on(tracker, {"draft_reply": reply, "draft_outcome": statement})
        dispatcher.utter_message(response="utter_outcome_confirmed")
        # The form asks next why it matters (the recording minimum: what matters, and why).
        return {"draft_reply": reply, "draft_outcome": statement, "probe": None}

    def _follow_up(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[str, dict[str, Any] | None]:
        """What the follow-up questions share: commands, risk, skipping and "don't know".

        Returns the cleaned text, and the slots to return when the answer is not to be kept.
        """
        text = value if isinstance(value, str) else ""
        turn = interpret_turn(text, *latest_intent(tracker), choices=SKIP)
        if turn in (Turn.STOP, Turn.PAUSE):
            return text, {slot: None, "form_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_in_form")
            return text, {slot: None}
        risk = detect_risk(text)
        if risk is not None:
            return text, self._risk(dispatcher, tracker, person_key(tracker), text, risk.category)
        if turn is Turn.SKIP or assess_answer(text) in (AnswerKind.EMPTY, AnswerKind.DONT_KNOW):
            return text, _move_on(tracker, {slot: None})
        return clean(text), None

    def validate_outcome_why(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        why, done = self._follow_up("outcome_why", value, dispatcher, tracker)
        if done is not None:
            return done
        outcome_id = tracker.get_slot("draft_outcome_id")
        if outcome_id is not None:
            with store().begin() as session:
                repositories.set_outcome_why(session, person_key(tracker), int(outcome_id), why)
        log_event("why", tracker, stored=outcome_id is not None)
        dispatcher.utter_message(response="utter_why_thanks")
        return {"outcome_why": why}  # the form asks next what could help

    def validate_outcome_help(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        helps, done = self._follow_up("outcome_help", value, dispatcher, tracker)
        if done is not None:
            return done
        key = person_key(tracker)
        outcome_id = tracker.get_slot("draft_outcome_id")
        with store().begin() as session:
            if repositories.has_consented(session, key):
                repositories.add_help_or_hindrance(
                    session,
                    key,
                    "helps",
                    helps,
                    outcome_id=int(outcome_id) if outcome_id is not None else None,
                )
        log_event("helps", tracker)
        dispatcher.utter_message(response="utter_help_thanks")
        return _move_on(tracker, {"outcome_help": helps})

    @staticmethod
    def _settle(tracker: Tracker, reply: str, statement: str | None) -> None:
        """Store what the person decided about the draft, straight away."""
        outcome_id = tracker.get_slot("draft_outcome_id")
        if outcome_id is None:
            return
        with store().begin() as session:
            repositories.set_outcome_status(
                session,
                person_key(tracker),
                int(outcome_id),
                OUTCOME_STATUS[reply],
                statement if reply == "reworded" else None,
            )
        log_event("outcome", tracker, status=OUTCOME_STATUS[reply])


class ActionFinishTopics(Action):
    """End of the form: the empowering summary, or a kind word if the person stopped."""

    def name(self) -> str:
        return "action_finish_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = person_key(tracker)
        stopped = tracker.get_slot("form_stopped")
        ending = {"pause": "paused", "risk": "paused", "stop": "stopped"}.get(
            stopped or "", "finished"
        )
        with store().begin() as session:
            repositories.finish_conversation(session, key, ending)
            record = repositories.record_as_dict(session, key)
        log_event("form_finished", tracker, ending=ending)

        if stopped == "risk":
            pass  # the signposting was the reply; nothing more is said over it
        elif stopped:
            dispatcher.utter_message(
                response="utter_paused" if stopped == "pause" else "utter_stopped"
            )
        else:
            confirmed = [o["statement"] for o in record["outcomes"] if o["status"] == "confirmed"]
            if not confirmed and tracker.get_slot("draft_reply") in ("confirmed", "reworded"):
                # Nothing is stored without consent; still give the person's words back.
                confirmed = [tracker.get_slot("draft_outcome")]
            for part in empowering_summary(record["strengths"], confirmed, [], record["role"]):
                dispatcher.utter_message(response="utter_summary", summary=part)
            asked_for = services_summary(record["services"])
            if asked_for:
                dispatcher.utter_message(response="utter_summary", summary=asked_for)
            dispatcher.utter_message(response="utter_summary_end")
        resets = [SlotSet(slot, None) for slot in (*TOPIC_SLOTS, "form_stopped")]
        # After a pause /resume carries on at the same topic, or at the next one if this
        # topic's outcome was already settled.
        topic = FIRST_TOPIC
        if stopped in ("pause", "risk"):
            settled = tracker.get_slot("draft_reply") is not None
            topic = (next_topic(_topic(tracker)) if settled else _topic(tracker)) or FIRST_TOPIC
        return [*resets, SlotSet("probe_count", 0), SlotSet("topic", topic)]
