"""``coach worker open | outcomes | review``: a worker's commands for a shared plan."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store import repositories as repo
from bot.worker_cli import WRONG_CODE
from tests.web.conftest import (
    NASTY,
    OTHER_PERSONS_OUTCOME,
    OUTCOME,
    PROPOSED,
    WORKER_OUTCOME,
    share_uses,
)

runner = CliRunner()


def coach(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def reviews(db, pseudonym: str = "person-1") -> list[dict]:
    with db.begin() as session:
        return repo.record_as_dict(session, pseudonym)["reviews"]


def statuses(db) -> dict[str, str]:
    with db.begin() as session:
        person = repo.get_person(session, "person-1")
        return {o.statement: o.status for o in person.outcomes}


def test_open_prints_the_plan_and_logs_who_opened_it(shared, db) -> None:
    result = coach("worker", "open", shared.code, "--as", "Sam Patel, OT")
    assert result.exit_code == 0, result.output
    assert "# My support plan" in result.stdout
    assert f"“{OUTCOME}”" in result.stdout
    assert PROPOSED not in result.stdout and OTHER_PERSONS_OUTCOME not in result.stdout
    assert share_uses(db) == [("cli", "Sam Patel, OT")]


@pytest.mark.parametrize("which", ["wrong", "expired", "revoked"])
def test_open_with_a_wrong_expired_or_cancelled_code_fails_with_no_data(shared, db, which) -> None:
    result = coach("worker", "open", getattr(shared, which), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert WRONG_CODE in result.stderr
    assert OUTCOME not in result.stderr and OTHER_PERSONS_OUTCOME not in result.stderr
    assert share_uses(db) == [] and share_uses(db, "person-2") == []


def test_open_writes_each_format_to_a_private_file(shared, tmp_path) -> None:
    out = tmp_path / "plan.json"
    result = coach("worker", "open", shared.code, "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    record = json.loads(out.read_text(encoding="utf-8"))
    assert OUTCOME in json.dumps(record, ensure_ascii=False)
    assert shared.code not in out.read_text(encoding="utf-8")

    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("pdf", "fhir", "md"):
        result = coach("worker", "open", shared.code, "-f", fmt, "-o", str(folder))
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["my-plan.fhir.json", "my-plan.md", "my-plan.pdf"]
    assert (folder / "my-plan.pdf").read_bytes().startswith(b"%PDF")
    fhir = json.loads((folder / "my-plan.fhir.json").read_text(encoding="utf-8"))
    assert "Goal" in json.dumps(fhir) and OUTCOME in json.dumps(fhir, ensure_ascii=False)


def test_open_can_write_a_pdf_to_a_pipe(shared) -> None:
    result = coach("worker", "open", shared.code, "--format", "pdf")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF")


def test_a_code_left_out_is_asked_for_without_showing_it(shared, db) -> None:
    result = coach("worker", "open", "--as", "Jo", input=shared.code + "\n")
    assert result.exit_code == 0, result.output
    assert OUTCOME in result.stdout
    assert shared.code not in result.output  # not echoed back
    assert share_uses(db) == [("cli", "Jo")]


def test_outcomes_are_numbered_as_review_uses_them(shared) -> None:
    result = coach("worker", "outcomes", shared.code)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"  1. “{OUTCOME}” (confirmed)"
    assert lines[1] == f"  2. “{WORKER_OUTCOME}” (confirmed)"
    assert lines[2] == f"  3. “{PROPOSED}” (proposed)"
    assert lines[3] == f"  4. “{NASTY}” (confirmed)"


def test_review_adds_the_workers_review_to_the_chosen_outcome(shared, db) -> None:
    result = coach(
        "worker", "review", shared.code,
        "--outcome", "1", "--rating", "6",
        "--narrative", "Baked scones together last week",
        "--helped", "the new oven gloves", "--hindered", "tired after dialysis",
        "--unintended", "Her neighbour joined in", "--decision", "keep",
        "--as", "Sam Patel, OT",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Review saved for outcome 1, “{OUTCOME}”: 6 out of 10." in result.stdout
    [review] = reviews(db)
    assert review["outcome"] == OUTCOME and review["reviewer"] == "worker"
    assert (review["rating"], review["decision"]) == (6, "keep")
    assert review["narrative"] == "Baked scones together last week"
    assert (review["helped"], review["hindered"]) == ("the new oven gloves", "tired after dialysis")
    assert review["unintended"] == "Her neighbour joined in"
    assert share_uses(db) == [("cli", "Sam Patel, OT")]


def test_review_decisions_change_the_outcome(shared, db) -> None:
    achieved = coach("worker", "review", shared.code, "-n", "2", "--rating", "10")
    assert achieved.exit_code == 0, achieved.output
    assert "now marked achieved (it was confirmed)" in achieved.stdout
    dropped = coach(
        "worker", "review", shared.code, "-n", "4", "--rating", "2", "--decision", "drop"
    )
    assert dropped.exit_code == 0, dropped.output
    assert statuses(db)[WORKER_OUTCOME] == "achieved"
    assert statuses(db)[NASTY] == "dropped"
    # A dropped outcome leaves the numbering; the rest keep theirs.
    listed = coach("worker", "outcomes", shared.code).stdout
    assert NASTY not in listed and listed.splitlines()[0].endswith(f"“{OUTCOME}” (confirmed)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--outcome", "9", "--rating", "5"), "This plan has 4 outcomes; choose --outcome from 1"),
        (("--outcome", "0", "--rating", "5"), "--outcome"),
        (("--outcome", "1", "--rating", "11"), "--rating"),
        (("--outcome", "1", "--rating", "0"), "--rating"),
        (("--outcome", "1", "--rating", "5", "--decision", "maybe"), "--decision"),
        (("--outcome", "1"), "--rating"),
        (("--rating", "5"), "--outcome"),
        (("--outcome", "1", "--rating", "5", "--narrative", "x" * 4001), "too long"),
    ],
)
def test_review_checks_what_it_is_given(shared, db, args, message) -> None:
    result = coach("worker", "review", shared.code, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert reviews(db) == []


def test_review_with_a_wrong_code_saves_nothing(shared, db) -> None:
    for code in (shared.wrong, shared.expired, shared.revoked):
        result = coach("worker", "review", code, "--outcome", "1", "--rating", "5")
        assert result.exit_code == 1 and WRONG_CODE in result.stderr
        assert result.stdout == ""
    assert reviews(db) == [] and reviews(db, "person-2") == []


def test_web_refuses_a_public_address_without_allow_public(var_dir) -> None:
    result = coach("web", "--host", "0.0.0.0", "--port", "8088")
    assert result.exit_code == 2
    assert "Refusing to listen on 0.0.0.0" in result.stderr
