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
from bot.coaching.classify import classify_doc, domain_of
from bot.coaching.contracts import AnswerDraft, DraftedOutcome, ServiceRequest, Span
from bot.coaching.nlp import get_nlp
from bot.coaching.reflect import affirmation, reflect
from bot.coaching.risk import detect_risk
from bot.coaching.strengths import find_strengths
from bot.coaching.text import clean, masked

_LEADING = re.compile(
    r"^(?:(?:(?:yes|no|aye|yeah|nah|ok|okay)\s*[,.!?]|well|um+|erm+|er|uh+|honestly|so|oh|och|"
    r"and|but|just|really|maybe|perhaps|probably|i suppose|i guess|i think|to be honest|tbh|"
    r"then|also|mainly|mostly|basically|ideally|hopefully)[,.!?]?\s+)+",
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
_MIN_WORDS = 2
# "…so I can sleep a full night", "then I could get to the shops", "if it eased I could grip
# the kettle": the aim behind a request or a problem, in the person's words.
_AIM_CLAUSE = re.compile(
    r"\b(?:so (?:that )?|then |and )?(?P<who>i|we)\s+(?:can|could|'d be able to|would be able to)"
    r"\s+(?:maybe |actually |finally |still |then )?(?P<aim>[a-z].+?)\s*(?:[.!?]|$)",
    re.IGNORECASE,
)
_WISH = re.compile(
    r"\b(?:i|we)\s*(?:'d|would|really|just|do|so)?\s*(?:like|love|want|wish|hope|need)\s+"
    r"(?:\w+\s+){0,3}?to\s+\w",
    re.IGNORECASE,
)
# Verbs that open an aim fragment: "go to the gym", "see my daughter", "have a laugh".
_AIM_VERBS = frozenset(
    {
        "get",
        "go",
        "see",
        "have",
        "be",
        "do",
        "make",
        "keep",
        "stay",
        "wake",
        "walk",
        "visit",
        "cook",
        "spend",
        "feel",
        "live",
        "work",
        "learn",
        "play",
        "watch",
        "read",
        "sleep",
        "find",
        "eat",
        "meet",
        "move",
        "manage",
        "look",
        "enjoy",
        "come",
        "sit",
        "take",
        "bake",
        "dance",
        "swim",
        "drive",
        "garden",
        "sing",
        "know",
        "stop",
        "start",
        "talk",
        "build",
        "earn",
        "save",
        "pay",
        "travel",
    }
)


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
    if first is None or not text.lower().startswith(first.lower_):
        return text
    rest = text[len(first.text) :]
    if first.lower_.endswith("ing") and _lemma(first) != first.lower_:
        return f"I want to {_lemma(first)}{rest}"  # "Getting back to work"
    if first.lower_ in _AIM_VERBS and first.lower_ not in _NOT_FRAMED:
        return f"I want to {first.lower_}{rest}"  # "Go to the gym"
    return text


# Verbs that open a fragment without making it an aim said in the infinitive.
_NOT_FRAMED = {"be", "have", "know", "stop"}

_FILLER_WORDS = {"well", "honestly", "just", "really", "maybe", "and", "so", "oh", "yeah"}


def _lemma(token) -> str:
    """The lookup lemma of a word, whatever its case ("Getting" → "get")."""
    lemma = token.lemma_.lower()
    if lemma == token.lower_ and token.text != token.lower_:
        table = _lemma_table()
        lemma = table.get(token.lower_, token.lower_) if table is not None else lemma
    return lemma


def _lemma_table():
    nlp = get_nlp()
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lookups = nlp.get_pipe("lemmatizer").lookups
    return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None


_VERB_LIKE = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "'s",
        "'re",
        "'m",
        "can",
        "could",
        "would",
        "will",
        "should",
        "might",
        "must",
        "'d",
        "'ll",
        "want",
        "wants",
        "like",
        "likes",
        "love",
        "loves",
        "need",
        "needs",
        "wish",
        "hope",
    ]
)
_NOUN_OPENERS = {"a", "an", "the", "my", "our", "some", "his", "her", "their"}


