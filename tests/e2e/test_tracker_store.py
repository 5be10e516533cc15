"""Where a conversation is kept: the record and Rasa's tracker store on the configured backend.

With ``DATABASE_URL`` on PostgreSQL, both the record and Rasa's events must be on that server
(the events in a database of their own) and nothing may fall back to a SQLite file in var/.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.config import TRACKER_DATABASE_SUFFIX
from tests.e2e.conftest import E2E_DATABASE

pytestmark = pytest.mark.e2e


def test_the_record_and_rasas_events_are_kept_on_the_configured_backend(bot, request) -> None:
    sender = "e2e-where-kept"
    bot.begin(sender)
    events = bot.tracker_events(sender)
    assert [e["event"] for e in events].count("user") == 3  # hello, consent, who it is for
    assert bot.export("rest", sender)["consented_at"] is not None
    sqlite_record = bot.settings.var_dir / "coach.db"

    if bot.backend == "sqlite":
        with sqlite3.connect(bot.settings.tracker_db) as connection:
            [(stored,)] = connection.execute(
                "SELECT count(*) FROM events WHERE sender_id = ?", (sender,)
            ).fetchall()
        assert stored == len(events)
        assert sqlite_record.exists()
        return

    postgres = request.getfixturevalue("postgres")
    tracker_database = E2E_DATABASE + TRACKER_DATABASE_SUFFIX
    assert {E2E_DATABASE, tracker_database} <= postgres.databases()
    with postgres.connect(tracker_database) as connection:
        [(stored,)] = connection.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (sender,)
        ).fetchall()
    assert stored == len(events)
    with postgres.connect(E2E_DATABASE) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        [(people,)] = connection.execute("SELECT count(*) FROM person").fetchall()
    assert people >= 1  # the consent was recorded on PostgreSQL
    assert "events" not in tables  # Rasa's table stays out of the record's database
    # Nothing fell back to SQLite: neither Rasa's tracker file nor the record's file exists.
    assert not bot.settings.tracker_db.exists()
    assert not sqlite_record.exists()
    assert "sqlite" not in bot.settings.tracker_url
