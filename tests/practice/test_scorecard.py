"""The scorecard: MITI 4.2.1-style measures on hand-made transcripts, messages and progress."""

from __future__ import annotations

import json

import pytest

from bot.practice.engine import Turn, start
from bot.practice.personas import get_persona
from bot.practice.scorecard import build_scorecard, compare_progress, score_practice
from tests.practice.transcripts import REFLECTIVE_IRIS, play


@pytest.fixture
def iris():
    return get_persona("iris")


def turns(*codes: str) -> list[Turn]:
    return [Turn(text=f"turn {i}", code=code) for i, code in enumerate(codes)]


def test_counts_and_percentages(iris):
    card = build_scorecard(
        turns("open_question", "open_question", "open_question", "closed_question",
              "simple_reflection", "complex_reflection", "complex_reflection",
              "affirmation", "summary", "advice", "giving_information", "other"),
        iris,
    )  # fmt: skip
    assert card.turns == 12
    assert card.counts["open_question"] == 3 and card.counts["advice"] == 1
    open_q = card.measure("open_questions")
    assert open_q.value == pytest.approx(75.0) and open_q.rating == "good"
    ratio = card.measure("reflection_question_ratio")
    assert ratio.value == pytest.approx(0.75) and ratio.rating == "not yet"
    complex_ = card.measure("complex_reflections")
    assert complex_.value == pytest.approx(200 / 3) and complex_.rating == "good"
    assert card.measure("affirmations").rating == "fair"
    assert card.measure("summaries").rating == "good"
    assert card.measure("advice").rating == "fair"


@pytest.mark.parametrize(
    ("codes", "measure", "rating"),
    [
        # open questions: fair 50 %, good 70 %
        (["open_question"] * 7 + ["closed_question"] * 3, "open_questions", "good"),
        (["open_question"] * 6 + ["closed_question"] * 4, "open_questions", "fair"),
        (["open_question"] * 5 + ["closed_question"] * 5, "open_questions", "fair"),
        (["open_question"] * 4 + ["closed_question"] * 6, "open_questions", "not yet"),
        # reflection to question: fair 1:1, good 2:1
        (["simple_reflection"] * 2 + ["open_question"], "reflection_question_ratio", "good"),
        (["simple_reflection"] * 3 + ["open_question"] * 2, "reflection_question_ratio", "fair"),
        (["simple_reflection"] + ["open_question"], "reflection_question_ratio", "fair"),
        (["simple_reflection"] + ["open_question"] * 2, "reflection_question_ratio", "not yet"),
        (["simple_reflection"], "reflection_question_ratio", "good"),
        (["other"], "reflection_question_ratio", "not rated"),
        # complex reflections: fair 40 %, good 50 %
        (["complex_reflection", "simple_reflection"], "complex_reflections", "good"),
        (["complex_reflection"] * 2 + ["simple_reflection"] * 3, "complex_reflections", "fair"),
        (["complex_reflection"] + ["simple_reflection"] * 2, "complex_reflections", "not yet"),
        (["open_question"], "complex_reflections", "not rated"),
        # house ratings
        (["advice"] * 2, "advice", "not yet"),
        (["affirmation"] * 2, "affirmations", "good"),
        ([], "summaries", "not yet"),
    ],
)
def test_thresholds(iris, codes, measure, rating):
    assert build_scorecard(turns(*codes), iris).measure(measure).rating == rating


def test_uncovered_and_missed_outcomes_use_the_statements(iris):
    card = build_scorecard(turns("open_question"), iris, revealed=["steady"])
    assert card.uncovered == (("steady", iris.outcome("steady").statement),)
    assert [i for i, _ in card.missed] == ["kitchen", "lunch_club"]


