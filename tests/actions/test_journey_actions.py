"""Action tests for who is speaking (self, carer, worker), corrections, restart and data rights."""

from __future__ import annotations

import json

import pytest
from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import data
from bot.actions.base import person_key
from bot.actions.topics import (
    ActionAskAnswer,
    ActionAskConfirm,
    ActionFinishTopics,
    ValidateTopicsForm,
)
from bot.front_ends import document_in, wants_erasure
from bot.store import repositories as repo
from tests.conftest import make_tracker

DOMAIN: dict = {}


def responses(dispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def record(db, sender: str) -> dict:
    with db.begin() as session:
        return repo.record_as_dict(session, person_key(make_tracker(sender)))


def consent(db, sender: str) -> None:
    with db.begin() as session:
        repo.record_consent(session, person_key(make_tracker(sender)))


def validate(slot, text, *, intent="tell", confidence=0.9, sender="p", choice=None, **slots):
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "choice", "value": choice}] if choice else None
    tracker = make_tracker(
        sender, text=text, intent=intent, confidence=confidence, slots=slots, entities=entities
    )
    method = getattr(ValidateTopicsForm(), f"validate_{slot}")
    return method(text, dispatcher, tracker, DOMAIN), dispatcher


async def required(**slots) -> list[str]:
    domain_slots = ["confirm", "role", "pronoun", "answer", "draft_reply"]
    return await ValidateTopicsForm().required_slots(
        domain_slots, CollectingDispatcher(), make_tracker(slots=slots), DOMAIN
    )


# --- who is speaking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "choice", "role"),
    [
        ('/choose{"choice":"carer"}', "carer", "carer"),
        ("it's for me", None, "self"),
        ("I look after my mum", None, "carer"),
        ("I'm her support worker", None, "worker"),
    ],
)
def test_the_role_is_read_from_a_button_or_words_and_stored(db, text, choice, role) -> None:
    consent(db, "r")
    result, _ = validate("role", text, intent="choose", choice=choice, sender="r")
    assert result["role"] == role and result["topic"] == "best_hope"
    if role != "worker":  # a worker is asked for the pronoun before anything is stored
        assert record(db, "r")["role"] == role


def test_a_role_known_from_before_a_pause_is_kept_quietly() -> None:
    # On /resume the form checks slots it already has; the last message is "/resume".
    result, dispatcher = validate("role", "carer", intent="resume", confidence=1.0, role="carer")
    assert result == {"role": "carer"} and dispatcher.messages == []
    result, dispatcher = validate(
        "pronoun", "he", intent="resume", confidence=1.0, role="worker", pronoun="he"
    )
    assert result == {"pronoun": "he"} and dispatcher.messages == []


def test_an_unclear_role_is_asked_again() -> None:
    result, dispatcher = validate("role", "purple elephants")
    assert result == {"role": None}
    assert responses(dispatcher) == ["utter_role_unclear"]


def test_practising_hands_over_and_ends_the_preparation(db) -> None:
    result, _ = validate("role", '/choose{"choice":"practice"}', choice="practice")
    assert result["form_stopped"] == "practice" and result["requested_slot"] is None
    finished = CollectingDispatcher()
    events = ActionFinishTopics().run(
        finished, make_tracker(slots={"form_stopped": "practice"}), {}
    )
    assert finished.messages == []
    assert events[-1] == FollowupAction("practice_form")  # who to practise with comes next


async def test_only_a_worker_is_asked_for_a_pronoun_and_confirm_only_when_needed() -> None:
    assert await required(role="self") == ["role", "answer", "draft_reply"]
    assert "pronoun" in await required(role="worker")
    assert (await required(role="self", confirming="start_again"))[0] == "confirm"
    # An ending asks for nothing more, so rasa_sdk ends the form instead of asking again.
    assert await required(role="self", form_stopped="stop") == []


def test_a_worker_picks_a_pronoun_and_questions_use_it(db) -> None:
    consent(db, "w")
    result, dispatcher = validate(
        "pronoun", '/choose{"choice":"she"}', intent="choose", choice="she", sender="w",
        role="worker",
    )  # fmt: skip
    assert result == {"pronoun": "she", "whom": "her"}
    assert "quotation marks" in dispatcher.messages[0]["intro"]
    stored = record(db, "w")
    assert (stored["role"], stored["pronoun"]) == ("worker", "she")
    asked = CollectingDispatcher()
    slots = {"role": "worker", "pronoun": "she", "topic": "matters_most"}
    ActionAskAnswer().run(asked, make_tracker(slots=slots), {})
    assert asked.messages[0]["question"] == "What matters most to her just now?"


