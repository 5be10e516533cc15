"""Fixtures for the fault tests: servers of their own to kill and restart, and a bridge.

The session ``bot`` fixture (tests/e2e) is shared by many tests, so nothing here touches it:
each stack below has its own action server, Rasa, var/ directory, ports and (for PostgreSQL)
its own PostgreSQL server, started with the project's own ``bot.runtime`` functions and
``endpoints.yml``, as ``coach serve`` starts them.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from bot.config import PROJECT_ROOT, Settings, get_settings
from bot.runtime import (
    Servers,
    model_path,
    start_action_server,
    start_rasa,
    train,
    wait_until_up,
)
from bot.store.people import rasa_sender_id
from bot.store.trackers import conversation_events
from bot.telegram.app import build_application
from tests.postgres import PostgresServer, postgres_for_tests
from tests.stand_in_rasa import StandInRasa, replies_to
from tests.telegram.fake_bot_api import FakeBotApi, polling

TOKEN = "123456:FAULT-TEST-TOKEN"
START_TIMEOUT = 180  # seconds for a server to answer after (re)starting
# Variables the servers must not inherit from the developer's shell.
UNSET = ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "COACH_TRACKER_URL")
UNSET += ("COACH_RASA_URL", "COACH_RASA_URLS", "COACH_LOCK_STORE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Run the block with exactly these project variables set (others in UNSET removed)."""
    with pytest.MonkeyPatch.context() as patch:
        for key in UNSET:
            patch.delenv(key, raising=False)
        for key, value in values.items():
            patch.setenv(key, value)
        yield


# --- real servers -------------------------------------------------------------------------


