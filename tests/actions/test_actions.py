"""Action tests: Tracker.from_dict + CollectingDispatcher against a real SQLite record."""

from __future__ import annotations

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from bot.actions.base import person_key
from bot.actions.consent import ActionRecordConsent
from bot.actions.topics import (
    ActionAskAnswer,
    ActionAskDraftReply,
    ActionFinishTopics,
    ValidateTopicsForm,
)
from bot.store import repositories as repo
from tests.conftest import make_tracker

DOMAIN: dict = {"forms": {"topics_form": {"required_slots": ["answer", "draft_reply"]}}}


def responses(dispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def record(db, sender: str) -> dict:
    with db.begin() as session:
        return repo.record_as_dict(session, person_key(make_tracker(sender)))


def consent(db, sender: str) -> None:
    with db.begin() as session:
        repo.record_consent(session, person_key(make_tracker(sender)))


def validate(slot: str, text: str, intent="tell", confidence=0.9, sender="p", **slots):
    """Run the form's validation of ``slot`` on a message, as the action server would."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(sender, text=text, intent=intent, confidence=confidence, slots=slots)
    method = getattr(ValidateTopicsForm(), f"validate_{slot}")
    return method(text, dispatcher, tracker, DOMAIN), dispatcher


def validate_answer(text: str, **kwargs):
    return validate("answer", text, **kwargs)


def validate_reply(text: str, **kwargs):
    return validate("draft_reply", text, **kwargs)


def validate_why(text: str, **kwargs):
    return validate("outcome_why", text, **kwargs)


def validate_help(text: str, **kwargs):
    return validate("outcome_help", text, **kwargs)


def test_consent_is_recorded_under_a_pseudonym(db, dispatcher) -> None:
    ActionRecordConsent().run(dispatcher, make_tracker("alice"), {})
    assert responses(dispatcher) == ["utter_consent_thanks"]
    with db.begin() as session:
        assert repo.has_consented(session, person_key(make_tracker("alice")))
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
    consent(db, "cmd")
    result, dispatcher = validate_answer(answer, intent="stop", confidence=0.95, sender="cmd")
    assert result["answer"] == answer
    assert dispatcher.messages == []
    assert [a["text"] for a in record(db, "cmd")["answers"]] == [answer]


@pytest.mark.parametrize(
    ("text", "how"), [("/stop", "stop"), ("stop", "stop"), ("/pause", "pause")]
)
def test_stop_and_pause_end_the_question(db, text, how) -> None:
    result, _ = validate_answer(text, intent=how, confidence=1.0)
    assert result == {"answer": None, "form_stopped": how, "requested_slot": None}


@pytest.mark.parametrize(
    ("text", "probe"),
    [("don't know", "dont_know"), ("family", "short"), ("", "empty"), ("😶", "empty")],
)
def test_thin_answers_get_a_kind_follow_up_not_a_draft(db, text, probe) -> None:
    result, _ = validate_answer(text)
    assert result == {"answer": None, "probe": probe, "probe_count": 1}


def test_after_two_probes_a_short_answer_is_accepted_without_a_draft(db) -> None:
    consent(db, "pat")
    result, _ = validate_answer("family", probe_count=2, sender="pat")
    assert result["topic"] == "good_day" and result["draft_outcome"] is None
    assert [a["text"] for a in record(db, "pat")["answers"]] == ["family"]


def test_empty_is_never_accepted_even_after_probes(db) -> None:
    result, _ = validate_answer("   ", probe_count=5)
    assert result["answer"] is None


def test_help_inside_the_question_explains_and_asks_again(db) -> None:
    result, dispatcher = validate_answer("/help", intent="help", confidence=1.0)
    assert result["answer"] is None and result["probe"] == "help"
    assert responses(dispatcher) == ["utter_help_in_form"]


def test_follow_up_question_differs_from_the_first(dispatcher) -> None:
    ActionAskAnswer().run(dispatcher, make_tracker(slots={"probe_count": 0}), {})
    ActionAskAnswer().run(
        dispatcher, make_tracker(slots={"probe": "dont_know", "probe_count": 1}), {}
    )
    first, second = (m["question"] for m in dispatcher.messages)
    assert first != second
    assert all(m["response"] == "utter_topic_question" for m in dispatcher.messages)


def test_answer_is_stored_at_once_with_a_proposed_draft(db) -> None:
    consent(db, "bob")
    result, _ = validate_answer("I miss my garden and my friends", sender="bob")
    assert result["draft_outcome"] == "I miss my garden and my friends"
    assert isinstance(result["draft_outcome_id"], float)
    stored = record(db, "bob")
    assert stored["answers"][0]["text"] == "I miss my garden and my friends"
    assert stored["outcomes"][0]["status"] == "proposed"


def test_nothing_is_stored_without_consent(db) -> None:
    result, _ = validate_answer("I want to go home", sender="carol")
    assert result["answer"] == "I want to go home"
    assert result["draft_outcome_id"] is None
    assert record(db, "carol")["answers"] == []


def test_draft_is_shown_after_a_reflection_and_affirmation(dispatcher) -> None:
    slots = {
        "answer": "I miss my garden",
        "draft_outcome": "I miss my garden",
        "reflection": "You miss your garden.",
        "affirmation": "You kept it going for years.",
    }
    ActionAskDraftReply().run(dispatcher, make_tracker(slots=slots), {})
    assert responses(dispatcher) == ["utter_reflection", "utter_affirmation", "utter_show_draft"]
    assert dispatcher.messages[0]["reflection"] == "You miss your garden."
    assert dispatcher.messages[2]["draft"] == "I miss my garden"


def test_validation_keeps_reflection_and_affirmation_for_the_draft(db) -> None:
    consent(db, "gus")
    answer = "I was a cook for forty years. I'd like to cook my own dinner again."
    result, _ = validate_answer(answer, sender="gus")
    assert result["draft_outcome"] == "I'd like to cook my own dinner again"
    assert result["reflection"]
    assert result["affirmation"] and "cook" in result["affirmation"].lower()
    stored = record(db, "gus")
    assert stored["strengths"] == ["I was a cook for forty years"]


def test_a_bare_service_request_asks_what_it_would_make_possible(db, dispatcher) -> None:
    consent(db, "hal")
    result, _ = validate_answer("A walk-in shower.", sender="hal")
    assert result["answer"] is None
    assert result["probe"] == "service" and result["probe_service"] == "walk-in shower"
    assert record(db, "hal")["services"] == [{"text": "walk-in shower", "for_outcome": None}]
    ActionAskAnswer().run(dispatcher, make_tracker(slots=result), {})
    assert dispatcher.messages[0]["question"] == (
        "If you had the walk-in shower you mentioned, what would that make possible for you?"
    )


def test_services_are_linked_to_the_outcome_they_serve(db) -> None:
    consent(db, "ivy")
    result, _ = validate_answer("A ramp so I can get to the shops on my own.", sender="ivy")
    assert result["draft_outcome"] == "I want to get to the shops on my own"
    assert record(db, "ivy")["services"] == [
        {"text": "ramp", "for_outcome": "I want to get to the shops on my own"}
    ]


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        ("I don't want to be here any more", "self_harm"),
        ("my son takes my pension and won't let me see my friends", "abuse_neglect"),
    ],
)
def test_risk_stops_drafting_signposts_and_flags(db, answer, category) -> None:
    consent(db, "jo")
    result, dispatcher = validate_answer(answer, sender="jo")
    assert result == {"answer": None, "form_stopped": "risk", "requested_slot": None}
    assert responses(dispatcher) == ["utter_risk"]
    assert "116 123" in dispatcher.messages[0]["signposting"]
    stored = record(db, "jo")
    assert stored["risk_flag"] is True and stored["outcomes"] == []
    assert [a["text"] for a in stored["answers"]] == [answer]


def test_risk_ends_without_a_summary(db, dispatcher) -> None:
    slots = {"form_stopped": "risk"}
    ActionFinishTopics().run(dispatcher, make_tracker("kit", slots=slots), {})
    assert dispatcher.messages == []


def test_reword_asks_for_the_persons_words(dispatcher) -> None:
    tracker = make_tracker(slots={"probe": "reword", "draft_outcome": "x"})
    ActionAskDraftReply().run(dispatcher, tracker, {})
    assert responses(dispatcher) == ["utter_ask_outcome_wording"]


@pytest.mark.parametrize(
    ("text", "intent", "reply"),
    [
        ("/affirm", "affirm", "confirmed"),
        ("yes that's right", "affirm", "confirmed"),
        ("/deny", "deny", "dropped"),
        ("I want to stop worrying about money", "stop", "reworded"),
    ],
)
def test_what_the_person_makes_of_the_draft_moves_on(text, intent, reply) -> None:
    result, dispatcher = validate_reply(
        text, intent=intent, confidence=0.95, topic="best_hope", draft_outcome="I want x"
    )
    if reply == "dropped":
        assert result["topic"] == "good_day"
        assert result["answer"] is None and result["draft_reply"] is None
        assert responses(dispatcher) == ["utter_outcome_dropped"]
    else:  # kept: the form asks why it matters before moving on
        wording = text if reply == "reworded" else "I want x"
        assert result == {
            "draft_reply": reply,
            "draft_outcome": wording,
            "probe": None,
            "settled_outcome_id": None,
        }
        assert responses(dispatcher) == ["utter_outcome_confirmed"]


def test_why_it_matters_is_stored_with_the_outcome_and_the_next_topic_follows(db) -> None:
    slots = _answered(db, "quin")
    validate_reply("/affirm", intent="affirm", sender="quin", **slots)
    result, dispatcher = validate_why(
        "It keeps me busy and I love being outdoors", sender="quin", **slots
    )
    assert result == {"outcome_why": "It keeps me busy and I love being outdoors"}
    assert responses(dispatcher) == ["utter_why_thanks"]
    [outcome] = record(db, "quin")["outcomes"]
    assert outcome["why"] == "It keeps me busy and I love being outdoors"


def test_what_could_help_is_stored_and_the_next_topic_follows(db) -> None:
    slots = _answered(db, "ros")
    result, dispatcher = validate_help("My son could drive me on Saturdays", sender="ros", **slots)
    assert result["topic"] == "good_day" and result["outcome_help"] is None
    assert responses(dispatcher) == ["utter_help_thanks"]
    assert record(db, "ros")["contributions"] == ["My son could drive me on Saturdays"]
    [action] = record(db, "ros")["actions"]
    assert action == {
        "what": "My son could drive me on Saturdays",
        "who": ["my son"],
        "when": "on Saturdays",
        "where": None,
        "for_outcome": "I'd like to cook my own dinner",
    }


@pytest.mark.parametrize(("text", "intent"), [("/skip", "skip"), ("don't know", "tell")])
def test_why_can_be_skipped(db, text, intent) -> None:
    result, dispatcher = validate_why(text, intent=intent, topic="people")
    assert result["topic"] == "enjoy"
    assert dispatcher.messages == []


def test_help_on_the_last_topic_ends_the_form(db) -> None:
    result, _ = validate_help("My daughter, mostly", topic="support_style")
    assert result == {
        "outcome_help": "My daughter, mostly",
        "form_stopped": "done",
        "requested_slot": None,
    }


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("/reword", "reword", {"draft_reply": None, "probe": "reword"}),
        ("/stop", "stop", {"draft_reply": None, "form_stopped": "stop", "requested_slot": None}),
    ],
)
def test_reword_and_stop_on_the_draft(text, intent, expected) -> None:
    result, _ = validate_reply(text, intent=intent, confidence=0.95)
    assert result == expected


def test_empty_rewording_is_asked_again() -> None:
    result, _ = validate_reply("  ", probe="reword")
    assert result == {"draft_reply": None, "probe": "reword"}


def test_skip_moves_to_the_next_topic_without_storing(db) -> None:
    result, _ = validate_answer("/skip", intent="skip", confidence=1.0, topic="people")
    assert result["topic"] == "enjoy" and result["answer"] is None
    assert record(db, "p")["answers"] == []


def test_an_answer_without_an_outcome_is_kept_and_the_next_topic_follows(db) -> None:
    consent(db, "max")
    result, dispatcher = validate_answer(
        "My daughter Ann and my neighbour Sue.", sender="max", topic="people"
    )
    assert result["topic"] == "enjoy" and result["answer"] is None
    assert "utter_no_draft" in responses(dispatcher)
    stored = record(db, "max")
    assert [a["question"] for a in stored["answers"]] == ["people"]
    assert stored["strengths"]


@pytest.mark.parametrize(
    ("text", "intent", "status", "statement"),
    [
        ("/affirm", "affirm", "confirmed", "I'd like to cook my own dinner"),
        ("I want to make my own tea", "tell", "confirmed", "I want to make my own tea"),
        ("/deny", "deny", None, None),
    ],
)
def test_the_drafts_fate_is_stored_at_once(db, text, intent, status, statement) -> None:
    slots = _answered(db, "dan")
    result, _ = validate_reply(text, intent=intent, confidence=0.95, sender="dan", **slots)
    outcomes = record(db, "dan")["outcomes"]
    if status is None:
        assert outcomes == []
    else:
        assert [(o["statement"], o["status"]) for o in outcomes] == [(statement, status)]


def _answered(db, sender: str, answer: str = "I'd like to cook my own dinner") -> dict:
    consent(db, sender)
    result, _ = validate_answer(answer, sender=sender)
    return result


def test_finish_summarises_confirmed_outcomes_strengths_first(db, dispatcher) -> None:
    consent(db, "lou")
    answer = "My daughter pops in every day. I'd like to get back to my garden."
    slots, _ = validate_answer(answer, sender="lou")
    validate_reply("/affirm", intent="affirm", sender="lou", **slots)
    events = ActionFinishTopics().run(dispatcher, make_tracker("lou"), {})
    said = responses(dispatcher)
    assert said[-1] == "utter_summary_end"
    parts = [m["summary"] for m in dispatcher.messages if m.get("response") == "utter_summary"]
    assert "daughter" in parts[0]
    assert "I'd like to get back to my garden" in parts[1]
    assert SlotSet("topic", "best_hope") in events and SlotSet("answer", None) in events


def test_finish_after_stop_says_so_and_keeps_the_answer(db, dispatcher) -> None:
    _answered(db, "erin")
    events = ActionFinishTopics().run(
        dispatcher, make_tracker("erin", slots={"form_stopped": "stop"}), {}
    )
    assert responses(dispatcher) == ["utter_stopped"]
    assert SlotSet("form_stopped", None) in events
    kept = record(db, "erin")
    assert kept["answers"][0]["text"] == "I'd like to cook my own dinner"
    assert kept["outcomes"][0]["status"] == "proposed"


def test_consent_starts_at_the_first_topic_with_a_fresh_phrasing(db, dispatcher) -> None:
    tracker = make_tracker("nia")
    with db.begin() as session:
        repo.record_consent(session, person_key(tracker))
        repo.finish_conversation(session, person_key(tracker))
        repo.open_conversation(session, repo.get_person(session, person_key(tracker)))
        repo.finish_conversation(session, person_key(tracker))
    events = ActionRecordConsent().run(dispatcher, tracker, {})
    assert SlotSet("visit", 1.0) in events and SlotSet("topic", "best_hope") in events


def test_action_server_registers_every_domain_action() -> None:
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    with open("domain.yml") as handle:
        declared = set(yaml.safe_load(handle)["actions"])
    assert declared <= set(executor.actions)


def test_finish_lists_the_services_with_the_outcome_each_is_for(db, dispatcher) -> None:
    consent(db, "sam")
    slots, _ = validate_answer("A ramp so I can get to the shops on my own.", sender="sam")
    validate_reply("/affirm", intent="affirm", sender="sam", **slots)
    ActionFinishTopics().run(dispatcher, make_tracker("sam"), {})
    parts = [m["summary"] for m in dispatcher.messages if m.get("response") == "utter_summary"]
    assert "ramp (for “I want to get to the shops on my own”)" in parts[-1]
