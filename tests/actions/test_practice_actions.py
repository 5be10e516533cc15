"""Practice in the conversation: choose a person, talk (each turn coded), scorecard, progress."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import person_key
from bot.actions.practice import (
    ActionAskPracticePersona,
    ActionFinishPractice,
    ActionShowProgress,
    ValidatePracticeForm,
)
from bot.front_ends import typed_to_rasa
from bot.store import repositories as repo
from tests.conftest import make_tracker


def responses(dispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def validate(slot, text, *, sender="trainee", intent="tell", choice=None, **slots):
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "choice", "value": choice}] if choice else None
    tracker = make_tracker(sender, text=text, intent=intent, slots=slots, entities=entities)
    result = getattr(ValidatePracticeForm(), f"validate_{slot}")(text, dispatcher, tracker, {})
    return result, dispatcher


def test_the_people_to_practise_with_are_offered_as_buttons(dispatcher) -> None:
    ActionAskPracticePersona().run(dispatcher, make_tracker(), {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert '/choose{"choice":"iris"}' in payloads and len(payloads) >= 6


def test_choosing_a_person_starts_with_their_situation_and_first_words() -> None:
    result, dispatcher = validate("practice_persona", "/choose", intent="choose", choice="iris")
    assert result == {"practice_persona": "iris", "practice_log": [], "practice_nudges": True}
    assert responses(dispatcher) == ["utter_practice_intro", "utter_persona"]
    assert dispatcher.messages[1]["name"] == "Iris" and dispatcher.messages[1]["line"]
    typed, _ = validate("practice_persona", "I'll try Graham please")
    assert typed["practice_persona"] == "graham"


def test_each_turn_is_coded_answered_and_logged() -> None:
    slots = {"practice_persona": "iris", "practice_log": [], "practice_nudges": True}
    result, dispatcher = validate("practice_turn", "Do you live on your own?", **slots)
    [[text, code]] = result["practice_log"]
    assert (text, code) == ("Do you live on your own?", "closed_question")
    assert responses(dispatcher)[0] == "utter_persona"
    again, dispatcher = validate("practice_turn", "Do you have family nearby?",
                                 **{**slots, "practice_log": result["practice_log"]})  # fmt: skip
    assert len(again["practice_log"]) == 2
    # Two closed questions in a row: a gentle tip follows the persona's reply.
    assert responses(dispatcher) == ["utter_persona", "utter_nudge"]


def test_tips_can_be_switched_off() -> None:
    slots = {"practice_persona": "iris", "practice_log": [], "practice_nudges": True}
    result, dispatcher = validate("practice_turn", "/nudges", intent="nudges", **slots)
    assert result == {"practice_turn": None, "practice_nudges": False}
    assert responses(dispatcher) == ["utter_nudges_off"]
    log = [["Do you live on your own?", "closed_question"]]
    slots = {**slots, "practice_log": log, "practice_nudges": False}
    quiet, dispatcher = validate("practice_turn", "Do you have family nearby?", **slots)
    assert responses(dispatcher) == ["utter_persona"]
    assert len(quiet["practice_log"]) == 2


def test_nudges_off_and_on_say_what_they_mean() -> None:
    off = {"practice_persona": "iris", "practice_log": [], "practice_nudges": False}
    result, dispatcher = validate(
        "practice_turn", typed_to_rasa("/nudges off"), intent="nudges", **off
    )
    assert result["practice_nudges"] is False
    assert responses(dispatcher) == ["utter_nudges_off"]
    result, dispatcher = validate(
        "practice_turn", typed_to_rasa("/nudges on"), intent="nudges", **off
    )
    assert result["practice_nudges"] is True
    assert responses(dispatcher) == ["utter_nudges_on"]


def test_end_gives_the_scorecard_and_keeps_it_for_progress(db) -> None:
    with db.begin() as session:
        repo.record_consent(session, person_key(make_tracker("trainee")))
    result, _ = validate("practice_turn", "/end", intent="end",
                         practice_persona="iris", practice_log=[])  # fmt: skip
    assert result["practice_stopped"] == "end" and result["requested_slot"] is None
    log = [
        ["What's been on your mind since you came home?", "open_question"],
        ["It sounds like the kitchen has become a worrying place.", "complex_reflection"],
    ]
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("trainee", slots={"practice_persona": "iris", "practice_log": log})
        ActionFinishPractice().run(dispatcher, tracker, {})
        said = responses(dispatcher)
        assert said[0] == "utter_scorecard" and said[-1] == "utter_practice_done"
        assert "Iris" in dispatcher.messages[0]["scorecard"]
    with db.begin() as session:
        assert len(repo.practice_scores(session, person_key(make_tracker("trainee")))) == 2
    progress = CollectingDispatcher()
    ActionShowProgress().run(progress, make_tracker("trainee"), {})
    assert progress.messages[0]["progress"]


def test_a_practice_without_consent_is_scored_but_not_kept(db) -> None:
    dispatcher = CollectingDispatcher()
    log = [["How are you finding things at home?", "open_question"]]
    tracker = make_tracker("anon", slots={"practice_persona": "dan", "practice_log": log})
    ActionFinishPractice().run(dispatcher, tracker, {})
    assert responses(dispatcher)[-1] == "utter_practice_done_unsaved"
    with db.begin() as session:
        assert repo.practice_scores(session, person_key(make_tracker("anon"))) == []