@dataclass
class Stack:
    """An action server and a Rasa server of a test's own, to kill and start again."""

    backend: str  # "sqlite" or "postgresql"
    env: dict[str, str]
    database: PostgresServer | None = None
    servers: Servers = field(default_factory=Servers)

    @property
    def settings(self) -> Settings:
        with environment(self.env):
            return get_settings()

    def start(self, name: str) -> None:
        """Start ``"actions"`` or ``"rasa"`` and wait until it answers."""
        settings = self.settings
        with environment(self.env):
            if name == "actions":
                start_action_server(settings, self.servers)
                url = f"http://{settings.host}:{settings.action_port}/health"
            else:
                start_rasa(settings, self.servers)
                url = f"{settings.rasa_url}/"
        wait_until_up(url, START_TIMEOUT, self.servers.processes[name])

    def ensure_running(self) -> None:
        """Start again any server a test left dead (a failed test must not fail the next)."""
        for name in ("actions", "rasa"):
            if self.servers.processes[name].poll() is not None:
                self.start(name)

    def sender_for(self, channel: str, chat_id: int) -> str:
        """The pseudonym Rasa knows a chat by (made with this stack's secret)."""
        with environment(self.env):
            return rasa_sender_id(self.settings, channel, str(chat_id))

    def kill(self, name: str) -> None:
        """End a server at once (SIGKILL to its whole process group), as a crash would."""
        process = self.servers.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the server and its worker processes
        process.wait(timeout=30)

    def stop(self) -> None:
        self.servers.stop()
        for process in self.servers.processes.values():
            # Worker processes a SIGINT to their parent may have left behind.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def say(self, sender: str, message: str) -> list[dict]:
        response = httpx.post(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def events(self, sender: str) -> list[dict]:
        """What Rasa's tracker store holds for ``sender``, oldest first."""
        return conversation_events(self.settings, sender)

    def slot(self, sender: str, name: str) -> Any:
        """The value the tracker store last recorded for slot ``name``."""
        recorded = [
            e.get("value")
            for e in self.events(sender)
            if e.get("event") == "slot" and e.get("name") == name
        ]
        return recorded[-1] if recorded else None

    def said(self, sender: str) -> list[str]:
        """The person's messages as Rasa stored them, in order."""
        return [e.get("text") for e in self.events(sender) if e.get("event") == "user"]

    def export(self, channel: str, chat_id: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--channel", channel, "--sender", chat_id],
            env={**{k: v for k, v in os.environ.items() if k not in UNSET}, **self.env},
            capture_output=True, text=True, check=True, cwd=PROJECT_ROOT, timeout=60,
        )  # fmt: skip
        return json.loads(done.stdout)

    def logs(self) -> str:
        return "\n".join(Path(p).read_text(errors="replace") for p in self.servers.logs.values())


@contextmanager
def running_stack(
    backend: str, var: Path, database: PostgresServer | None = None
) -> Iterator[Stack]:
    env = {
        "COACH_VAR_DIR": str(var),
        "COACH_SECRET": f"fault-secret-{backend}",
        "COACH_RASA_PORT": str(free_port()),
        "COACH_ACTION_PORT": str(free_port()),
        "COACH_HOST": "127.0.0.1",
    }
    if database is not None:
        env["DATABASE_URL"] = database.create_database("fault_coach")
    stack = Stack(backend, env, database)
    with environment(env):
        train(stack.settings)  # no-op when the model is current (make test trains first)
    assert model_path().exists()
    try:
        stack.start("actions")
        stack.start("rasa")
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def fault_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this module's own: the fault tests restart it."""
    with postgres_for_tests() as server:
        yield server


@pytest.fixture(scope="module")
def _sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack("sqlite", tmp_path_factory.mktemp("fault-var-sqlite")) as stack:
        yield stack


@pytest.fixture(scope="module")
def _postgresql_stack(
    tmp_path_factory: pytest.TempPathFactory, fault_postgres: PostgresServer
) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("fault-var-postgresql")
    with running_stack("postgresql", var, fault_postgres) as stack:
        yield stack


@pytest.fixture
def sqlite_stack(_sqlite_stack: Stack) -> Stack:
    """The servers on SQLite files, all running when the test starts."""
    _sqlite_stack.ensure_running()
    return _sqlite_stack


@pytest.fixture
def postgres_stack(_postgresql_stack: Stack, fault_postgres: PostgresServer) -> Stack:
    """The servers with the record and the tracker store on PostgreSQL, all running."""
    if fault_postgres.process.poll() is not None:
        fault_postgres.start()
    _postgresql_stack.ensure_running()
    return _postgresql_stack


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Each stack in turn, all its servers running when the test starts."""
    name = "sqlite_stack" if request.param == "sqlite" else "postgres_stack"
    return request.getfixturevalue(name)


# --- the Telegram bridge, in this process ------------------------------------------------


@dataclass
class Bridge:
    app: Application
    api: FakeBotApi


@asynccontextmanager
async def running_bridge(env: dict[str, str]) -> AsyncIterator[Bridge]:
    """The real bridge (``build_application``) polling a fake Bot API, relaying to Rasa."""
    with FakeBotApi(token=TOKEN) as api:
        values = {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.server_url}
        # Set throughout: the bridge reads some settings (the pseudonym secret) as it starts.
        with environment(values):
            async with polling(build_application(get_settings())) as app:
                yield Bridge(app, api)


class Chat:
    """The person's side of a chat: what they send, and what came back since."""

    def __init__(self, api: FakeBotApi, chat_id: int) -> None:
        self.api = api
        self.chat_id = chat_id
        self.seen = 0

    async def replies(self, count: int, timeout: float = 60) -> list[dict]:
        try:
            sent = await self.api.wait_for_messages_async(self.chat_id, self.seen + count, timeout)
        except TimeoutError:
            got = [m["text"] for m in self.api.messages_to(self.chat_id)[self.seen :]]
            raise AssertionError(
                f"expected {count} replies within {timeout} s, got {got}"
            ) from None
        new, self.seen = sent[self.seen :], len(sent)
        return new

    async def type(self, text: str, count: int) -> list[dict]:
        self.api.push_text(self.chat_id, text)
        return await self.replies(count)

    async def press(self, message: dict, payload: str, count: int) -> list[dict]:
        self.api.push_callback(self.chat_id, payload, message["message_id"])
        return await self.replies(count)


# --- a stand-in for Rasa --------------------------------------------------------------------


class StubRasa(StandInRasa):
    """Rasa's REST channel, scripted: fixed replies, and a first reply that can be slow.

    ``log`` records ``("received", message)`` and ``("answered", message)`` in the order they
    happen, so a test can tell whether a message reached Rasa before the one before it was
    answered.
    """

    def __init__(self, replies: dict[str, list[dict]], slow: dict[str, float] | None = None):
        super().__init__()
        self.replies = replies
        self.slow = slow or {}
        self.log: list[tuple[str, str]] = []
        self._another_arrived = threading.Event()

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        message = body["message"]
        with self._lock:
            if self.log:
                self._another_arrived.set()
            self.log.append(("received", message))
        if message in self.slow:
            # A slow reply: held until another message arrives (which would mean the bridge
            # did not wait for this answer) or the time is up.
            self._another_arrived.wait(self.slow[message])
        with self._lock:
            self.log.append(("answered", message))
        return 200, replies_to(body, self.replies.get(message, []))
