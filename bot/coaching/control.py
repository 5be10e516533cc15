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
    AFFIRM = "affirm"
    DENY = "deny"
    REWORD = "reword"
    SKIP = "skip"
    # Rasa keeps the intent "restart" for itself (it wipes the conversation at once).
    RESTART = "start_again"
    PLAN = "plan"
    SHARE = "share"
    UNSHARE = "unshare"
    MYDATA = "mydata"
    DELETE = "delete"
    PRACTICE = "practice"


# Commands that end the question being asked (the person is asked to confirm where it matters).
ENDING = frozenset({Turn.STOP, Turn.PAUSE, Turn.RESTART, Turn.DELETE, Turn.PRACTICE})
# Commands answered on the spot, after which the same question is asked again.
IN_PLACE = frozenset({Turn.HELP, Turn.PLAN, Turn.SHARE, Turn.UNSHARE, Turn.MYDATA})
ALWAYS = ENDING | IN_PLACE
# Command names people type that reach the form under another name.
ALIASES = {"restart": Turn.RESTART}
CHOICES = frozenset({Turn.AFFIRM, Turn.DENY, Turn.REWORD})
# A command is short. The longer the message, the surer the NLU must be before it counts
# as one: (most words, least confidence).
COMMAND_LENGTHS = ((4, 0.8), (6, 0.98))


def interpret_turn(
    text: str | None,
    intent: str | None,
    confidence: float | None,
    choices: frozenset[Turn] = frozenset(),
) -> Turn:
    """Return whether a message typed inside a form is an answer or a command.

    ``choices`` names the button intents (affirm, deny, reword) that mean something at this
    point; the commands in ``ALWAYS`` always do. A slash command that means nothing here is
    treated as a request for help rather than as an answer.
    """
    allowed = ALWAYS | choices
    message = clean(text)
    if message.startswith("/"):
        # "/", "/{...}" and "/ {" name nothing: they are (odd) answers, never a crash.
        head = message[1:].split("{", 1)[0].split()
        name = head[0].lower() if head else ""
        if not name:
            return Turn.ANSWER
        turn = Turn(name) if name in Turn._value2member_map_ else ALIASES.get(name)
        return turn if turn in allowed else Turn.HELP
    turn = Turn(intent) if intent in Turn._value2member_map_ else None
    count = len(words(message))
    if turn in allowed and count > 0:
        for most_words, least_confidence in COMMAND_LENGTHS:
            if count <= most_words and (confidence or 0.0) >= least_confidence:
                return turn
    return Turn.ANSWER
