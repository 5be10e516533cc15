"""Outcome drafter: from a question and a free answer, outcomes in the person's own words.

Each sentence of the answer is classified (outcome / service / other). Outcome sentences
become statements with as few changes as possible: fillers trimmed, a fragment given a first
person frame only where the words support it ("Getting back to work" → "I want to get back to
work"), a purpose clause used when the sentence asks for a service ("a ramp so I can get to
the shops" → "I want to get to the shops"), and service names kept out. Services are listed
apart, each linked to the outcome it serves where the answer says so. Nothing is invented:
"don't know", "nothing really" or a bare request give no outcome.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.classify import classify_doc
from bot.coaching.contracts import AnswerDraft, DraftedOutcome, ServiceRequest, Span
from bot.coaching.nlp import get_nlp
from bot.coaching.text import clean

_LEADING = re.compile(
    r"^(?:(?:well|um+|erm+|er|uh+|honestly|so|oh|och|aye|yeah|yes|no|ok|okay|and|but|just|"
    r"really|maybe|perhaps|probably|i suppose|i guess|i think|to be honest|tbh|then|also|"
    r"mainly|mostly|basically|ideally|hopefully)[,.!]?\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[,\s]+(?:really|to be honest|tbh|lol|i suppose|i guess|i think|like|really|"
    r"if i can|if possible|that's all|that's it|anyway))+\s*$",
    re.IGNORECASE,
)
_PURPOSE = re.compile(
    r"\bso (?:that )?(?P<who>i|we|she|he|they|mum|dad)\s+"
    r"(?:can|could|'d|would|will|might)\s+(?P<aim>.+)$",
    re.IGNORECASE,
)
_TO_FRAGMENT = re.compile(r"^to\s+(?P<rest>\w.+)$", re.IGNORECASE)
_WISH_START = re.compile(
    r"^(?:i|we|he|she|they|mum|dad|mr\.? \w+|mrs\.? \w+|ms\.? \w+|miss \w+)\b"
    r"|^(?:\w+ )?(?:would|wants?|wishes|hopes|likes?|needs?)\b",
    re.IGNORECASE,
)
_MIN_WORDS = 2


def _tidy(text: str) -> str:
    text = _LEADING.sub("", text.strip())
    text = _TRAILING.sub("", text).strip().rstrip(" .!?,;:-–—")
    return text[:1].upper() + text[1:] if text else text


def _frame(sentence: Doc) -> str:
    """Give a fragment a first-person frame when, and only when, its words allow it."""
    text = _tidy(sentence.text)
    if not text:
        return ""
    fragment = _TO_FRAGMENT.match(text)
    if fragment:  # "To get back to my walking football"
        return f"I want to {fragment.group('rest')}"
    first = next((t for t in sentence if t.is_alpha and t.lower_ not in _FILLER_WORDS), None)
    if first is not None and first.lower_.endswith("ing") and first.lemma_.lower() != first.lower_:
        # "Getting back to work" → "I want to get back to work"
        start = text.lower().find(first.lower_)
        if start == 0:
            return f"I want to {first.lemma_.lower()}{text[len(first.text) :]}"
    return text


_FILLER_WORDS = {"well", "honestly", "just", "really", "maybe", "and", "so", "oh", "yeah"}


def _without_services(statement: str, services: list[str]) -> str:
    """Drop the clauses of a statement that name a service, keeping the person's aim."""
    if not services:
        return statement
    lowered = [s.lower() for s in services]
    purpose = _PURPOSE.search(statement)
    if purpose and any(s in statement[: purpose.start()].lower() for s in lowered):
        aim = purpose.group("aim").rstrip(" .!?")
        who = purpose.group("who").lower()
        subject = "I" if who == "i" else purpose.group("who")
        verb = "want" if who in {"i", "we", "they"} else "wants"
        statement = f"{subject} {verb} to {aim}"
    pieces = re.split(r"(,\s*|\s+(?:so|and then|then|but|because|so that)\s+)", statement)
    kept = []
    for piece in pieces:
        if any(s in piece.lower() for s in lowered):
            continue
        kept.append(piece)
    rebuilt = "".join(kept).strip(" ,;")
    rebuilt = re.sub(r"(?:\s+(?:so|and then|then|but|because|so that))+$", "", rebuilt).strip(" ,")
    if len(re.findall(r"[A-Za-z']+", rebuilt)) >= _MIN_WORDS and rebuilt != statement:
        return _tidy(rebuilt)
    # The service is the object of the aim itself ("go to the day centre"): drop that phrase.
    for service in sorted(services, key=len, reverse=True):
        pattern = re.compile(
            r"\s*\b(?:to|at|in|into|from|with|for)?\s*(?:the|a|an|my|our|his|her|some)?\s*"
            + re.escape(service) + r"\b", re.IGNORECASE,
        )  # fmt: skip
        statement = pattern.sub("", statement)
    return _tidy(statement)


def draft_answer(question: str, answer: str) -> AnswerDraft:
    """Draft outcomes, services and strengths from one answer (``coach draft`` contract)."""
    from bot.coaching.reflect import affirmation, reflect
    from bot.coaching.risk import detect_risk
    from bot.coaching.strengths import find_strengths

    text = answer if isinstance(answer, str) else ""
    risk = detect_risk(text) if clean(text) else None
    reflection = reflect(text)
    if risk is not None or not clean(text):
        return AnswerDraft([], [], [], reflection, None, risk)

    nlp = get_nlp()
    doc = nlp(text)
    sentences = [s for s in doc.sents if s.text.strip()]
    # Classify each sentence on its own: one answer often mixes a problem, a request and an aim.
    sentence_docs = list(nlp.pipe(s.text for s in sentences))
    drafted: list[tuple[int, DraftedOutcome]] = []
    services: list[tuple[int, Span]] = []
    substantial = assess_answer(text) is AnswerKind.FULL
    for index, (sentence, sentence_doc) in enumerate(zip(sentences, sentence_docs, strict=True)):
        kind, domain, spans = classify_doc(sentence_doc)
        offset = sentence.start_char
        names = [sentence_doc.text[s.start_char : s.end_char] for s in spans]
        for span in spans:
            start = offset + span.start_char
            services.append((index, Span(text[start : offset + span.end_char], start,
                                         offset + span.end_char)))  # fmt: skip
        if kind != "outcome" or not substantial:
            continue
        statement = _without_services(_frame(sentence_doc), names)
        if len(re.findall(r"[A-Za-z']+", statement)) < _MIN_WORDS:
            continue
        drafted.append((index, DraftedOutcome(statement, domain)))

    outcomes = [o for _, o in drafted]
    requests = [ServiceRequest(span, _serves(index, drafted)) for index, span in services]
    strengths = find_strengths(text)
    return AnswerDraft(outcomes, requests, strengths, reflection, affirmation(text, strengths))


def _serves(sentence_index: int, drafted: list[tuple[int, DraftedOutcome]]) -> int | None:
    """Which outcome a service serves: one in the same sentence, else the next sentence,
    else the previous one, else the only outcome there is."""
    positions = [index for index, _ in drafted]
    for candidate in (sentence_index, sentence_index + 1, sentence_index - 1):
        if candidate in positions:
            return positions.index(candidate)
    return 0 if len(drafted) == 1 else None
