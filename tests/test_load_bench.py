"""The load benchmark's harness (bench.load): the audit's arithmetic, how a simulated person
follows the journey, the report, and a tiny real run against the servers."""

from __future__ import annotations

import random
import re

import pytest

from bench.load import (
    HELP_ANSWERS,
    HELP_QUESTION,
    TOPIC_ANSWERS,
    WHY_ANSWERS,
    WHY_QUESTION,
    all_runs,
    compare,
    comparison,
    marked,
    next_message,
    render_section,
    run_load,
    sender_id,
)
from bench.run import load_failures, render_report
from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.questions import TOPICS
from bot.coaching.risk import detect_risk
from bot.coaching.roles import draft_for_role
from bot.coaching.text import clean


def test_compare_finds_every_answer_once_and_in_order() -> None:
    assert compare(["a", "b", "c"], [], ["a", "b", "c"]) == {
        "found": 3, "lost": 0, "duplicated": 0, "out_of_order": 0, "foreign": 0,
        "uncertain_found": 0,
    }  # fmt: skip


def test_compare_counts_lost_duplicated_out_of_order_and_foreign() -> None:
    found = compare(["a", "b", "c", "d"], [], ["b", "a", "c", "c", "x"])
    assert found["lost"] == 1  # d
    assert found["duplicated"] == 1  # c
    assert found["out_of_order"] == 1  # a after b
    assert found["foreign"] == 1  # x was never sent
    assert found["found"] == 2


def test_an_uncertain_answer_may_be_there_once_or_not_at_all_but_not_twice() -> None:
    assert compare(["a"], ["b"], ["a"])["lost"] == 0
    assert compare(["a"], ["b"], ["a", "b"])["uncertain_found"] == 1
    assert compare(["a"], ["b"], ["a", "b", "b"])["duplicated"] == 1


def _reply(text: str, *buttons: str) -> list[dict]:
    return [{"text": text, "buttons": [{"title": b, "payload": b} for b in buttons]}]


def test_a_simulated_person_follows_the_journey() -> None:
    rng = random.Random(1)
    consent = _reply("… Is that alright?", "/affirm", "/deny")
    assert next_message(consent, rng)[:2] == ("consent", "/affirm")
    role = _reply("Who is this for?", '/choose{"choice":"self"}', '/choose{"choice":"carer"}')
    assert next_message(role, rng)[:2] == ("choose", '/choose{"choice":"self"}')
    draft = _reply("Here's what I've written down…", "/affirm", "/reword", "/deny")
    assert next_message(draft, rng)[0] in ("confirm", "deny")
    assert next_message(_reply(WHY_QUESTION, "/skip"), rng)[0] == "why"
    assert next_message(_reply(HELP_QUESTION, "/skip"), rng)[0] == "help"
    for topic in TOPICS:
        kind, _, asked = next_message(_reply(topic.phrasings[0], "/skip"), rng)
        assert kind in ("answer", "skip") and asked == topic.key
    assert next_message(_reply("Thank you for sharing this.", "/plan", "/share"), rng)[0] == "done"
    assert next_message(_reply("Sorry, I didn't get that."), rng)[0] == "unexpected"
    assert next_message([], rng)[0] == "unexpected"


def test_answers_and_sender_ids_are_unique_and_senders_pseudonymous() -> None:
    assert marked("I like walks", 17, 1, 4) == "I like walks (person 17, journey 1, turn 4)"
    senders = {sender_id("abc", person, journey) for person in range(50) for journey in (1, 2)}
    assert len(senders) == 100
    # Nothing in a sender id says which person it is: a prefix, the run, then a hash.
    assert all(re.fullmatch(r"load-abc-[0-9a-f]{20}", sender) for sender in senders)
    assert sender_id("abc", 17, 1) != sender_id("abd", 17, 1)


@pytest.mark.parametrize(
    ("topic", "answer"), [(t, a) for t, answers in TOPIC_ANSWERS.items() for a in answers]
)
def test_every_answer_in_the_bank_is_taken_as_it_is(topic: str, answer: str) -> None:
    """A full answer, no risk, not a bare service (which would be asked about again): so the
    bot's reply to it is known, and it must be in the record."""
    question = next(t.phrasings[0] for t in TOPICS if t.key == topic)
    text = marked(answer, 123, 4, 17)
    assert assess_answer(text) is AnswerKind.FULL
    draft = draft_for_role(question, text, "self", topic, None).draft
    assert draft.risk is None
    assert draft.outcomes or not draft.services


@pytest.mark.parametrize("answer", WHY_ANSWERS + HELP_ANSWERS)
def test_every_follow_up_answer_is_taken_as_it_is(answer: str) -> None:
    text = marked(answer, 123, 4, 17)
    assert assess_answer(text) is AnswerKind.FULL and detect_risk(text) is None
    assert clean(text) == text  # stored exactly as sent


