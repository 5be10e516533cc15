"""The terminal chat (`coach chat`) through the real servers, as `make run` opens it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_a_journey_in_the_terminal_is_stored_and_erased_on_request(bot) -> None:
    typed = [
        "1",  # yes to keeping answers
        "1",  # my own assessment
        "I'd love to get back to my painting, I used to paint every day",
        "1",  # yes, that's right
        "It's the one thing that calms me down",
        "My niece could take me to the art shop on Saturdays",
        "/plan",
        "/mydata",
        "/stop",
    ]
    env = {**bot.env, "COACH_RASA_URL": bot.settings.rasa_url, "COACH_CHAT_ID": "e2e-terminal"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join([*typed, "/quit"]) + "\n",
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=180,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Coach: Who is this for?" in out and "1. My own assessment" in out
    assert "Coach: What's your best hope from this assessment?" in out
    assert "Why does that matter to you?" in out
    assert "When: on Saturdays" in out  # the plan, from /plan
    assert "stop there" in out

    record = bot.export("terminal", "e2e-terminal")
    [outcome] = [o for o in record["outcomes"] if o["status"] == "confirmed"]
    assert "painting" in outcome["statement"]
    assert outcome["why"] == "It's the one thing that calms me down"
    assert record["actions"][0]["who"] == ["my niece"]
    pdf = bot.settings.var_dir / "downloads" / "my-plan.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")  # /plan also gives the plan as a PDF
    saved = bot.settings.var_dir / "downloads" / "my-outcomes-coach-data.json"
    held = json.loads(saved.read_text())
    assert held["record"]["outcomes"][0]["statement"] == outcome["statement"]
    # Rasa's copy of the conversation is in the file too, with the person's own words.
    said = [e.get("text") for e in held["conversation"] if e["event"] == "user"]
    assert "It's the one thing that calms me down" in said

    erased = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/delete\n1\n/quit\n",
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=180,
    )  # fmt: skip
    assert "erased" in erased.stdout
    assert bot.export("terminal", "e2e-terminal")["answers"] == []
    sender = bot.sender_for("terminal", "e2e-terminal")
    assert bot.tracker_events(sender) == []
