"""Statement classifier: outcome, service or other; the outcome's domain; services named.

The trained text classifiers give the kind and domain; two grammatical cues, checked on the
lemmas, settle the cases word counts get wrong: a wish whose object is only a service ("I
want a stairlift", "can we get a hospital bed") is a service request, and an aim with its own
verb ("I want to feel confident enough to go to the day centre") is an outcome even when a
service is named in passing.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from bot.coaching.contracts import DOMAINS, Classification, Kind, Span
from bot.coaching.nlp import get_nlp, services_in
from bot.coaching.text import clean, masked

# Verbs that ask for an input rather than name an aim: "get a ramp", "have more hours".
_INPUT_VERBS = {"get", "have", "need", "want", "like", "arrange", "sort", "give", "provide",
                "put", "fit", "install", "book", "organise", "organize", "send", "refer",
                "apply", "start", "keep", "increase"}  # fmt: skip
_WISH_VERBS = {"want", "like", "love", "need", "wish", "hope", "would", "'d"}
_FILLER = {"a", "an", "the", "some", "more", "any", "another", "new", "proper", "bigger",
           "extra", "few", "little", "bit", "of", "please", "maybe", "perhaps", "just",
           "really", "could", "can", "we", "i", "you", "they", "he", "she", "mum", "dad",
           "my", "her", "his", "our", "their", "be", "is", "to", "for", "me", "him", "us",
           "them", "it", "in", "put", "or", "and", "something", "like", "with", "on", "at",
           "home", "house", "hours", "hour", "day", "days", "week", "weeks", "times", "time",
           "each", "every", "two", "three", "one", "again", "also", "too", "help",
           "referral", "assessment", "there", "here", "now", "soon", "sorted", "fitted",
           "installed", "back", "go", "going", "thanks", "thank"}  # fmt: skip


def _aim_verb(doc: Doc, services: list[SpacySpan]) -> bool:
    """Whether the statement has an aim of its own: "to" + a verb that is not an input verb,
    outside any service span ("I want to feel…", "to be able to walk…")."""
    inside = {t.i for s in services for t in s}
    for token in doc[:-1]:
        following = doc[token.i + 1]
        if (
            token.lower_ == "to"
            and following.i not in inside
            and following.lemma_.lower() not in _INPUT_VERBS
            and following.is_alpha
            and following.lower_ not in {"the", "a", "an", "my", "her", "his", "our", "see"}
        ):
            return True
    return False


def _only_asks_for_a_service(doc: Doc, services: list[SpacySpan]) -> bool:
    """Whether everything outside the service spans is request padding ("can we get a …")."""
    inside = {t.i for s in services for t in s}
    for token in doc:
        if token.i in inside or token.is_punct or token.is_space or token.like_num:
            continue
        word = token.lower_
        if word in _FILLER or word in _WISH_VERBS or token.lemma_.lower() in _INPUT_VERBS:
            continue
        return False
    return True


def _spans(services: list[SpacySpan], text: str, offset: int = 0) -> list[Span]:
    return [Span(text[s.start_char : s.end_char], s.start_char + offset, s.end_char + offset)
            for s in services]  # fmt: skip


def classify_doc(doc: Doc) -> tuple[Kind, str | None, list[SpacySpan]]:
    """Kind, domain and service spans of a processed statement."""
    services = services_in(doc)
    scores = {k: doc.cats.get(k, 0.0) for k in ("outcome", "service", "other")}
    kind: Kind = max(scores, key=scores.__getitem__)  # type: ignore[assignment]
    if kind == "service" and not services:
        # A service request names an input; without one, this is an aim or something else.
        kind = "outcome" if scores["outcome"] >= scores["other"] else "other"
    if services and _only_asks_for_a_service(doc, services):
        kind = "service"
    elif kind == "service" and services and _aim_verb(doc, services):
        kind = "outcome"
    return kind, domain_of(doc) if kind == "outcome" else None, services


def domain_of(doc: Doc) -> str:
    """The most likely Talking Points domain of a processed statement."""
    return max(DOMAINS, key=lambda d: doc.cats.get(d, 0.0))


def classify_statement(text: str) -> Classification:
    """Classify one statement (DESIGN §4 ``coach classify`` contract).

    Offsets of service spans refer to ``text`` exactly as given.
    """
    original = text if isinstance(text, str) else ""
    if not clean(original):
        return Classification(text=original, kind="other", domain=None, services=[])
    doc = get_nlp()(masked(original))  # same length: service offsets still hold
    kind, domain, services = classify_doc(doc)
    return Classification(original, kind, domain, _spans(services, original))
