"""Who is speaking: the carer's and worker's questions, reading a role, drafting in voices."""

from __future__ import annotations

import pytest

from bot.coaching.questions import (
    CARER_TOPICS,
    ROLE_TOPICS,
    WORKER_TOPICS,
    next_topic,
    topic_about,
    topic_question,
    whom,
)
from bot.coaching.roles import draft_for_role, read_pronoun, read_role, role_intro


@pytest.mark.parametrize("role", ["self", "carer", "worker"])
def test_every_topic_has_two_different_phrasings_and_the_walk_ends(role) -> None:
    topics = ROLE_TOPICS[role]
    assert len(topics) >= 10
    for topic in topics:
        first = topic_question(topic.key, visit=0, role=role, pronoun="she")
        second = topic_question(topic.key, visit=1, role=role, pronoun="she")
        assert first != second
    seen = [topics[0].key]
    while (following := next_topic(seen[-1], role)) is not None:
        seen.append(following)
    assert seen == [t.key for t in topics]


def test_carers_are_asked_about_their_own_life_caring_and_the_person_cared_for() -> None:
    keys = {t.key for t in CARER_TOPICS}
    assert {"caring_role", "own_life", "cared_for", "future"} <= keys
    assert topic_about("cared_for", "carer") == "cared_for"
    assert topic_about("own_life", "carer") == "self"
    assert topic_about("cared_for", "self") == "self"  # not a topic for the person


@pytest.mark.parametrize(
    ("pronoun", "question"),
    [
        ("she", "When she has a good day, what makes it good?"),
        ("he", "When he has a good day, what makes it good?"),
        ("they", "When they have a good day, what makes it good?"),
        (None, "When they have a good day, what makes it good?"),
    ],
)
def test_worker_questions_are_in_the_third_person_with_the_verbs_agreeing(pronoun, question):
    assert topic_question("good_day", role="worker", pronoun=pronoun) == question


def test_worker_follow_ups_are_about_the_person_too() -> None:
    probe = topic_question("matters_most", "short", 1, role="worker", pronoun="he")
    assert probe.endswith("for him?")
    service = topic_question("best_hope", "service", 1, 0, "a stairlift", role="worker",
                             pronoun="she")  # fmt: skip
    assert service == "If she had the stairlift, what would that make possible for her?"
    assert whom("worker", "he") == "him" and whom("carer") == "you" and whom(None) == "you"
    assert len(WORKER_TOPICS) == len(ROLE_TOPICS["self"])


@pytest.mark.parametrize(
    ("choice", "text", "role"),
    [
        ("carer", '/choose{"choice":"carer"}', "carer"),
        (None, "For me", "self"),
        (None, "my own assessment please", "self"),
        (None, "I'm a carer for my husband", "carer"),
        (None, "I look after my mum", "carer"),
        (None, "I'm her key worker", "worker"),
        (None, "social worker, filling this in with someone I support", "worker"),
        (None, "I'm a student social worker wanting to practise", "practice"),
        (None, "purple elephants", None),
        (None, "/stop", None),
        (None, "", None),
    ],
)
def test_a_role_is_read_from_the_button_or_the_words(choice, text, role) -> None:
    assert read_role(choice, text) == role


@pytest.mark.parametrize(
    ("choice", "text", "pronoun"),
    [("she", "", "she"), (None, "He / him", "he"), (None, "they/them", "they"),
     (None, "her", "she"), (None, "Margaret", None)],
)  # fmt: skip
def test_a_pronoun_is_read_from_the_button_or_the_words(choice, text, pronoun) -> None:
    assert read_pronoun(choice, text) == pronoun


def test_a_worker_is_told_to_quote_the_persons_own_words() -> None:
    intro = role_intro("worker", "he")
    assert "quotation marks" in intro and "his own words" in intro
    assert role_intro("self") is None
    assert "care for" in role_intro("carer")


def test_quotes_are_the_persons_voice_and_notes_the_workers() -> None:
    answer = (
        "She said “I miss having my friends round for tea”. "
        "She wants to go back to the lunch club so she can see her friends."
    )
    drafted = draft_for_role("What matters most to her?", answer, "worker", "matters_most", "she")
    statements = [o.statement for o in drafted.draft.outcomes]
    assert statements[0] == "I miss having my friends round for tea"
    assert drafted.voices[0] == "own" and set(drafted.voices[1:]) == {"worker"}
    assert drafted.draft.affirmation is None
    assert drafted.draft.reflection.startswith("So, in her own words")
    # A service the worker noted is linked to an outcome drafted from the same words.
    for service in drafted.draft.services:
        assert service.for_outcome is None or 0 <= service.for_outcome < len(statements)


def test_a_worker_note_without_quotes_is_kept_as_the_workers() -> None:
    drafted = draft_for_role("q", "He wants to get back to his allotment.", "worker", "enjoy")
    assert drafted.voices == ("worker",) * len(drafted.draft.outcomes)
    assert drafted.draft.reflection == "Thank you, I've kept that as your note."


def test_a_risk_in_a_worker_note_is_still_found() -> None:
    drafted = draft_for_role("q", 'She said "I want to end it all"', "worker", "matters_most")
    assert drafted.draft.risk is not None


def test_a_carer_talking_about_the_person_cared_for_is_not_reflected_as_you() -> None:
    drafted = draft_for_role("q", "Dad wants to stay in his own house", "carer", "cared_for")
    assert drafted.about == "cared_for"
    assert "you care for" in drafted.draft.reflection
    assert "matters to you" not in drafted.draft.reflection


def test_people_named_in_any_answer_are_collected() -> None:
    drafted = draft_for_role("q", "My daughter Sarah and my neighbour Jean", "self", "people")
    assert drafted.people == ("my daughter Sarah", "my neighbour Jean")
