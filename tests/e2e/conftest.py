"""Session fixture: the real action server and Rasa server, started as `coach serve` does.

Everything runs on loopback with free ports and a temporary var/ directory, so the
developer's own servers and records are never touched. The fixture runs twice: once on
SQLite files (the one-machine default) and once with ``DATABASE_URL`` on the tests' own
PostgreSQL server, where Rasa's tracker store follows the record (a database of its own on
the same server), so every end-to-end test runs on both.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.config import PROJECT_ROOT, Settings, get_settings
from bot.runtime import Servers, model_path, running_servers, train
from bot.store.people import rasa_sender_id
from bot.store.trackers import conversation_events


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
    backend: str  # where the record and Rasa's tracker store live: "sqlite" or "postgresql"

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
        return conversation_events(self.settings, sender)

    def logs(self) -> str:
        return "\n".join(Path(p).read_text(errors="replace") for p in self.servers.logs.values())


E2E_DATABASE = "e2e_coach"
# Variables the servers are started without (these would point them at other things), and
# with (DATABASE_URL too, on PostgreSQL).
UNSET = ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "COACH_TRACKER_URL", "COACH_RASA_URL")
STARTED_WITH = (
    "COACH_VAR_DIR",
    "COACH_SECRET",
    "COACH_RASA_PORT",
    "COACH_ACTION_PORT",
    "COACH_HOST",
)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The running servers, on SQLite files or with everything on PostgreSQL.

    With PostgreSQL only ``DATABASE_URL`` is given, as an operator would: the tracker store's
    database (``e2e_coach_tracker``) is derived and created by ``running_servers``.
    """
    backend = request.param
    var = tmp_path_factory.mktemp(f"e2e-var-{backend}")
    overrides = {
        "COACH_VAR_DIR": str(var),
        "COACH_SECRET": "e2e-secret",
        "COACH_RASA_PORT": str(free_port()),
        "COACH_ACTION_PORT": str(free_port()),
        "COACH_HOST": "127.0.0.1",
    }
    if backend == "postgresql":
        postgres = request.getfixturevalue("postgres")
        overrides["DATABASE_URL"] = postgres.create_database(E2E_DATABASE)
    with ExitStack() as stack:
        # Set while the servers start, then restored: this fixture lives to the end of the
        # run, and later tests must not inherit its database (``_bot_environment`` below
        # gives the variables back to each test that uses the bot).
        with pytest.MonkeyPatch.context() as patch:
            for key in UNSET:
                patch.delenv(key, raising=False)
            for key, value in overrides.items():
                patch.setenv(key, value)
            settings, env = get_settings(), dict(os.environ)
            train(settings)  # no-op when the model is current (make test trains first)
            assert model_path().exists()
            servers = stack.enter_context(running_servers(settings, timeout=180))
        yield Bot(settings, servers, env, backend)


@pytest.fixture(autouse=True)
def _bot_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that uses the bot runs with the variables its servers were started with."""
    if "bot" not in request.fixturenames:
        return
    bot: Bot = request.getfixturevalue("bot")
    for key in (*UNSET, *STARTED_WITH):
        if key in bot.env:
            monkeypatch.setenv(key, bot.env[key])
        else:
            monkeypatch.delenv(key, raising=False)
