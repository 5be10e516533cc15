"""Coding a real conversation for trainers: a transcript in, each worker turn coded (OARS),
and the same scorecard a practice gets (without hidden outcomes: there are none to find).

Transcripts are plain text with ``W:`` (worker) and ``P:`` (person) at the start of each
turn — a line without a prefix carries on the turn above — or CSV with ``speaker`` and
``text`` columns (speaker ``W``/``worker`` or ``P``/``person``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from bot.coaching.oars import code_utterance
from bot.practice.engine import Turn
from bot.practice.scorecard import Scorecard, build_scorecard

_PREFIX = re.compile(r"^\s*(W|P|worker|person)\s*:\s*(.*)$", re.IGNORECASE)
WORKER = "W"
PERSON = "P"


class TranscriptError(ValueError):
    """A transcript that can't be read: says which line and why."""


@dataclass(frozen=True)
class CodedLine:
    speaker: str  # "W" or "P"
    text: str
    code: str | None = None  # worker turns only
    confidence: float | None = None


def _speaker(label: str) -> str:
    return WORKER if label.strip().lower() in ("w", "worker") else PERSON


def parse_transcript(content: str) -> list[tuple[str, str]]:
    """(speaker, text) turns from ``W:``/``P:`` text or CSV with speaker and text columns."""
    first = content.lstrip().splitlines()[0] if content.strip() else ""
    if re.match(r"^\W*speaker\s*,", first, re.IGNORECASE):
        rows = csv.DictReader(io.StringIO(content.lstrip()))
        turns = []
        for number, row in enumerate(rows, start=2):
            speaker = (row.get("speaker") or "").strip()
            if speaker.lower() not in ("w", "worker", "p", "person"):
                raise TranscriptError(f"line {number}: speaker must be W or P")
            turns.append((_speaker(speaker), (row.get("text") or "").strip()))
        return [t for t in turns if t[1]]
    turns: list[tuple[str, str]] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        match = _PREFIX.match(line)
        if match:
            turns.append((_speaker(match.group(1)), match.group(2).strip()))
        elif turns:
            speaker, text = turns[-1]
            turns[-1] = (speaker, f"{text} {line.strip()}".strip())
        else:
            raise TranscriptError(f"line {number}: a turn starts with W: or P:")
    return [t for t in turns if t[1]]


def code_transcript(turns: list[tuple[str, str]]) -> tuple[list[CodedLine], Scorecard]:
    """Code each worker turn, given what the person said just before, and score them."""
    coded: list[CodedLine] = []
    scored: list[Turn] = []
    previous: str | None = None
    for speaker, text in turns:
        if speaker == WORKER:
            result = code_utterance(text, previous)
            coded.append(CodedLine(speaker, text, result.code, result.confidence))
            scored.append(Turn(text=text, code=result.code))
        else:
            coded.append(CodedLine(speaker, text))
            previous = text
    return coded, build_scorecard(scored, None)


def transcript_markdown(coded: list[CodedLine], card: Scorecard) -> str:
    """The coded transcript as a Markdown table, then the scorecard."""
    rows = ["| | Said | Code |", "|---|---|---|"]
    for line in coded:
        said = line.text.replace("|", "\\|")
        code = f"{line.code} ({line.confidence:.2f})" if line.code else ""
        rows.append(f"| {line.speaker} | {said} | {code} |")
    return "\n".join(["# Coded transcript", "", *rows, "", "## Scorecard", "",
                      *(f"{m}\n" for m in card.messages())])  # fmt: skip
