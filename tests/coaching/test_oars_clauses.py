"""OARS coder: where the question sits in a spoken turn. Invented sentences only, no AnnoMI text.

Spoken questions come wrapped in names, asides and afterthoughts ("Sam, if you don't mind me
asking, what would you change, from here on?"); the wh-clause is the question wherever it sits.
A yes/no question rephrased as a wh-question ("Do you have hobbies, like, what do you do?") asks
the wh-question. Requests to "tell us", "talk us through", "I wondered if…" invite elaboration.
"""

from __future__ import annotations

import pytest

from bot.coaching.oars import _wh_clause, code_utterance, features


@pytest.mark.parametrize(
    "text",
    [
        "Sam, if you don't mind me asking, what would you do differently, from here on?",
        "Right, so, Mrs Ali, thinking about the evenings, what tends to happen, once the carers "
        "have gone?",
        "Okay, and your sister, how does she fit into all of this, would you say?",
    ],
)
def test_a_wh_question_between_asides_is_open(text: str) -> None:
    assert code_utterance(text).code == "open_question"


def test_the_wh_clause_need_not_be_the_last_clause() -> None:
    sentence = "sam, if you don't mind me asking, what would you change, from here on?"
    assert _wh_clause(sentence) == ["what", "would", "you", "change"]
    assert _wh_clause("so, from here on, you'd change it?") is None


def test_a_fact_seeking_wh_question_between_asides_stays_closed() -> None:
    text = "Sorry, Dave, how many nights a week are you working, at the moment?"
    assert code_utterance(text).code == "closed_question"


def test_a_wh_question_rephrasing_a_yes_no_one_decides_the_head() -> None:
    feats = features("Do you have much going on outside work, like, what do you do at weekends?")
    assert "q:wh_clause" in feats
    assert "h1:what" in feats
    # A yes/no follow-up keeps the yes/no head.
    feats = features("Do you see your grandson much, like, is he local?")
    assert "q:wh_clause" not in feats
    assert "h1:do" in feats


@pytest.mark.parametrize(
    "text",
    [
        "Tell us a bit about how the week's gone.",
        "Maybe talk us through what happens at teatime.",
        "Maybe we could start with you sharing a little bit about what brought you here today?",
        "I wondered if you could say a bit about how the move has gone.",
    ],
)
def test_requests_to_say_more_are_open_questions(text: str) -> None:
    assert code_utterance(text).code == "open_question"


def test_saying_you_shared_something_is_not_a_request() -> None:
    assert "cue:tellme" not in features("And yet you're sharing with me that it's not a priority.")
