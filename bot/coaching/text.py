"""Small text helpers shared by the coaching functions."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def clean(text: str | None) -> str:
    """Drop control and zero-width characters, normalise quotes and squeeze whitespace."""
    if not text:
        return ""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in "\n\t":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(char)
    squeezed = re.sub(r"\s+", " ", "".join(kept)).strip()
    return squeezed.replace("’", "'").replace("‘", "'")


def words(text: str) -> list[str]:
    """Alphabetic words in the text, lower-cased (apostrophes kept inside words)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """Split text into sentences (good enough for short conversational answers)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
