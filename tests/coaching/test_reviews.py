"""Reading ratings and decisions typed during a review."""

from __future__ import annotations

import pytest

from bot.coaching.reviews import read_decision, read_rating


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("7", 7),
        ("about a six", 6),
        ("8/10", 8),
        ("10 out of 10!", 10),
        ("somewhere between 5 and 6", 5),
        ("Ten", 10),
        ("not sure", None),
        ("", None),
        ("0", None),
        ("11", None),
    ],
)
def test_ratings_are_read_from_numbers_or_words(text, rating) -> None:
    assert read_rating(text) == rating


@pytest.mark.parametrize(
    ("choice", "text", "decision"),
    [
        ("keep", "", "keep"),
        (None, "yes keep it", "keep"),
        (None, "I'd like to change the words", "change"),
        (None, "drop it, it doesn't matter now", "drop"),
        (None, "purple", None),
    ],
)
def test_decisions_are_read_from_buttons_or_words(choice, text, decision) -> None:
    assert read_decision(choice, text) == decision
