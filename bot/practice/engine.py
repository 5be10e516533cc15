"""The practice engine: how a simulated person answers each trainee turn (DESIGN §5).

The engine never codes the trainee's words itself. The caller passes the OARS code of each
turn (one of :data:`~bot.practice.personas.CODES`, as produced by the OARS coder), so the
two can be built, tested and improved apart.

State is an immutable :class:`Practice`; :func:`respond` returns a new one with the reply.
Everything is deterministic under the seed: the same persona, seed and turns always give
the same replies.

How the persona decides
    * Openness (0–5) starts at the persona's ``start_openness``. Open questions and simple
      reflections raise it by 1, complex reflections and affirmations that find a real
      strength by 2, summaries by 1. Advice before the persona feels heard (openness below
      ``ready_for_ideas``) lowers it by 1. Codes in the temperament's ``warmed_by`` add one
      more; codes in ``put_off_by`` take one away.
    * A hidden outcome moves forward on a turn whose code is in its ``reveal_by`` and which
      is on its topic (questions, reflections) or finds one of its strengths (affirmations);
      a complex reflection counts twice. Once it has had ``turns`` such turns, and openness
      is at least its ``min_openness``, the persona says it, in their own words. At most one
      outcome is said per turn.
    * A summary, once openness is 4 or more, moves the unsaid outcome with most progress on
      by one: the person corrects or adds.
    * Closed questions get a short answer, sometimes with one plain fact, and reveal nothing.
      Information and considered advice get a short acknowledgement.
    * No reply is said twice in one practice: each bank is shuffled by the seed and used in
      turn; when a bank runs out, a filler is put in front of its variants.

Nudges
    A short hint for the trainee, at most one per turn and none after a good turn: after a
    second closed question in a row, after advice before the persona feels heard, and after
    an affirmation that found no real strength. ``nudges=False`` switches them off.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from bot.practice.personas import CODES, MAX_OPENNESS, Persona, mentions, strengths_found

SUMMARY_REVEAL_AT = 4
GOOD_CODES = frozenset({"open_question", "simple_reflection", "complex_reflection", "summary"})

_OPENNESS_CHANGE = {
    "open_question": 1,
    "simple_reflection": 1,
    "complex_reflection": 2,
    "summary": 1,
}
_NUDGES: dict[str, tuple[str, ...]] = {
    "closed_streak": (
        "That was a closed question — try starting with 'what' or 'how'.",
        "Another yes-or-no question. An open one, such as 'What's that been like for you?', "
        "gives {name} room to say more.",
        "Closed questions get short answers — try 'tell me about…' or 'how…' instead.",
    ),
    "early_advice": (
        "{name} doesn't feel heard yet, so ideas bounce off — try reflecting what you heard first.",
        "Advice this early meets resistance. Try a reflection of what {name} has told you, "
        "then let {name} lead on ideas.",
        "Hold the ideas for now: reflect what matters to {name} first, and the ideas can come "
        "from {name}.",
    ),
    "empty_affirmation": (
        "Affirmations land when they name a real strength — try picking out something {name} "
        "has done, or kept going with.",
        "Praise that's general can sound hollow. Name the specific effort or quality you heard "
        "in what {name} said.",
    ),
}


class PracticeError(ValueError):
    """A turn could not be taken: unknown code or empty text."""


@dataclass(frozen=True)
class PersonaReply:
    """What the persona says back, the outcomes it revealed, and a hint for the trainee."""

    text: str
    revealed: tuple[str, ...] = ()
    nudge: str | None = None


@dataclass(frozen=True)
class Turn:
    """One trainee turn as coded, with the persona's answer; the scorecard reads these."""

    text: str
    code: str
    reply: str = ""
    revealed: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    nudge: str | None = None
    openness: int = 0


