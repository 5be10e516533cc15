"""Consent: nothing is stored before the person agrees."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import log_event, person_key, store
from bot.store import repositories


class ActionRecordConsent(Action):
    def name(self) -> str:
        return "action_record_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        with store().begin() as session:
            repositories.record_consent(session, person_key(tracker))
        log_event("consent", tracker)
        dispatcher.utter_message(response="utter_consent_thanks")
        return []
