"""The Telegram bridge in webhook mode: `coach telegram --webhook URL --listen HOST:PORT`.

The bridge runs for real (a subprocess, as an operator starts it) against the fake Bot API
and a stand-in Rasa; updates are posted to its listener as Telegram would, with and without
the secret token.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_bot_api import FakeBotApi
from typer.testing import CliRunner

from bot.cli import app as coach
from bot.config import PROJECT_ROOT, get_settings, telegram_webhook_secret
from bot.store.pseudonym import pseudonym
from bot.telegram.app import WebhookConfigError, check_webhook, parse_listen
from tests.stand_in_rasa import StandInRasa, replies_to

TOKEN = "123456:WEBHOOK-test-token"
SECRET = "webhook-test-secret"
CHAT = 515151
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThankingRasa(StandInRasa):
    """Rasa's REST webhook on loopback: answers every message, and keeps what it got."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        self.received.append(body)
        return 200, replies_to(body, [{"text": "Thank you for telling me."}])


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"COACH_VAR_DIR": str(tmp_path / "var"), "COACH_SECRET": SECRET,
              "TELEGRAM_BOT_TOKEN": TOKEN}  # fmt: skip
    for name in ("TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_LISTEN",
                 "COACH_RASA_URLS", "COACH_RASA_REPLICAS", "TELEGRAM_API_BASE_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private", "first_name": "Test"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Test"},
            "text": text,
        },
    }


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, "the bridge exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            assert time.monotonic() < deadline, "the webhook listener never opened"
            time.sleep(0.05)  # polling while the bridge starts, not a race guard


@pytest.fixture
def webhook_bridge(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[FakeBotApi, ...]]:
    rasa = ThankingRasa().start()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    log = tmp_path / "bridge.log"
    with FakeBotApi(token=TOKEN) as api, open(log, "wb") as handle:
        bridge = subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram",
             "--webhook", url, "--listen", f"127.0.0.1:{port}"],
            env={**os.environ, **env, "TELEGRAM_API_BASE_URL": api.server_url,
                 "COACH_RASA_URL": rasa.url},
            cwd=PROJECT_ROOT, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            api.wait_for_calls("setWebhook", timeout=30)
            _wait_for_port(port, bridge)
            yield api, rasa, url, bridge, log
        finally:
            if bridge.poll() is None:
                bridge.send_signal(signal.SIGTERM)
                try:
                    bridge.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bridge.kill()
                    bridge.wait()
            rasa.stop()


def test_updates_need_the_secret_token_and_are_relayed_with_it(webhook_bridge) -> None:
    api, rasa, url, bridge, log = webhook_bridge
    secret = telegram_webhook_secret(get_settings())
    [registered] = api.calls_to("setWebhook")
    assert registered["url"] == url
    assert registered["secret_token"] == secret
    assert registered["max_connections"] == 1  # delivered one at a time: in order

    refused = [
        httpx.post(url, json=_update(1, "no secret at all"), timeout=10),
        httpx.post(
            url, json=_update(2, "a guessed"), headers={SECRET_HEADER: "not-it"}, timeout=10
        ),
    ]
    assert [response.status_code for response in refused] == [403, 403]

    accepted = httpx.post(
        url, json=_update(3, "my garden matters"), headers={SECRET_HEADER: secret}, timeout=10
    )
    assert accepted.status_code == 200
    [reply] = api.wait_for_messages(CHAT, 1, timeout=15)
    assert reply["text"] == "Thank you for telling me."
    # Updates are handled in order, so the reply proves the refused ones were never relayed.
    assert rasa.received == [
        {"sender": pseudonym(SECRET.encode(), "telegram", CHAT), "message": "my garden matters"}
    ]

    bridge.send_signal(signal.SIGTERM)
    assert bridge.wait(timeout=30) == 0
    output = log.read_text()
    assert "Telegram bridge stopped" in output
    for private in (secret, TOKEN.split(":")[1], str(CHAT), "garden", "not-it"):
        assert private not in output


def test_the_secret_is_derived_from_the_project_secret_unless_given(env, monkeypatch) -> None:
    settings = get_settings()
    derived = telegram_webhook_secret(settings)
    assert len(derived) == 64 and SECRET not in derived
    assert derived == telegram_webhook_secret(get_settings())  # every bridge agrees
    monkeypatch.setenv("COACH_SECRET", "another deployment")
    assert telegram_webhook_secret(get_settings()) != derived
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "Given_secret-123")
    assert telegram_webhook_secret(get_settings()) == "Given_secret-123"
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "spaces are not allowed")
    with pytest.raises(ValueError, match="A-Z, a-z, 0-9"):
        telegram_webhook_secret(get_settings())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("127.0.0.1:8443", ("127.0.0.1", 8443)), ("[::1]:88", ("::1", 88)),
     ("localhost:8080", ("localhost", 8080))],
)  # fmt: skip
def test_listen_addresses(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["8443", "127.0.0.1", "127.0.0.1:http", ":8443", "h:70000"])
def test_listen_addresses_that_are_not(value: str) -> None:
    with pytest.raises(WebhookConfigError, match="host:port"):
        parse_listen(value)


def test_the_listener_stays_on_loopback_unless_asked(env) -> None:
    settings = get_settings()
    with pytest.raises(WebhookConfigError, match="reverse proxy"):
        check_webhook(settings, "https://coach.example/telegram", "0.0.0.0", allow_public=False)
    check_webhook(settings, "https://coach.example/telegram", "0.0.0.0", allow_public=True)
    with pytest.raises(WebhookConfigError, match="https://"):
        check_webhook(settings, "http://coach.example/telegram", "127.0.0.1", allow_public=False)


def test_the_command_refuses_a_public_listener_before_starting(env) -> None:
    result = CliRunner().invoke(
        coach,
        ["telegram", "--webhook", "https://coach.example/tg", "--listen", "0.0.0.0:8443"],
    )
    assert result.exit_code == 2
    assert "Refusing to listen" in result.output
