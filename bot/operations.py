"""Running the service: ``coach health``, ``coach backup`` and ``coach restore``, and the
dependency audit that ``make lint`` runs (``python -m bot.operations audit``).

* **Health** checks every component the way the servers use it and says, for each, ``ok``,
  ``down`` or ``off`` (not configured), with a short reason. Nothing here prints a secret, a
  password or a token: database and Redis URLs are shown without their passwords, and a
  failed call to Telegram is reported by its kind only (its URL holds the bot token).
* **Backup** copies a SQLite database with SQLite's online backup API, so the copy is
  consistent even while the servers write; the copy is checked, made mode 0600 and only
  then put in place. **Restore** checks that a file is a record of this project (its
  migration is one this code knows; it is brought up to date on a scratch copy first) and
  refuses to overwrite a record unless told to (``force``), keeping the old one beside it.
  PostgreSQL is backed up with ``pg_dump`` instead (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.config import Settings

OK, DOWN, OFF = "ok", "down", "off"
TIMEOUT = 3.0
SQLITE_HEADER = b"SQLite format 3\x00"
TRACKER_COLUMNS = {"sender_id", "type_name", "timestamp", "data"}
PRIVATE = 0o600


class OperationError(RuntimeError):
    """An operation was refused or failed; the message says why and what to do."""


# --- health -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One component's state: ``ok``, ``down`` or ``off`` (not configured), and why."""

    component: str
    status: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        return Path(url[len(prefix) :])
    return None


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: show only its scheme
        return url.split(":", 1)[0] + ":…"


def _reason(error: BaseException) -> str:
    """A one-line reason for a failure, without the values a driver may quote."""
    original = getattr(error, "orig", None) or error
    first = (str(original).strip().splitlines() or [""])[0]
    # Connection errors name hosts and databases, never the password; cut anything long.
    return f"{type(original).__name__}: {first[:160]}" if first else type(original).__name__


def _file_mode_problem(path: Path) -> str | None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return f"{path} has mode {mode:04o}; it should be 0600 (chmod 600 {path})"
    return None


def _open_existing(url: str, what: str):
    """An engine for ``url`` that never creates a SQLite file (health only looks)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    path = _sqlite_file(url)
    if path is not None:
        if not path.exists():
            raise OperationError(f"no {what} at {path}")
        return create_engine(
            f"sqlite:///file:{path}?mode=rw&uri=true",
            connect_args={"timeout": TIMEOUT},
            poolclass=NullPool,
        )
    connect_args = {"connect_timeout": int(TIMEOUT)} if url.startswith("postgresql") else {}
    return create_engine(url, connect_args=connect_args, poolclass=NullPool)


def check_record(settings: Settings) -> Check:
    """The record database answers, and its schema is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.store.migrate import alembic_config

    name = "record database"
    url = settings.database_url
    try:
        engine = _open_existing(url, "record database")
        try:
            with engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
    except Exception as error:  # any failure to reach it is "down", with the reason
        reason = str(error) if isinstance(error, OperationError) else _reason(error)
        return Check(name, DOWN, f"{_without_password(url)}: {reason}")
    heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
    if revision not in heads:
        return Check(
            name,
            DOWN,
            f"schema at migration {revision or 'none'}, this version needs {', '.join(heads)}: "
            "run 'coach db upgrade' (the action server also does at start)",
        )
    path = _sqlite_file(url)
    problem = _file_mode_problem(path) if path else None
    if problem:
        return Check(name, DOWN, problem)
    return Check(name, OK, f"{_without_password(url)}, migration {revision} (newest)")


def check_tracker(settings: Settings) -> Check:
    """Rasa's tracker store answers and has its ``events`` table."""
    from sqlalchemy import inspect

    from bot.store.trackers import EVENTS_TABLE, tracker_url

    name = "tracker database"
    url = tracker_url(settings)
    try:
        engine = _open_existing(url, "tracker database (Rasa creates it on first start)")
        try:
            present = inspect(engine).has_table(EVENTS_TABLE)
        finally:
            engine.dispose()
    except Exception as error:
        reason = str(error) if isinstance(error, OperationError) else _reason(error)
        return Check(name, DOWN, f"{_without_password(url)}: {reason}")
    if not present:
        return Check(name, DOWN, f"{_without_password(url)}: no events table (has Rasa run?)")
    path = _sqlite_file(url)
    problem = _file_mode_problem(path) if path else None
    if problem:
        return Check(name, DOWN, problem)
    return Check(name, OK, _without_password(url))


