"""Short summaries given back at the end of a conversation."""

from __future__ import annotations

import re

from bot.coaching.text import clean

MAX_MESSAGE = 300
MAX_STRENGTHS = 4
_NOTHING_YET = (
    "Thank you for taking the time to talk with me today. There's no rush: we can come back "
    "to what matters to you whenever you're ready."
)
_CLOSING = "You know your own life best, and this is a good place to start from."
_NAME_LIKE = re.compile(r"^[A-Z][a-z]+$")
_LOWER_FIRST = frozenset((
    "your", "you", "you're", "you've", "you'd", "you'll", "the", "a", "an", "our", "my",
    "his", "her", "their", "he", "she", "he's", "she's", "they", "they're", "friends", "folk",
    "people", "good", "lovely", "being", "still", "always", "just", "going", "doing", "getting",
))  # fmt: skip


def _items(values: list[str] | None) -> list[str]:
    """Cleaned, non-empty, without repeats (ignoring case and punctuation), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values or []:
        text = clean(value).rstrip(" .;,:")
        key = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
        if text and key and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def _join(parts: list[str]) -> str:
    """British list style: "a, b and c"; "a; b; and c" when the items have commas or "and"."""
    if len(parts) <= 1:
        return "".join(parts)
    if any("," in p or " and " in p for p in parts):
        return "; ".join(parts[:-1]) + "; and " + parts[-1]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _quote(text: str, limit: int = 200) -> str:
    return f"“{_shorten(text, limit)}”"


def _strength_phrase(strength: str, turn: bool) -> str:
    from bot.coaching.reflect import turn_pronouns

    phrase = turn_pronouns(strength) if turn else strength
    first = phrase.split(" ", 1)[0]
    if first.lower() in _LOWER_FIRST or (first[:1].isupper() and first[1:].islower()
                                         and first.lower() in _LOWER_FIRST):  # fmt: skip
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def _pack(lead: str, parts: list[str], tail: str = "") -> list[str]:
    """Put quoted parts after ``lead`` in as few messages as fit within MAX_MESSAGE."""
    messages: list[str] = []
    current: list[str] = []

    def body(items: list[str]) -> str:
        joined = _join(items)
        return f"{lead}{joined}" + ("" if joined.endswith("…") else ".")

    for part in parts:
        if current and len(body(current + [part]) + tail) > MAX_MESSAGE:
            messages.append(body(current))
            lead, current = "And: ", [part]
        else:
            current.append(part)
    if current:
        last = body(current) + tail
        messages.append(last if len(last) <= MAX_MESSAGE else body(current))
    return [_shorten(m, MAX_MESSAGE) for m in messages]


def empowering_summary(
    strengths: list[str],
    outcomes: list[str],
    next_steps: list[str],
    role: str = "self",
) -> list[str]:
    """A short summary to end on, as a few messages of at most ~300 characters each.

    Strengths come first ("You told me about …"), then what matters, quoting the outcome
    statements in the person's own words, then the next steps in their words, if any.
    ``role`` is ``"self"``, ``"carer"`` (a carer speaking, for themselves or for the person
    they care for) or ``"worker"`` (a worker noting what someone said). Empty lists are
    skipped; with nothing at all, one kind sentence is returned.
    """
    strengths_, outcomes_, steps_ = _items(strengths), _items(outcomes), _items(next_steps)
    worker = role == "worker"
    messages: list[str] = []

    if strengths_:
        shown = [_shorten(_strength_phrase(s, turn=not worker), 90)
                 for s in strengths_[:MAX_STRENGTHS]]  # fmt: skip
        several = len(shown) > 1
        lead = "You told me about " + ("some real strengths: " if several else "a real strength: ")
        if worker:
            lead = "You told me about their strengths: "
            tail = " That's a lot to build on."
        elif role == "carer":
            tail = " That counts for a lot, alongside all the caring you do."
        else:
            tail = " That's a lot to build on." if several else " That's something to build on."
        messages += _pack(lead, shown, tail)

    if outcomes_:
        quoted = [_quote(o) for o in outcomes_]
        if worker:
            lead = "What matters to them, in their words: "
        elif len(outcomes_) == 1:
            lead = "What matters to you, in your own words: "
        else:
            lead = "What matters most to you, in your own words: "
        messages += _pack(lead, quoted)

    if steps_:
        quoted = [_quote(s, 150) for s in steps_]
        lead = "The next steps they chose: " if worker else "Your next steps, as you put them: "
        messages += _pack(lead, quoted)

    if not messages:
        return [_NOTHING_YET]
    closing = (
        "They know their own life best, and this is a good place to start from."
        if worker
        else _CLOSING
    )
    if len(messages[-1]) + 1 + len(closing) <= MAX_MESSAGE:
        messages[-1] = f"{messages[-1]} {closing}"
    else:
        messages.append(closing)
    return messages


def services_summary(services: list[dict]) -> str | None:
    """One message listing what the person asked for, each with the outcome it is for."""
    if not services:
        return None
    parts = []
    for service in services[:3]:
        name = _shorten(service["text"], 50)
        outcome = service.get("for_outcome")
        parts.append(f"{name} (for “{_shorten(outcome, 80)}”)" if outcome else name)
    if len(services) > 3:
        parts.append(f"{len(services) - 3} more")
    return "You also asked about: " + _join(parts) + ". I've noted each of these down."


def notes_summary(notes: list[str]) -> str:
    """One message listing what a worker noted (not the person's own words), kept apart."""
    shown = [f"“{_shorten(note, 120)}”" for note in notes[:3]]
    if len(notes) > 3:
        shown.append(f"{len(notes) - 3} more")
    return "From your own notes, kept apart from their words: " + _join(shown) + "."