@dataclass(frozen=True)
class Practice:
    """A practice conversation in progress."""

    persona: Persona
    seed: int
    opening: str
    openness: int
    nudges: bool = True
    turns: tuple[Turn, ...] = ()
    revealed: tuple[str, ...] = ()
    progress: tuple[tuple[str, int], ...] = ()
    used: frozenset[str] = field(default_factory=frozenset)
    nudges_given: tuple[tuple[str, int], ...] = ()

    def progress_of(self, outcome_id: str) -> int:
        """How many qualifying turns an outcome has had so far."""
        return dict(self.progress).get(outcome_id, 0)


def _rng(persona: Persona, seed: int, purpose: str) -> random.Random:
    # A string seed is hashed with SHA-512 by ``random``, so orders do not depend on
    # PYTHONHASHSEED and are the same on every machine.
    return random.Random(f"{persona.key}:{seed}:{purpose}")


def start(persona: Persona, seed: int = 0, nudges: bool = True) -> Practice:
    """A new practice with ``persona``; its :attr:`Practice.opening` is the first line."""
    openings = list(persona.openings)
    opening = openings[_rng(persona, seed, "opening").randrange(len(openings))]
    return Practice(
        persona=persona,
        seed=seed,
        opening=opening,
        openness=persona.temperament.start_openness,
        nudges=nudges,
        used=frozenset({opening}),
    )


def _candidates(persona: Persona, seed: int, bank: str) -> list[str]:
    """Every text a bank can give, in the order this seed uses them."""
    variants = list(persona.bank(bank))
    rng = _rng(persona, seed, bank)
    rng.shuffle(variants)
    if bank == "closed":
        # A short answer alone or with one plain fact after it, alternating, then the
        # remaining pairings; the facts rotate so no fact comes twice in a row.
        facts = list(persona.bank("facts"))
        rng.shuffle(facts)
        pairs = [
            f"{short} {facts[(i + j) % len(facts)]}"
            for j in range(len(facts))
            for i, short in enumerate(variants)
        ]
        interleaved = [text for i, short in enumerate(variants) for text in (short, pairs[i])]
        variants = interleaved + pairs[len(variants) :]
    fillers = list(persona.bank("filler"))
    rng.shuffle(fillers)
    padded = [f"{f} {v}" for f in fillers for v in variants]
    return variants + padded


def _pick(state: Practice, bank: str, extra: str = "") -> tuple[str, str]:
    """The next unused text from a bank, and the whole reply with ``extra`` after it.

    Neither the bank's text nor the whole reply may have been said before, so a lead-in
    is not reused even in front of a different statement.
    """
    candidates = _candidates(state.persona, state.seed, bank)
    for candidate in candidates:
        text = f"{candidate} {extra}".strip()
        if candidate not in state.used and text not in state.used:
            return candidate, text
    for candidate in candidates:
        text = f"{candidate} {extra}".strip()
        if text not in state.used:
            return candidate, text
    # Every variant and filler pairing used (hundreds of turns): number the repeat so the
    # words stay the persona's but the text is still new.
    text = f"{candidates[0]} {extra}".strip() + f" ({len(state.used)})"
    return candidates[0], text


def _qualifies(state: Practice, outcome_id: str, text: str, code: str, found: tuple) -> int:
    """How far this turn moves one hidden outcome on (0 when it does not count)."""
    outcome = state.persona.outcome(outcome_id)
    if code not in outcome.reveal_by or code == "summary":
        return 0
    if code == "affirmation":
        return 1 if set(found) & set(outcome.strengths) else 0
    if not mentions(text, outcome.topics):
        return 0
    return 2 if code == "complex_reflection" else 1


def _unused_hint(state: Practice, outcome_id: str) -> str | None:
    for hint in state.persona.outcome(outcome_id).hints:
        if hint not in state.used:
            return hint
    return None


def _nudge(state: Practice, code: str, found: tuple[str, ...], resisted: bool) -> str | None:
    """Which hint, if any, this turn earns (a key of ``_NUDGES``)."""
    if code == "closed_question" and state.turns and state.turns[-1].code == "closed_question":
        return "closed_streak"
    if code == "advice" and resisted:
        return "early_advice"
    if code == "affirmation" and not found:
        return "empty_affirmation"
    return None