def test_best_turns_prefer_complex_reflections_found_strengths_and_revealing_questions(iris):
    transcript = [
        Turn("Do you cook?", "closed_question"),
        Turn("What's the kitchen like now?", "open_question"),
        Turn("What matters to you most?", "open_question", revealed=("kitchen",)),
        Turn("You're amazing.", "affirmation"),
        Turn("You've kept at your exercises every day.", "affirmation", strengths=("determined",)),
        Turn("It's like you've lost part of who you are.", "complex_reflection"),
        Turn("You should get a stool.", "advice"),
    ]
    card = build_scorecard(transcript, iris)
    assert [b.index for b in card.best_turns] == [3, 5, 6]
    assert "uncovered" in card.best_turns[0].why
    assert all(b.text != "You're amazing." for b in card.best_turns)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["advice", "advice", "open_question"], "hold back advice"),
        (["closed_question"] * 4 + ["simple_reflection"] * 8, "yes-or-no"),
        (["open_question", "closed_question", "simple_reflection"], "reflection before"),
        (
            ["open_question"] + ["simple_reflection"] * 2 + ["affirmation"] * 2 + ["summary"],
            "complex reflections",
        ),
        (["open_question"] + ["complex_reflection"] * 2 + ["summary"], "strength"),
    ],
)
def test_one_suggestion_for_the_weakest_area(iris, codes, expected):
    assert expected in build_scorecard(turns(*codes), iris).suggestion


def test_all_good_and_all_found_suggests_a_stretch(iris):
    codes = ["open_question"] + ["complex_reflection"] * 2 + ["affirmation"] * 2 + ["summary"]
    card = build_scorecard(turns(*codes), iris, revealed=["kitchen", "steady", "lunch_club"])
    assert "more guarded" in card.suggestion
    card = build_scorecard(turns(*codes), iris, revealed=["kitchen"])
    assert "open question on that topic" in card.suggestion


def test_a_real_practice_scores_and_renders(iris):
    practice, _ = play(start(iris, seed=3), REFLECTIVE_IRIS)
    card = score_practice(practice)
    assert len(card.uncovered) == 3 and card.missed == ()
    data = card.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["schema"] == "outcomes-coach/practice-score@1"
    assert data["measures"]["open_questions"]["rating"] == "good"
    messages = card.messages()
    assert 3 <= len(messages) <= 6
    assert messages[-1] == card.suggestion


def test_messages_are_short_with_one_question_at_most(iris):
    long_question = "What " + "really " * 60 + "matters? And what else? And why?"
    transcript = [Turn(long_question, "open_question", revealed=("kitchen",))] * 3 + [
        Turn("What about your friends at church?", "open_question", revealed=("lunch_club",)),
        Turn("How does that feel?", "open_question"),
    ]
    for card in (build_scorecard(transcript, iris), build_scorecard([], iris)):
        for message in card.messages():
            assert len(message) <= 600 and message.count("?") <= 1, message


def card_dict(iris, codes, revealed=()):
    return build_scorecard(turns(*codes), iris, revealed=list(revealed)).as_dict()


def test_progress_says_what_improved_and_what_slipped(iris):
    first = card_dict(iris, ["closed_question"] * 3 + ["open_question", "advice", "advice"])
    second = card_dict(iris, ["open_question"] * 3 + ["closed_question", "simple_reflection",
                                                      "complex_reflection", "affirmation"],
                       revealed=["kitchen"])  # fmt: skip
    progress = compare_progress([first, second])
    text = " ".join(progress.improved)
    assert "open questions from 25 % to 75 %" in text
    assert "reflections to questions from 0.0 : 1 to 0.5 : 1" in text
    assert "advice or fixing from 2 to 0" in text
    assert "affirmations from 0 to 1" in text
    assert "hidden outcomes uncovered from 0% to 33%" in text
    assert progress.slipped == ()
    assert progress.message.startswith("Compared with your last practice, you improved")
    assert len(progress.message) <= 600 and "?" not in progress.message

    back = compare_progress([first, second, first])
    assert back.improved == () and "open questions from 75 % to 25 %" in back.slipped
    assert "held steady" in back.message and "Worth another look" in back.message


def test_progress_needs_two_practices(iris):
    assert compare_progress([]).improved == ()
    assert "another practice" in compare_progress([card_dict(iris, ["other"])]).message
