"""Consent: nothing is stored before the person agrees."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import log_event, person_key, store
from bot.coaching.questions import FIRST_TOPIC
from bot.store import repositories


class ActionRecordConsent(Action):
    def name(self) -> str:
        return "action_record_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        with store().begin() as session:
            repositories.record_consent(
                session, person_key(tracker), conversation_ref=tracker.sender_id
            )
            visit = repositories.past_conversations(session, person_key(tracker))
        log_event("consent", tracker, visit=visit)
        dispatcher.utter_message(response="utter_consent_thanks")
        # A fresh start: who is speaking is asked again, then the first topic, asked in a way
        # this person hasn't heard before.
        return [
            SlotSet("visit", float(visit)),
            SlotSet("topic", FIRST_TOPIC),
            SlotSet("role", None),
            SlotSet("pronoun", None),
            SlotSet("whom", "you"),
            SlotSet("settled_outcome_id", None),
            SlotSet("interrupted", False),
            SlotSet("consented", True),
        ]


class ActionResume(Action):
    """Carry on where the person left off, if they agreed to their answers being kept."""

    def name(self) -> str:
        return "action_resume"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        with store().begin() as session:
            consented = repositories.has_consented(session, person_key(tracker))
        log_event("resume", tracker, consented=consented)
        if consented:
            dispatcher.utter_message(response="utter_resume")
        # The topic slot still holds where the person paused (action_finish_topics keeps it).
        return [SlotSet("consented", consented)]
