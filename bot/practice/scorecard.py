"""The scorecard at the end of a practice, and progress across practices (DESIGN §5).

Measures follow the summary scores of the Motivational Interviewing Treatment Integrity code,
MITI 4.2.1 (Moyers, Manuel and Ernst, 2014; revised 2015): reflection-to-question ratio and
percentage of complex reflections among all reflections, each rated against MITI's "fair"
and "good" thresholds. The percentage of open questions among all questions, which MITI 4
dropped, keeps the MITI 3.1.1 thresholds (50 % and 70 %). MITI counts behaviours in 20-minute
recordings coded by trained people; here the codes come from the OARS coder and the practice
is shorter, so the ratings are a guide for practice, not a competency judgement.
Affirmations, summaries and advice are counted with simple house ratings (see
``docs/practice.md``).

:func:`build_scorecard` works on any list of coded turns, so a hand-made transcript can be
scored as easily as a practice; :func:`score_practice` is the shortcut for a finished
practice. :meth:`Scorecard.messages` gives a few short chat messages (each at most 600
characters and one question mark), :meth:`Scorecard.as_dict` the JSON shape, and
:func:`compare_progress` says what improved across saved scorecards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.practice.engine import Practice, Turn
from bot.practice.personas import CODES, Persona

SCHEMA = "outcomes-coach/practice-score@1"
MAX_MESSAGE = 600
MAX_QUOTE = 140

# name: (label, fair, good): MITI 4.2.1 thresholds; open questions from MITI 3.1.1.
THRESHOLDS: dict[str, tuple[str, float, float]] = {
    "open_questions": ("Open questions", 50.0, 70.0),
    "reflection_question_ratio": ("Reflections to questions", 1.0, 2.0),
    "complex_reflections": ("Complex reflections", 40.0, 50.0),
}
RATINGS = ("good", "fair", "not yet", "not rated")

_SUGGESTIONS = {
    "advice": (
        "Next time, hold back advice until the person has heard you reflect what matters to "
        "them; then ask what ideas they have before offering yours."
    ),
    "reflection_question_ratio": (
        "Next time, after each answer, try a reflection before your next question: say back "
        "what you heard, in a sentence, and let the person carry on."
    ),
    "open_questions": (
        "Next time, turn yes-or-no questions into open ones: start with 'what', 'how' or "
        "'tell me about'."
    ),
    "complex_reflections": (
        "Next time, try more complex reflections: go a step beyond the words and name the "
        "feeling or what it means to them, such as 'It sounds like that's really knocked "
        "your confidence.'"
    ),
    "affirmations": (
        "Next time, listen for a strength — something the person has done, kept going with or "
        "cares about — and name it back to them specifically."
    ),
    "summaries": (
        "Next time, gather what you've heard into a short summary before moving on; it shows "
        "you listened and lets the person add what you missed."
    ),
    "outcomes": (
        "Next time, follow what the person brings up with an open question on that topic, "
        "and stay with it a little longer: that's where what matters is hiding."
    ),
    "stretch": (
        "You're doing well: next time, try a persona who is more guarded at the start, and "
        "see how quickly you can help them feel heard."
    ),
}
# Which weakness to name first when several are equally weak.
_PRIORITY = (
    "advice", "reflection_question_ratio", "open_questions", "complex_reflections",
    "affirmations", "summaries",
)  # fmt: skip
# House ratings, not MITI thresholds: (name, label, code, fair, good). A little of each is
# good; advice is rated by how little of it there was.
_HOUSE_COUNTS = (
    ("affirmations", "Affirmations", "affirmation", 1, 2),
    ("summaries", "Summaries", "summary", 1, 1),
    ("advice", "Advice or fixing", "advice", None, None),
)
_WHY_BEST = {
    "complex_reflection": "a complex reflection",
    "affirmation": "an affirmation that found a real strength",
    "open_question": "an open question",
    "simple_reflection": "a reflection",
    "summary": "a summary",
}


@dataclass(frozen=True)
class Measure:
    """One rated measure: its value (``None`` when there is nothing to rate) and rating."""

    name: str
    label: str
    value: float | None
    display: str
    rating: str
    fair: float | None = None
    good: float | None = None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "value": None if self.value is None else round(self.value, 2),
            "display": self.display,
            "rating": self.rating,
            "fair": self.fair,
            "good": self.good,
        }


@dataclass(frozen=True)
class BestTurn:
    """A trainee turn worth quoting back, and why."""

    index: int
    text: str
    why: str


@dataclass(frozen=True)
class Scorecard:
    """Everything the trainee is told at the end of a practice."""

    persona_key: str
    persona_name: str
    turns: int
    counts: Mapping[str, int]
    measures: tuple[Measure, ...]
    uncovered: tuple[tuple[str, str], ...]
    missed: tuple[tuple[str, str], ...]
    best_turns: tuple[BestTurn, ...]
    suggestion: str

    def measure(self, name: str) -> Measure:
        """One measure by name."""
        return next(m for m in self.measures if m.name == name)

    def as_dict(self) -> dict:
        """The JSON shape (``outcomes-coach/practice-score@1``)."""
        return {
            "schema": SCHEMA,
            "persona": self.persona_key,
            "turns": self.turns,
            "counts": dict(self.counts),
            "measures": {m.name: m.as_dict() for m in self.measures},
            "outcomes": {
                "uncovered": [{"id": i, "statement": s} for i, s in self.uncovered],
                "missed": [{"id": i, "statement": s} for i, s in self.missed],
            },
            "best_turns": [
                {"turn": b.index, "text": b.text, "why": b.why} for b in self.best_turns
            ],
            "suggestion": self.suggestion,
        }

    def messages(self) -> list[str]:
        """The scorecard as a few short chat messages (≤ 600 characters, ≤ 1 question mark)."""
        lead = (
            f"Your practice with {self.persona_name}: {_n(self.turns, 'turn')}."
            if self.persona_key != "transcript"
            else f"The worker's {_n(self.turns, 'turn')}."
        )
        lines = [lead]
        lines += [f"{m.label}: {m.display} — {m.rating}." for m in self.measures]
        parts = [_pack(lines)]
        total = len(self.uncovered) + len(self.missed)
        found = (
            []
            if not total
            else [
                f"You uncovered {len(self.uncovered)} of {total} things that matter to "
                f"{self.persona_name}."
            ]
        )
        found += [f"Heard: “{_quote(s, 300)}”" for _, s in self.uncovered]
        found += [f"Still hidden: “{_quote(s, 300)}”" for _, s in self.missed]
        if found:
            parts.append(_pack(found))
        if self.best_turns:
            best = ["What worked well:"]
            best += [f"“{b.text}” ({b.why})" for b in self.best_turns]
            parts.append(_pack(best))
        parts.append([self.suggestion])
        return [message for group in parts for message in group]


def _quote(text: str, limit: int = MAX_QUOTE) -> str:
    """A turn or statement short enough to quote, with at most one question mark."""
    text = " ".join(text.split())
    if text.count("?") > 1:
        text = text[: text.index("?") + 1] + " …"
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def _pack(lines: Sequence[str]) -> list[str]:
    """Join lines into as few messages as fit: ≤ 600 characters and ≤ 1 question mark each."""
    messages: list[str] = []
    current = ""
    for line in lines:
        line = _quote(line, MAX_MESSAGE)
        joined = f"{current}\n{line}" if current else line
        if current and (len(joined) > MAX_MESSAGE or joined.count("?") > 1):
            messages.append(current)
            joined = line
        current = joined
    if current:
        messages.append(current)
    return messages


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def _rate(value: float | None, fair: float, good: float) -> str:
    if value is None:
        return "not rated"
    if value >= good:
        return "good"
    return "fair" if value >= fair else "not yet"


def _measures(counts: Counter) -> tuple[Measure, ...]:
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["simple_reflection"] + counts["complex_reflection"]
    measures = []

    def rated(name: str, value: float | None, display: str, rating: str | None = None) -> None:
        label, fair, good = THRESHOLDS[name]
        rating = rating or _rate(value, fair, good)
        measures.append(Measure(name, label, value, display, rating, fair, good))

    value = _percent(counts["open_question"], questions)
    if value is None:
        rated("open_questions", None, "no questions")
    else:
        shown = f"{counts['open_question']} of {_n(questions, 'question')} ({value:.0f} %)"
        rated("open_questions", value, shown)

    if questions:
        ratio = reflections / questions
        rated("reflection_question_ratio", ratio, f"{reflections} to {questions} ({ratio:.1f} : 1)")
    elif reflections:
        # Reflections without a single question: the ratio is unbounded, which is good.
        rated("reflection_question_ratio", None, f"{reflections} reflections, no questions", "good")
    else:
        rated("reflection_question_ratio", None, "no questions or reflections")

    value = _percent(counts["complex_reflection"], reflections)
    if value is None:
        rated("complex_reflections", None, "no reflections")
    else:
        shown = f"{counts['complex_reflection']} of {_n(reflections, 'reflection')} ({value:.0f} %)"
        rated("complex_reflections", value, shown)

    for name, label, code, fair, good in _HOUSE_COUNTS:
        n = counts[code]
        if name == "advice":  # less is better
            rating = "good" if n == 0 else "fair" if n == 1 else "not yet"
            fair = good = None
        else:
            rating = "good" if n >= good else "fair" if n >= fair else "not yet"
        measures.append(Measure(name, label, float(n), str(n), rating, fair, good))
    return tuple(measures)


def _best_turns(turns: Sequence[Turn]) -> tuple[BestTurn, ...]:
    scored = []
    for index, turn in enumerate(turns, start=1):
        score = 0
        if turn.code == "complex_reflection" or (turn.code == "affirmation" and turn.strengths):
            score = 3
        elif turn.code in ("open_question", "simple_reflection", "summary"):
            score = 1
        if score and turn.revealed:
            score += 2
        if score:
            why = _WHY_BEST[turn.code]
            if turn.revealed:
                why += ", and it uncovered what matters"
            scored.append((-score, index, BestTurn(index, _quote(turn.text), why)))
    return tuple(best for _, _, best in sorted(scored)[:3])


def _suggestion(measures: tuple[Measure, ...], missed: int) -> str:
    order = {"not yet": 0, "fair": 1}
    weak = [m for m in measures if m.rating in order]
    if weak:
        worst = min(weak, key=lambda m: (order[m.rating], _PRIORITY.index(m.name)))
        return _SUGGESTIONS[worst.name]
    return _SUGGESTIONS["outcomes" if missed else "stretch"]


def build_scorecard(
    turns: Sequence[Turn], persona: Persona | None, revealed: Sequence[str] | None = None
) -> Scorecard:
    """Score a list of coded trainee turns against ``persona``'s hidden outcomes.

    Args:
        turns: the trainee turns in order, each with its OARS code (and, from a practice,
            the outcomes it revealed and strengths it found).
        persona: whose hidden outcomes count as uncovered or missed; ``None`` for a real
            conversation (a trainer's transcript), where there are no hidden outcomes.
        revealed: outcome ids uncovered; by default, those the turns record.
    """
    unknown = {t.code for t in turns} - set(CODES)
    if unknown:
        raise ValueError(f"unknown codes {sorted(unknown)}")
    counts = Counter({code: 0 for code in CODES})
    counts.update(t.code for t in turns)
    said = set(revealed if revealed is not None else (o for t in turns for o in t.revealed))
    outcomes = persona.outcomes if persona is not None else ()
    uncovered = tuple((o.id, o.statement) for o in outcomes if o.id in said)
    missed = tuple((o.id, o.statement) for o in outcomes if o.id not in said)
    measures = _measures(counts)
    return Scorecard(
        persona_key=persona.key if persona is not None else "transcript",
        persona_name=persona.name if persona is not None else "the person",
        turns=len(turns),
        counts=dict(counts),
        measures=measures,
        uncovered=uncovered,
        missed=missed,
        best_turns=_best_turns(turns),
        suggestion=_suggestion(measures, len(missed)),
    )


def score_practice(practice: Practice) -> Scorecard:
    """The scorecard for a practice as it stands."""
    return build_scorecard(practice.turns, practice.persona, practice.revealed)


# --- progress across practices ----------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What changed between the last two scorecards, and a message saying so."""

    improved: tuple[str, ...]
    slipped: tuple[str, ...]
    message: str


def _share(card: Mapping) -> float | None:
    outcomes = card.get("outcomes", {})
    total = len(outcomes.get("uncovered", [])) + len(outcomes.get("missed", []))
    return None if total == 0 else len(outcomes["uncovered"]) / total


def compare_progress(past: Sequence[Mapping]) -> Progress:
    """Compare the latest scorecard (as saved by :meth:`Scorecard.as_dict`) with the one before.

    Args:
        past: scorecard dicts, oldest first.
    """
    if len(past) < 2:
        return Progress((), (), "Finish another practice and I'll show you what has changed.")
    before, after = past[-2], past[-1]
    improved: list[str] = []
    slipped: list[str] = []
    for name, (label, _, _) in THRESHOLDS.items():
        old = before.get("measures", {}).get(name, {}).get("value")
        new = after.get("measures", {}).get(name, {}).get("value")
        if old is None or new is None or abs(new - old) < 1e-9:
            continue
        fmt = "{:.1f} : 1" if name == "reflection_question_ratio" else "{:.0f} %"
        change = f"{label.lower()} from {fmt.format(old)} to {fmt.format(new)}"
        (improved if new > old else slipped).append(change)
    for code, label, higher_is_better in (
        ("affirmation", "affirmations", True),
        ("summary", "summaries", True),
        ("advice", "advice or fixing", False),
    ):
        old = before.get("counts", {}).get(code)
        new = after.get("counts", {}).get(code)
        if old is None or new is None or old == new:
            continue
        better = (new > old) == higher_is_better
        (improved if better else slipped).append(f"{label} from {old} to {new}")
    old_share, new_share = _share(before), _share(after)
    if old_share is not None and new_share is not None and old_share != new_share:
        change = f"hidden outcomes uncovered from {old_share:.0%} to {new_share:.0%}"
        (improved if new_share > old_share else slipped).append(change)

    if improved:
        message = "Compared with your last practice, you improved: " + "; ".join(improved) + "."
    else:
        message = "Your scores held steady compared with your last practice."
    if slipped:
        message += " Worth another look: " + "; ".join(slipped) + "."
    return Progress(tuple(improved), tuple(slipped), _quote(message, MAX_MESSAGE))
