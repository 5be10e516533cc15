"""Trainee practice: personas with hidden outcomes, the engine that plays them, and the
scorecard (DESIGN §5). Pure and deterministic under a seed; no Rasa imports."""

from bot.practice.engine import PersonaReply, Practice, PracticeError, Turn, respond, start
from bot.practice.personas import Persona, PersonaError, get_persona, load_persona, load_personas
from bot.practice.scorecard import (
    Progress,
    Scorecard,
    build_scorecard,
    compare_progress,
    score_practice,
)

__all__ = [
    "Persona", "PersonaError", "PersonaReply", "Practice", "PracticeError", "Progress",
    "Scorecard", "Turn", "build_scorecard", "compare_progress", "get_persona",
    "load_persona", "load_personas", "respond", "score_practice", "start",
]  # fmt: skip
