"""Engine and session factory: the one place that opens database connections."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from bot.config import ensure_private_dir


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
    return create_engine(url, pool_pre_ping=True)


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
