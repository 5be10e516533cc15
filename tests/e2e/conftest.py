"""Session fixture: the real action server and Rasa server, started as `coach serve` does.

Everything runs on loopback with free ports and a temporary var/ directory, so the
developer's own servers and records are never touched.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.config import PROJECT_ROOT, Settings, get_settings
from bot.runtime import Servers, model_path, running_servers, train
from bot.store.people import rasa_sender_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Bot:
    """Handle on the running servers for a test."""

    settings: Settings
    servers: Servers
    env: dict[str, str]

    def say(self, sender: str, message: str) -> list[dict]:
        response = httpx.post(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [m.get("text", "") for m in self.say(sender, message)]

    def begin(self, sender: str, role: str = "self") -> list[str]:
        """Greet, agree, and say who this is for; returns the bot's last replies."""
        self.say(sender, "hello")
        asked = self.say(sender, "/affirm")
        assert asked[-1]["text"] == "Who is this for?"
        return self.texts(sender, f'/choose{{"choice":"{role}"}}')

    def export(self, channel: str, sender: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--channel", channel, "--sender", sender],
            env=self.env, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT,
        )  # fmt: skip
        return json.loads(done.stdout)

    def sender_for(self, channel: str, chat_id: str) -> str:
        """The pseudonymous sender id Rasa sees for a chat on a channel."""
        return rasa_sender_id(self.settings, channel, chat_id)

    def tracker_events(self, sender: str) -> list[dict]:
        """Events Rasa stored for a sender, read straight from its SQL tracker store."""
        with sqlite3.connect(self.settings.tracker_db) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def logs(self) -> str:
        return "\n".join(Path(p).read_text(errors="replace") for p in self.servers.logs.values())


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    var = tmp_path_factory.mktemp("e2e-var")
    overrides = {
        "COACH_VAR_DIR": str(var),
        "COACH_SECRET": "e2e-secret",
        "COACH_RASA_PORT": str(free_port()),
        "COACH_ACTION_PORT": str(free_port()),
        "COACH_HOST": "127.0.0.1",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in overrides.items():
            patch.setenv(key, value)
        for key in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "COACH_TRACKER_URL", "COACH_RASA_URL"):
            patch.delenv(key, raising=False)
        settings = get_settings()
        train(settings)  # no-op when the model is current (make test trains first)
        assert model_path().exists()
        with running_servers(settings, timeout=180) as servers:
            yield Bot(settings, servers, dict(os.environ))
