"""Properties of the coaching functions behind ``coach classify|draft|code`` (DESIGN §4).

Whatever text arrives — empty, huge, emoji, right-to-left, control and zero-width characters,
markup, injection strings — the functions never raise, return within their contract, and
give the same answer for the same input. Hypothesis is bounded per test (``BUDGET``), so the
whole file runs in well under a minute.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.classify import classify_statement
from bot.coaching.contracts import DOMAINS, AnswerDraft, Classification, Span
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.corrections import correction
from bot.coaching.drafting import draft_answer
from bot.coaching.oars import CODES, code_utterance
from bot.coaching.reflect import NEUTRAL_REFLECTION, affirmation, reflect
from bot.coaching.risk import CATEGORIES, detect_risk, find_risks, signposting
from bot.coaching.strengths import KINDS, find_strengths, person_phrase, strength_kind
from bot.coaching.summary import MAX_MESSAGE, empowering_summary, notes_summary, services_summary
from bot.coaching.text import masked, plain
from bot.front_ends import typed_to_rasa

BUDGET = settings(
    max_examples=120,
    deadline=None,
    database=None,  # no example database written into the shared tree
    derandomize=True,  # the same examples on every run: a failure here is never a fluke
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words people use in answers, and the odd things that arrive with them.
WORDS = [
    "I", "want", "to", "get", "back", "my", "garden", "so", "can", "see", "sister", "friends",
    "again", "a", "walk-in", "shower", "stairlift", "carer", "carers", "home", "care", "don't",
    "know", "nothing", "really", "no", "meant", "not", "the", "allotment", "daughter", "helps",
    "me", "was", "nurse", "for", "thirty", "years", "feel", "safe", "confident", "kitchen",
    "cook", "dinner", "on", "own", "Getting", "To", "go", "gym", "because", "we", "our", "us",
    "myself", "hurt", "scared",
]  # fmt: skip
ODD = [
    "", " ", "\n", "\t", ".", ",", "?", "!", "…", "'", "’", '"', "“", "”", "/", "{", "}",
    "{draft}", "{0[x]}", "0[", "${jndi:x}", "{{7*7}}", "'; DROP TABLE person; --",
    "<b>", "</b>", "*", "_", "`", "[link](http://x)", "\x00", "\x07", "\x1b[31m", "\r\n",
    "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "😀", "👍🏽", "👨\u200d👩\u200d👧",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "أريد", "حديقتي", "שלום",
    "é", "e\u0301", "ß", "İ", "ﬁ", "１２", "½", "\u00a0", "\u3000",
]  # fmt: skip
HUGE = ("I love my garden and my cat, and I want to see my sister again. " * 1600)[:100_000]

# Any Unicode without lone surrogates (Hypothesis's default), words with odd pieces mixed
# in (so the functions really draft, find services and code questions), and control-heavy
# text.
any_text = st.text(max_size=400)
wordy_text = st.lists(st.sampled_from(WORDS + ODD), max_size=60).map(" ".join)
odd_text = st.lists(st.sampled_from(ODD), max_size=30).map("".join)
texts = st.one_of(any_text, wordy_text, odd_text)

SPECIALS = [
    "",
    "   \n\t ",
    "😀🎉👍🏽👨\u200d👩\u200d👧",
    "أريد أن أعود إلى حديقتي",
    "\u202eI want to see my sister again",
    "I want\x00 to see\x07 my sister\u200b again\x1b[31m",
    "<b>I want</b> to see my <i>sister</i> & cat",
    "*I want* to get _back_ to my [garden](http://x)",
    "'; DROP TABLE person; --",
    "{{7*7}} ${7*7} {draft} {reflection} {0[x]} I want to see my son",
    "${jndi:ldap://example.invalid/a}",
    "/delete",
    '/affirm{"consent": true}',
    "no, I meant I want to garden again",
    "don't know",
    HUGE,
]


def _no_controls(text: str) -> bool:
    """No control characters other than newline/tab, and no invisible format characters."""
    return plain(text) == text.replace("\r", "\n") and "\r" not in text


def _span_ok(span: Span, source: str) -> bool:
    return 0 <= span.start <= span.end <= len(source) and source[span.start : span.end] == span.text


def _json_round_trip(value: dict) -> None:
    assert json.loads(json.dumps(value, ensure_ascii=False)) == value


# --- coach classify -----------------------------------------------------------------------


def _check_classification(text: str, found: Classification) -> None:
    assert isinstance(found, Classification)
    assert found.text == text
    assert found.kind in ("outcome", "service", "other")
    if found.kind == "outcome":
        assert found.domain in DOMAINS
    else:
        assert found.domain is None
    assert all(isinstance(s, Span) and s.text and _span_ok(s, text) for s in found.services)
    _json_round_trip(found.as_json())


@BUDGET
@given(texts)
@example(HUGE)
@example("")
def test_classify_never_raises_and_keeps_to_the_contract(text: str) -> None:
    found = classify_statement(text)
    _check_classification(text, found)
    assert classify_statement(text) == found
    if not text.strip():
        assert (found.kind, found.domain, found.services) == ("other", None, [])


# --- coach draft --------------------------------------------------------------------------


def _check_draft(answer: str, draft: AnswerDraft) -> None:
    assert isinstance(draft, AnswerDraft)
    statements = [o.statement for o in draft.outcomes]
    for outcome in draft.outcomes:
        assert outcome.statement and outcome.statement == outcome.statement.strip()
        assert _no_controls(outcome.statement)
        assert "  " not in outcome.statement
        assert outcome.domain is None or outcome.domain in DOMAINS
    assert len(set(statements)) == len(statements), "the same statement drafted twice"
    for service in draft.services:
        assert service.span.text and _span_ok(service.span, answer)
        assert service.for_outcome is None or 0 <= service.for_outcome < len(draft.outcomes)
    assert all(_span_ok(span, answer) for span in draft.strengths)
    assert isinstance(draft.reflection, str) and draft.reflection.strip()
    assert _no_controls(draft.reflection)
    assert draft.affirmation is None or (draft.affirmation.strip() and draft.affirmation)
    if assess_answer(answer) is not AnswerKind.FULL:
        assert draft.outcomes == [], "an outcome drafted from nothing"
    if draft.risk is not None:
        assert draft.risk.category in CATEGORIES and _span_ok(draft.risk.span, answer)
        assert draft.outcomes == [] and draft.services == []
    _json_round_trip(draft.as_json())


@BUDGET
@given(question=texts, answer=texts)
@example(question="What matters most?", answer=HUGE)
@example(question="", answer="I want to see my sister again. I want to see my sister again.")
def test_draft_never_raises_and_keeps_to_the_contract(question: str, answer: str) -> None:
    draft = draft_answer(question, answer)
    _check_draft(answer, draft)
    assert draft_answer(question, answer) == draft


@pytest.mark.parametrize("answer", SPECIALS[:-1])  # HUGE is covered by the examples above
def test_draft_of_each_bad_input_keeps_to_the_contract(answer: str) -> None:
    _check_draft(answer, draft_answer("What matters most to you just now?", answer))


@pytest.mark.parametrize(
    "answer", ["", "   ", "😀🎉👍🏽", "\u200b\u200d\ufeff", "don't know", "nothing really", "🙂 🙂"]
)
def test_no_words_no_outcome(answer: str) -> None:
    draft = draft_answer("What matters most to you just now?", answer)
    assert draft.outcomes == [] and draft.services == []
    assert draft.reflection == NEUTRAL_REFLECTION


def test_control_and_invisible_characters_never_reach_a_statement() -> None:
    dirty = draft_answer("q", "I want\x00 to see\x07 my sister\u200b again\u202e")
    assert [o.statement for o in dirty.outcomes] == [
        o.statement for o in draft_answer("q", "I want to see my sister again").outcomes
    ]
    assert dirty.outcomes, "the words are still drafted from"


@pytest.mark.parametrize("lone", ["\ud83d", "\udc00", "\ud800\ud800"])
def test_lone_surrogates_do_not_break_classify_or_draft(lone: str) -> None:
    # JSON can carry them ("\ud83d") though UTF-8 cannot; spaCy's tokenizer raised on them.
    text = f"I want {lone}to see my sister again and get a stairlift"
    _check_classification(text, classify_statement(text))
    draft = draft_answer("q", text)
    assert [s.span.text for s in draft.services] == ["stairlift"]
    assert all(lone not in o.statement for o in draft.outcomes)


# --- coach code ---------------------------------------------------------------------------


@BUDGET
@given(text=texts, prev=st.one_of(st.none(), texts))
@example(text=HUGE, prev=HUGE)
def test_code_never_raises_and_keeps_to_the_contract(text: str, prev: str | None) -> None:
    coded = code_utterance(text, prev)
    assert coded.code in CODES
    assert isinstance(coded.confidence, float) and math.isfinite(coded.confidence)
    assert 0.0 < coded.confidence <= 1.0
    _json_round_trip(coded.as_json())
    assert set(coded.as_json()) == {"code", "confidence"}
    assert code_utterance(text, prev) == coded
    if not re.search(r"[A-Za-z0-9]", text):
        assert coded.code == "other"


# --- what the drafting is built from ------------------------------------------------------


@BUDGET
@given(texts)
@example(HUGE)
def test_reflection_affirmation_and_strengths(text: str) -> None:
    said = reflect(text)
    assert said.strip() and _no_controls(said) and reflect(text) == said
    strengths = find_strengths(text)
    assert all(_span_ok(span, text) for span in strengths)
    assert [s.start for s in strengths] == sorted(s.start for s in strengths)
    for span in strengths:
        assert strength_kind(span.text) in (*KINDS, None)
        phrase = person_phrase(span.text)
        assert phrase is None or (phrase and phrase in span.text)
    praise = affirmation(text, strengths)
    assert praise is None or praise.strip()
    assert affirmation(text, []) is None


@BUDGET
@given(texts)
@example(HUGE)
def test_risk_findings_point_at_the_words(text: str) -> None:
    found = detect_risk(text)
    every = find_risks(text)
    if found is None:
        assert every == []
    else:
        assert found.category in CATEGORIES and _span_ok(found.span, text)
        assert found in every
        assert all(f.category in CATEGORIES and _span_ok(f.span, text) for f in every)
    assert detect_risk(text) == found


@pytest.mark.parametrize("category", CATEGORIES)
def test_signposting_always_gives_999(category: str) -> None:
    assert "999" in signposting(category, "")


@BUDGET
@given(texts)
def test_corrections_and_turns(text: str) -> None:
    for strict in (False, True):
        corrected = correction(text, strict=strict)
        assert corrected is None or (isinstance(corrected, str) and corrected.strip())
    assert isinstance(assess_answer(text), AnswerKind)
    for intent in (None, "stop", "delete", "affirm", "tell"):
        assert isinstance(interpret_turn(text, intent, 0.99, choices=frozenset({Turn.SKIP})), Turn)


@pytest.mark.parametrize("typed", ["/", "/{x}", "/ {", "/{", '/{"choice": "worker"}', "/ "])
def test_a_slash_with_no_command_name_is_an_answer(typed: str) -> None:
    assert interpret_turn(typed, "tell", 0.5) is Turn.ANSWER


@BUDGET
@given(
    strengths=st.lists(texts, max_size=6),
    outcomes=st.lists(texts, max_size=6),
    steps=st.lists(texts, max_size=4),
    role=st.sampled_from(["self", "carer", "worker"]),
)
def test_summaries_are_short_messages(
    strengths: list[str], outcomes: list[str], steps: list[str], role: str
) -> None:
    messages = empowering_summary(strengths, outcomes, steps, role)
    assert messages and all(m.strip() and _no_controls(m) for m in messages)
    # Each message is at most MAX_MESSAGE, bar the closing sentence appended when it fits.
    assert all(len(m) <= MAX_MESSAGE for m in messages)
    assert empowering_summary(strengths, outcomes, steps, role) == messages
    services = [
        {"text": s or "x", "for_outcome": o or None} for s, o in zip(steps, outcomes, strict=False)
    ]
    listed = services_summary(services)
    assert (listed is None) == (not services)
    if outcomes:
        assert notes_summary(outcomes).startswith("From your own notes")


# --- what the front ends pass on ----------------------------------------------------------


@BUDGET
@given(texts)
def test_plain_text_only_loses_what_cannot_be_seen_or_stored(text: str) -> None:
    kept = plain(text)
    assert plain(kept) == kept
    assert all(unicodedata.category(c) not in ("Cc", "Cs") or c in "\n\t" for c in kept)
    letters = [c for c in text if c.isalnum()]
    assert [c for c in kept if c.isalnum()] == letters, "a letter or digit was lost"
    assert len(masked(text)) == len(text)


@BUDGET
@given(st.one_of(texts, st.from_regex(r"\A/[a-z_]{1,12}(@\w+)?[{ ]?.{0,30}\Z")))
@example('/affirm{"consent": true}')
@example('/choose{"choice":"worker"}')
@example("\u200b/delete{}")
def test_typed_text_never_carries_an_intent_with_entities(text: str) -> None:
    sent = typed_to_rasa(text)
    assert sent == sent.strip() and _no_controls(sent)
    if sent.startswith("/"):
        # Only a bare command name reaches Rasa: never "{...}" entities, never "@confidence".
        assert re.fullmatch(r"/[a-z0-9_]{1,64}", sent), sent
