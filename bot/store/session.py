"""Engine and session factory: the one place that opens database connections.

On PostgreSQL the engine rides out a server restart or fail-over: every pooled connection is
checked before use (``pool_pre_ping``), so one the server closed is replaced, and a new
connection that the server refuses because it is down or still starting is tried again for a
few seconds (:data:`CONNECT_RETRY_DELAYS`). Only connecting is retried, never a statement: a
unit of work that loses its connection part-way is rolled back whole and its error reaches the
caller (the action fails, Rasa says nothing, and the front end tells the person their answers
so far are safe and to send that again).
"""

from __future__ import annotations

import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from bot.config import ensure_private_dir

log = logging.getLogger(__name__)

# Seconds to wait before each further attempt to connect to a PostgreSQL server that is down
# or starting up: about 6 s in all, enough for a restart, short enough that a person waiting
# for a reply is told about trouble rather than left waiting.
CONNECT_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 2.0)
# SQLSTATEs that mean "not now" rather than "never": the server is starting or shutting down,
# or the connection failed.
_TRANSIENT_SQLSTATES = {"57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"}
# Errors on connecting carry no SQLSTATE (psycopg gives libpq's message only): these words
# mean trying again cannot help, so the error is reported at once.
_PERMANENT_CONNECT_ERRORS = (
    "password authentication failed",
    "does not exist",
    "no pg_hba.conf entry",
    "permission denied",
)


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        return Path(url[len(prefix) :])
    return None


def make_engine(url: str) -> Engine:
    """Create an engine; a SQLite file is created with mode 0600 in a 0700 directory."""
    path = _sqlite_path(url)
    if path is not None:
        ensure_private_dir(path.parent)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        path.chmod(0o600)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if is_postgresql(url):
        event.listen(engine, "do_connect", _connect_patiently)
    return engine


def _connect_patiently(dialect: Any, _record: Any, cargs: tuple, cparams: dict) -> Any:
    """Connect, trying again while the server is down or starting (``do_connect`` hook)."""
    for delay in (*CONNECT_RETRY_DELAYS, None):
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as error:
            if delay is None or not is_transient(error):
                raise
            log.warning("database_unreachable retry_in=%.2fs", delay)
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def is_transient(error: BaseException) -> bool:
    """Whether a database error means the server is down for now (worth trying again).

    A server shutting down or starting up answers with SQLSTATE class 57P or 08; a refused or
    dropped connection has no SQLSTATE. A wrong password or a missing database is permanent.
    """
    error = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if state:
        return state in _TRANSIENT_SQLSTATES
    message = str(error).lower()
    return not any(words in message for words in _PERMANENT_CONNECT_ERRORS)


@lru_cache(maxsize=4)
def session_factory(url: str) -> sessionmaker[Session]:
    """One sessionmaker per database URL per process; callers open ``with f.begin()``."""
    return sessionmaker(make_engine(url), expire_on_commit=False)


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def ensure_database(url: str, via: str | None = None) -> bool:
    """Create the PostgreSQL database that ``url`` names unless it exists; True if created.

    The connection goes through another database on the same server, ``via`` (by default
    the server's ``postgres`` maintenance database), since the one named may not exist yet.
    The login in ``url`` needs the CREATEDB privilege the first time. Not PostgreSQL: no-op.
    """
    target = make_url(url)
    if target.get_backend_name() != "postgresql" or not target.database:
        return False
    through = make_url(via) if via else target.set(database="postgres")
    engine = create_engine(
        through.set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",  # CREATE DATABASE cannot run inside a transaction
        poolclass=NullPool,
    )
    exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
    try:
        with engine.connect() as connection:
            if connection.execute(exists, {"name": target.database}).first():
                return False
            quoted = engine.dialect.identifier_preparer.quote_identifier(target.database)
            try:
                connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
            except DBAPIError:
                # Another process (a second replica starting) may have just created it.
                if connection.execute(exists, {"name": target.database}).first():
                    return False
                raise
            return True
    finally:
        engine.dispose()
