"""Shared fixtures: an isolated var/ directory, a migrated record on SQLite and on PostgreSQL,
a throwaway PostgreSQL server, and a tracker builder."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from bot.config import get_settings
from bot.store.migrate import upgrade
from bot.store.session import session_factory
from tests.postgres import PostgresServer, postgres_for_tests

BACKENDS = ["sqlite", "postgresql"]
RECORD_DATABASE = "coach_record"
_database_numbers = itertools.count(1)


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every process setting at a fresh directory (the real var/ is never touched)."""
    var = tmp_path / "var"
    monkeypatch.setenv("COACH_VAR_DIR", str(var))
    monkeypatch.setenv("COACH_SECRET", "test-secret-not-for-production")
    for name in ("DATABASE_URL", "COACH_TRACKER_URL", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return var


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the run, started when a test first needs it.

    Missing binaries fail the tests that need it (with how to install them); never a skip.
    """
    with postgres_for_tests() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_record(postgres: PostgresServer) -> str:
    """A PostgreSQL database brought to the newest schema once, emptied after each test."""
    url = postgres.create_database(RECORD_DATABASE)
    upgrade(url)
    return url


def _forget_engines(url: str) -> None:
    """Close the pooled connections of the cached session factory, and empty the cache."""
    session_factory(url).kw["bind"].dispose()
    session_factory.cache_clear()


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """``DATABASE_URL`` of an empty, unmigrated database: a SQLite file or PostgreSQL."""
    if request.param == "sqlite":
        url = get_settings().database_url
        yield url
        _forget_engines(url)
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        name = f"empty_{next(_database_numbers)}"
        url = server.create_database(name)
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        _forget_engines(url)
        server.drop_database(name)  # also ends connections a test left open


@pytest.fixture(params=BACKENDS)
def db(
    request: pytest.FixtureRequest, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """A migrated, empty record: a SQLite file in the temporary var/, or the PostgreSQL
    record database (emptied again afterwards: TRUNCATE takes a fraction of the time of a
    new database). ``DATABASE_URL`` names it, so code reading the settings finds it too."""
    if request.param == "sqlite":
        url = get_settings().database_url
        upgrade(url)
        yield session_factory(url)
        _forget_engines(url)
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        url = request.getfixturevalue("postgres_record")
        monkeypatch.setenv("DATABASE_URL", url)
        yield session_factory(url)
        _forget_engines(url)
        server.empty_tables(RECORD_DATABASE)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    sender_id: str = "test-person",
    *,
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str | None = "tell",
    confidence: float = 0.9,
    active_loop: str | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker as the action server receives it from Rasa."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": confidence} if intent else {},
                "entities": entities or [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": None,
        }
    )


@pytest.fixture
def tracker_for():
    return make_tracker
