"""Coding a real transcript for trainers: parsing, coding with context, scoring, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.practice.transcripts import TranscriptError, code_transcript, parse_transcript

TRANSCRIPT = """W: What's been happening since we last spoke?
P: Not much. I've been stuck in the house
most days, to be honest.
W: Do you go out at all?
P: No.
W: It sounds like being stuck inside is wearing you down.
"""


def test_text_transcripts_join_carried_on_lines() -> None:
    turns = parse_transcript(TRANSCRIPT)
    assert [s for s, _ in turns] == ["W", "P", "W", "P", "W"]
    assert turns[1][1] == "Not much. I've been stuck in the house most days, to be honest."


def test_csv_transcripts_are_read_and_bad_speakers_named() -> None:
    turns = parse_transcript('speaker,text\nworker,"How are things?"\nperson,Fine\n')
    assert turns == [("W", "How are things?"), ("P", "Fine")]
    with pytest.raises(TranscriptError, match="line 2"):
        parse_transcript("speaker,text\nboss,hello\n")
    with pytest.raises(TranscriptError, match="line 1"):
        parse_transcript("no prefix here\nW: hello")


def test_worker_turns_are_coded_and_scored_without_hidden_outcomes() -> None:
    coded, card = code_transcript(parse_transcript(TRANSCRIPT))
    codes = [line.code for line in coded if line.speaker == "W"]
    assert codes[:2] == ["open_question", "closed_question"]
    assert codes[2] in ("simple_reflection", "complex_reflection")
    assert all(line.code is None for line in coded if line.speaker == "P")
    assert card.turns == 3 and card.uncovered == () and card.missed == ()
    messages = card.messages()
    assert messages[0].startswith("The worker's 3 turns.")
    assert not any("uncovered" in m for m in messages)
    assert all(len(m) <= 600 and m.count("?") <= 1 for m in messages)


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_the_cli_prints_the_coded_transcript_and_scorecard(tmp_path, fmt) -> None:
    source = tmp_path / "session.txt"
    source.write_text(TRANSCRIPT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "code-transcript", str(source), "--format", fmt],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        result = json.loads(done.stdout)
        assert [t["code"] for t in result["turns"]][0] == "open_question"
        assert result["scorecard"]["turns"] == 3
    else:
        assert "| W | What's been happening since we last spoke? | open_question" in done.stdout
        assert "## Scorecard" in done.stdout


def test_the_cli_says_why_it_cannot_read_a_transcript(tmp_path) -> None:
    source = tmp_path / "bad.txt"
    source.write_text("hello there\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "code-transcript", str(source)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "line 1" in done.stderr
