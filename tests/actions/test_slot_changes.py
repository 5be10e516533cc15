"""Forms send Rasa only the slots a turn changes, and the conversation's state is the same."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import changed_slots_only
from bot.actions.topics import ValidateTopicsForm
from tests.actions.test_actions import consent

DOMAIN: dict = {"forms": {"topics_form": {"required_slots": ["answer", "draft_reply"]}}}


def applied(slots: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slot values after ``events``, as Rasa would apply them."""
    state = dict(slots)
    for event in events:
        if event["event"] == "reset_slots":
            state = dict.fromkeys(state)
        elif event["event"] == "slot":
            state[event["name"]] = event["value"]
    return state


def test_unchanged_slots_are_left_out_and_changes_kept() -> None:
    slots = {"probe": None, "topic": "home", "probe_count": 0}
    events = [SlotSet("probe", None), SlotSet("topic", "people"), SlotSet("probe_count", 0)]
    assert changed_slots_only(events, slots) == [SlotSet("topic", "people")]


def test_the_requested_slot_and_the_candidates_are_always_sent() -> None:
    slots = {"requested_slot": "answer", "answer": "my garden", "whom": "you"}
    events = [SlotSet("answer", "my garden"), SlotSet("whom", "you"),
              SlotSet("requested_slot", "answer")]  # fmt: skip
    kept = changed_slots_only(events, slots, keep={"answer"})
    assert kept == [SlotSet("answer", "my garden"), SlotSet("requested_slot", "answer")]


def test_a_slot_set_twice_is_judged_against_its_value_at_that_point() -> None:
    slots = {"probe": None}
    events = [SlotSet("probe", "why"), SlotSet("probe", None), SlotSet("probe", None)]
    kept = changed_slots_only(events, slots)
    assert kept == events[:2]  # set, then cleared: both change it; the third does not
    assert applied(slots, kept) == applied(slots, events)


def test_nothing_is_left_out_after_a_reset() -> None:
    slots = {"topic": "home", "probe": None}
    events = [SlotSet("probe", None), AllSlotsReset(), SlotSet("topic", "home")]
    assert changed_slots_only(events, slots) == events[1:]


def test_other_events_and_unknown_slots_pass_through() -> None:
    events = [ActionExecuted("utter_x"), SlotSet("new_slot", None)]
    assert changed_slots_only(events, {"topic": None}) == events


def form_turn(sender: str, text: str, slots: dict[str, Any]) -> Tracker:
    """The tracker Rasa sends to validate a form answer: the candidate SlotSet comes last."""
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": {**slots, "answer": text, "requested_slot": "answer"},
        "latest_message": {"text": text, "intent": {"name": "tell", "confidence": 0.9},
                           "entities": []},
        "events": [ActionExecuted("action_listen"),
                   {"event": "user", "text": text, "parse_data": {}},
                   SlotSet("requested_slot", "answer"), ActionExecuted("topics_form"),
                   SlotSet("answer", text)],
        "paused": False, "followup_action": None,
        "active_loop": {"name": "topics_form"}, "latest_action_name": "topics_form",
    })  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fewer"),
    [("I'd love to get back to my allotment", True), ("a walk-in shower", False),
     ("pass", False), ("not sure", False)],
)  # fmt: skip
def test_a_form_turn_ends_in_the_same_state_with_fewer_events(db, text: str, fewer) -> None:
    consent(db, "slots")
    slots = {"topic": "enjoy", "whom": "you", "probe_count": 0, "probe": None,
             "reflection": None, "affirmation": None, "draft_outcome": None,
             "draft_reply": None, "outcome_why": None, "outcome_help": None,
             "probe_service": None, "draft_outcome_id": None, "form_stopped": None,
             "role": "self", "pronoun": None, "confirming": None}  # fmt: skip
    before = {**slots, "answer": text, "requested_slot": "answer"}
    form = ValidateTopicsForm()

    async def both() -> tuple[list, list]:
        everything = await FormValidationAction.run(
            form, CollectingDispatcher(), form_turn("slots", text, copy.deepcopy(slots)), DOMAIN
        )
        consent(db, "slots-2")
        changes = await form.run(
            CollectingDispatcher(), form_turn("slots-2", text, copy.deepcopy(slots)), DOMAIN
        )
        return everything, changes

    everything, changes = asyncio.run(both())
    # Two people, so two records: only the ids of their drafts differ.
    ids = ("draft_outcome_id", "settled_outcome_id")
    with_changes, with_everything = applied(before, changes), applied(before, everything)
    for state in (with_changes, with_everything):
        for name in ids:
            state[name] = state.get(name) is not None
    assert with_changes == with_everything
    assert changes[0] == SlotSet("answer", changes[0]["value"])  # the candidate goes back
    requested = [e for e in everything if e.get("name") == "requested_slot"]
    assert [e for e in changes if e.get("name") == "requested_slot"] == requested
    assert len(changes) <= len(everything)
    if fewer:  # drafting an outcome re-sets slots that are already clear
        assert len(changes) < len(everything)
