"""The record's store through a PostgreSQL restart: nothing stored before is lost, and what
is stored after goes in, whether the server is back already or still starting."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.store import session as store_session
from bot.store.migrate import upgrade
from bot.store.models import Answer
from bot.store.repositories import add_answer
from bot.store.session import is_transient, make_engine
from tests.postgres import PostgresServer

PERSON = "pseudonym-of-someone"


@pytest.fixture
def record(fault_postgres: PostgresServer) -> Iterator[sessionmaker[Session]]:
    """A migrated record on the module's own PostgreSQL server, with a pooled engine."""
    url = fault_postgres.create_database("restart_record")
    upgrade(url)
    engine = make_engine(url)
    try:
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()
        fault_postgres.drop_database("restart_record")


def answers(factory: sessionmaker[Session]) -> list[str]:
    with factory.begin() as session:
        return list(session.scalars(select(Answer.text).order_by(Answer.turn)))


class Seen(logging.Handler):
    """Sets an event once a log line with ``words`` is emitted (from any thread)."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


def test_answers_before_and_after_a_restart_are_all_kept(
    record: sessionmaker[Session], fault_postgres: PostgresServer
) -> None:
    with record.begin() as session:
        add_answer(session, PERSON, "best_hope", "To walk to the shop on my own")
    assert answers(record) == ["To walk to the shop on my own"]  # a connection is now pooled

    fault_postgres.restart()  # the pooled connection is dead now

    with record.begin() as session:  # the dead connection is noticed and replaced
        add_answer(session, PERSON, "good_day", "Seeing my grandson")
    assert answers(record) == ["To walk to the shop on my own", "Seeing my grandson"]


def test_a_unit_of_work_waits_for_the_server_to_come_back(
    record: sessionmaker[Session],
    fault_postgres: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A longer patience than the real ~6 s, so a slow machine cannot make this flaky.
    monkeypatch.setattr(store_session, "CONNECT_RETRY_DELAYS", (0.2,) * 100)
    with record.begin() as session:
        add_answer(session, PERSON, "best_hope", "To walk to the shop on my own")
    retrying = Seen("database_unreachable")
    logging.getLogger("bot.store.session").addHandler(retrying)
    errors: list[BaseException] = []

    def store_another() -> None:
        try:
            with record.begin() as session:
                add_answer(session, PERSON, "good_day", "Seeing my grandson")
        except BaseException as error:  # reported to the test below
            errors.append(error)

    fault_postgres.shut_down()
    worker = threading.Thread(target=store_another)
    try:
        worker.start()
        assert retrying.event.wait(30), "the store never tried to reconnect"
        fault_postgres.start()  # back while the unit of work is waiting for it
        worker.join(30)
    finally:
        logging.getLogger("bot.store.session").removeHandler(retrying)
        if fault_postgres.process.poll() is not None:
            fault_postgres.start()
    assert not worker.is_alive()
    assert errors == []
    assert answers(record) == ["To walk to the shop on my own", "Seeing my grandson"]


def test_a_wrong_password_is_reported_at_once(fault_postgres: PostgresServer) -> None:
    wrong = make_url(fault_postgres.url("postgres")).set(password="not-the-password")
    url = wrong.render_as_string(hide_password=False)
    retrying = Seen("database_unreachable")
    logging.getLogger("bot.store.session").addHandler(retrying)
    engine = make_engine(url)
    try:
        with pytest.raises(OperationalError, match="password authentication failed"):
            engine.connect()
    finally:
        engine.dispose()
        logging.getLogger("bot.store.session").removeHandler(retrying)
    assert not retrying.event.is_set()


@pytest.mark.parametrize(
    ("message", "transient"),
    [
        ('connection to server at "127.0.0.1", port 5432 failed: Connection refused', True),
        ("FATAL:  the database system is starting up", True),
        ("server closed the connection unexpectedly", True),
        ('FATAL:  password authentication failed for user "coach"', False),
        ('FATAL:  database "coach" does not exist', False),
    ],
)
def test_connection_errors_are_told_apart(message: str, transient: bool) -> None:
    assert is_transient(psycopg.OperationalError(message)) is transient
