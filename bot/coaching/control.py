"""Tell commands from answers while a question is open (DESIGN §8).

Free answers such as "I want to quit this job" are easily mistaken for ``stop``. A turn
counts as a command only when it is explicit (a slash command or button payload) or a
short message the NLU is confident about.
"""

from __future__ import annotations

from enum import StrEnum

from bot.coaching.text import clean, words


class Turn(StrEnum):
    ANSWER = "answer"
    STOP = "stop"
    PAUSE = "pause"
    HELP = "help"


_CONTROL_INTENTS = {"stop": Turn.STOP, "pause": Turn.PAUSE, "help": Turn.HELP}
SHORT_COMMAND_WORDS = 4
CONFIDENT = 0.8


def interpret_turn(text: str | None, intent: str | None, confidence: float | None) -> Turn:
    """Return whether a message typed inside a form is an answer or a control command."""
    message = clean(text)
    if message.startswith("/"):
        command = message[1:].split("{", 1)[0].split()[0].lower() if len(message) > 1 else ""
        return _CONTROL_INTENTS.get(command, Turn.ANSWER if command == "" else Turn.HELP)
    control = _CONTROL_INTENTS.get(intent or "")
    if (
        control is not None
        and (confidence or 0.0) >= CONFIDENT
        and 0 < len(words(message)) <= SHORT_COMMAND_WORDS
    ):
        return control
    return Turn.ANSWER
