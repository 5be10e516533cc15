"""Shared transcripts for the practice tests."""

from __future__ import annotations

from bot.practice.engine import Practice, respond


def play(practice: Practice, turns: list[tuple[str, str]]) -> tuple[Practice, list]:
    """Run trainee turns (text, code) through the engine; the practice and every reply."""
    replies = []
    for text, code in turns:
        practice, reply = respond(practice, text, code)
        replies.append(reply)
    return practice, replies


REFLECTIVE_IRIS = [
    ("What's a good day in the kitchen like for you?", "open_question"),
    ("Cooking is how you make this house a home, and losing that has really hurt.",
     "complex_reflection"),
    ("How have you been feeling on your feet since the fall?", "open_question"),
    ("You've stuck at those exercises every morning. That takes real determination.",
     "affirmation"),
    ("Holding on to the worktop makes you feel you're not steady yet.", "simple_reflection"),
    ("What do you miss most about your week, with friends and getting out?", "open_question"),
    ("You really miss the company at church, and the part you played in it.",
     "complex_reflection"),
    ("So the kitchen, feeling steady, and your friends at church all matter.", "summary"),
]  # fmt: skip
