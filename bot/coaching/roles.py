"""Drafting for whoever is speaking: the person, a carer, or a worker with someone they support.

A worker's answer mixes the person's own words, which the worker puts in quotation marks, and
the worker's notes. Outcomes drafted from the quotes are the person's voice (``"own"``);
outcomes drafted from the notes stay in the worker's words and are marked ``"worker"``, so a
plan never passes a worker's paraphrase off as what the person said. A carer is asked about
their own life and, in one topic, about the person they care for (``about="cared_for"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.coaching.contracts import AnswerDraft, DraftedOutcome, ServiceRequest, Span
from bot.coaching.drafting import draft_answer
from bot.coaching.people import important_people
from bot.coaching.questions import topic_about
from bot.coaching.risk import detect_risk
from bot.coaching.text import clean
from bot.coaching.voice import pronouns, split_voice

# Words that say who is speaking, when the person types rather than presses a button.
ROLE_WORDS = {
    "practice": r"practi[sc]\w*|student|trainee|training|learning",
    "worker": r"(?:support |social |care |key )?worker|professional|nurse|practitioner|"
    r"someone i support|person i support|on behalf of",
    "carer": r"carer|caring|care for|cared for|look(?:ing)? after|unpaid",
    "self": r"me|myself|mine|my own|own assessment|for me|just me",
}
# "practice" first: "I'm a trainee worker" is practice, not worker mode.
_ROLE_PATTERNS = tuple(
    (role, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for role, pattern in ROLE_WORDS.items()
)


@dataclass(frozen=True)
class RoleDraft:
    """A drafted answer, with whose voice each outcome is in and whom it is about."""

    draft: AnswerDraft
    voices: tuple[str, ...]  # one per outcome: "own" or "worker"
    about: str  # "self" or "cared_for"
    people: tuple[str, ...]


def read_role(choice: str | None, text: str | None) -> str | None:
    """The role picked by a button (``choice``) or typed: self, carer, worker or practice."""
    if choice in ROLE_WORDS:
        return choice
    message = clean(text)
    if message.startswith("/"):
        return None  # a command or a stale button, not a choice
    return next((role for role, pattern in _ROLE_PATTERNS if pattern.search(message)), None)


def read_pronoun(choice: str | None, text: str | None) -> str | None:
    """The pronoun a worker picked for the person: ``"she"``, ``"he"`` or ``"they"``."""
    for candidate in (choice, clean(text)):
        found = pronouns(candidate) if candidate else None
        if found is not None:
            return found.they
    return None


def role_intro(role: str, pronoun: str | None = None) -> str | None:
    """What the bot says once it knows who is speaking (nothing extra for the person)."""
    if role == "carer":
        return (
            "Thank you. I'll ask about your own life and your caring role, and once about "
            "the person you care for."
        )
    if role == "worker":
        chosen = pronouns(pronoun or "they") or pronouns("they")
        return chosen.fill(
            "Thank you. I'll ask about {them} in the third person. When you note something "
            "{they} said, put it in quotation marks, so {their} own words are kept apart "
            "from your notes."
        )
    return None


def draft_for_role(
    question: str,
    answer: str,
    role: str | None,
    topic: str | None,
    pronoun: str | None = None,
) -> RoleDraft:
    """Draft outcomes, services and strengths from an answer, for the role speaking."""
    about = topic_about(topic, role)
    if role != "worker":
        draft = draft_answer(question, answer)
        voices = ("own",) * len(draft.outcomes)
        if about == "cared_for":
            # The carer is speaking about someone else: no "you" reflection or affirmation.
            draft = replace(draft, reflection=_cared_for_reflection(draft), affirmation=None)
        return RoleDraft(draft, voices, about, tuple(important_people(answer)))

    voice = split_voice(answer)
    outcomes: list[DraftedOutcome] = []
    services: list[ServiceRequest] = []
    strengths: list[Span] = []
    voices: list[str] = []
    for words, who in ((" ".join(voice.quotes), "own"), (voice.notes, "worker")):
        if not clean(words):
            continue
        drafted = draft_answer(question, words)
        offset = len(outcomes)
        outcomes += drafted.outcomes
        voices += [who] * len(drafted.outcomes)
        services += [
            replace(s, for_outcome=None if s.for_outcome is None else s.for_outcome + offset)
            for s in drafted.services
        ]
        strengths += drafted.strengths
    draft = AnswerDraft(
        outcomes=outcomes,
        services=services,
        strengths=strengths,
        reflection=_worker_reflection(voice.quotes, pronoun),
        affirmation=None,
        risk=detect_risk(answer),
    )
    return RoleDraft(draft, tuple(voices), about, tuple(important_people(answer)))


def _worker_reflection(quotes: tuple[str, ...], pronoun: str | None) -> str:
    if quotes:
        chosen = pronouns(pronoun or "they") or pronouns("they")
        return f"So, in {chosen.their} own words: “{quotes[0]}”."
    return "Thank you, I've kept that as your note."


def _cared_for_reflection(draft: AnswerDraft) -> str:
    if draft.outcomes:
        return f"So for the person you care for, what matters is: “{draft.outcomes[0].statement}”."
    return "Thank you for telling me about the person you care for."
