"""`coach health`: every component checked, a table or JSON, exit 1 when something is down.

Rasa and the action server are stood in for by small HTTP servers that answer as they do
(the real ones are checked in tests/e2e/test_operations_e2e.py); Redis is a real server.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.store.migrate import upgrade
from tests.redis_server import RedisServer
from tests.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.usefixtures("quiet_ports")

TOKEN = "123456:HEALTH-CHECK-TOKEN"
Routes = dict[str, tuple[int, str]]


@contextmanager
def http_server(routes: Routes) -> Iterator[str]:
    """A loopback HTTP server answering GET ``path`` with ``(status, body)``; 404 otherwise."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
            status, body = routes.get(self.path, (404, "not found"))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


RASA_HELLO = (200, "Hello from Rasa: 3.6.21")
ACTIONS_OK = {"/health": (200, '{"status": "ok"}')}


def health(*args: str) -> tuple[int, dict[str, dict]]:
    result = CliRunner().invoke(app, ["health", "--json", *args], catch_exceptions=False)
    body = json.loads(result.output)
    assert body["healthy"] is (result.exit_code == 0)
    return result.exit_code, {c["component"]: c for c in body["checks"]}


def status(checks: dict[str, dict]) -> dict[str, str]:
    return {name: check["status"] for name, check in checks.items()}


@pytest.fixture
def databases(var_dir: Path) -> None:
    """The newest record and a tracker store with Rasa's events table, both mode 0600."""
    settings = get_settings()
    upgrade(settings.database_url)
    with sqlite3.connect(settings.tracker_db) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)")
    settings.tracker_db.chmod(0o600)


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Routes], None]]:
    """Start a stand-in Rasa with the given routes, and an action server that is healthy."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def start(rasa_routes: Routes) -> None:
            rasa = stack.enter_context(http_server({"/": RASA_HELLO, **rasa_routes}))
            actions = stack.enter_context(http_server(ACTIONS_OK))
            monkeypatch.setenv("COACH_RASA_URL", rasa)
            monkeypatch.setenv("COACH_ACTION_URL", actions + "/webhook")

        yield start


def test_nothing_running_is_reported_down_with_exit_status_1(var_dir) -> None:
    code, checks = health()
    assert code == 1
    assert status(checks) == {
        "secret": "ok",
        "record database": "down",
        "tracker database": "down",
        "Rasa server": "down",
        "action server": "down",
        "lock store": "off",
        "Telegram bridge": "off",
    }
    assert "no record database" in checks["record database"]["detail"]
    assert not (var_dir / "coach.db").exists()  # a health check never creates anything
    table = CliRunner().invoke(app, ["health"])
    assert table.exit_code == 1
    lines = table.output.splitlines()
    assert lines[0].split() == ["component", "status", "detail"]
    assert any(line.startswith("action server") and " down " in line for line in lines)


def test_everything_up_is_healthy(
    databases, servers, redis_server: RedisServer, monkeypatch
) -> None:
    servers({})  # Rasa's HTTP API off, as `coach serve` runs it: /status is not there
    monkeypatch.setenv("COACH_LOCK_STORE_URL", redis_server.url())
    with FakeBotApi(token=TOKEN) as telegram:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.server_url)
        code, checks = health("--telegram")
        assert telegram.calls_to("getMe")
    assert code == 0, checks
    assert set(status(checks).values()) == {"ok"}
    assert "migration 0007 (newest)" in checks["record database"]["detail"]
    assert "Rasa 3.6.21" in checks["Rasa server"]["detail"]
    assert "@CoachTestBot" in checks["Telegram bridge"]["detail"]
    assert redis_server.password not in json.dumps(checks)
    assert TOKEN not in json.dumps(checks)


def test_rasa_without_a_model_is_down_and_with_one_is_named(databases, servers) -> None:
    servers({"/status": (409, '{"reason": "NoAgent"}')})
    code, checks = health()
    assert code == 1 and checks["Rasa server"]["status"] == "down"
    assert "no model loaded" in checks["Rasa server"]["detail"]


def test_rasa_with_its_api_on_names_the_loaded_model(databases, servers) -> None:
    servers({"/status": (200, '{"model_file": "/m/outcomes-coach.tar.gz", "model_id": "x"}')})
    code, checks = health()
    assert checks["Rasa server"]["status"] == "ok", checks["Rasa server"]
    assert "outcomes-coach.tar.gz loaded" in checks["Rasa server"]["detail"]
    assert code == 0


def test_something_else_on_rasas_port_is_not_taken_for_rasa(databases, monkeypatch) -> None:
    with http_server({"/": (200, "Welcome to nginx")}) as other:
        monkeypatch.setenv("COACH_RASA_URL", other)
        _, checks = health()
    assert checks["Rasa server"]["status"] == "down"
    assert "not as Rasa does" in checks["Rasa server"]["detail"]


def test_every_rasa_replica_is_checked(databases, monkeypatch) -> None:
    with http_server({"/": RASA_HELLO}) as first:
        monkeypatch.setenv("COACH_RASA_URLS", f"{first},http://127.0.0.1:9")
        code, checks = health()
    assert checks["Rasa server 1"]["status"] == "ok"
    assert checks["Rasa server 2"]["status"] == "down"
    assert code == 1


def test_an_old_schema_or_an_open_file_mode_is_down(var_dir, databases) -> None:
    record = Path(get_settings().database_url.removeprefix("sqlite:///"))
    record.chmod(0o644)
    _, checks = health()
    assert checks["record database"]["status"] == "down"
    assert "chmod 600" in checks["record database"]["detail"]
    record.chmod(0o600)
    with sqlite3.connect(record) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    _, checks = health()
    assert checks["record database"]["status"] == "down"
    assert "coach db upgrade" in checks["record database"]["detail"]


def test_a_wrong_redis_password_or_telegram_token_is_down_without_showing_it(
    databases, redis_server: RedisServer, monkeypatch
) -> None:
    wrong = f"redis://:not-the-password-42@{redis_server.host}:{redis_server.port}/0"
    monkeypatch.setenv("COACH_LOCK_STORE_URL", wrong)
    with FakeBotApi(token=TOKEN) as telegram:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:REVOKED-TOKEN-abc")
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.server_url)
        _, checks = health("--telegram")
    assert checks["lock store"]["status"] == "down"
    assert checks["Telegram bridge"]["status"] == "down"
    shown = json.dumps(checks)
    assert "not-the-password-42" not in shown and "REVOKED-TOKEN" not in shown
    # Without --telegram nothing is sent to Telegram: the token's shape is all that is checked.
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not a token")
    _, checks = health()
    assert checks["Telegram bridge"]["status"] == "down"


def test_an_unsafe_secret_file_is_down(var_dir, databases, monkeypatch) -> None:
    monkeypatch.delenv("COACH_SECRET")
    secret = get_settings().secret_file
    secret.write_text("s" * 64)
    secret.chmod(0o644)
    _, checks = health()
    assert checks["secret"]["status"] == "down" and "chmod 600" in checks["secret"]["detail"]
    assert "s" * 64 not in json.dumps(checks)
