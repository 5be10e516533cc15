"""Small text helpers shared by the coaching functions."""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters a person's words never need: the zero-width space, word joiner
# and invisible operators, the byte order mark, interlinear annotation marks, and the bidi
# embeddings, overrides and isolates (they can make stored words display in a misleading
# order). The joiners (ZWJ, ZWNJ), the left-to-right and right-to-left marks and emoji tag
# characters are kept: emoji, flags and many scripts need them.
INVISIBLE = frozenset(
    "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\ufff9\ufffa\ufffb"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f"
)
_KEEP_CONTROLS = frozenset("\n\t")
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


def dropped(char: str) -> bool:
    """Whether :func:`plain` drops a character: control characters other than newline and
    tab, lone surrogates and the invisible format characters in ``INVISIBLE``."""
    if char in _KEEP_CONTROLS:
        return False
    return char in INVISIBLE or unicodedata.category(char) in ("Cc", "Cs")


def plain(text: str | None) -> str:
    """What a person typed, safe to store, show and analyse; otherwise exactly as typed.

    ``\\r\\n`` and ``\\r`` become ``\\n``; other control characters (NUL, escape
    sequences' ESC…), lone surrogates (which cannot be stored as UTF-8) and invisible format
    characters go. Letters, emoji, joiners, spacing and line breaks are kept, so unlike
    :func:`clean` this changes nothing a person can see.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text if not dropped(char))


def masked(text: str) -> str:
    """``text`` with what :func:`plain` drops replaced, one for one, so offsets still hold.

    For the language model: control and invisible characters become spaces (they separate
    words, if anything) and lone surrogates U+FFFD, which the tokenizer can encode.
    """
    return "".join(
        ("\ufffd" if unicodedata.category(char) == "Cs" else " ") if dropped(char) else char
        for char in text
    )


def words(text: str) -> list[str]:
    """Alphabetic words in the text, lower-cased (apostrophes kept inside words)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """Split text into sentences (good enough for short conversational answers)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
