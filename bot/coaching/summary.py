"""Short summaries given back at the end of a conversation."""

from __future__ import annotations

from bot.coaching.text import clean


def summary_parts(best_hope: str | None, outcome: str | None) -> dict[str, str]:
    """Values for the ``utter_summary`` response: the answer and an outcome line."""
    answer = clean(best_hope) or "not said yet"
    if len(answer) > 300:
        answer = answer[:297].rstrip() + "…"
    outcome_line = f"What matters to you: “{outcome}”. " if outcome else ""
    return {"answer": answer, "outcome_line": outcome_line}
