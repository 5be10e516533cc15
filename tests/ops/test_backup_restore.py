"""`coach backup` and `coach restore` for the SQLite record and Rasa's tracker store."""

from __future__ import annotations

import socket
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.operations import OperationError, backup_sqlite, restore_sqlite
from bot.store import repositories as repo
from bot.store.migrate import upgrade

pytestmark = pytest.mark.usefixtures("quiet_ports")

KEPT = "I want to get back to my allotment on Saturdays"
LATER = "I'd like to swim at the leisure centre again"


def coach(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def outcomes(db: sessionmaker[Session], person: str = "person-1") -> list[str]:
    with db.begin() as session:
        return [o["statement"] for o in repo.record_as_dict(session, person)["outcomes"]]


def add(db: sessionmaker[Session], statement: str, person: str = "person-1") -> None:
    with db.begin() as session:
        repo.record_consent(session, person)
        repo.add_outcome(session, person, statement, status="confirmed")


def record_file() -> Path:
    return Path(get_settings().database_url.removeprefix("sqlite:///"))


def make_tracker(path: Path, sender: str = "sender-1") -> None:
    """A tracker store with Rasa's events table, as Rasa's SQL tracker store makes it."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (?, 'user', 1, '{}')",
            (sender,),
        )
    path.chmod(0o600)


def test_a_backup_is_a_private_consistent_copy_made_while_someone_writes(db, tmp_path) -> None:
    add(db, KEPT)
    writer = sqlite3.connect(record_file(), timeout=5)
    try:
        # A write in progress (not committed) when the backup runs: the copy must not see it,
        # and the backup must not wait for it either.
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE outcome SET statement = 'half-written'")
        out = tmp_path / "backups" / "coach.db"
        result = coach("backup", str(out))
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    assert "migration 0007" in result.output and "secret" in result.output
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT statement FROM outcome").fetchall() == [(KEPT,)]
    assert not list(out.parent.glob(".*partial*"))  # no scratch file left behind


def test_a_backup_does_not_overwrite_without_force(db, tmp_path) -> None:
    add(db, KEPT)
    out = tmp_path / "coach.db"
    out.write_text("an older backup")
    refused = coach("backup", str(out))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert out.read_text() == "an older backup"
    assert coach("backup", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"SQLite format 3")


def test_restore_puts_a_backup_back_and_keeps_the_replaced_record(db, tmp_path) -> None:
    add(db, KEPT)
    out = tmp_path / "coach.db"
    assert coach("backup", str(out)).exit_code == 0
    add(db, LATER)  # written after the backup

    refused = coach("restore", str(out))
    assert refused.exit_code == 1 and "already holds a record" in refused.output
    assert outcomes(db) == [KEPT, LATER]

    restored = coach("restore", str(out), "--force")
    assert restored.exit_code == 0, restored.output
    assert outcomes(db) == [KEPT]  # the open engine sees the restored record
    assert mode(record_file()) == 0o600
    [kept] = record_file().parent.glob("coach.db.before-restore-*")
    assert mode(kept) == 0o600
    with sqlite3.connect(kept) as previous:
        assert len(previous.execute("SELECT * FROM outcome").fetchall()) == 2


def test_restore_into_an_empty_place(db, tmp_path, monkeypatch) -> None:
    add(db, KEPT)
    out = tmp_path / "coach.db"
    assert coach("backup", str(out)).exit_code == 0
    elsewhere = tmp_path / "new-machine"
    monkeypatch.setenv("COACH_VAR_DIR", str(elsewhere))
    restored = coach("restore", str(out))
    assert restored.exit_code == 0, restored.output
    target = elsewhere / "coach.db"
    assert mode(target) == 0o600
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT statement FROM outcome").fetchall() == [(KEPT,)]


def test_an_older_backup_is_brought_to_the_newest_schema(var_dir, tmp_path, monkeypatch) -> None:
    old = tmp_path / "old.db"
    upgrade(f"sqlite:///{old}", "0003")
    restored = coach("restore", str(old))
    assert restored.exit_code == 0, restored.output
    assert "migration 0007" in restored.output
    with sqlite3.connect(record_file()) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0007",)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"practice_score", "share_use", "review"} <= tables
    with sqlite3.connect(old) as connection:  # the backup itself is only read
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)


def test_restore_refuses_what_is_not_a_record(db, tmp_path) -> None:
    add(db, KEPT)
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database")
    tracker = tmp_path / "tracker.db"
    make_tracker(tracker)
    future = tmp_path / "future.db"
    backup_sqlite(record_file(), future, kind="record")
    with sqlite3.connect(future) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for path, reason in (
        (text_file, "not a SQLite database"),
        (tracker, "no migration stamp"),
        (future, "unknown to this version"),
        (tmp_path / "missing.db", "no backup at"),
    ):
        refused = coach("restore", str(path), "--force")
        assert refused.exit_code == 1, path
        assert reason in refused.output
    assert outcomes(db) == [KEPT]
    assert not list(record_file().parent.glob("coach.db.before-restore-*"))
    assert not list(record_file().parent.glob(".restore-*"))


def test_the_tracker_store_is_backed_up_and_restored_too(db, tmp_path) -> None:
    add(db, KEPT)
    tracker = get_settings().tracker_db
    make_tracker(tracker, "first-sender")
    record_out, tracker_out = tmp_path / "coach.db", tmp_path / "tracker.db"
    made = coach("backup", str(record_out), "--tracker", str(tracker_out))
    assert made.exit_code == 0, made.output
    assert mode(tracker_out) == 0o600
    with sqlite3.connect(tracker) as connection:
        connection.execute("DELETE FROM events")

    # A bad record backup stops everything before the tracker store is touched.
    bad = tmp_path / "bad.db"
    bad.write_text("garbage")
    refused = coach("restore", str(bad), "--tracker", str(tracker_out), "--force")
    assert refused.exit_code == 1
    with sqlite3.connect(tracker) as connection:
        assert connection.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)

    restored = coach("restore", str(record_out), "--tracker", str(tracker_out), "--force")
    assert restored.exit_code == 0, restored.output
    with sqlite3.connect(tracker) as connection:
        assert connection.execute("SELECT sender_id FROM events").fetchall() == [("first-sender",)]
    assert mode(tracker) == 0o600
    with pytest.raises(OperationError, match="not a Rasa tracker store"):
        restore_sqlite(record_out, tracker, kind="tracker", force=True)


def test_restore_waits_until_the_servers_are_stopped(db, tmp_path) -> None:
    add(db, KEPT)
    out = tmp_path / "coach.db"
    assert coach("backup", str(out)).exit_code == 0
    settings = get_settings()
    with socket.socket() as listener:  # something answering on the action server's port
        listener.bind(("127.0.0.1", settings.action_port))
        listener.listen()
        refused = coach("restore", str(out), "--force")
    assert refused.exit_code == 1 and "Stop the servers first" in refused.output
    assert "action server" in refused.output


def test_postgresql_is_pointed_to_pg_dump(var_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coach:s3cret@db.invalid/coach")
    for command in (("backup", str(tmp_path / "x.db")), ("restore", str(tmp_path / "x.db"))):
        result = coach(*command)
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "docs/operations.md" in result.output
        assert "s3cret" not in result.output
    assert not (tmp_path / "x.db").exists()