def respond(state: Practice, trainee_text: str, code: str) -> tuple[Practice, PersonaReply]:
    """The persona's answer to one trainee turn, and the practice after it.

    Args:
        state: the practice so far.
        trainee_text: what the trainee wrote.
        code: the OARS code of that turn, one of :data:`~bot.practice.personas.CODES`.

    Raises:
        PracticeError: for an unknown code or empty text.
    """
    if code not in CODES:
        raise PracticeError(f"unknown code {code!r}; use one of {CODES}")
    if not trainee_text or not trainee_text.strip():
        raise PracticeError("the trainee's turn is empty")
    persona = state.persona
    temperament = persona.temperament
    found = strengths_found(persona, trainee_text) if code == "affirmation" else ()
    resisted = code == "advice" and state.openness < temperament.ready_for_ideas

    # 1. Openness.
    change = _OPENNESS_CHANGE.get(code, 0)
    if code == "affirmation" and found:
        change = 2
    if resisted:
        change = -1
    warms = code in temperament.warmed_by and (code != "affirmation" or found)
    if warms:
        change += 1
    if code in temperament.put_off_by and (code != "advice" or resisted):
        change -= 1
    openness = max(0, min(MAX_OPENNESS, state.openness + change))

    # 2. Progress towards hidden outcomes.
    progress = dict(state.progress)
    touched: list[str] = []
    unsaid = [o.id for o in persona.outcomes if o.id not in state.revealed]
    for outcome_id in unsaid:
        step = _qualifies(state, outcome_id, trainee_text, code, found)
        if step and openness >= persona.outcome(outcome_id).min_openness:
            progress[outcome_id] = progress.get(outcome_id, 0) + step
            touched.append(outcome_id)
    if code == "summary" and openness >= SUMMARY_REVEAL_AT and unsaid:
        best = max(unsaid, key=lambda o: (progress.get(o, 0), -unsaid.index(o)))
        progress[best] = progress.get(best, 0) + 1
        touched.append(best)
    ready = [o for o in unsaid if o in touched and progress.get(o, 0) >= persona.outcome(o).turns]
    revealed = tuple(ready[:1])

    # 3. Words.
    if revealed:
        statement = persona.outcome(revealed[0]).statement
        bank, extra = ("warm" if code == "affirmation" else "reveal"), statement
    elif code == "closed_question":
        bank, extra = "closed", ""
    elif code == "advice":
        bank, extra = ("resist" if resisted else "acknowledge"), ""
    elif code == "giving_information":
        bank, extra = "acknowledge", ""
    elif code == "affirmation":
        bank, extra = ("warm" if found else "filler"), ""
    elif code == "summary":
        bank, extra = "summary", ""
    elif code in GOOD_CODES:
        bank, extra = ("guarded" if openness < 2 else "open"), ""
    else:
        bank, extra = "filler", ""
    hint = None
    if not revealed and code in GOOD_CODES and code != "summary":
        hint = next((h for o in touched if (h := _unused_hint(state, o))), None)
    part, text = (hint, hint) if hint else _pick(state, bank, extra)

    # 4. A nudge, only after a turn that could have gone better.
    nudge_key = _nudge(state, code, found, resisted) if state.nudges else None
    nudge = None
    given = dict(state.nudges_given)
    if nudge_key:
        variants = _NUDGES[nudge_key]
        count = given.get(nudge_key, 0)
        nudge = variants[count % len(variants)].format(name=persona.name)
        given[nudge_key] = count + 1

    turn = Turn(
        text=trainee_text,
        code=code,
        reply=text,
        revealed=revealed,
        strengths=found,
        nudge=nudge,
        openness=openness,
    )
    new_state = replace(
        state,
        turns=state.turns + (turn,),
        openness=openness,
        revealed=state.revealed + revealed,
        progress=tuple(sorted(progress.items())),
        used=state.used | {part, text},
        nudges_given=tuple(sorted(given.items())),
    )
    return new_state, PersonaReply(text=text, revealed=revealed, nudge=nudge)