def check_rasa(url: str, name: str = "Rasa server") -> Check:
    """A Rasa server answers; with its HTTP API on, that it has a model loaded."""
    import httpx

    from bot.runtime import model_is_current

    try:
        hello = httpx.get(url.rstrip("/") + "/", timeout=TIMEOUT)
    except httpx.HTTPError as error:
        return Check(name, DOWN, f"{url}: {type(error).__name__} (is 'coach serve' running?)")
    if hello.status_code != 200 or not hello.text.startswith("Hello from Rasa"):
        return Check(name, DOWN, f"{url}: answered {hello.status_code}, not as Rasa does")
    version = hello.text.removeprefix("Hello from Rasa:").strip()
    try:
        status = httpx.get(url.rstrip("/") + "/status", timeout=TIMEOUT)
    except httpx.HTTPError as error:
        return Check(name, DOWN, f"{url}: /status failed ({type(error).__name__})")
    if status.status_code == 200:
        model = Path(str(status.json().get("model_file") or "")).name or "a model"
        return Check(name, OK, f"{url}: Rasa {version}, model {model} loaded")
    if status.status_code == 409:  # Rasa's answer when no agent (model) is loaded
        return Check(name, DOWN, f"{url}: Rasa {version} answers but has no model loaded")
    # Without Rasa's HTTP API (off by default: it has no authentication of its own) the
    # loaded model is not visible; Rasa loads its model before it answers at all.
    on_disk = "current" if model_is_current() else "older than the training data"
    return Check(
        name, OK, f"{url}: Rasa {version}; model loaded at start, on disk {on_disk}"
    )  # fmt: skip


def action_health_url(settings: Settings) -> str:
    """The action server's ``/health``, beside the webhook Rasa calls."""
    configured = os.environ.get("COACH_ACTION_URL") or settings.action_url
    parts = urlsplit(configured)
    return urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))


