"""Bad input at the actions, on SQLite and PostgreSQL: what is stored, what is said, what is not.

The REST channel hands the actions whatever was posted, so these go through the validation
action directly, with the record on both back ends (PostgreSQL refuses NUL in text).
"""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import for_template, person_key
from bot.actions.data import ActionDeleteData
from bot.actions.topics import ActionAskDraftReply, ValidateTopicsForm
from bot.coaching.answers import LONG_ANSWER_REPLY, LONG_WORDING_REPLY, MAX_ANSWER_CHARS
from bot.store import repositories as repo
from tests.conftest import make_tracker

SELF = {"role": "self", "topic": "best_hope", "whom": "you"}


def validate(slot: str, text: str, *, sender: str, intent: str = "tell", **slots):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(sender, text=text, intent=intent, confidence=0.9, slots=slots)
    result = getattr(ValidateTopicsForm(), f"validate_{slot}")(text, dispatcher, tracker, {})
    return result, dispatcher


def consent(db, sender: str) -> None:
    with db.begin() as session:
        repo.record_consent(session, person_key(make_tracker(sender)))


def record(db, sender: str) -> dict:
    with db.begin() as session:
        return repo.record_as_dict(session, person_key(make_tracker(sender)))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("I want\x00 to see my sister again", "I want to see my sister again"),
        ("I want \ud83d to see my sister again", "I want  to see my sister again"),
        ("\u202eI want to see my sister\u200b again\x1b", "I want to see my sister again"),
        (
            "I want to see my sister again\r\nand my son",
            "I want to see my sister again\nand my son",
        ),
    ],
    ids=["nul", "lone-surrogate", "bidi-zero-width-escape", "crlf"],
)
def test_answers_are_stored_without_what_cannot_be_stored_or_seen(db, typed, kept) -> None:
    consent(db, "dirty")
    result, dispatcher = validate("answer", typed, sender="dirty", **SELF)

    assert result["answer"] == kept
    assert record(db, "dirty")["answers"][0]["text"] == kept
    [outcome] = record(db, "dirty")["outcomes"]
    assert outcome["statement"] == " ".join(kept.split())


def test_a_too_long_answer_is_not_stored_and_the_person_is_told(db) -> None:
    consent(db, "long")
    typed = "I love my garden and my cat. " * (MAX_ANSWER_CHARS // 20)

    result, dispatcher = validate("answer", typed, sender="long", **SELF)

    assert result == {"answer": None}
    assert [m.get("text") for m in dispatcher.messages] == [LONG_ANSWER_REPLY]
    assert record(db, "long")["answers"] == [] and record(db, "long")["outcomes"] == []


def test_an_answer_at_the_limit_is_still_taken(db) -> None:
    consent(db, "limit")
    typed = ("I love my garden and my cat. " * 200)[:MAX_ANSWER_CHARS]

    result, _ = validate("answer", typed, sender="limit", **SELF)

    assert result["answer"] == typed
    assert [o["statement"] for o in record(db, "limit")["outcomes"]] == [
        "I love my garden and my cat"  # said 140 times, drafted once
    ]


def test_a_risk_in_a_too_long_answer_is_never_missed(db) -> None:
    consent(db, "long-risk")
    typed = "I love my garden. " * 300 + "My husband hits me and I am scared to go home."

    result, dispatcher = validate("answer", typed, sender="long-risk", **SELF)

    assert result["form_stopped"] == "risk"
    assert [m.get("response") for m in dispatcher.messages] == ["utter_risk"]
    assert record(db, "long-risk")["risk_flag"] is True


def test_a_too_long_rewording_is_not_kept(db) -> None:
    consent(db, "wording")
    slots = {**SELF, "draft_outcome": "I want to garden", "draft_outcome_id": None}

    result, dispatcher = validate("draft_reply", "I want to " + "garden " * 100, sender="wording",
                                  **slots)  # fmt: skip

    assert result == {"draft_reply": None, "probe": "reword"}
    assert [m.get("text") for m in dispatcher.messages] == [LONG_WORDING_REPLY]


@pytest.mark.parametrize("slot", ["outcome_why", "outcome_help"])
def test_too_long_follow_up_answers_are_asked_again(db, slot) -> None:
    consent(db, "follow")
    result, dispatcher = validate(slot, "Because " + "it matters " * 500, sender="follow", **SELF)

    assert result == {slot: None}
    assert [m.get("text") for m in dispatcher.messages] == [LONG_ANSWER_REPLY]


@pytest.mark.parametrize("typed", ["/{x}", "/ {", "/"])
def test_a_slash_with_no_command_is_taken_as_an_answer(typed) -> None:
    result, dispatcher = validate("answer", typed, sender="slash", **SELF)

    assert result["answer"] is None and result["probe"] in ("empty", "short")


def test_the_persons_0_bracket_cannot_break_a_template() -> None:
    # Rasa would send "{reflection}" itself if "0[" appeared in the filled text.
    assert for_template("I scored 10[ish] and {0[x]}") == "I scored 10\u2060[ish] and {0\u2060[x]}"
    dispatcher = CollectingDispatcher()
    slots = {**SELF, "reflection": "You said 0[", "draft_outcome": "I want 0[ back", "probe": None}
    ActionAskDraftReply().run(dispatcher, make_tracker(slots=slots), {})
    filled = [v for m in dispatcher.messages for k, v in m.items() if k in ("reflection", "draft")]
    assert filled == ["You said 0\u2060[", "I want 0\u2060[ back"]


def _delete_tracker(sender: str, events: list[dict], intent: str = "affirm") -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "/affirm", "intent": {"name": intent, "confidence": 1.0}},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def _asked_then(answer_intent: str, asked: str = "utter_ask_delete") -> list[dict]:
    return [
        {"event": "user", "text": "/delete", "parse_data": {"intent": {"name": "delete"}}},
        {"event": "action", "name": asked},
        {"event": "bot", "text": "Erase everything I keep about you…?"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/affirm", "parse_data": {"intent": {"name": answer_intent}}},
    ]


@pytest.mark.parametrize(
    ("events", "intent"),
    [
        ([], "affirm"),  # a yes nobody asked for
        (_asked_then("affirm", asked="utter_ask_restart"), "affirm"),  # a yes to something else
        (_asked_then("deny"), "deny"),
        (_asked_then("affirm")[:-1] + [{"event": "user"}] * 2, "affirm"),  # asked two turns ago
    ],
    ids=["unasked", "other-question", "no", "stale"],
)
def test_erasure_without_a_yes_to_the_question_asks_again_and_erases_nothing(
    db, events, intent
) -> None:
    consent(db, "keep")
    dispatcher = CollectingDispatcher()

    result = ActionDeleteData().run(dispatcher, _delete_tracker("keep", events, intent), {})

    assert result == [FollowupAction("utter_ask_delete")]
    assert dispatcher.messages == []
    assert record(db, "keep")["consented_at"] is not None


def test_erasure_after_a_yes_to_the_question_erases(db) -> None:
    consent(db, "erase")
    dispatcher = CollectingDispatcher()

    ActionDeleteData().run(dispatcher, _delete_tracker("erase", _asked_then("affirm")), {})

    assert dispatcher.messages[0]["response"] == "utter_deleted"
    assert record(db, "erase")["consented_at"] is None
