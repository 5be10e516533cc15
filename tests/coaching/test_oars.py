"""OARS coder: team-written cases per code, compound turns, the `coach code` contract, and
reproducibility of the committed weights. (No AnnoMI text here: it has no licence.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.coaching import oars
from bot.coaching.oars import CODES, code_utterance
from bot.config import PROJECT_ROOT


@pytest.mark.parametrize(
    ("text", "prev", "code"),
    [
        ("What would make the biggest difference to your week?", None, "open_question"),
        ("Can you tell me more about how the evenings go with your dad?", None, "open_question"),
        ("What about your neighbour, does she pop in?", None, "closed_question"),
        ("What about the garden?", None, "open_question"),
        ("How are you finding the new flat?", None, "open_question"),
        ("Do you still drive to the shops?", None, "closed_question"),
        ("Is it the mornings that are hardest?", None, "closed_question"),
        ("Have you got a date for the review?", None, "closed_question"),
        ("How many nights a week is he up?", None, "closed_question"),
        ("You see your grandson most weekends, don't you?", None, "closed_question"),
        (
            "You're finding the stairs hard.",
            "The stairs are getting really hard for me.",
            "simple_reflection",
        ),
        (
            "You've stopped going to the lunch club.",
            "I've stopped going to the lunch club.",
            "simple_reflection",
        ),
        (
            "It sounds like you're worn out and worried nobody will notice.",
            "I'm up every night with him.",
            "complex_reflection",
        ),
        (
            "You're wondering whether moving would mean losing your friends.",
            "I don't know about the move.",
            "complex_reflection",
        ),
        (
            "On the one hand you'd like the help, and on the other you don't want strangers in.",
            "I suppose I do need help.",
            "complex_reflection",
        ),
        ("That took real courage, going to the meeting on your own.", None, "affirmation"),
        ("You've worked really hard on your exercises this month.", None, "affirmation"),
        (
            "So far you've told me the nights are hard, your son helps on Sundays, and you'd like "
            "to keep cooking for yourself.",
            None,
            "summary",
        ),
        (
            "Let me see if I've got this: money's tight, the boiler's broken and you're worried "
            "about the winter.",
            None,
            "summary",
        ),
        ("You should ring the surgery first thing tomorrow.", None, "advice"),
        ("I'd suggest you ask for the review in writing.", None, "advice"),
        ("Why don't you give the carers' line a ring?", None, "advice"),
        ("The best thing would be to keep a diary of his sleep for a week.", None, "advice"),
        ("The assessment usually takes about an hour at your home.", None, "giving_information"),
        (
            "There's a carers' centre on Station Road with a drop-in on Fridays.",
            None,
            "giving_information",
        ),
        ("Mm-hmm.", None, "other"),
        ("Good morning, come on in.", None, "other"),
        ("Okay, thank you.", None, "other"),
    ],
)
def test_codes_team_written_cases(text: str, prev: str | None, code: str) -> None:
    coded = code_utterance(text, prev)
    assert coded.code == code, (text, coded)
    assert 0.0 < coded.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # MITI: a question after a reflection or affirmation makes the turn a question.
        ("That sounds hard. What would help?", "open_question"),
        ("You've been carrying a lot on your own. Would you like a break?", "closed_question"),
        ("Well done for coming today. How are you feeling about it?", "open_question"),
    ],
)
def test_compound_turns_are_coded_by_their_question(text: str, code: str) -> None:
    assert code_utterance(text).code == code


def test_a_check_after_a_summary_keeps_it_a_summary() -> None:
    text = ("Let me check I've understood: you'd like to stay at home, the bathroom is the "
            "problem, and your daughter can help at weekends. Have I got that right?")  # fmt: skip
    assert code_utterance(text).code == "summary"


def test_a_check_after_spoken_information_keeps_it_information() -> None:
    text = (
        "So the way the sitting service works is someone stays with your dad for a few hours, "
        "you know, and you can decide which day suits you. Does that make sense?"
    )
    assert code_utterance(text).code == "giving_information"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Okay, so tell me a bit about how the evenings go at the moment.", "open_question"),
        ("Mm, and how's that been for you?", "open_question"),
        ("And is that every day?", "closed_question"),
    ],
)
def test_spoken_questions(text: str, code: str) -> None:
    assert code_utterance(text).code == code


def test_overlap_with_the_client_separates_simple_from_complex() -> None:
    prev = "I haven't been sleeping since the baby came."
    assert code_utterance("You haven't been sleeping since the baby.", prev).code == (
        "simple_reflection"
    )
    assert code_utterance("You're exhausted and wondering how long you can keep going.",
                          prev).code == "complex_reflection"  # fmt: skip


def test_empty_text_is_other() -> None:
    assert code_utterance("").code == "other"
    assert code_utterance("   ").code == "other"


def test_is_deterministic() -> None:
    text, prev = "So you'd like to get back to the allotment?", "I miss the allotment."
    first = code_utterance(text, prev)
    oars._weights.cache_clear()
    assert all(code_utterance(text, prev) == first for _ in range(5))
    assert set(oars.scores(text, prev)) == set(CODES)


def test_committed_weights_match_a_rebuild() -> None:
    committed = json.loads(oars.WEIGHTS.read_text(encoding="utf-8"))
    assert committed["fingerprint"] == oars.fingerprint(), "run: python -m bot.coaching.oars"
    rebuilt = oars.fit(oars.load_examples())
    assert set(rebuilt) == set(committed["weights"])
    worst = max(
        abs(a - b)
        for name, row in rebuilt.items()
        for a, b in zip(row, committed["weights"][name], strict=True)
    )
    assert worst <= 1e-3


def test_examples_cover_every_code_with_hundreds() -> None:
    examples = oars.load_examples()
    assert {e["code"] for e in examples} == set(CODES)
    for code in CODES:
        assert sum(e["code"] == code for e in examples) >= 200, code


def _run(stdin: str, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "code", *args],
        input=stdin, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_coach_code_contract_order_and_bad_lines() -> None:
    lines = [
        json.dumps({"text": "What matters most to you about staying at home?"}),
        "not json at all",
        json.dumps({"text": "You've stopped going out.", "prev": "I've stopped going out."}),
        "",
        json.dumps(["a list"]),
        json.dumps({"text": "Do you live on your own?"}),
    ]
    out = _run("\n".join(lines) + "\n")
    assert len(out) == 6
    assert [o["code"] for o in out] == [
        "open_question", "other", "simple_reflection", "other", "other", "closed_question"
    ]  # fmt: skip
    for i in (0, 2, 3, 5):
        assert list(out[i]) == ["code", "confidence"]
        assert isinstance(out[i]["confidence"], float)
    assert out[1]["error"] == "not a JSON object" and out[4]["error"] == "not a JSON object"


def test_coach_code_empty_input_and_file(tmp_path) -> None:
    assert _run("") == []
    source = tmp_path / "turns.jsonl"
    source.write_text('{"text": "You should see the GP."}\n', encoding="utf-8")
    assert [o["code"] for o in _run("", str(source))] == ["advice"]