def _bare_noun_phrase(sentence: Doc) -> bool:
    """ "A cuppa and a bit of peace", "The dog": a thing or a person named, no aim said.

    Naming what or who matters is not yet an outcome; drafting one would invent the aim.
    """
    words = [t for t in sentence if t.is_alpha or t.lower_ in _VERB_LIKE]
    if not words or words[0].lower_ not in _NOUN_OPENERS:
        return False
    return not any(
        t.lower_ in _VERB_LIKE
        or t.lower_ in _AIM_VERBS
        or (t.lower_.endswith(("ing", "ed")) and _lemma(t) != t.lower_)
        for t in words
    )


def _aim_fragment(sentence: Doc) -> bool:
    """Whether a sentence is an aim said as a fragment: "Getting back to work", "To see my
    sister", "go to the gym", "No rushing" — the usual shape of an answer about a good day."""
    words = [t for t in sentence if t.is_alpha and t.lower_ not in _FILLER_WORDS]
    if not words:
        return False
    first = words[0]
    if first.lower_ == "to" and len(words) > 1:
        return True
    following = sentence[first.i + 1].lower_ if first.i + 1 < len(sentence) else ""
    if following in {"n't", "not", "nae"}:  # "Haven't had one in ages": a problem, not an aim
        return False
    if first.lower_ in {"no", "not", "less", "more", "never"} and len(words) <= 4:
        return True
    if first.lower_ in {"that", "if"} and len(words) >= 4:  # "That my son has a friend"
        return True
    if first.lower_.endswith("ing") and _lemma(first) != first.lower_:
        return True
    return first.lower_ in _AIM_VERBS and first.i == words[0].i and len(words) >= 2


_PERSON_ROLE = re.compile(
    r"(?:carers?|workers?|nurses?|staff|assistants?|helpers?|befrienders?|advocates?|"
    r"\bpas?\b|therapists?|counsell?ors?|sitters?|drivers?|cleaners?|officers?|mentors?)$",
    re.IGNORECASE,
)


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
    # The service is part of the aim itself. People who provide it become "people" ("the
    # same two carers keep coming" → "the same two people keep coming"); a place or thing is
    # dropped with its preposition ("go to the day centre on my own" → "go on my own").
    for service in sorted(services, key=len, reverse=True):
        where = statement.lower().find(service.lower())
        asked_for = re.search(r"\b(?:own|a|an|new|another|more)\s*$", statement[: max(where, 0)])
        if _PERSON_ROLE.search(service) and not asked_for:
            plural = service.lower().endswith("s")
            word = "people" if plural else "someone"
            # "waiting for the carers" → "waiting for people"; "the same two carers" keeps
            # its words before the role: "the same two people".
            statement = re.sub(
                r"\b(?:the\s+)?" + re.escape(service), word, statement, flags=re.IGNORECASE
            )
            continue
        pattern = re.compile(
            r"\s*\b(?:to|at|in|into|from|with|without|for|using)?\s*(?:the|a|an|my|our|his|her|some)?\s*"
            + re.escape(service) + r"\b", re.IGNORECASE,
        )  # fmt: skip
        statement = pattern.sub("", statement)
    return _tidy(statement)


