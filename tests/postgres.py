"""A throwaway PostgreSQL server for the tests, started for real from the Debian binaries.

``start_postgres()`` runs ``initdb`` in a fresh temporary directory and starts ``postgres``
on a free loopback port (TCP only, password authentication, durability switched off because
nothing here needs to survive a crash). ``PostgresServer.stop()`` shuts it down and removes
the directory. PostgreSQL refuses to run as root, so when the tests run as root the server
runs as the ``postgres`` user the Debian package creates (``COACH_PG_USER`` overrides).

The binaries come from ``COACH_PG_BIN``, else ``/usr/lib/postgresql/<version>/bin``. When
they are missing the tests fail (never skip) with a message that says how to install them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

MAJOR_VERSION = 15
USER = "coach"
# URL-unsafe characters on purpose: every URL built from it must quote them correctly.
PASSWORD_PREFIX = "p@ss:w/rd%"
INSTALL_HINT = (
    "run .ci/system-packages (it installs the Debian 'postgresql' package; `make test` runs it), "
    "or point COACH_PG_BIN at a directory holding PostgreSQL's initdb and postgres"
)


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started; the message says what to do."""


def find_binaries() -> Path:
    """The directory holding ``initdb`` and ``postgres`` (version 15 preferred)."""
    configured = os.environ.get("COACH_PG_BIN")
    candidates = [Path(configured)] if configured else []
    root = Path("/usr/lib/postgresql")
    if not configured and root.is_dir():
        versions = sorted(
            (p for p in root.iterdir() if p.name.isdigit()),
            key=lambda p: (int(p.name) != MAJOR_VERSION, -int(p.name)),
        )
        candidates += [p / "bin" for p in versions]
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "postgres").exists():
            return directory
    looked = ", ".join(str(c) for c in candidates) or "/usr/lib/postgresql/*/bin"
    raise PostgresUnavailable(
        f"PostgreSQL server binaries (initdb, postgres) not found (looked in {looked}): "
        + INSTALL_HINT
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _traversable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can reach entries below ``path``."""
    return all(os.stat(p).st_mode & 0o001 for p in (path, *path.parents))


def _base_directory(as_other_user: bool) -> str | None:
    """Where to make the temporary directory (None: the usual temporary directory).

    When the server runs as another user, every directory above its data directory must let
    that user through; a private ``/tmp`` (mode 0700, as on some CI machines) does not.
    """
    if not as_other_user:
        return None
    for candidate in (tempfile.gettempdir(), "/var/tmp", "/dev/shm"):
        path = Path(candidate)
        if path.is_dir() and _traversable_by_others(path):
            return str(path)
    raise PostgresUnavailable(
        "no temporary directory that the postgres user can reach (tried $TMPDIR, /var/tmp, "
        "/dev/shm): set TMPDIR to a directory with mode 1777"
    )


@dataclass
class PostgresServer:
    """A running server; ``stop()`` ends it and deletes its files (safe to call twice)."""

    directory: Path
    port: int
    password: str
    process: subprocess.Popen
    log: Path
    # How the server was started, so that ``start()`` can start it again on the same port and
    # data directory (set by ``start_postgres``).
    binaries: Path | None = None
    run_as: dict[str, Any] = field(default_factory=dict)

    host = "127.0.0.1"

    def url(self, database: str, driver: str = "psycopg") -> str:
        """A SQLAlchemy URL for ``database`` (``driver=""`` for plain ``postgresql://``)."""
        url = URL.create(
            "postgresql+" + driver if driver else "postgresql",
            username=USER,
            password=self.password,
            host=self.host,
            port=self.port,
            database=database,
        )
        return url.render_as_string(hide_password=False)

    def connect(self, database: str = "postgres", autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=USER,
            password=self.password,
            dbname=database,
            autocommit=autocommit,
            connect_timeout=5,
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create an empty database (or a copy of ``template``); returns its psycopg URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing any connection still open to it."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with self.connect() as connection:
            connection.execute(statement)

    def empty_tables(self, database: str, keep: tuple[str, ...] = ("alembic_version",)) -> None:
        """Delete every row of every table in ``database`` (but ``keep``), restarting ids.

        Connections still open to it (a session a failed test left behind) are ended first,
        so they cannot hold locks that would make this wait.
        """
        with self.connect(database) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
                if name not in keep
            ]
            if tables:
                names = sql.SQL(", ").join(sql.Identifier(name) for name in tables)
                connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))

    def databases(self) -> set[str]:
        with self.connect() as connection:
            rows = connection.execute("SELECT datname FROM pg_database").fetchall()
        return {name for (name,) in rows}

    def stop(self, timeout: float = 30) -> None:
        self.shut_down(timeout)
        shutil.rmtree(self.directory, ignore_errors=True)

    def shut_down(self, timeout: float = 30) -> None:
        """End the server process, keeping its files (and log)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown: ends open sessions
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # --- restarting (the fault tests) -----------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        """Start the server again after ``shut_down()``: same port, data and password.

        Connections made before the shut-down stay broken; clients must reconnect.
        """
        if self.process.poll() is None:
            raise RuntimeError("the server is still running")
        if self.binaries is None:
            raise RuntimeError("this server was not started by start_postgres()")
        self.process = _spawn_postgres(self.binaries, self.directory, self.port, self.run_as)
        _wait_until_ready(self, timeout)

    def restart(self, timeout: float = 60) -> None:
        """Shut the server down (ending every session) and start it again."""
        self.shut_down(timeout)
        self.start(timeout)


def _spawn_postgres(
    binaries: Path, directory: Path, port: int, run_as: dict[str, Any]
) -> subprocess.Popen:
    """Start ``postgres`` on ``directory``/data, logging to ``directory``/postgres.log."""
    with open(directory / "postgres.log", "ab") as handle:
        return subprocess.Popen(
            [
                str(binaries / "postgres"), "-D", str(directory / "data"), "-p", str(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",  # TCP only: nothing outside the tmp dir
                # Throwaway data: no need to survive a crash, so skip the disk flushes.
                "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "max_connections=200",
            ],
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=directory, **run_as,
        )  # fmt: skip


def _wait_until_ready(server: PostgresServer, timeout: float) -> None:
    """Connect until the server accepts us, or fail with the end of its log."""
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise PostgresUnavailable(
                f"postgres exited with code {server.process.returncode}:\n"
                + server.log.read_text(errors="replace")[-2000:]
            )
        try:
            with server.connect():
                return
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(
                    f"postgres did not accept connections within {timeout:.0f} s: {error}"
                ) from None
        time.sleep(0.05)  # polling interval while the server starts, not a race guard


def start_postgres(timeout: float = 60, attempts: int = 3) -> PostgresServer:
    """Initialise a cluster in a new temporary directory and start a server on it."""
    binaries = find_binaries()
    as_root = os.geteuid() == 0
    account = pwd.getpwnam(os.environ.get("COACH_PG_USER", "postgres")) if as_root else None
    directory = Path(tempfile.mkdtemp(prefix="coach-pg-", dir=_base_directory(account is not None)))
    # As root, run PostgreSQL's programs as the unprivileged account, with its groups only.
    run_as = (
        {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    )
    if account:
        os.chown(directory, account.pw_uid, account.pw_gid)
    password = PASSWORD_PREFIX + secrets.token_hex(8)
    password_file = directory / "password"
    password_file.write_text(password + "\n")
    if account:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    log = directory / "postgres.log"
    try:
        subprocess.run(
            [
                str(binaries / "initdb"), "--pgdata", str(directory / "data"),
                "--username", USER, "--pwfile", str(password_file),
                "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8",
                "--no-sync", "--no-instructions",
            ],
            check=True, capture_output=True, text=True, cwd=directory, **run_as,
        )  # fmt: skip
    except subprocess.CalledProcessError as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {error.stderr or error.stdout}") from None
    password_file.unlink()
    for _ in range(attempts):
        port = _free_port()
        process = _spawn_postgres(binaries, directory, port, run_as)
        server = PostgresServer(directory, port, password, process, log, binaries, run_as)
        try:
            _wait_until_ready(server, timeout)
            return server
        except PostgresUnavailable:
            server.shut_down()
            # Another process may have taken the free port between our check and postgres.
            if "could not bind" not in log.read_text(errors="replace"):
                shutil.rmtree(directory, ignore_errors=True)
                raise
    shutil.rmtree(directory, ignore_errors=True)
    raise PostgresUnavailable(f"postgres could not bind a free port in {attempts} attempts")


@contextlib.contextmanager
def postgres_for_tests() -> Iterator[PostgresServer]:
    """A throwaway server for the tests that need one, stopped afterwards.

    Missing binaries fail those tests (with how to install them); never a skip.
    """
    import pytest

    try:
        server = start_postgres()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL is needed for this test: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