def check_actions(settings: Settings) -> Check:
    """The action server answers ``/health``."""
    import httpx

    name = "action server"
    url = action_health_url(settings)
    try:
        response = httpx.get(url, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        return Check(name, DOWN, f"{url}: {type(error).__name__} (is 'coach serve' running?)")
    try:
        healthy = response.status_code == 200 and response.json().get("status") == "ok"
    except ValueError:
        healthy = False
    if not healthy:
        return Check(name, DOWN, f"{url}: answered {response.status_code}")
    return Check(name, OK, url)


def check_lock_store(settings: Settings) -> Check:
    """Redis answers PING, when a lock store is configured (``COACH_LOCK_STORE_URL``)."""
    name = "lock store"
    url = getattr(settings, "lock_store_url", None) or os.environ.get("COACH_LOCK_STORE_URL")
    if not url:
        return Check(name, OFF, "in memory (one Rasa server; COACH_LOCK_STORE_URL not set)")
    import redis

    shown = _without_password(url)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        return Check(name, DOWN, f"{shown}: {type(error).__name__}")
    return Check(name, OK, shown)


TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


def check_telegram(settings: Settings, reach: bool = False) -> Check:
    """The bridge's token is set (and, with ``reach``, Telegram's ``getMe`` accepts it)."""
    name = "Telegram bridge"
    token = settings.telegram_token
    if not token:
        return Check(name, OFF, "TELEGRAM_BOT_TOKEN not set")
    if not TOKEN_SHAPE.match(token):
        return Check(name, DOWN, "TELEGRAM_BOT_TOKEN does not look like a bot token (123:ABC…)")
    if not reach:
        return Check(name, OK, "token set (Bot API not asked; use --telegram to ask it)")
    import httpx

    # TELEGRAM_API_BASE_URL is the server's root, as for the bridge (a "/bot" is tolerated).
    root = (settings.telegram_base_url or "https://api.telegram.org").rstrip("/")
    try:
        # The URL holds the token: only the error's kind is ever reported.
        response = httpx.get(f"{root.removesuffix('/bot')}/bot{token}/getMe", timeout=TIMEOUT)
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        return Check(name, DOWN, f"Bot API not reached ({type(error).__name__})")
    if response.status_code != 200 or not body.get("ok"):
        return Check(name, DOWN, f"Bot API refused the token ({response.status_code})")
    return Check(name, OK, f"token accepted by the Bot API (@{body['result'].get('username')})")


def check_secret(settings: Settings) -> Check:
    """The pseudonymisation secret is there and only its owner can read it."""
    from bot.config import SecretFileError, check_secret_file

    name = "secret"
    if os.environ.get("COACH_SECRET"):
        return Check(name, OK, "from COACH_SECRET")
    path = settings.secret_file
    if not path.exists():
        return Check(
            name, DOWN, f"{path} is missing (made on first start; with records, restore it)"
        )
    try:
        check_secret_file(path)
    except SecretFileError as error:
        return Check(name, DOWN, str(error))
    return Check(name, OK, f"{path} (mode 0600)")


def health(settings: Settings, *, telegram: bool = False) -> list[Check]:
    """Check every component; see :class:`Check`."""
    urls = tuple(getattr(settings, "rasa_urls", ()) or ()) or (settings.rasa_url,)
    checks = [check_secret(settings), check_record(settings), check_tracker(settings)]
    for index, url in enumerate(urls, start=1):
        checks.append(check_rasa(url, "Rasa server" if len(urls) == 1 else f"Rasa server {index}"))
    checks += [check_actions(settings), check_lock_store(settings)]
    checks.append(check_telegram(settings, reach=telegram))
    return checks


def health_table(checks: Sequence[Check]) -> str:
    """The checks as a plain table, one component a line."""
    rows = [("component", "status", "detail"), *((c.component, c.status, c.detail) for c in checks)]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return "\n".join(
        f"{row[0]:<{width[0]}}  {row[1]:<{width[1]}}  {row[2]}".rstrip() for row in rows
    )


# --- backup and restore -------------------------------------------------------------------


@dataclass(frozen=True)
class Copied:
    """What a backup or restore wrote."""

    path: Path
    size: int
    revision: str | None  # the record's migration; None for the tracker store


def sqlite_path_of(url: str, what: str) -> Path:
    """The SQLite file behind ``url``, or a refusal that points PostgreSQL to ``pg_dump``."""
    path = _sqlite_file(url)
    if path is None:
        raise OperationError(
            f"The {what} is not a SQLite file ({_without_password(url)}). Back up PostgreSQL "
            "with pg_dump and restore it with pg_restore: see docs/operations.md."
        )
    return path


def _connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    return sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=30)


def _private(path: Path) -> None:
    """Mode 0600 for a database file and the journal files SQLite keeps beside it."""
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        if candidate.exists():
            candidate.chmod(PRIVATE)


def _scratch(directory: Path, label: str) -> Path:
    """A new empty file, mode 0600, in ``directory`` (created 0700 when missing)."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
    fd, name = tempfile.mkstemp(prefix=f".{label}-", suffix=".partial", dir=directory)
    os.close(fd)
    return Path(name)


def _remove_scratch(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        candidate.unlink(missing_ok=True)


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy with SQLite's backup API (consistent under concurrent writers) into one file."""
    destination = _connect(target, create=True)
    try:
        source.backup(destination)
        # A self-contained file: no WAL beside it to lose or to mix up on the way back.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def _integrity(connection: sqlite3.Connection) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise OperationError(f"the database fails SQLite's integrity check ({result})")


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