def test_a_worker_quotes_are_the_persons_words_and_notes_stay_apart(db) -> None:
    consent(db, "w2")
    slots = {"role": "worker", "pronoun": "he", "topic": "matters_most"}
    answer = 'He said "I want to see my grandson play football". He wants to walk without a frame.'
    result, _ = validate("answer", answer, sender="w2", **slots)
    assert result["draft_outcome"] == "I want to see my grandson play football"
    assert "his own words" in result["reflection"]
    assert result["affirmation"] is None
    voices = {o["statement"]: o["voice"] for o in record(db, "w2")["outcomes"]}
    assert voices == {
        "I want to see my grandson play football": "own",
        "He wants to walk": "worker",
    }


def test_a_carer_speaking_of_the_person_cared_for_is_marked_so(db) -> None:
    consent(db, "c")
    slots = {"role": "carer", "topic": "cared_for"}
    result, _ = validate("answer", "Mum wants to stay in her own home", sender="c", **slots)
    assert result["draft_outcome"]
    assert "person you care for" in result["reflection"]
    [outcome] = record(db, "c")["outcomes"]
    assert outcome["about"] == "cared_for"


def test_carers_are_asked_the_carers_questions(dispatcher) -> None:
    ActionAskAnswer().run(
        dispatcher, make_tracker(slots={"role": "carer", "topic": "best_hope"}), {}
    )
    assert "carer" in dispatcher.messages[0]["question"]


# --- what an answer tells the plan ------------------------------------------------------------


def test_people_and_what_gets_in_the_way_are_kept(db) -> None:
    consent(db, "pp")
    answer = "The stairs, and my daughter Sarah lives too far away to help."
    validate("answer", answer, sender="pp", topic="in_the_way")
    stored = record(db, "pp")
    assert stored["hinders"] == [answer]
    assert any("daughter Sarah" in person for person in stored["people"])


def test_what_helped_before_is_kept_as_a_help(db) -> None:
    consent(db, "hb")
    answer = "Going to the lunch club on Tuesdays really helped me."
    validate("answer", answer, sender="hb", topic="helped_before", probe_count=2)
    assert record(db, "hb")["helps"] == [answer]


# --- corrections ------------------------------------------------------------------------------


def _confirmed(db, sender: str) -> dict:
    consent(db, sender)
    slots, _ = validate("answer", "I'd like to cook my own dinner", sender=sender)
    result, _ = validate("draft_reply", "/affirm", intent="affirm", sender=sender, **slots)
    return {**slots, **result}


def test_a_correction_on_the_draft_becomes_the_persons_wording(db) -> None:
    consent(db, "k1")
    slots, _ = validate("answer", "I'd like to cook my own dinner", sender="k1")
    result, _ = validate(
        "draft_reply", "no, I meant I want to bake bread again", intent="deny", sender="k1",
        **slots,
    )  # fmt: skip
    assert result["draft_reply"] == "reworded"
    assert result["draft_outcome"] == "I want to bake bread again"
    assert record(db, "k1")["outcomes"][0]["statement"] == "I want to bake bread again"


def test_a_correction_after_the_draft_was_settled_changes_it(db) -> None:
    slots = _confirmed(db, "k2")
    assert slots["settled_outcome_id"] is not None
    result, dispatcher = validate(
        "outcome_why", "no, I meant I want to bake bread again", intent="deny", sender="k2",
        **slots,
    )  # fmt: skip
    assert result["outcome_why"] is None  # why is asked again, about the corrected words
    assert responses(dispatcher) == ["utter_outcome_corrected"]
    [outcome] = record(db, "k2")["outcomes"]
    assert (outcome["statement"], outcome["status"]) == ("I want to bake bread again", "confirmed")


def test_a_correction_at_the_next_question_changes_the_settled_outcome(db) -> None:
    slots = _confirmed(db, "k3")
    next_topic = {"topic": "good_day", "settled_outcome_id": slots["settled_outcome_id"]}
    result, _ = validate("answer", "sorry, I meant bake my own bread", sender="k3", **next_topic)
    assert result == {"answer": None}
    stored = record(db, "k3")
    assert stored["outcomes"][0]["statement"] == "bake my own bread"
    assert len(stored["answers"]) == 1  # the correction is not a new answer


# --- restart, delete and the person's data inside a question -----------------------------------


@pytest.mark.parametrize(
    ("typed", "intent", "confirming", "question"),
    [
        ("/start_again", "start_again", "start_again", "utter_ask_restart"),
        ("/restart", "restart", "start_again", "utter_ask_restart"),
        ("/delete", "delete", "delete", "utter_ask_delete"),
    ],
)
def test_restart_and_delete_ask_for_a_yes_first(db, typed, intent, confirming, question) -> None:
    result, _ = validate("answer", typed, intent=intent, confidence=1.0)
    assert result == {"answer": None, "confirming": confirming}
    asked = CollectingDispatcher()
    ActionAskConfirm().run(asked, make_tracker(slots={"confirming": confirming}), {})
    assert responses(asked) == [question]


def test_no_to_restart_carries_on_with_the_same_question(db) -> None:
    result, dispatcher = validate(
        "confirm", "/deny", intent="deny", confirming="start_again", topic="enjoy"
    )
    assert result == {"confirm": None, "confirming": None}
    assert responses(dispatcher) == ["utter_carry_on"]


