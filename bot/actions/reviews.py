"""Reviews: going back over each confirmed outcome (how close, what helped and hindered,
anything unexpected, keep / change / drop), one outcome after another, in ``review_form``.

The review is stored when the person decides about the outcome, so a review stopped halfway
keeps every outcome already looked at.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import (
    SlotChangesOnlyForm,
    button_choice,
    for_template,
    latest_intent,
    log_event,
    person_key,
    store,
)
from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.reviews import read_decision, read_rating
from bot.coaching.text import clean
from bot.store import repositories

REVIEW_SLOTS = (
    "review_rating",
    "review_helped",
    "review_hindered",
    "review_unexpected",
    "review_decision",
)
REVIEWABLE = ("confirmed", "changed")
DECISION_REPLIES = {
    "keep": "utter_review_keep",
    "change": "utter_review_change",
    "drop": "utter_review_drop",
}


def _to_review(session, key: str) -> list[tuple[int, str]]:
    """(id, statement) of the outcomes to look at again, in the plan's order."""
    record = repositories.record_as_dict(session, key)
    ids = repositories.listed_outcome_ids(session, key)
    return [
        (outcome_id, outcome["statement"])
        for outcome_id, outcome in zip(ids, record["outcomes"], strict=True)
        if outcome["status"] in REVIEWABLE
    ]


def review_intro(count: int) -> str:
    """How a review opens, for one outcome or several."""
    if count == 1:
        return "Let's look again at what matters to you in your plan. Skip anything you like."
    return (
        f"Let's look again at the {count} things that matter to you in your plan, one at a "
        "time. Skip anything you like."
    )


class ActionStartReview(Action):
    """Begin a review at the first confirmed outcome, or say there is nothing to review."""

    def name(self) -> str:
        return "action_start_review"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = person_key(tracker)
        with store().begin() as session:
            outcomes = _to_review(session, key) if repositories.has_consented(session, key) else []
        log_event("review_start", tracker, outcomes=len(outcomes))
        if not outcomes:
            dispatcher.utter_message(response="utter_nothing_to_review")
            return [SlotSet("reviewing", False)]
        dispatcher.utter_message(response="utter_review_intro", intro=review_intro(len(outcomes)))
        outcome_id, statement = outcomes[0]
        # The review slots are already empty (action_finish_review empties them): setting them
        # here would have the form check them as if the person had answered.
        return [
            SlotSet("review_outcome_id", float(outcome_id)),
            SlotSet("review_outcome", for_template(statement)),
            SlotSet("review_stopped", None),
            SlotSet("reviewing", True),
        ]


class ValidateReviewForm(SlotChangesOnlyForm):
    def name(self) -> str:
        return "validate_review_form"

    def _turn(self, text: str, tracker: Tracker, skip: bool = True) -> Turn:
        choices = frozenset({Turn.SKIP}) if skip else frozenset()
        return interpret_turn(text, *latest_intent(tracker), choices=choices)

    def _command(
        self, slot: str, turn: Turn, dispatcher: CollectingDispatcher
    ) -> dict[str, Any] | None:
        if turn in (Turn.STOP, Turn.PAUSE):
            return {slot: None, "review_stopped": turn.value, "requested_slot": None}
        if turn is Turn.HELP:
            dispatcher.utter_message(response="utter_help_review")
            return {slot: None}
        return None

    def validate_review_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value is None:
            return {"review_rating": None}  # nothing said yet: the question is asked
        text = value if isinstance(value, str) else ""
        choice = button_choice(tracker)
        turn = self._turn(text, tracker) if choice is None else Turn.ANSWER
        if (done := self._command("review_rating", turn, dispatcher)) is not None:
            return done
        if turn is Turn.SKIP:
            return {"review_rating": "skipped"}
        rating = read_rating(choice or text)
        if rating is None:
            dispatcher.utter_message(response="utter_rating_unclear")
            return {"review_rating": None}
        return {"review_rating": str(rating)}

    def _free(self, slot: str, value: Any, dispatcher, tracker) -> dict[str, Any]:
        if value is None:
            return {slot: None}
        text = value if isinstance(value, str) else ""
        turn = self._turn(text, tracker)
        if (done := self._command(slot, turn, dispatcher)) is not None:
            return done
        if turn is Turn.SKIP or assess_answer(text) in (AnswerKind.EMPTY, AnswerKind.DONT_KNOW):
            return {slot: "skipped"}
        return {slot: clean(text)}

    def validate_review_helped(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._free("review_helped", value, dispatcher, tracker)

    def validate_review_hindered(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._free("review_hindered", value, dispatcher, tracker)

    def validate_review_unexpected(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._free("review_unexpected", value, dispatcher, tracker)

    def validate_review_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value is None:
            return {"review_decision": None}
        text = value if isinstance(value, str) else ""
        choice = button_choice(tracker)
        turn = self._turn(text, tracker, skip=False) if choice is None else Turn.ANSWER
        if (done := self._command("review_decision", turn, dispatcher)) is not None:
            return done
        decision = read_decision(choice, text)
        if decision is None:
            dispatcher.utter_message(response="utter_decision_unclear")
            return {"review_decision": None}
        key = person_key(tracker)
        kept = {slot: tracker.get_slot(slot) for slot in REVIEW_SLOTS[:4]}
        given = {slot: (None if v in (None, "skipped") else v) for slot, v in kept.items()}
        with store().begin() as session:
            repositories.add_review(
                session,
                key,
                int(tracker.get_slot("review_outcome_id")),
                rating=int(given["review_rating"]) if given["review_rating"] else None,
                helped=given["review_helped"],
                hindered=given["review_hindered"],
                unintended=given["review_unexpected"],
                decision=decision,
            )
            remaining = [
                item
                for item in _to_review(session, key)
                if item[0] > int(tracker.get_slot("review_outcome_id"))
            ]
        log_event("review", tracker, decision=decision, rated=given["review_rating"] is not None)
        dispatcher.utter_message(response=DECISION_REPLIES[decision])
        if not remaining:
            return {"review_decision": decision, "requested_slot": None}
        outcome_id, statement = remaining[0]
        return {
            **{slot: None for slot in REVIEW_SLOTS},
            "review_outcome_id": float(outcome_id),
            "review_outcome": for_template(statement),
        }


class ActionFinishReview(Action):
    """The end of a review: thanks, or a kind word if it was stopped."""

    def name(self) -> str:
        return "action_finish_review"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = tracker.get_slot("review_stopped")
        dispatcher.utter_message(
            response="utter_review_stopped" if stopped else "utter_review_done"
        )
        log_event("review_finished", tracker, stopped=bool(stopped))
        return [
            *(SlotSet(slot, None) for slot in REVIEW_SLOTS),
            SlotSet("review_outcome_id", None),
            SlotSet("review_outcome", None),
            SlotSet("review_stopped", None),
        ]
