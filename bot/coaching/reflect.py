"""Simple reflections: the person's words given back with pronouns and verbs turned."""

from __future__ import annotations

import re

from bot.coaching.text import clean, sentences

# First person → second person. Contractions first, so "I'm" isn't split into "I" + "'m".
_TURNS = {
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "im": "you're",
    "ive": "you've",
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "am": "are",
}
# "I was" → "you were"; "was" alone ("it was lovely") stays.
_WAS_AFTER = {"i", "we"}
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[^A-Za-z]+")
_FILLERS = re.compile(
    r"^(?:(?:well|um+|erm+|er|uh+|hmm+|honestly|so|oh|ah|och|aye|yeah|yes|no|ok|okay|"
    r"i suppose|i guess|i think|to be honest|tbh)[,.!]?\s+)+",
    re.IGNORECASE,
)


def turn_pronouns(text: str) -> str:
    """Turn first-person words into second person: "I miss my garden" → "you miss your garden"."""
    out: list[str] = []
    previous_word = ""
    for token in _TOKEN.findall(text):
        lower = token.lower()
        if not token[0].isalpha():
            out.append(token)
            continue
        if lower == "was" and previous_word in _WAS_AFTER:
            replacement = "were"
        elif lower == "you":
            # The person speaking to the bot: "you" would become "I", which reads oddly
            # in a reflection, so keep the sentence but leave "you" as it is.
            replacement = token
        else:
            replacement = _TURNS.get(lower, token)
        if replacement is not token and token[0].isupper() and lower != "i":
            replacement = replacement[0].upper() + replacement[1:]
        out.append(replacement)
        previous_word = lower
    return "".join(out)


def simple_reflection(answer: str, max_words: int = 30) -> str | None:
    """Reflect the first substantial sentence of an answer back, pronouns turned.

    Returns ``None`` when there is nothing to reflect (empty or no letters).
    """
    text = clean(answer)
    if not re.search(r"[A-Za-z]", text):
        return None
    chosen = next((s for s in sentences(text) if len(s.split()) >= 3), sentences(text)[0])
    chosen = _FILLERS.sub("", chosen).strip() or chosen
    words = chosen.split()
    if len(words) > max_words:
        chosen = " ".join(words[:max_words]).rstrip(",;:") + " …"
    turned = turn_pronouns(chosen).rstrip(" .!?,;:")
    if not turned:
        return None
    turned = turned[0].upper() + turned[1:]
    if not re.search(r"\b(?:you|your|yours|you're|you've|you'd|you'll|yourself)\b", turned, re.I):
        return f"It sounds like {turned[0].lower() + turned[1:]} matters to you."
    return turned if turned.endswith("…") else turned + "."
