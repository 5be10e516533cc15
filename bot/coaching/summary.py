"""Short summaries given back at the end of a conversation."""

from __future__ import annotations

import re

from bot.coaching.text import clean

MAX_QUOTE = 300


def _same(a: str, b: str) -> bool:
    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()

    return squash(a) == squash(b)


def summary_parts(best_hope: str | None, outcome: str | None) -> dict[str, str]:
    """Values for the ``utter_summary`` response: what was said, and what matters.

    The answer is quoted only when it adds something to the outcome statement.
    """
    answer = clean(best_hope)
    if len(answer) > MAX_QUOTE:
        answer = answer[: MAX_QUOTE - 1].rstrip() + "…"
    answer_line = f"You told me: “{answer}”. " if answer else ""
    if outcome and answer and _same(answer, outcome):
        answer_line = ""
    outcome_line = f"What matters to you: “{outcome}”. " if outcome else ""
    return {"answer_line": answer_line, "outcome_line": outcome_line}