def _run(label: str, p95: float, lost: int = 0) -> dict:
    return {
        "label": label,
        "config": {"people": 200, "seconds": 60, "think_s": [2, 6], "typing_s": [0, 0]},
        "finished_at": "2026-01-02T00:00:00+00:00",
        "offered_turns_per_s": 50.0,
        "throughput_per_s": 40.0,
        "ok_turns": 2400,
        "errors": 0,
        "error_rate": 0.0,
        "latency": {"p50_ms": 80.0, "p95_ms": p95, "p99_ms": 400.0, "max_ms": 900.0},
        "journeys_started": 200,
        "journeys_completed": 0,
        "integrity": {
            "ok": not lost,
            "answers_checked": 1800,
            "lost": lost,
            "duplicated": 0,
            "out_of_order": 0,
            "tracker_mismatches": 0,
            "problems": [],
        },  # fmt: skip
        "cpu": {"rasa": 1.2, "total": 1.8},
        "loadavg_before": [0.2, 0.1, 0.1],
        "loadavg_after": [1.9, 0.8, 0.3],
    }


def test_the_report_compares_both_configurations_and_judges_the_targets() -> None:
    runs = {"replicas2_postgresql": _run("2 replicas", 250.0),
            "replica1_sqlite": _run("1 replica", 500.0)}  # fmt: skip
    summary = comparison(runs)
    assert summary["p95_ratio"] == pytest.approx(0.5)
    assert summary["targets"] == {
        "p95_within_300_ms": True, "no_errors": True, "nothing_lost_or_duplicated": True,
    }  # fmt: skip
    text = "\n".join(render_section({"runs": runs, "comparison": summary}))
    assert "| Turn latency p95 | 250 ms | 500 ms | 0.50× |" in text
    assert "| Lost / duplicated / out of order | 0 / 0 / 0 | 0 / 0 / 0 |" in text
    assert "p95 turn latency ≤ 300 ms — met" in text
    report = render_report({"finished_at": "2026-01-02T00:00:00+00:00", "bots": {},
                            "load": {"runs": runs, "comparison": summary}})  # fmt: skip
    assert "## Load: 200 people at once" in report
    assert render_section(None) == []


def test_both_paces_are_reported_and_a_failed_run_in_either_fails_the_bench() -> None:
    typing = {"replicas2_postgresql": _run("2 replicas", 200.0),
              "replica1_sqlite": _run("1 replica", 400.0)}  # fmt: skip
    stress = {"replicas2_postgresql": _run("2 replicas", 3000.0),
              "replica1_sqlite": _run("1 replica", 5000.0, lost=1)}  # fmt: skip
    load = {"profiles": {
        "typing": {"runs": typing, "comparison": comparison(typing), "title": "people typing"},
        "stress": {"runs": stress, "comparison": comparison(stress), "title": "stress pace"},
    }}  # fmt: skip
    text = "\n".join(render_section(load))
    assert "### People typing: 200 people at once" in text
    assert "### Stress pace: 200 people at once" in text
    assert "| Turn latency p95 | 200 ms | 400 ms | 0.50× |" in text
    assert "| Turn latency p95 | 3000 ms | 5000 ms | 0.60× |" in text
    assert len(all_runs(load)) == 4
    assert load_failures(load) == ["load, 1 replica: the audit found problems"]


def test_a_lost_answer_fails_the_target() -> None:
    runs = {"replicas2_postgresql": _run("2 replicas", 350.0, lost=1)}
    targets = comparison(runs)["targets"]
    assert targets["nothing_lost_or_duplicated"] is False
    assert targets["p95_within_300_ms"] is False


@pytest.mark.e2e
def test_a_tiny_load_run_on_one_replica_passes_its_audit(tmp_path) -> None:
    result = run_load(
        people=3, seconds=10, replicas=1, backend="sqlite", think_s=(0.2, 1.0),
        work_dir=tmp_path / "load",
    )  # fmt: skip
    assert "error" not in result, result.get("error")
    assert result["errors"] == 0, result["errors_by_kind"]
    assert result["ok_turns"] >= 3 * 4  # everyone got past consent and into the questions
    assert result["throughput_per_s"] > 0
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        assert result["latency"][key] > 0
    integrity = result["integrity"]
    assert integrity["ok"], integrity["problems"]
    assert integrity["journeys"] >= 3
    assert integrity["answers_checked"] >= 3  # typed answers found in the record
    assert integrity["lost"] == integrity["duplicated"] == integrity["out_of_order"] == 0
    assert integrity["tracker_mismatches"] == 0
    assert integrity["tracker_messages_checked"] == result["ok_turns"]
    assert result["config"]["replicas"] == 1 and result["cpu"]["total"] > 0
