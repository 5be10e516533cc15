"""OARS coder: open and closed questions (issue 7). Invented sentences only, no AnnoMI text.

MITI: a closed question can be answered yes/no or with a short specific fact (how many, when,
which one, "is it X or Y"); an open question invites a range of answers, even in yes/no form
("Could you tell me about…?"). A statement voiced as a question checks a fact, so it is closed.
"""

from __future__ import annotations

import pytest

from bot.coaching.oars import _what_noun, code_utterance, features


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Fact-seeking wh-questions are closed.
        ("How long have you been on the waiting list for a flat?", "closed_question"),
        ("What school does your grandson go to?", "closed_question"),
        ("Um, what bus do you catch to the clinic?", "closed_question"),
        ("Is it the mornings or the evenings when the pain is worse?", "closed_question"),
        # Invitations in yes/no form, "anything else?" and plural "what + noun" are open.
        ("Could you tell me a bit about your week?", "open_question"),
        ("Anything else on your mind?", "open_question"),
        ("What things make the mornings easier?", "open_question"),
        # Multi-question turns: the last question decides.
        ("What happened? Did the police come round?", "closed_question"),
        ("Did you go to the carers' group? What was it like?", "open_question"),
    ],
)
def test_open_and_closed_questions(text: str, code: str) -> None:
    assert code_utterance(text).code == code


@pytest.mark.parametrize(
    "text",
    [
        "So you're back at your nan's now?",
        "And the new flat's on the ground floor?",
        "Okay, so, um, the review's on Monday?",
        "So there are some good things about living with your mum as well?",
    ],
)
def test_a_statement_voiced_as_a_question_is_closed(text: str) -> None:
    assert "q:declarative_mark" in features(text)
    assert code_utterance(text).code == "closed_question"


@pytest.mark.parametrize(
    "text",
    [
        "And you have four or five cans on a Friday.",
        "Okay, and she comes round twice a week",
        "Okay so what you'd like is more help with the evenings",
        "And how you cope is by keeping busy",
    ],
)
def test_a_turn_that_asks_nothing_is_not_a_question(text: str) -> None:
    assert not code_utterance(text).code.endswith("_question")


@pytest.mark.parametrize(
    "text",
    [
        "On a scale of nought to ten, how important is it to you to keep the tenancy?",
        "Right, on a scale from one to ten, where would you put yourself with the drinking?",
    ],
)
def test_a_scaling_question_is_closed(text: str) -> None:
    assert "q:scale" in features(text)
    assert code_utterance(text).code == "closed_question"


def test_a_scale_before_an_open_follow_up_does_not_close_it() -> None:
    text = "You said six out of ten. What makes it a six and not a two?"
    assert "q:scale" not in features(text)
    assert code_utterance(text).code == "open_question"


def test_what_plus_noun_picks_one_item() -> None:
    assert _what_noun(["what", "school", "does", "he", "go", "to"]) == "what_noun"
    assert _what_noun(["what", "things", "would", "help"]) == "what_nouns"
    assert _what_noun(["what", "else", "do", "you", "notice"]) is None
    assert _what_noun(["what", "do", "you", "think"]) is None
