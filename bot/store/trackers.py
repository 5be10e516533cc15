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

from bot.config import Settings
from bot.store.session import make_engine

EVENTS_TABLE = "events"


def tracker_url(settings: Settings) -> str:
    """The tracker store's URL, in a form this environment's SQLAlchemy can open."""
    url = settings.tracker_url
    # Rasa's venv talks to PostgreSQL through psycopg2; this one has psycopg 3.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


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
