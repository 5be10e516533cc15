"""Reading a review's answers: a rating from 1 to 10, and keep / change / drop."""

from __future__ import annotations

import re

from bot.coaching.text import clean

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER = re.compile(r"\b(10|[1-9])(?:\s*(?:/|out of)\s*10)?\b")
_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_DECISIONS = (
    ("drop", re.compile(r"\b(?:drop|leave it out|remove|delete|no longer|not any more|"
                        r"doesn't matter|forget it|take it off)\b", re.IGNORECASE)),
    ("change", re.compile(r"\b(?:change|chang|reword|different|update|edit|alter|not quite)",
                          re.IGNORECASE)),
    ("keep", re.compile(r"\b(?:keep|yes|still|same|fine|stay|carry on|leave it)\b",
                        re.IGNORECASE)),
)  # fmt: skip


def read_rating(text: str | None) -> int | None:
    """A rating from 1 to 10 in what the person typed ("7", "about a six", "8/10"), or None.

    Two different numbers ("between 5 and 6") give the lower: the person's own caution.
    """
    message = clean(text)
    found = [int(n) for n in _NUMBER.findall(message)]
    found += [_NUMBER_WORDS[w.lower()] for w in _WORD.findall(message)]
    return min(found) if found else None


def read_decision(choice: str | None, text: str | None) -> str | None:
    """keep, change or drop, from a button's choice or the words typed; None if unclear."""
    if choice in ("keep", "change", "drop"):
        return choice
    message = clean(text)
    return next((decision for decision, pattern in _DECISIONS if pattern.search(message)), None)
