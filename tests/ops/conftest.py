"""Fixtures for the operations tests: settings that point at nothing running."""

from __future__ import annotations

import socket

import pytest

from bot.config import get_settings
from tests.redis_server import redis_server  # noqa: F401 - one Redis for the health tests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def quiet_ports(var_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa and the action server on free ports where nothing listens (never a developer's
    own servers on the default ports), and no lock store or Telegram configured."""
    for name in (
        "COACH_RASA_URL", "COACH_RASA_URLS", "COACH_ACTION_URL", "COACH_LOCK_STORE_URL",
        "COACH_RASA_REPLICAS", "TELEGRAM_API_BASE_URL", "COACH_HOST",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_RASA_PORT", str(free_port()))
    monkeypatch.setenv("COACH_ACTION_PORT", str(free_port()))


@pytest.fixture
def db(var_dir):
    """The migrated record as a SQLite file in the temporary var/ (backups and restores are
    about SQLite files; PostgreSQL is pg_dump's), in place of the two-backend ``db``."""
    from bot.store.migrate import upgrade
    from bot.store.session import session_factory
    from tests.conftest import _forget_engines

    url = get_settings().database_url
    upgrade(url)
    yield session_factory(url)
    _forget_engines(url)
