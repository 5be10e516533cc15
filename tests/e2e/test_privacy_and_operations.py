"""Against the real servers: no log holds what a person said or who they are on Telegram;
every file under var/ is owner-only; `coach health` sees every component; `coach backup`
copies the live record.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT
from tests.e2e.test_telegram_e2e import Chat, buttons
from tests.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e

TOKEN = "424242:PRIVACY-E2E-TOKEN"
CHAT = 913370042
FIRST_NAME, LAST_NAME, USERNAME = "Morwenna", "Trevithick", "morwenna_q77"
REST_SENDER = "privacy-rest-sender-5521"
REST_ANSWERS = (
    "I would like to take the ferry to Lismore and see the lighthouse",
    "because my late husband Alasdair was a keeper there",
    "my niece Catriona could drive me to Oban in June",
)
TELEGRAM_ANSWERS = (
    "I want to play the clarsach at the ceilidh in Tobermory",
    "so the Mull fiddlers let me back in the band",
)


class NamedBotApi(FakeBotApi):
    """The fake Bot API, with a person who has a name and a username, as real ones do."""

    @staticmethod
    def _user(user_id: int) -> dict:
        return {
            "id": user_id, "is_bot": False, "first_name": FIRST_NAME, "last_name": LAST_NAME,
            "username": USERNAME, "language_code": "en-GB",
        }  # fmt: skip

    def _chat(self, chat_id: int, chat_type: str) -> dict:
        chat = super()._chat(chat_id, chat_type)
        if chat_type == "private":
            chat.update(first_name=FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
        return chat


def rest_journey(bot) -> None:
    bot.begin(REST_SENDER)
    drafted = bot.say(REST_SENDER, REST_ANSWERS[0])
    assert "Lismore" in drafted[-1]["text"]  # the words did reach the bot
    assert bot.texts(REST_SENDER, "/affirm")[-1] == "Why does that matter to you?"
    bot.say(REST_SENDER, REST_ANSWERS[1])
    bot.say(REST_SENDER, REST_ANSWERS[2])


def telegram_journey(bot, log: Path) -> None:
    with NamedBotApi(token=TOKEN) as api:
        env = {
            **bot.env,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.server_url,
            "COACH_RASA_URL": bot.settings.rasa_url,
            "COACH_LOG_FORMAT": "json",
        }
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "wb") as handle:
            bridge = subprocess.Popen(
                [sys.executable, "-m", "bot", "telegram"],
                cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                api.wait_for_calls("getUpdates", 1, timeout=60)
                chat = Chat(api, CHAT)
                _, consent = chat.type("/start", 2)
                _, who = chat.press(consent, "/affirm", 2)
                chat.press(who, '/choose{"choice":"self"}', 1)
                _, draft = chat.type(TELEGRAM_ANSWERS[0], 2)
                assert "clarsach" in draft["text"] and "/affirm" in buttons(draft)
                chat.press(draft, "/affirm", 2)
                chat.type(TELEGRAM_ANSWERS[1], 2)
            finally:
                bridge.send_signal(signal.SIGTERM)
                assert bridge.wait(timeout=30) == 0


def test_no_log_holds_what_was_said_or_who_said_it(bot) -> None:
    logs_dir = bot.settings.var_dir / "logs"
    rest_journey(bot)
    telegram_journey(bot, logs_dir / "telegram-privacy.log")
    assert bot.export("telegram", str(CHAT))["outcomes"]  # the person's words were kept

    files = sorted(p for p in bot.settings.var_dir.rglob("*") if p.is_file())
    log_files = [p for p in files if p.suffix == ".log" or logs_dir in p.parents]
    assert {p.name for p in log_files} >= {"rasa.log", "actions.log", "telegram-privacy.log"}
    forbidden = [
        *REST_ANSWERS, *TELEGRAM_ANSWERS, "Lismore", "Alasdair", "Catriona", "clarsach",
        "Tobermory", str(CHAT), FIRST_NAME, LAST_NAME, USERNAME, REST_SENDER, TOKEN,
    ]  # fmt: skip
    found = {
        word: [p.name for p in log_files if word in p.read_text(errors="replace")]
        for word in forbidden
    }
    assert {word: where for word, where in found.items() if where} == {}
    # The logs are not empty: each server did log the turns, by event and pseudonym.
    assert "event=answer" in (logs_dir / "actions.log").read_text()
    assert "Loading model" in (logs_dir / "rasa.log").read_text()
    bridge = [
        json.loads(line)
        for line in (logs_dir / "telegram-privacy.log").read_text().splitlines()
        if line.startswith("{")
    ]
    assert any(entry["message"].startswith("Telegram bridge starting") for entry in bridge)
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in bridge)

    # Everything under var/ (record, tracker store, secret, logs) is for its owner only.
    modes = {str(p.relative_to(bot.settings.var_dir)): stat.S_IMODE(p.stat().st_mode)
             for p in files}  # fmt: skip
    assert {name: m for name, m in modes.items() if m != 0o600} == {}
    folders = [bot.settings.var_dir, *(p for p in bot.settings.var_dir.rglob("*") if p.is_dir())]
    assert {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in folders
            if stat.S_IMODE(p.stat().st_mode) != 0o700} == {}  # fmt: skip


def coach(bot, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT, env=bot.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_health_sees_every_component_of_the_running_service(bot) -> None:
    done = coach(bot, "health", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["component"]: c for c in json.loads(done.stdout)["checks"]}
    assert {name: c["status"] for name, c in checks.items()} == {
        "secret": "ok",
        "record database": "ok",
        "tracker database": "ok",
        "Rasa server": "ok",
        "action server": "ok",
        "lock store": "off",
        "Telegram bridge": "off",
    }
    assert "Rasa 3.6.21" in checks["Rasa server"]["detail"]
    assert "(newest)" in checks["record database"]["detail"]
    password = make_url(bot.settings.database_url).password
    if password:  # the PostgreSQL URLs are shown, their password never
        assert str(password) not in done.stdout


def test_backup_copies_the_live_record(bot, tmp_path) -> None:
    sender = "e2e-backup"
    bot.begin(sender)
    bot.say(sender, "I want to go to the swimming baths with my brother")
    bot.say(sender, "/affirm")
    out = tmp_path / "coach.db"
    done = coach(bot, "backup", str(out), "--tracker", str(tmp_path / "tracker.db"))
    if bot.backend == "postgresql":
        assert done.returncode == 1 and "pg_dump" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with sqlite3.connect(out) as copy:
        statements = {row[0] for row in copy.execute("SELECT statement FROM outcome")}
    assert "I want to go to the swimming baths with my brother" in statements
    with sqlite3.connect(tmp_path / "tracker.db") as copy:
        assert copy.execute("SELECT COUNT(*) FROM events").fetchone()[0] > 0
