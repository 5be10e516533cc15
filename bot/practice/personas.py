"""Simulated people a trainee practises OARS with (DESIGN §5), loaded from YAML data files.

Each persona lives in ``personas/<key>.yml`` next to this module: who they are, how guarded
they are at the start and what warms or cools them, the outcomes they keep to themselves
until a trainee listens well, the strengths an affirmation can find, and banks of replies
for each kind of moment. :func:`load_persona` reads and checks one file; every problem is
reported with the file name and the field, so a writer can fix the data without reading
the code. ``docs/practice.md`` describes the fields.

Nothing is read at import time; :func:`load_personas` caches the parsed files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.contracts import DOMAINS

PERSONA_DIR = Path(__file__).parent / "personas"

CODES: tuple[str, ...] = (
    "open_question", "closed_question", "simple_reflection", "complex_reflection",
    "affirmation", "summary", "giving_information", "advice", "other",
)  # fmt: skip

# The reply banks every persona must have, and the fewest variants each needs so that a
# practice can run for a while without a reply being repeated.
BANKS: dict[str, str] = {
    "closed": "short answers to closed questions",
    "facts": "one plain fact each, sometimes added to a short answer",
    "guarded": "careful, brief answers to open questions while still guarded",
    "open": "opening up to open questions and reflections",
    "reveal": "a lead-in said just before a hidden outcome",
    "resist": "polite resistance to advice or fixing before feeling heard",
    "warm": "warming to an affirmation that found a real strength",
    "summary": "correcting or adding to a summary",
    "acknowledge": "a short acknowledgement of information or considered advice",
    "filler": "neutral fillers",
}
MIN_VARIANTS = 4
MAX_OPENNESS = 5
MAX_REPLY_CHARS = 600
REVEALING_CODES = frozenset(
    {"open_question", "simple_reflection", "complex_reflection", "affirmation", "summary"}
)


class PersonaError(ValueError):
    """A persona file is missing a field or has a value of the wrong kind."""


@dataclass(frozen=True)
class Strength:
    """A strength the persona has; ``words`` in an affirmation show the trainee found it."""

    id: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class HiddenOutcome:
    """Something that matters to the persona, said only once they feel listened to.

    A trainee turn counts towards it when its code is in ``reveal_by`` and, for questions
    and reflections, its words touch one of ``topics``; for affirmations, when it finds one
    of ``strengths``. It is said out loud after ``turns`` such turns (a complex reflection
    counts twice), provided the persona's openness is at least ``min_openness``.
    """

    id: str
    statement: str
    domain: str
    reveal_by: tuple[str, ...]
    turns: int
    min_openness: int
    topics: tuple[str, ...]
    strengths: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Temperament:
    """How guarded the persona is at the start (0–5) and what moves them."""

    description: str
    start_openness: int
    ready_for_ideas: int
    warmed_by: tuple[str, ...]
    put_off_by: tuple[str, ...]


@dataclass(frozen=True)
class Persona:
    """A simulated person, as read from one YAML file."""

    key: str
    name: str
    age: int
    situation: str
    background: tuple[str, ...]
    temperament: Temperament
    openings: tuple[str, ...]
    strengths: tuple[Strength, ...]
    outcomes: tuple[HiddenOutcome, ...]
    replies: tuple[tuple[str, tuple[str, ...]], ...]

    def bank(self, name: str) -> tuple[str, ...]:
        """The variants of one reply bank (see :data:`BANKS`)."""
        for bank, variants in self.replies:
            if bank == name:
                return variants
        raise KeyError(name)

    def outcome(self, outcome_id: str) -> HiddenOutcome:
        """One hidden outcome by id."""
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)


# --- matching ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Word-start matching, so "cook" finds "cooking" and "cooked" but not "precooked"."""
    alternatives = sorted((re.escape(w.lower()).replace(r"\ ", r"\s+") for w in words), key=len)
    return re.compile(r"\b(?:" + "|".join(reversed(alternatives)) + ")", re.IGNORECASE)


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` contains any of ``words`` at the start of a word (any case)."""
    return bool(words) and bool(_word_pattern(words).search(text.replace("’", "'")))


def strengths_found(persona: Persona, text: str) -> tuple[str, ...]:
    """Ids of the persona's strengths whose words appear in ``text``, in file order."""
    return tuple(s.id for s in persona.strengths if mentions(text, s.words))


# --- loading and checking ---------------------------------------------------------------------


class _Checker:
    """Reads fields from parsed YAML, raising :class:`PersonaError` with the path on failure."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> PersonaError:
        return PersonaError(f"persona {self.source}: {where}: {problem}")

    def mapping(self, data: Any, where: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "expected a mapping of fields")
        return data

    def field(self, data: dict, key: str, where: str) -> Any:
        if key not in data or data[key] is None:
            raise self.fail(f"{where}{key}", "missing")
        return data[key]

    def text(self, data: dict, key: str, where: str = "", limit: int = MAX_REPLY_CHARS) -> str:
        value = self.field(data, key, where)
        return self.check_text(value, f"{where}{key}", limit)

    def check_text(self, value: Any, where: str, limit: int = MAX_REPLY_CHARS) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected non-empty text")
        if len(value) > limit:
            raise self.fail(where, f"longer than {limit} characters")
        if value.count("?") > 1:
            raise self.fail(where, "more than one question mark")
        if re.search(r"\bservice users?\b", value, re.IGNORECASE):
            raise self.fail(where, "say 'person' or use their name, not 'service user'")
        return value.strip()

    def integer(self, data: dict, key: str, where: str, low: int, high: int) -> int:
        value = self.field(data, key, where)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{where}{key}", f"expected a whole number from {low} to {high}")
        return value

    def texts(self, data: dict, key: str, where: str = "", minimum: int = 1) -> tuple[str, ...]:
        value = self.field(data, key, where) if minimum else data.get(key) or []
        if not isinstance(value, list):
            raise self.fail(f"{where}{key}", "expected a list")
        if len(value) < minimum:
            raise self.fail(f"{where}{key}", f"expected at least {minimum} entries")
        items = tuple(self.check_text(v, f"{where}{key}[{i}]") for i, v in enumerate(value))
        if len(set(items)) != len(items):
            raise self.fail(f"{where}{key}", "has the same entry twice")
        return items

    def codes(self, data: dict, key: str, where: str, required: bool = True) -> tuple[str, ...]:
        values = self.texts(data, key, where, minimum=1 if required else 0)
        for value in values:
            if value not in CODES:
                raise self.fail(f"{where}{key}", f"unknown code {value!r}; use one of {CODES}")
        return values


def parse_persona(data: Any, source: str = "<data>") -> Persona:
    """Check parsed YAML against the persona schema and build a :class:`Persona`.

    Raises:
        PersonaError: naming the file and the field at fault.
    """
    c = _Checker(source)
    data = c.mapping(data, "top level")
    key = c.text(data, "key")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise c.fail("key", "use lower-case letters, digits and underscores")

    t = c.mapping(c.field(data, "temperament", ""), "temperament")
    temperament = Temperament(
        description=c.text(t, "description", "temperament."),
        start_openness=c.integer(t, "start_openness", "temperament.", 0, MAX_OPENNESS),
        ready_for_ideas=c.integer(t, "ready_for_ideas", "temperament.", 1, MAX_OPENNESS),
        warmed_by=c.codes(t, "warmed_by", "temperament.", required=False),
        put_off_by=c.codes(t, "put_off_by", "temperament.", required=False),
    )

    strengths = []
    raw_strengths = c.field(data, "strengths", "")
    if not isinstance(raw_strengths, list) or not raw_strengths:
        raise c.fail("strengths", "expected a list with at least one strength")
    for i, raw in enumerate(raw_strengths):
        where = f"strengths[{i}]."
        raw = c.mapping(raw, where.rstrip("."))
        strengths.append(
            Strength(
                id=c.text(raw, "id", where),
                label=c.text(raw, "label", where),
                words=c.texts(raw, "words", where),
            )
        )
    strength_ids = {s.id for s in strengths}
    if len(strength_ids) != len(strengths):
        raise c.fail("strengths", "two strengths share an id")

    outcomes = []
    raw_outcomes = c.field(data, "outcomes", "")
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        raise c.fail("outcomes", "expected a list with at least one hidden outcome")
    for i, raw in enumerate(raw_outcomes):
        where = f"outcomes[{i}]."
        raw = c.mapping(raw, where.rstrip("."))
        outcome = HiddenOutcome(
            id=c.text(raw, "id", where),
            statement=c.text(raw, "statement", where, limit=300),
            domain=c.text(raw, "domain", where),
            reveal_by=c.codes(raw, "reveal_by", where),
            turns=c.integer(raw, "turns", where, 1, 6),
            min_openness=c.integer(raw, "min_openness", where, 0, MAX_OPENNESS),
            topics=c.texts(raw, "topics", where),
            strengths=c.texts(raw, "strengths", where, minimum=0),
            hints=c.texts(raw, "hints", where, minimum=0),
        )
        if outcome.domain not in DOMAINS:
            raise c.fail(f"{where}domain", f"unknown domain {outcome.domain!r}")
        if not set(outcome.reveal_by) <= REVEALING_CODES:
            raise c.fail(f"{where}reveal_by", f"only {sorted(REVEALING_CODES)} can reveal")
        unknown = set(outcome.strengths) - strength_ids
        if unknown:
            raise c.fail(f"{where}strengths", f"no strength with id {sorted(unknown)}")
        if "affirmation" in outcome.reveal_by and not outcome.strengths:
            raise c.fail(f"{where}strengths", "name the strengths an affirmation must find")
        outcomes.append(outcome)
    if len({o.id for o in outcomes}) != len(outcomes):
        raise c.fail("outcomes", "two outcomes share an id")

    raw_replies = c.mapping(c.field(data, "replies", ""), "replies")
    missing = [b for b in BANKS if b not in raw_replies]
    if missing:
        raise c.fail("replies", f"missing banks {missing}")
    extra = sorted(set(raw_replies) - set(BANKS))
    if extra:
        raise c.fail("replies", f"unknown banks {extra}; use {list(BANKS)}")
    replies = tuple(
        (bank, c.texts(raw_replies, bank, "replies.", minimum=MIN_VARIANTS)) for bank in BANKS
    )

    return Persona(
        key=key,
        name=c.text(data, "name"),
        age=c.integer(data, "age", "", 1, 120),
        situation=c.text(data, "situation", limit=200),
        background=c.texts(data, "background"),
        temperament=temperament,
        openings=c.texts(data, "openings"),
        strengths=tuple(strengths),
        outcomes=tuple(outcomes),
        replies=replies,
    )


def load_persona(path: Path) -> Persona:
    """Read and check one persona file.

    Raises:
        PersonaError: when the file is not valid YAML or does not fit the schema.
    """
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        raise PersonaError(f"persona {path.name}: not valid YAML: {error}") from error
    persona = parse_persona(data, path.name)
    if persona.key != path.stem:
        raise PersonaError(f"persona {path.name}: key {persona.key!r} differs from file name")
    return persona


@lru_cache(maxsize=1)
def load_personas() -> dict[str, Persona]:
    """Every persona shipped with the package, by key, in file-name order."""
    return {p.stem: load_persona(p) for p in sorted(PERSONA_DIR.glob("*.yml"))}


def get_persona(key: str) -> Persona:
    """One shipped persona by key.

    Raises:
        KeyError: naming the personas that do exist.
    """
    personas = load_personas()
    if key not in personas:
        raise KeyError(f"no persona {key!r}; choose from {sorted(personas)}")
    return personas[key]