def draft_answer(question: str, answer: str) -> AnswerDraft:
    """Draft outcomes, services and strengths from one answer (``coach draft`` contract)."""
    text = answer if isinstance(answer, str) else ""
    risk = detect_risk(text) if clean(text) else None
    reflection = reflect(text)
    if risk is not None or not clean(text):
        return AnswerDraft([], [], [], reflection, None, risk)

    nlp = get_nlp()
    # Control and invisible characters never reach a statement, and lone surrogates never
    # reach the tokenizer (it cannot encode them); offsets into ``text`` still hold.
    doc = nlp(masked(text))
    sentences = [s for s in doc.sents if s.text.strip()]
    # Classify each sentence on its own: one answer often mixes a problem, a request and an aim.
    sentence_docs = list(nlp.pipe(s.text for s in sentences))
    drafted: list[tuple[int, DraftedOutcome]] = []
    services: list[tuple[int, Span]] = []
    substantial = assess_answer(text) is AnswerKind.FULL
    for index, (sentence, sentence_doc) in enumerate(zip(sentences, sentence_docs, strict=True)):
        kind, domain, spans = classify_doc(sentence_doc)
        offset = sentence.start_char
        # Only services from the lexicon are taken out of a statement; looser guesses
        # ("a cookery class") are listed as services but left in the person's words.
        names = [
            sentence_doc.text[s.start_char : s.end_char] for s in spans if s.label_ == "SERVICE"
        ]
        for span in spans:
            start = offset + span.start_char
            services.append((index, Span(text[start : offset + span.end_char], start,
                                         offset + span.end_char)))  # fmt: skip
        if not substantial or assess_answer(sentence_doc.text) is not AnswerKind.FULL:
            continue
        statement = None
        if _bare_noun_phrase(sentence_doc):
            continue
        if kind == "outcome" or (
            kind == "other" and (_aim_fragment(sentence_doc) or _WISH.search(sentence_doc.text))
        ):
            statement = _without_services(_frame(sentence_doc), names)
        else:
            # A request or a problem can still carry the aim behind it.
            aim = _AIM_CLAUSE.search(sentence_doc.text)
            if aim:
                statement = _tidy(f"I want to {aim.group('aim')}")
                statement = _without_services(statement, names)
        if statement is None:
            continue
        statement = " ".join(statement.split())
        if not _complete(statement) or any(statement == o.statement for _, o in drafted):
            continue  # cut off, or the same words said twice: one statement is enough
        if domain is None:  # an aim found inside a request or a problem
            domain = domain_of(nlp(statement))
        drafted.append((index, DraftedOutcome(statement, domain)))

    outcomes = [o for _, o in drafted]
    requests = [ServiceRequest(span, _serves(index, drafted)) for index, span in services]
    strengths = find_strengths(text)
    return AnswerDraft(outcomes, requests, strengths, reflection, affirmation(text, strengths))


_DANGLING = {"my", "a", "an", "the", "for", "with", "our", "your", "his",
             "their", "some", "and", "or", "of", "at", "in", "on"}  # fmt: skip
# "more" ends a whole statement ("get into the garden more") unless a thing was cut after it
# ("I need more", "a bit more").
_BEFORE_CUT_MORE = {"want", "need", "like", "some", "any", "get", "have", "bit", "lot",
                    "little", "much", "a"}  # fmt: skip


def _complete(statement: str) -> bool:
    """A statement worth showing: a few words, and not cut off where a service was removed."""
    words = re.findall(r"[A-Za-z']+", statement)
    tail = [w.lower() for w in words[-2:]]
    cut_off = (
        words[-1].lower() in _DANGLING
        or (tail[-1] == "more" and (len(tail) < 2 or tail[0] in _BEFORE_CUT_MORE))
        or (
            # "I want to" with its verb taken out; "like I used to" is whole.
            tail[-1] == "to" and tail[0] in {"want", "like", "love", "need", "able", "wish", "hope"}
        )
        or (
            # "hire my own" once "PA" is taken out; "on my own" is whole.
            len(words) >= 3
            and [w.lower() for w in words[-2:]] == ["my", "own"]
            and words[-3].lower() not in {"on", "of"}
        )
    )
    return len(words) >= _MIN_WORDS and not cut_off and assess_answer(statement) is AnswerKind.FULL


def _serves(sentence_index: int, drafted: list[tuple[int, DraftedOutcome]]) -> int | None:
    """Which outcome a service serves: one in the same sentence, else the next sentence,
    else the previous one, else the only outcome there is."""
    positions = [index for index, _ in drafted]
    for candidate in (sentence_index, sentence_index + 1, sentence_index - 1):
        if candidate in positions:
            return positions.index(candidate)
    return 0 if len(drafted) == 1 else None
