"""Action tests: Tracker.from_dict + CollectingDispatcher against a real SQLite record."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import person_key
from bot.actions.best_hope import ActionAskBestHope, ActionProcessAnswer, ValidateBestHopeForm
from bot.actions.consent import ActionRecordConsent
from bot.actions.drafts import (
    ActionConfirmOutcome,
    ActionDropOutcome,
    ActionSaveReworded,
    ValidateRewordForm,
)
from bot.store import repositories as repo
from tests.conftest import make_tracker

DOMAIN: dict = {"forms": {"best_hope_form": {"required_slots": ["best_hope"]}}}


def responses(dispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def record(db, tracker):
    with db.begin() as session:
        return repo.record_as_dict(session, person_key(tracker))


def validate(text: str, intent: str = "share", confidence: float = 0.9, **slots):
    dispatcher_ = CollectingDispatcher()
    tracker = make_tracker(text=text, intent=intent, confidence=confidence, slots=slots)
    result = ValidateBestHopeForm().validate_best_hope(text, dispatcher_, tracker, DOMAIN)
    return result, dispatcher_


def test_consent_is_recorded_under_a_pseudonym(db, dispatcher) -> None:
    tracker = make_tracker("alice")
    ActionRecordConsent().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_consent_thanks"]
    with db.begin() as session:
        assert repo.has_consented(session, person_key(tracker))
        assert repo.get_person(session, "alice") is None


@pytest.mark.parametrize(
    "answer",
    [
        "I want to quit this job",
        "no, I don't want to talk about my leg",
        "stop the home care, it's rubbish",
    ],
)
def test_answers_that_sound_like_commands_are_kept(db, answer) -> None:
    result, dispatcher = validate(answer, intent="stop", confidence=0.95)
    assert result == {"best_hope": answer, "probe": None, "probe_count": 0}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "how"), [("/stop", "stop"), ("stop", "stop"), ("/pause", "pause")]
)
def test_stop_and_pause_end_the_question(db, text, how) -> None:
    result, _ = validate(text, intent=how, confidence=1.0)
    assert result == {"best_hope": None, "form_stopped": how, "requested_slot": None}


@pytest.mark.parametrize(
    ("text", "probe"),
    [("don't know", "dont_know"), ("family", "short"), ("", "empty"), ("😶", "empty")],
)
def test_thin_answers_get_a_kind_follow_up_not_a_draft(db, text, probe) -> None:
    result, _ = validate(text)
    assert result == {"best_hope": None, "probe": probe, "probe_count": 1}


def test_after_two_probes_a_short_answer_is_accepted(db) -> None:
    result, _ = validate("family", probe_count=2)
    assert result["best_hope"] == "family"


def test_empty_is_never_accepted_even_after_probes(db) -> None:
    result, _ = validate("   ", probe_count=5)
    assert result["best_hope"] is None


def test_help_inside_the_question_explains_and_asks_again(db) -> None:
    result, dispatcher = validate("/help", intent="help", confidence=1.0)
    assert result["best_hope"] is None and result["probe"] == "help"
    assert responses(dispatcher) == ["utter_help_in_form"]


def test_follow_up_question_differs_from_the_first(dispatcher) -> None:
    ActionAskBestHope().run(dispatcher, make_tracker(slots={"probe_count": 0}), {})
    ActionAskBestHope().run(
        dispatcher, make_tracker(slots={"probe": "dont_know", "probe_count": 1}), {}
    )
    first, second = (m["text"] for m in dispatcher.messages)
    assert first != second


def test_answer_is_stored_reflected_and_drafted(db, dispatcher) -> None:
    tracker = make_tracker("bob", slots={"best_hope": "I miss my garden and my friends"})
    with db.begin() as session:
        repo.record_consent(session, person_key(tracker))
    events = ActionProcessAnswer().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_reflection", "utter_show_draft"]
    assert dispatcher.messages[0]["reflection"] == "You miss your garden and your friends."
    assert dispatcher.messages[1]["draft"] == "I miss my garden and my friends"
    assert SlotSet("draft_outcome", "I miss my garden and my friends") in events
    stored = record(db, tracker)
    assert stored["answers"][0]["text"] == "I miss my garden and my friends"
    assert stored["outcomes"][0]["status"] == "proposed"


def test_nothing_is_stored_without_consent(db, dispatcher) -> None:
    tracker = make_tracker("carol", slots={"best_hope": "I want to go home"})
    ActionProcessAnswer().run(dispatcher, tracker, {})
    assert responses(dispatcher)[0] == "utter_reflection"
    assert record(db, tracker)["answers"] == []


def test_stopped_question_says_so_and_resets(db, dispatcher) -> None:
    events = ActionProcessAnswer().run(dispatcher, make_tracker(slots={"form_stopped": "stop"}), {})
    assert responses(dispatcher) == ["utter_stopped"]
    assert SlotSet("form_stopped", None) in events


def _draft_for(db, sender: str) -> tuple:
    tracker = make_tracker(sender, slots={"best_hope": "I'd like to cook my own dinner"})
    with db.begin() as session:
        repo.record_consent(session, person_key(tracker))
    events = ActionProcessAnswer().run(CollectingDispatcher(), tracker, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    slots["best_hope"] = "I'd like to cook my own dinner"
    return slots


def test_confirming_a_draft_saves_it_and_summarises(db, dispatcher) -> None:
    slots = _draft_for(db, "dan")
    tracker = make_tracker("dan", slots=slots, intent="affirm")
    events = ActionConfirmOutcome().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_outcome_confirmed", "utter_summary"]
    assert "cook my own dinner" in dispatcher.messages[1]["outcome_line"]
    assert record(db, tracker)["outcomes"][0]["status"] == "confirmed"
    assert SlotSet("draft_outcome", None) in events


def test_dropping_a_draft_leaves_it_out_of_the_record(db, dispatcher) -> None:
    slots = _draft_for(db, "erin")
    tracker = make_tracker("erin", slots=slots, intent="deny")
    ActionDropOutcome().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_outcome_dropped", "utter_summary"]
    assert record(db, tracker)["outcomes"] == []


def test_typed_new_wording_replaces_the_draft(db, dispatcher) -> None:
    slots = _draft_for(db, "fay")
    tracker = make_tracker("fay", slots=slots, text="I want to make my own tea again")
    ActionSaveReworded().run(dispatcher, tracker, {})
    outcomes = record(db, tracker)["outcomes"]
    assert outcomes == [
        {
            "statement": "I want to make my own tea again",
            "domain": None,
            "why": None,
            "status": "confirmed",
        }
    ]


def test_reword_form_keeps_the_persons_text_and_rejects_empty(db, dispatcher) -> None:
    form = ValidateRewordForm()
    tracker = make_tracker(text="  My own words  ")
    assert form.validate_outcome_wording("  My own words  ", dispatcher, tracker, {}) == {
        "outcome_wording": "My own words"
    }
    assert form.validate_outcome_wording("", dispatcher, make_tracker(text=""), {}) == {
        "outcome_wording": None
    }


def test_action_server_registers_every_domain_action() -> None:
    import yaml
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("bot.actions")
    with open("domain.yml") as handle:
        declared = set(yaml.safe_load(handle)["actions"])
    assert declared <= set(executor.actions)
