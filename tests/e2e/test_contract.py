"""Contract: the Rasa 3.6 server and this rasa-sdk exchange actions, buttons and slots."""

from __future__ import annotations

import httpx
import pytest
import rasa_sdk

pytestmark = pytest.mark.e2e


def test_action_server_lists_our_actions(bot) -> None:
    url = f"http://127.0.0.1:{bot.settings.action_port}/actions"
    names = {a["name"] for a in httpx.get(url, timeout=10).json()}
    assert {"action_ask_draft_reply", "validate_topics_form"} <= names
    assert rasa_sdk.__version__.startswith("3.")


def test_custom_action_messages_buttons_and_slot_events_round_trip(bot) -> None:
    sender = "contract-1"
    bot.begin(sender)
    replies = bot.say(sender, "I'd like to cook my own dinner again")
    # A response sent by a custom action with a template variable and buttons:
    draft = replies[-1]
    assert draft["text"].startswith("Here's what I've written down")
    assert "I'd like to cook my own dinner again" in draft["text"]
    assert [b["title"] for b in draft["buttons"]] == [
        "Yes, that's right",
        "Change the words",
        "Leave it out",
    ]

    events = bot.tracker_events(sender)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["answer"] == "I'd like to cook my own dinner again"
    assert slots["draft_outcome"] == "I'd like to cook my own dinner again"
    assert isinstance(slots["draft_outcome_id"], float)
    actions = [e.get("name") for e in events if e["event"] == "action"]
    # The form runs its ask actions itself; the tracker shows the form action each turn.
    assert actions.index("action_record_consent") < actions.index("topics_form")
    assert actions.count("topics_form") == 3  # consent, who this is for, the answer
    # An entity from a button payload reached the action server and set the slot.
    assert slots["role"] == "self" and slots["whom"] == "you"
    assert [e.get("name") for e in events if e["event"] == "active_loop"] == ["topics_form"]

    # Slots set by one SDK call are read back by the next: confirming settles the draft the
    # validation stored, and the form moves on to the next topic.
    saved = bot.texts(sender, "/affirm")
    assert saved == ["Lovely, I've saved that.", "Why does that matter to you?"]
    assert bot.texts(sender, "/skip") == ["When you have a good day, what makes it good?"]
    events = bot.tracker_events(sender)
    topics = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "topic"]
    assert topics[-1] == "good_day"
    assert bot.export("rest", sender)["outcomes"][0]["status"] == "confirmed"

    summary = bot.texts(sender, "/stop")
    assert "stop there" in summary[0]
    events = bot.tracker_events(sender)
    assert [e.get("name") for e in events if e["event"] == "active_loop"] == [
        "topics_form",
        None,
    ]
    drafts = [e for e in events if e["event"] == "slot" and e["name"] == "draft_outcome"]
    assert drafts[-1]["value"] is None  # cleared by action_finish_topics
