"""Rasa's tracker store beside the record: where it is, and reading and erasing it there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.engine import make_url

from bot.config import Settings, get_settings
from bot.runtime import StartupError, prepare_tracker_database
from bot.store.session import is_postgresql, make_engine
from bot.store.trackers import (
    conversation_events,
    ensure_tracker_database,
    erase_conversation,
    tracker_url,
)
from tests.postgres import PostgresServer


def test_a_postgresql_record_puts_rasas_tracker_store_beside_it(var_dir, monkeypatch) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://coach:p%40ss%3Aw%2F@db.internal:5433/coach"
    )
    settings = get_settings()
    # Rasa's venv has psycopg2, SQLAlchemy's default PostgreSQL driver: no driver named.
    assert settings.tracker_url == "postgresql://coach:p%40ss%3Aw%2F@db.internal:5433/coach_tracker"
    url = make_url(tracker_url(settings))  # what this venv opens to read or erase events
    assert (url.drivername, url.password, url.database) == (
        "postgresql+psycopg",
        "p@ss:w/",
        "coach_tracker",
    )


def test_the_tracker_url_keeps_connection_options(var_dir, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://coach@db/coach?sslmode=require")
    assert get_settings().tracker_url == "postgresql://coach@db/coach_tracker?sslmode=require"


def test_a_tracker_url_given_wins_and_sqlite_keeps_a_file_in_var(var_dir, monkeypatch) -> None:
    settings = get_settings()
    assert settings.tracker_url == f"sqlite:///{var_dir / 'tracker.db'}"
    assert tracker_url(settings) == settings.tracker_url
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coach@db/coach")
    monkeypatch.setenv("COACH_TRACKER_URL", "postgresql://rasa@elsewhere/rasa")
    assert get_settings().tracker_url == "postgresql://rasa@elsewhere/rasa"


# The shape of Rasa 3.6's SQLTrackerStore.SQLEvent (rasa/core/tracker_store.py).
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@pytest.fixture
def tracker_store(db, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Rasa's tracker store for the ``db`` backend, prepared as ``coach serve`` prepares it."""
    settings = get_settings()
    postgres: PostgresServer | None = None
    if is_postgresql(settings.database_url):
        postgres = request.getfixturevalue("postgres")
        assert ensure_tracker_database(settings) is True
        assert ensure_tracker_database(settings) is False  # there already: left alone
    try:
        yield settings
    finally:
        if postgres is not None:
            postgres.drop_database(make_url(tracker_url(settings)).database)


def _rasa_wrote(settings: Settings, rows: list[tuple[str, str]]) -> None:
    engine = make_engine(tracker_url(settings))
    RASA_EVENTS.create(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(RASA_EVENTS),
            [{"sender_id": s, "type_name": "slot", "data": d} for s, d in rows],
        )
    engine.dispose()


def test_a_conversation_is_read_and_erased_in_rasas_store(tracker_store: Settings) -> None:
    settings = tracker_store
    assert conversation_events(settings, "me") == []  # Rasa has written nothing yet
    assert erase_conversation(settings, "me") == 0
    _rasa_wrote(
        settings,
        [("me", '{"event": "user", "n": 1}'), ("other", "{}"), ("me", '{"event": "bot", "n": 2}')],
    )
    assert [e["n"] for e in conversation_events(settings, "me")] == [1, 2]
    assert erase_conversation(settings, "me") == 2
    assert conversation_events(settings, "me") == []
    assert conversation_events(settings, "other") == [{}]


def test_a_login_that_may_not_create_databases_gets_a_clear_startup_error(
    postgres: PostgresServer, var_dir, monkeypatch
) -> None:
    with postgres.connect() as connection:
        connection.execute("CREATE ROLE plain_login LOGIN PASSWORD 'no-createdb-pw' NOCREATEDB")
        connection.execute("CREATE DATABASE plain_record OWNER plain_login")
    try:
        url = make_url(postgres.url("plain_record"))
        url = url.set(username="plain_login", password="no-createdb-pw")
        monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
        with pytest.raises(StartupError, match="'plain_record_tracker'.*CREATEDB") as raised:
            prepare_tracker_database(get_settings())
        assert "no-createdb-pw" not in str(raised.value)  # no password in the message
    finally:
        postgres.drop_database("plain_record")
        with postgres.connect() as connection:
            connection.execute("DROP ROLE plain_login")
