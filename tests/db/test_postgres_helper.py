"""The tests' own PostgreSQL server: what it gives, and a clear failure when it is missing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store.session import ensure_database, make_engine
from tests.postgres import PostgresServer, PostgresUnavailable, find_binaries


def test_missing_binaries_say_how_to_install_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COACH_PG_BIN", str(tmp_path))
    with pytest.raises(PostgresUnavailable, match=r"\.ci/system-packages"):
        find_binaries()


def test_the_server_is_postgresql_15_on_loopback_with_a_password(postgres: PostgresServer):
    with postgres.connect() as connection:
        [(version,)] = connection.execute("SHOW server_version_num").fetchall()
        [(address,)] = connection.execute("SELECT inet_server_addr()::text").fetchall()
    assert version.startswith("15")
    assert address.startswith("127.0.0.1")
    assert "@" in postgres.password  # URLs built from it must quote it


def test_ensure_database_creates_a_database_once(postgres: PostgresServer) -> None:
    url = postgres.url("made_by_ensure")
    assert ensure_database(url) is True
    assert ensure_database(url) is False
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT current_database()")).scalar() == "made_by_ensure"
    engine.dispose()
    postgres.drop_database("made_by_ensure")
    assert ensure_database("sqlite:///nowhere.db") is False  # not PostgreSQL: nothing to do
