"""A first, honest outcome draft: the person's own words, never invented.

This is the simple drafter of the walking skeleton; the spaCy drafter replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.text import clean, sentences

_WISH = re.compile(
    r"\b(?:i|we)\s*(?:would|'d|really|just|so|do)?\s*"
    r"(?P<verb>want|wants|wish|hope|need|love|like|would\s+like|'d\s+like|would\s+love|'d\s+love)"
    r"\s+(?:to\s+)?(?P<rest>.+)",
    re.IGNORECASE,
)
_ABLE = re.compile(r"\b(?:to\s+)?be\s+able\s+to\s+(?P<rest>.+)", re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:(?:well|um+|erm+|honestly|so|oh|och|aye|yeah|yes|no|ok|okay|just|really|to be honest)"
    r"[,.!]?\s+)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Draft:
    """An outcome statement in the person's words, and the sentence it came from."""

    statement: str
    source: str


def _tidy(text: str) -> str:
    text = text.strip().rstrip(" .!?,;:")
    return text[0].upper() + text[1:] if text else text


def draft_outcome(answer: str) -> Draft | None:
    """Draft one first-person outcome statement from a free answer, or ``None``.

    Keeps the person's words: a wish ("I'd like to get back to my garden") is kept as
    it is; otherwise the most substantial first-person sentence is used unchanged.
    Answers that are empty, "don't know" or a single word give no draft.
    """
    if assess_answer(answer) is not AnswerKind.FULL:
        return None
    text = clean(answer)
    candidates = [_LEADING.sub("", s).strip() for s in sentences(text)]
    candidates = [c for c in candidates if len(c.split()) >= 2]
    if not candidates:
        return None
    for sentence in candidates:
        able = _ABLE.search(sentence)
        if able:
            return Draft(_tidy(f"I want to be able to {able.group('rest')}"), sentence)
        wish = _WISH.search(sentence)
        if wish and len(wish.group("rest").split()) >= 1:
            return Draft(_tidy(sentence[wish.start() :]), sentence)
    first_person = [c for c in candidates if re.search(r"\b(?:i|i'm|my|me|we|our)\b", c, re.I)]
    chosen = max(first_person or candidates, key=lambda s: len(s.split()))
    return Draft(_tidy(chosen), chosen)