def _record_revision(connection: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _tables(connection):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _check_kind(connection: sqlite3.Connection, kind: str) -> str | None:
    """Refuse a file that is not the kind expected; return the record's migration."""
    _integrity(connection)
    if kind == "tracker":
        if "events" not in _tables(connection):
            raise OperationError("it has no events table: not a Rasa tracker store")
        columns = {row[1] for row in connection.execute("PRAGMA table_info(events)")}
        if not columns >= TRACKER_COLUMNS:
            raise OperationError("its events table is not Rasa's: not a tracker store")
        return None
    revision = _record_revision(connection)
    if revision is None:
        raise OperationError("it has no migration stamp (alembic_version): not a record")
    return revision


def backup_sqlite(source: Path, destination: Path, *, kind: str, force: bool = False) -> Copied:
    """Copy a live SQLite database to ``destination`` (mode 0600), consistently.

    Args:
        source: The database file (the record, or Rasa's tracker store).
        destination: Where the copy goes; an existing file is only replaced with ``force``.
        kind: ``record`` or ``tracker``: what the source must be.
        force: Replace an existing ``destination``.
    """
    if not source.exists():
        raise OperationError(f"There is no database at {source}.")
    if destination.exists() and not force:
        raise OperationError(f"{destination} exists: choose another name, or use --force.")
    if destination.resolve() == source.resolve():
        raise OperationError("The backup cannot be the database itself.")
    scratch = _scratch(destination.parent, destination.name)
    try:
        live = _connect(source)
        try:
            _copy_database(live, scratch)
        finally:
            live.close()
        copy = _connect(scratch)
        try:
            revision = _check_kind(copy, kind)
        finally:
            copy.close()
        scratch.chmod(PRIVATE)
        os.replace(scratch, destination)
    except sqlite3.Error as error:
        raise OperationError(f"Could not copy {source}: {error}") from None
    except OperationError as error:
        raise OperationError(f"{source} was not backed up: {error}") from None
    finally:
        _remove_scratch(scratch)
    return Copied(destination, destination.stat().st_size, revision)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from bot.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def _has_content(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        connection = _connect(path)
        try:
            return bool(_tables(connection))
        finally:
            connection.close()
    except sqlite3.DatabaseError:  # not a database at all: still something to keep
        return True


def _validated_copy(backup: Path, directory: Path, kind: str) -> tuple[Path, str | None]:
    """The backup, checked and (for a record) migrated to the newest schema, in a scratch
    file; the backup itself is only read."""
    if not backup.is_file():
        raise OperationError(f"There is no backup at {backup}.")
    with open(backup, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise OperationError(f"{backup} is not a SQLite database.")
    scratch = _scratch(directory, f"restore-{kind}")
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            _copy_database(source, scratch)
        finally:
            source.close()
        copy = _connect(scratch)
        try:
            revision = _check_kind(copy, kind)
        finally:
            copy.close()
        if kind == "record":
            if revision not in _known_revisions():
                raise OperationError(
                    f"its migration {revision} is unknown to this version (is the backup from "
                    "a newer Outcomes Coach, or from another program?)"
                )
            revision = _upgrade_scratch(scratch)
    except sqlite3.Error as error:
        _remove_scratch(scratch)
        raise OperationError(f"{backup} could not be read as a database: {error}") from None
    except OperationError as error:
        _remove_scratch(scratch)
        raise OperationError(f"Not restored: {backup}: {error}") from None
    return scratch, revision


def _upgrade_scratch(path: Path) -> str | None:
    """Bring a scratch record to the newest migration, and check every table is there."""
    from bot.store.migrate import upgrade
    from bot.store.models import Base

    upgrade(f"sqlite:///{path}")
    connection = _connect(path)
    try:
        missing = set(Base.metadata.tables) - _tables(connection)
        if missing:
            raise OperationError(f"tables missing after migration: {', '.join(sorted(missing))}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return _record_revision(connection)
    finally:
        connection.close()


def check_restorable(backup: Path, target: Path, *, kind: str, force: bool = False) -> str | None:
    """Everything :func:`restore_sqlite` checks, writing nothing: call it for every file
    first, so a bad second file does not leave the first one restored alone."""
    _refuse_overwrite(target, kind, force)
    scratch, revision = _validated_copy(backup, target.parent, kind)
    _remove_scratch(scratch)
    return revision


def _refuse_overwrite(target: Path, kind: str, force: bool) -> None:
    if target.exists() and _has_content(target) and not force:
        raise OperationError(
            f"{target} already holds a {kind} database: restoring would replace it. "
            "Use --force to replace it (a copy of it is kept beside it)."
        )


def restore_sqlite(backup: Path, target: Path, *, kind: str, force: bool = False) -> Copied:
    """Put a backup in place of the SQLite database at ``target``.

    The backup is checked first (integrity; a record must carry a migration this version
    knows, and is brought to the newest one). An existing database with tables is only
    replaced with ``force``, and then a copy of it is kept beside it
    (``<name>.before-restore-<time>``). The copy goes in with SQLite's backup API, so an
    open connection elsewhere sees either the old or the new database, never a mix.
    """
    _refuse_overwrite(target, kind, force)
    scratch, revision = _validated_copy(backup, target.parent, kind)
    try:
        if target.exists() and _has_content(target):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup_sqlite(target, target.with_name(f"{target.name}.before-restore-{stamp}"),
                          kind=kind, force=False)  # fmt: skip
        if not target.exists():
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
        source = _connect(scratch)
        destination = _connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        _private(target)
    except sqlite3.Error as error:
        raise OperationError(f"Could not write {target}: {error}") from None
    finally:
        _remove_scratch(scratch)
    return Copied(target, target.stat().st_size, revision)


def servers_answering(settings: Settings) -> list[str]:
    """Which of the project's servers answer now (a restore waits until none does)."""
    from bot.runtime import port_in_use

    urls = tuple(getattr(settings, "rasa_urls", ()) or ()) or (settings.rasa_url,)
    answering = []
    action = urlsplit(action_health_url(settings))
    if port_in_use(action.hostname or settings.host, action.port or settings.action_port):
        answering.append("action server")
    for url in urls:
        parts = urlsplit(url)
        if port_in_use(parts.hostname or settings.host, parts.port or settings.rasa_port):
            answering.append(f"Rasa ({url})")
    return answering


# --- dependency audit ---------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One known vulnerability in one pinned package."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass(frozen=True)
class AuditResult:
    """What pip-audit could say about one lock file."""

    lockfile: Path
    checked: int  # packages the vulnerability service had data for
    unchecked: tuple[str, ...]  # packages it could not check, with the reason
    findings: tuple[Finding, ...]
    unreachable: str | None  # why the service could not be asked at all, if so


def run_pip_audit(
    lockfile: Path, pip_audit: str | None = None, service: str = "pypi"
) -> AuditResult:
    """Audit a fully pinned lock file with pip-audit (no install, no resolution).

    pip-audit answers "No known vulnerabilities found" even when it could check nothing (a
    mirror without vulnerability data answers "not found" for every package); the result
    here counts what was really checked, so an audit that could not be done says so.
    """
    executable = pip_audit or str(Path(sys.executable).with_name("pip-audit"))
    if not Path(executable).exists() and shutil.which(executable) is None:
        return AuditResult(lockfile, 0, (), (), f"pip-audit is not installed ({executable})")
    command = [
        executable, "--requirement", str(lockfile), "--no-deps", "--disable-pip",
        "--format", "json", "--progress-spinner", "off", "--vulnerability-service", service,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return AuditResult(lockfile, 0, (), (), "pip-audit did not finish within 10 minutes")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit code {done.returncode}"
        return AuditResult(lockfile, 0, (), (), f"pip-audit failed: {last[:300]}")
    return parse_pip_audit(lockfile, report)


def parse_pip_audit(lockfile: Path, report: dict) -> AuditResult:
    """Read pip-audit's JSON report (``--format json``)."""
    dependencies = report.get("dependencies", []) if isinstance(report, dict) else []
    findings: list[Finding] = []
    unchecked: list[str] = []
    for dependency in dependencies:
        name, version = dependency.get("name", "?"), dependency.get("version", "?")
        if dependency.get("skip_reason"):
            unchecked.append(f"{name} {version}: {dependency['skip_reason']}")
            continue
        for vuln in dependency.get("vulns") or []:
            findings.append(
                Finding(
                    name,
                    version,
                    vuln.get("id", "?"),
                    tuple(vuln.get("aliases") or ()),
                    tuple(vuln.get("fix_versions") or ()),
                )
            )
    checked = len(dependencies) - len(unchecked)
    unreachable = None
    if dependencies and checked == 0:
        unreachable = (
            "the vulnerability service had no data for any package (it could not be "
            "reached, or the package index answering has no vulnerability data)"
        )
    return AuditResult(lockfile, checked, tuple(unchecked), tuple(findings), unreachable)


def judged_ids(path: Path | None) -> set[str]:
    """Advisory ids (CVE, GHSA, PYSEC, OSV) named in the judgement file (docs/security.md)."""
    if path is None or not path.exists():
        return set()
    pattern = r"\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3}|PYSEC-\d{4}-\d+|OSV-\d{4}-\d+)\b"
    return set(re.findall(pattern, path.read_text(encoding="utf-8")))


def audit_report(result: AuditResult, judged: set[str]) -> tuple[list[str], list[Finding]]:
    """Lines to print, and the findings that nobody has judged yet."""
    lines = [f"== pip-audit {result.lockfile}"]
    if result.unreachable:
        lines.append(f"AUDIT NOT DONE: {result.unreachable}.")
        lines.append("Nothing is known about vulnerabilities here; run it again with access.")
        return lines, []
    lines.append(f"checked {result.checked} packages; {len(result.findings)} known vulnerabilities")
    if result.unchecked:
        lines.append(f"not checked ({len(result.unchecked)}):")
        lines += [f"  {item}" for item in result.unchecked]
    new: list[Finding] = []
    for finding in result.findings:
        seen = bool(finding.ids() & judged)
        if not seen:
            new.append(finding)
        fixed = ", ".join(finding.fixed_in) or "no fixed version"
        also = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        mark = "judged" if seen else "NEW"
        lines.append(
            f"  {mark}: {finding.package} {finding.version}: {finding.id}{also}; fixed in {fixed}"
        )
    return lines, new


def audit_main(argv: Sequence[str], out: Callable[[str], None] = print) -> int:
    """``python -m bot.operations audit [--judged FILE] [--report-only] LOCKFILE…``.

    Exit status 1 only for findings that are neither fixed nor judged in ``--judged`` (and
    not with ``--report-only``); an audit that could not reach its service prints so loudly
    and does not fail.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.operations audit")
    parser.add_argument("lockfiles", nargs="+", type=Path)
    parser.add_argument("--judged", type=Path, help="docs/security.md: judged advisory ids")
    parser.add_argument("--report-only", action="store_true", help="never fail on findings")
    parser.add_argument("--pip-audit", help="the pip-audit command (default: beside python)")
    args = parser.parse_args(list(argv))
    judged = judged_ids(args.judged)
    failing = False
    for lockfile in args.lockfiles:
        result = run_pip_audit(lockfile, args.pip_audit)
        if result.unreachable:  # PyPI's vulnerability data was not to be had: try OSV's
            second = run_pip_audit(lockfile, args.pip_audit, service="osv")
            result = second if not second.unreachable else result
            if second.unreachable:
                reasons = f"PyPI: {result.unreachable}; OSV: {second.unreachable}"
                result = replace(result, unreachable=reasons)
        lines, new = audit_report(result, judged)
        for line in lines:
            out(line)
        if new and not args.report_only:
            where = args.judged or "docs/security.md"
            out(f"{len(new)} finding(s) not judged yet: upgrade, or judge each in {where}.")
            failing = True
    return 1 if failing else 0


if __name__ == "__main__":  # pragma: no cover - exercised through make lint
    arguments = sys.argv[1:]
    if not arguments or arguments[0] != "audit":
        print("usage: python -m bot.operations audit [--judged FILE] LOCKFILE…", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(audit_main(arguments[1:]))


__all__ = [
    "DOWN",
    "OFF",
    "OK",
    "AuditResult",
    "Check",
    "Copied",
    "Finding",
    "OperationError",
    "audit_main",
    "backup_sqlite",
    "check_restorable",
    "health",
    "health_table",
    "parse_pip_audit",
    "restore_sqlite",
    "run_pip_audit",
    "servers_answering",
    "sqlite_path_of",
]
