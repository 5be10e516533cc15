"""Rasa's own copy of a conversation (its SQL tracker store), for erasing and exporting it.

Rasa keeps every event of a conversation in the ``events`` table of its tracker store. When
a person deletes their data, those rows go too. Rasa writes a turn's events after the turn's
actions have run, so this runs in the front end once Rasa has replied, never in an action.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, Table, delete, inspect, select
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.store.session import ensure_database, is_postgresql, make_engine

EVENTS_TABLE = "events"


def tracker_url(settings: Settings) -> str:
    """The tracker store's URL, in a form this environment's SQLAlchemy can open."""
    url = make_url(settings.tracker_url)
    # Rasa's venv talks to PostgreSQL through psycopg2; this one has psycopg 3.
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return settings.tracker_url


def ensure_tracker_database(settings: Settings) -> bool:
    """Create the PostgreSQL tracker database if it is missing (before Rasa starts).

    Rasa's SQL tracker store creates its tables but not a database given by URL: it retries
    a missing one every 5 s forever. Connects through the record's database when that is on
    the same server with the same login (the tracker URL derived from ``DATABASE_URL``),
    else through the server's ``postgres`` database. Returns whether a database was created.
    """
    url = make_url(tracker_url(settings))
    if url.get_backend_name() != "postgresql":
        return False
    via = None
    if is_postgresql(settings.database_url):
        record = make_url(settings.database_url)
        if (record.host, record.port, record.username) == (url.host, url.port, url.username):
            via = settings.database_url
    return ensure_database(url.render_as_string(hide_password=False), via=via)


@contextmanager
def _events(settings: Settings) -> Iterator[tuple[Engine, Table | None]]:
    engine = make_engine(tracker_url(settings))
    try:
        table = None
        if inspect(engine).has_table(EVENTS_TABLE):
            table = Table(EVENTS_TABLE, MetaData(), autoload_with=engine)
        yield engine, table
    finally:
        engine.dispose()


def erase_conversation(settings: Settings, sender_id: str) -> int:
    """Delete every event Rasa stored for ``sender_id``; returns how many rows went."""
    with _events(settings) as (engine, table):
        if table is None:
            return 0
        with engine.begin() as connection:
            result = connection.execute(delete(table).where(table.c.sender_id == sender_id))
        return result.rowcount or 0


def conversation_events(settings: Settings, sender_id: str) -> list[dict]:
    """The events Rasa stored for ``sender_id``, oldest first, as Rasa serialised them."""
    with _events(settings) as (engine, table):
        if table is None:
            return []
        with engine.connect() as connection:
            rows = connection.execute(
                select(table.c.data).where(table.c.sender_id == sender_id).order_by(table.c.id)
            )
            return [json.loads(data) for (data,) in rows]
