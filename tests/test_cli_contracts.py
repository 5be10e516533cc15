"""`coach classify` and `coach draft`: JSON Lines in, JSON Lines out, one per line, in order."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.config import PROJECT_ROOT, get_settings
from bot.store import repositories as repo
from bot.store.people import record_key_for


def run(command: str, stdin: str, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", command, *args],
        input=stdin, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_classify_gives_one_object_per_line_in_order() -> None:
    lines = ["I want a stairlift", "", "I'd like to see my grandchildren more", "Has COPD"]
    out = run("classify", "\n".join(lines) + "\n")
    assert [o["text"] for o in out] == lines
    assert [list(o) for o in out] == [["text", "kind", "domain", "services"]] * 4
    assert [o["kind"] for o in out] == ["service", "other", "outcome", "other"]
    assert out[0]["services"] == [{"text": "stairlift", "start": 9, "end": 18}]
    assert out[2]["domain"] == "seeing_people"


def test_classify_reads_a_file(tmp_path) -> None:
    source = tmp_path / "statements.txt"
    source.write_text("I want to walk to the shops\nwalk-in shower\n", encoding="utf-8")
    out = run("classify", "", str(source))
    assert [o["kind"] for o in out] == ["outcome", "service"]


def test_draft_contract_keys_order_and_bad_lines() -> None:
    items = [
        {"question": "What matters most to you?", "answer": "I'd like to cook my own dinner."},
        "not json at all",
        {"question": "What would help?", "answer": "don't know"},
    ]
    stdin = "\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n"
    out = run("draft", stdin)
    assert len(out) == 3
    keys = ["outcomes", "services", "strengths", "reflection", "affirmation"]
    assert list(out[0]) == keys
    assert out[0]["outcomes"][0]["statement"] == "I'd like to cook my own dinner"
    assert set(out[0]["outcomes"][0]) == {"statement", "domain"}
    assert out[1]["error"] == "not a JSON object" and out[1]["outcomes"] == []
    assert out[2]["outcomes"] == []


def _coach(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, env=dict(os.environ),
    )  # fmt: skip


def test_export_by_share_code_gives_the_plan_and_refuses_bad_codes(db, tmp_path) -> None:
    key = record_key_for(get_settings(), "telegram", "555")
    with db.begin() as session:
        repo.record_consent(session, key)
        [outcome_id] = repo.save_answer(
            session, key, "best_hope", "I want to walk to the shops",
            outcomes=[("I want to walk to the shops", "mobility")],
        )  # fmt: skip
        repo.set_outcome_status(session, key, outcome_id, "confirmed")
        code, _ = repo.create_share_code(session, key)

    as_markdown = _coach("export", "--person", code, "--format", "md")
    assert as_markdown.returncode == 0, as_markdown.stderr
    assert "“I want to walk to the shops”" in as_markdown.stdout
    as_json = json.loads(_coach("export", "--person", code).stdout)
    by_sender = json.loads(_coach("export", "--channel", "telegram", "--sender", "555").stdout)
    assert {**as_json, "generated": None} == {**by_sender, "generated": None}
    assert as_json["schema"] == "outcomes-coach/record@1"
    pdf = tmp_path / "plan.pdf"
    made = _coach("export", "--person", code, "--format", "pdf", "--output", str(pdf))
    assert made.returncode == 0, made.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "I want to walk to the shops" in text
    fhir = json.loads(_coach("export", "--person", code, "--format", "fhir").stdout)
    assert fhir["resourceType"] == "Bundle"

    wrong = _coach("export", "--person", "AAAA-BBBB-CCCC")
    assert wrong.returncode == 1 and "doesn't open a plan" in wrong.stderr
    assert wrong.stdout == ""
    with db.begin() as session:
        repo.revoke_share_codes(session, key)
    assert _coach("export", "--person", code).returncode == 1
    assert _coach("export", "--person", code, "--channel", "telegram").returncode != 0


def test_opening_a_shared_plan_is_logged_for_the_person(db) -> None:
    key = record_key_for(get_settings(), "telegram", "556")
    with db.begin() as session:
        repo.record_consent(session, key)
        code, _ = repo.create_share_code(session, key)
    opened = _coach("export", "--person", code, "--as", "Jo Bloggs, social worker")
    assert opened.returncode == 0
    with db.begin() as session:
        [share] = repo.record_as_dict(session, key)["shares"]
    assert [(u["via"], u["who"]) for u in share["uses"]] == [("cli", "Jo Bloggs, social worker")]
