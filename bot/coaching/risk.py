"""Risk detection: a safety net for disclosures of danger, self-harm or abuse (DESIGN §4).

When someone preparing for an assessment says something like "he's going to hit me",
"I don't want to be here any more" or "my son takes my pension", the coach should stop
drafting outcomes, give clear signposting (999, NHS 111, Samaritans 116 123 and, for abuse
or neglect, the local social work duty line) and mark the conversation for the worker.
:func:`detect_risk` finds such disclosures; :func:`signposting` words the reply.

Approach
    Patterns are data, in ``data/risk_patterns.yml`` next to this module: case-insensitive,
    word-bounded regular expressions for three categories, ``danger`` (immediate danger to
    the person or someone else), ``self_harm`` (self-harm or suicidal thoughts, direct or
    indirect) and ``abuse_neglect`` (physical, sexual, emotional and financial abuse,
    coercive control, neglect). Each raw match then passes three checks:

    * guards: idioms and innocent uses ("I'd kill for a cup of tea", "my phone died",
      "I don't want to be here in this flat, I want to move"); a match overlapping a guard
      is dropped;
    * negation: a cue such as "not", "never" or "n't" among the last few words before the
      match, in the same clause, drops it ("I'm not suicidal", "I would never hurt
      myself"); pseudo-negations ("not sure", "no longer", "can't stop") do not count;
    * context: for ``danger`` only, a past marker in the same clause ("last year", "years
      ago") drops the match, since an emergency that is over is not immediate danger; a
      few medical patterns are also dropped after a worry ("I'm scared I'll fall and can't
      get up" is a wish to feel safe).

    The text is normalised first (curly apostrophes, runs of white space, invisible
    characters), apostrophes in patterns are optional ("dont", "cant", "im") and common
    misspellings are written into the patterns ("sucidal", "kil myself", "self harm").
    Offsets are mapped back, so ``text[span.start:span.end] == span.text`` always holds.

Rules for the tricky cases
    * Past or resolved self-harm ("I self-harmed as a teenager, I'm fine now") is flagged
      ``self_harm``: a worker should know, and the reply is gentle, promises nothing and
      lets the person carry on. Past abuse ("he used to hit me") is flagged too.
    * Past emergencies ("there was a fire last year", "I took an overdose years ago") are
      not ``danger``; a past overdose is still ``self_harm``.
    * "I don't want to be here any more" is ``self_harm``; the same words about a place
      (a flat, a care home, a hospital, moving or going home) are not.
    * "I can't go on" is ``self_harm``; "I can't go on like this" (a caring crisis, which
      the coaching handles) is not. "There's no point going on" is.
    * Someone else's suicidal talk ("my son says he wants to kill himself") is
      ``self_harm``, and the mention of suicide at all (including bereavement by suicide)
      is flagged: the reply is gentle and fits both.
    * A carer who has hit, or fears they will hit, the person they care for is
      ``abuse_neglect``; "I worry I'll hurt him when I lift him" is not.
    * End-of-life wishes ("I want to die at home") and "I'd rather die than ..." are not
      flagged.
    * The most serious finding wins: ``danger``, then ``self_harm``, then ``abuse_neglect``
      (the order is the YAML's ``priority``), then the earliest in the text.

Limits
    This is a safety net, not a clinical or safeguarding tool. It reads words, not people:
    it misses disclosures worded in ways nobody wrote down, sarcasm, context spread over
    several messages and most misspellings, and it will sometimes fire on innocent words.
    It never diagnoses and never assesses risk; a finding only means "stop, signpost and
    let the worker know". It is deterministic, has no model and takes well under a
    millisecond per sentence.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from bot.coaching.contracts import RiskFinding, Span

__all__ = [
    "CATEGORIES",
    "DEFAULT_DUTY_LINE",
    "detect_risk",
    "find_risks",
    "load_patterns",
    "signposting",
]

CATEGORIES: tuple[str, ...] = ("danger", "self_harm", "abuse_neglect")
DEFAULT_DUTY_LINE = "your local council's social work duty line"

_PATTERN_FILE = "risk_patterns.yml"
_FRAGMENT = re.compile(r"\{([A-Z][A-Z_]*)\}")
_APOSTROPHES = "\u2019\u2018\u02bc\u2032\u00b4`"
_NEEDS_NORMALISING = re.compile(r"[^\x20-\x7e]|\s\s|[`´]")
_WORD = re.compile(r"[\w']+")
_UPPER_ESCAPE = re.compile(r"(?<!\\)\\[A-Z]")


@dataclass(frozen=True)
class _Rule:
    category: str
    id: str
    regex: re.Pattern[str]
    negatable: bool
    unless_before: tuple[re.Pattern[str], ...]
    example: str


@dataclass(frozen=True)
class _Guard:
    id: str
    regex: re.Pattern[str]
    categories: frozenset[str] | None
    example: str


@dataclass(frozen=True)
class Patterns:
    """The compiled contents of ``risk_patterns.yml``."""

    priority: tuple[str, ...]
    rules: dict[str, tuple[_Rule, ...]]
    guards: tuple[_Guard, ...]
    unless_near: dict[str, tuple[re.Pattern[str], ...]]
    negation_cues: re.Pattern[str]
    pseudo_negation: re.Pattern[str]
    clause_breaks: re.Pattern[str]
    window_words: int


# --- loading -------------------------------------------------------------------------


def _join(source: str) -> str:
    """Join a multi-line YAML pattern: each line stripped, no separator."""
    return "".join(line.strip() for line in str(source).splitlines())


def _expand(source: str, fragments: dict[str, str], depth: int = 0) -> str:
    if depth > 8:
        raise ValueError("risk patterns: fragments nest too deeply (a loop?)")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"risk patterns: unknown fragment {{{name}}}")
        return _expand(fragments[name], fragments, depth + 1)

    return _FRAGMENT.sub(replace, source)


def _optional_apostrophes(source: str) -> str:
    """Make every apostrophe outside a character class optional."""
    out: list[str] = []
    in_class = escaped = False
    for index, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "'" and source[index + 1 : index + 2] != "?":
            out.append("'?")
            continue
        out.append(char)
    return "".join(out)


def _compile(source: str, fragments: dict[str, str], *, bounded: bool = True) -> re.Pattern[str]:
    """Compile a pattern to run on lower-cased text (faster than ``re.IGNORECASE``)."""
    body = _optional_apostrophes(_expand(_join(source), fragments))
    if _UPPER_ESCAPE.search(body):
        raise ValueError(f"risk patterns: no upper-case escapes (\\W, \\S ...) please: {body[:80]}")
    if bounded:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return re.compile(body.lower())


def _named(names: list[str] | None, fragments: dict[str, str]) -> tuple[re.Pattern[str], ...]:
    """Compile the fragments listed by name (``unless_before``, ``unless_near``)."""
    return tuple(_compile(f"{{{name}}}", fragments) for name in names or ())


def _read_yaml() -> dict:
    try:
        text = resources.files("bot.coaching").joinpath("data", _PATTERN_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):  # pragma: no cover
        from pathlib import Path

        text = (Path(__file__).parent / "data" / _PATTERN_FILE).read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def load_patterns() -> Patterns:
    """Read and compile ``data/risk_patterns.yml`` (once; the result is cached)."""
    data = _read_yaml()
    fragments = {name: _join(value) for name, value in (data.get("fragments") or {}).items()}
    categories = data["categories"]
    priority = tuple(data.get("priority") or CATEGORIES)
    if set(priority) != set(CATEGORIES) or set(categories) != set(CATEGORIES):
        raise ValueError(f"risk patterns: categories must be exactly {CATEGORIES}")

    rules: dict[str, tuple[_Rule, ...]] = {}
    unless_near: dict[str, tuple[re.Pattern[str], ...]] = {}
    for category, spec in categories.items():
        compiled = []
        for entry in spec["patterns"]:
            compiled.append(
                _Rule(
                    category=category,
                    id=entry["id"],
                    regex=_compile(entry["pattern"], fragments),
                    negatable=bool(entry.get("negatable", True)),
                    unless_before=_named(entry.get("unless_before"), fragments),
                    example=entry.get("example", ""),
                )
            )
        rules[category] = tuple(compiled)
        unless_near[category] = _named(spec.get("unless_near"), fragments)

    guards = tuple(
        _Guard(
            id=entry["id"],
            regex=_compile(entry["pattern"], fragments),
            categories=frozenset(entry["categories"]) if entry.get("categories") else None,
            example=entry.get("example", ""),
        )
        for entry in data.get("guards", [])
    )
    negation = data["negation"]
    return Patterns(
        priority=priority,
        rules=rules,
        guards=guards,
        unless_near=unless_near,
        negation_cues=_compile(negation["cues"], fragments, bounded=False),
        pseudo_negation=_compile(negation["pseudo"], fragments, bounded=False),
        clause_breaks=_compile(negation["clause_breaks"], fragments, bounded=False),
        window_words=int(negation.get("window_words", 4)),
    )


# --- matching ------------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """Lower-cased text for matching, and the original index of each of its characters.

    Curly and other apostrophes become ``'``, runs of white space become one space and
    invisible format characters are dropped. ``None`` means one character for one (the
    text was plain ASCII with single spaces, so only its case changed).
    """
    if not _NEEDS_NORMALISING.search(text):
        return text.lower(), None
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char in _APOSTROPHES:
            char = "'"
        elif char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        elif unicodedata.category(char) == "Cf":
            continue
        lower = char.lower()
        out.append(lower if len(lower) == 1 else lower[0])
        positions.append(index)
    return "".join(out), positions


class _Context:
    """Lazily computed facts about one normalised text, shared by all candidate matches."""

    def __init__(self, text: str, patterns: Patterns) -> None:
        self.text = text
        self.patterns = patterns
        self._guards: list[tuple[int, int, frozenset[str] | None]] | None = None
        self._breaks: list[tuple[int, int]] | None = None
        self._break_ends: list[int] = []

    def guarded(self, start: int, end: int, category: str) -> bool:
        if self._guards is None:
            self._guards = [
                (m.start(), m.end(), guard.categories)
                for guard in self.patterns.guards
                for m in guard.regex.finditer(self.text)
            ]
        return any(
            g_start < end and start < g_end and (cats is None or category in cats)
            for g_start, g_end, cats in self._guards
        )

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """From the clause holding ``start`` to the end of the clause holding ``end``."""
        if self._breaks is None:
            found = self.patterns.clause_breaks.finditer(self.text)
            self._breaks = [(m.start(), m.end()) for m in found]
            self._break_ends = [b_end for _, b_end in self._breaks]
        clause_start, clause_end = 0, len(self.text)
        i = bisect.bisect_right(self._break_ends, start) - 1
        if i >= 0:
            clause_start = self._break_ends[i]
        for b_start, _ in self._breaks:
            if b_start >= end:
                clause_end = b_start
                break
        return clause_start, clause_end

    def negated(self, clause_start: int, start: int) -> bool:
        prefix = self.patterns.pseudo_negation.sub(" ", self.text[clause_start:start])
        window = " ".join(_WORD.findall(prefix)[-self.patterns.window_words :])
        return bool(window) and self.patterns.negation_cues.search(window) is not None


def _accept(rule: _Rule, match: re.Match[str], ctx: _Context) -> bool:
    start, end = match.span()
    if start == end:
        return False
    if ctx.guarded(start, end, rule.category):
        return False
    clause_start, clause_end = ctx.clause(start, end)
    if rule.negatable and ctx.negated(clause_start, start):
        return False
    before = ctx.text[clause_start:start]
    if any(regex.search(before) for regex in rule.unless_before):
        return False
    near = ctx.text[clause_start:clause_end]
    return not any(regex.search(near) for regex in ctx.patterns.unless_near[rule.category])


def _finding(
    category: str, original: str, start: int, end: int, positions: list[int] | None
) -> RiskFinding:
    if positions is not None:
        start, end = positions[start], positions[end - 1] + 1
    return RiskFinding(category=category, span=Span(original[start:end], start, end))  # type: ignore[arg-type]


def _category_matches(category: str, ctx: _Context) -> list[tuple[int, int]]:
    found = []
    for rule in ctx.patterns.rules[category]:
        for match in rule.regex.finditer(ctx.text):
            if _accept(rule, match, ctx):
                found.append(match.span())
    return sorted(set(found))


def find_risks(text: str | None) -> list[RiskFinding]:
    """Every distinct finding in the text, most serious category first, then by position."""
    if not text or not text.strip():
        return []
    patterns = load_patterns()
    normal, positions = _normalise(text)
    ctx = _Context(normal, patterns)
    return [
        _finding(category, text, start, end, positions)
        for category in patterns.priority
        for start, end in _category_matches(category, ctx)
    ]


def detect_risk(text: str | None) -> RiskFinding | None:
    """The most serious disclosure in the text, or ``None``.

    ``danger`` comes before ``self_harm``, which comes before ``abuse_neglect``; within a
    category the earliest match wins. The span is the exact matched stretch of ``text``.
    """
    if not text or not text.strip():
        return None
    patterns = load_patterns()
    normal, positions = _normalise(text)
    ctx = _Context(normal, patterns)
    for category in patterns.priority:
        spans = _category_matches(category, ctx)
        if spans:
            start, end = spans[0]
            return _finding(category, text, start, end, positions)
    return None


# --- the reply -----------------------------------------------------------------------

_OPENING = "Thank you for telling me. What you've shared is important."
_CLOSING = "Your answers so far are kept. You can carry on whenever you are ready."
_111 = "For urgent health advice, call NHS 111."
_SAMARITANS = "If you want to talk to someone, Samaritans are free on 116 123, any time."


def signposting(category: str, duty_line: str = DEFAULT_DUTY_LINE) -> str:
    """The reply to a finding: warm, plain, short, British English, never a diagnosis.

    One line per point, one to three short sentences each: what was shared matters; 999 in
    an emergency; NHS 111 for urgent health advice; Samaritans on 116 123; for abuse or
    neglect, ``duty_line`` (e.g. "your local council's social work duty line"); the answers
    are kept and the person can carry on when ready.
    """
    duty_line = (duty_line or "").strip().rstrip(".") or DEFAULT_DUTY_LINE
    if category == "danger":
        lines = [
            _OPENING,
            "If you or someone else is in danger right now, please call 999.",
            _111,
            _SAMARITANS,
        ]
    elif category == "self_harm":
        lines = [
            "Thank you for telling me. What you've shared is important, "
            "and you don't have to deal with it on your own.",
            "Samaritans are free to call on 116 123, any time, day or night.",
            _111 + " In an emergency, call 999.",
        ]
    elif category == "abuse_neglect":
        lines = [
            _OPENING + " Everyone has the right to be safe and treated with respect.",
            f"You can talk to {duty_line} about it. If you or someone else is in danger "
            "right now, call 999.",
            _111,
            _SAMARITANS,
        ]
    else:
        raise ValueError(f"unknown risk category: {category!r} (expected one of {CATEGORIES})")
    return "\n".join([*lines, _CLOSING])