def test_yes_to_restart_starts_again_at_who_this_is_for(db) -> None:
    slots = _confirmed(db, "rs")
    result, _ = validate(
        "confirm", "/affirm", intent="affirm", sender="rs",
        **{**slots, "confirming": "start_again", "topic": "enjoy", "role": "self"},
    )  # fmt: skip
    assert result["role"] is None and result["topic"] == "best_hope"
    assert result["confirming"] is None and result["settled_outcome_id"] is None
    assert record(db, "rs")["outcomes"][0]["status"] == "confirmed"  # kept, as promised


def test_yes_to_delete_erases_the_record_and_asks_for_the_conversation_to_go(db) -> None:
    slots = _confirmed(db, "del")
    result, dispatcher = validate(
        "confirm", "/affirm", intent="affirm", sender="del", **{**slots, "confirming": "delete"}
    )
    assert result["form_stopped"] == "deleted" and result["requested_slot"] is None
    assert responses(dispatcher)[0] == "utter_deleted"
    assert any(wants_erasure({"custom": m.get("custom")}) for m in dispatcher.messages)
    with db.begin() as session:
        assert repo.get_person(session, person_key(make_tracker("del"))) is None
    finished = CollectingDispatcher()
    events = ActionFinishTopics().run(finished, make_tracker(slots={"form_stopped": "deleted"}), {})
    assert events == [AllSlotsReset()] and finished.messages == []


def test_plan_inside_a_question_is_shown_then_the_question_is_asked_again(db) -> None:
    slots = _confirmed(db, "pl")
    settled = slots["settled_outcome_id"]
    result, dispatcher = validate(
        "answer", "/plan", intent="plan", confidence=1.0, sender="pl", topic="good_day",
        settled_outcome_id=settled,
    )  # fmt: skip
    assert result == {"answer": None}
    shown = " ".join(m["plan"] for m in dispatcher.messages if m.get("response") == "utter_plan")
    assert "I'd like to cook my own dinner" in shown
    [pdf] = [document_in(m) for m in dispatcher.messages if document_in(m)]
    assert pdf[0] == "my-plan.pdf" and pdf[1].startswith(b"%PDF")


# --- the person's data outside a question ------------------------------------------------------


def test_share_gives_a_code_that_opens_the_record_and_unshare_cancels_it(db, dispatcher) -> None:
    consent(db, "sh")
    data.share_code(dispatcher, make_tracker("sh"))
    [message] = dispatcher.messages
    assert message["response"] == "utter_share_code"
    with db.begin() as session:
        assert repo.person_for_share_code(session, message["code"]) == person_key(
            make_tracker("sh")
        )
    data.unshare(dispatcher, make_tracker("sh"))
    assert responses(dispatcher)[-1] == "utter_unshared"
    with db.begin() as session:
        assert repo.person_for_share_code(session, message["code"]) is None


def test_no_share_code_without_consent(db, dispatcher) -> None:
    data.share_code(dispatcher, make_tracker("nobody"))
    assert responses(dispatcher) == ["utter_nothing_kept"]
    with db.begin() as session:
        assert repo.get_person(session, person_key(make_tracker("nobody"))) is None


def test_mydata_sends_everything_held_as_a_file(db, dispatcher) -> None:
    _confirmed(db, "md")
    data.my_data(dispatcher, make_tracker("md"))
    assert responses(dispatcher)[0] == "utter_my_data"
    document = document_in({"custom": dispatcher.messages[1]["custom"]})
    assert document is not None
    filename, content = document
    held = json.loads(content)
    assert filename.endswith(".json")
    assert held["record"]["outcomes"][0]["statement"] == "I'd like to cook my own dinner"
    assert held["record"]["answers"][0]["text"] == "I'd like to cook my own dinner"
    assert isinstance(held["conversation"], list)


def test_plan_without_confirmed_outcomes_says_so(db, dispatcher) -> None:
    consent(db, "empty")
    data.show_plan(dispatcher, make_tracker("empty"))
    assert responses(dispatcher) == ["utter_plan_empty"]


def test_consent_resets_who_is_speaking(db, dispatcher) -> None:
    from bot.actions.consent import ActionRecordConsent

    events = ActionRecordConsent().run(
        dispatcher, make_tracker("again", slots={"role": "carer"}), {}
    )
    assert SlotSet("role", None) in events and SlotSet("whom", "you") in events


def test_the_data_summary_says_what_is_kept_in_plain_words() -> None:
    from bot.actions.data import data_summary

    record = {"outcomes": [{}], "answers": [{}, {}], "reviews": [],
              "shares": [{"uses": [{}, {}]}]}  # fmt: skip
    summary = data_summary(record)
    assert summary.startswith("Here's everything I keep about you")
    assert "1 thing that matters" in summary and "2 answers" in summary
    assert "1 share code (opened 2 times)" in summary
    assert len(summary) <= 600 and summary.count("?") == 0
