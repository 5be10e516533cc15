"""Decide what kind of answer the person gave, before anything is drafted from it."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.coaching.text import clean, words


class AnswerKind(StrEnum):
    EMPTY = "empty"  # nothing, whitespace, emoji or symbols only
    DONT_KNOW = "dont_know"  # "don't know", "not sure", "nothing really"
    SHORT = "short"  # one word: an answer, but too little to draft from
    FULL = "full"


_DONT_KNOW = re.compile(
    r"^(?:(?:i|i'm|im)\s+)?(?:"
    r"(?:really\s+)?(?:do\s*n[o']?t|dont|dunno|don't)\s*know|dunno|no\s+idea|not\s+sure|"
    r"unsure|can'?t\s+(?:think|say)|(?:haven't|have\s+not|havent)\s+(?:a\s+clue|thought)|"
    r"no\s+clue|nothing(?:\s+really)?|not\s+really|nae\s+idea|pass|no\s+comment|"
    r"haven't\s+got\s+a\s+clue|who\s+knows|whatever|no\s+answer"
    r")(?:\s+(?:really|to\s+be\s+honest|tbh|sorry|mate|love|at\s+all|yet|anything|"
    r"otherwise|else|much|either))*[\s.!?…]*$",
    re.IGNORECASE,
)


# The longest answer taken as one: as much as one Telegram message holds. Longer answers
# (pasted letters, or anything sent straight to the REST channel) are not drafted from or
# stored; the person is told so and asked for the main thing.
MAX_ANSWER_CHARS = 4096
# The longest wording of one thing that matters that is kept as it is.
MAX_STATEMENT_CHARS = 500
LONG_ANSWER_REPLY = (
    "That's a lot to take in at once, so I haven't added it to your answers. "
    "Could you tell me the main thing in a few sentences?"
)
LONG_WORDING_REPLY = "That's quite long for one thing that matters — a sentence or two is plenty."


def too_long(text: str | None, limit: int = MAX_ANSWER_CHARS) -> bool:
    """Whether an answer is longer than ``limit`` characters once trimmed."""
    return len((text or "").strip()) > limit


def assess_answer(answer: str | None) -> AnswerKind:
    """Classify a free answer as empty, "don't know", too short to draft from, or full."""
    text = clean(answer)
    tokens = words(text)
    if not tokens:
        return AnswerKind.EMPTY
    if _DONT_KNOW.match(text.lower().replace("’", "'")):
        return AnswerKind.DONT_KNOW
    if len(tokens) < 2:
        return AnswerKind.SHORT
    return AnswerKind.FULL
