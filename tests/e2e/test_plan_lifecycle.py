"""From a journey to a plan and back: every export, a share code opened by a worker in a real
browser, a review, and erasure — run on SQLite and on PostgreSQL (the `bot` fixture's params)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import pytest
from fhir.resources.R4B.bundle import Bundle

from bot.config import PROJECT_ROOT
from bot.front_ends import typed_to_rasa, wants_erasure
from bot.runtime import wait_until_up
from bot.store.trackers import erase_conversation
from tests.e2e.conftest import free_port
from tests.web.test_chromium import browser, chromium  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

OUTCOME = "I'd like to get back to the swimming baths with my grandson"


def coach(bot, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=bot.env, capture_output=True, cwd=PROJECT_ROOT, timeout=180,
    )  # fmt: skip


def test_a_plan_from_journey_to_erasure(bot, browser, tmp_path) -> None:  # noqa: F811
    sender = "e2e-lifecycle"
    bot.begin(sender)
    bot.say(sender, f"Honestly? {OUTCOME}")
    bot.say(sender, "/affirm")
    bot.say(sender, "It's our time together, and I feel like myself in the water")
    bot.say(sender, "My daughter could drive us on Saturday mornings")
    bot.say(sender, typed_to_rasa("/stop"))

    # Every export, by the person's sender id.
    exported = {}
    for fmt in ("md", "json", "fhir", "pdf"):
        out = tmp_path / f"plan.{fmt}"
        done = coach(bot, "export", "--channel", "rest", "--sender", sender, "--format", fmt,
                     "--output", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        exported[fmt] = out
    assert f"“{OUTCOME}”" in exported["md"].read_text()
    record = json.loads(exported["json"].read_text())
    assert record["schema"] == "outcomes-coach/record@1"
    assert record["outcomes"][0]["statement"] == OUTCOME
    bundle = Bundle.model_validate(json.loads(exported["fhir"].read_text()))
    goals = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "Goal"]
    assert [g.description.text for g in goals] == [OUTCOME]
    text = subprocess.run(["pdftotext", str(exported["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert OUTCOME in " ".join(text.split())

    # A share code, opened by a worker on the web page in headless Chromium.
    share = bot.texts(sender, typed_to_rasa("/share"))[0]
    code = re.search(r"code for your worker: ([A-Z0-9-]+)\.", share).group(1)
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        env=bot.env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", 60, web)
        browser.call("Page.navigate", url=url + "/")
        browser.wait_for("Page.loadEventFired")
        browser.type_into("#code", code)
        browser.type_into("#name", "Alex Reid, social worker")
        browser.click("button[type=submit]")
        browser.wait_for("Page.loadEventFired")
        dom = browser.evaluate("document.documentElement.outerHTML")
        assert f"“{OUTCOME}”" in dom.replace("&#x27;", "'").replace("&#39;", "'")
        assert code not in dom
    finally:
        web.send_signal(signal.SIGINT)
        web.wait(timeout=30)

    # A review by the person, and one by the worker with the code.
    bot.say(sender, typed_to_rasa("/review"))
    for answer in ("7", "the swimming lessons", "/skip", "/skip", '/choose{"choice":"keep"}'):
        bot.say(sender, answer)
    worker = coach(bot, "worker", "review", code, "--outcome", "1", "--rating", "8",
                   "--narrative", "Went twice this month", "--as", "Alex Reid")  # fmt: skip
    assert worker.returncode == 0, worker.stderr
    record = bot.export("rest", sender)
    assert [(r["rating"], r["reviewer"]) for r in record["reviews"]] == [
        (7, "person"),
        (8, "worker"),
    ]
    assert [(u["via"], u["who"]) for u in record["shares"][0]["uses"]][:1] == [
        ("web", "Alex Reid, social worker")
    ]

    # /delete: the record goes in the action; the front end then erases Rasa's copy.
    bot.say(sender, typed_to_rasa("/delete"))
    replies = bot.say(sender, "/affirm")
    assert any(wants_erasure(reply) for reply in replies)
    erase_conversation(bot.settings, sender)
    record = bot.export("rest", sender)
    assert record["outcomes"] == [] and record["reviews"] == [] and record["shares"] == []
    assert bot.tracker_events(sender) == []
    assert coach(bot, "worker", "open", code).returncode == 1  # the code went too
