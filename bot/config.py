"""Typed settings, read from the environment when asked for (never at import time)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Settings:
    """Everything the processes need to know, with defaults for one machine."""

    var_dir: Path
    database_url: str
    secret_file: Path
    rasa_url: str
    action_port: int
    rasa_port: int
    host: str
    tracker_db: Path
    telegram_token: str | None
    telegram_base_url: str | None
    duty_line: str
    # Rasa's tracker store (endpoints.yml reads it as ``COACH_TRACKER_URL``): that variable if
    # set; else beside a PostgreSQL record (``tracker_url_beside``); else ``tracker_db``.
    tracker_url: str
    # Scale-out (docs/deployment.md). Rasa replicas ``coach serve`` starts on consecutive
    # ports from ``rasa_port``; where the front ends find Rasa (every replica, in order);
    # Rasa's lock store (``redis://…``; None keeps Rasa's in-memory lock store); Sanic
    # worker processes of the action server.
    rasa_replicas: int = 1
    rasa_urls: tuple[str, ...] = ()
    lock_store_url: str | None = None
    action_workers: int = 1

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"


TRACKER_DATABASE_SUFFIX = "_tracker"


def tracker_url_beside(database_url: str) -> str | None:
    """Rasa's tracker store next to a PostgreSQL record: same server and login, own database.

    ``postgresql+psycopg://u:p@host/coach`` gives ``postgresql://u:p@host/coach_tracker``. A
    database of its own keeps Rasa's ``events`` table (created by Rasa, outside Alembic) apart
    from the record's schema. The driver is left to Rasa's SQLAlchemy 1.4, which uses
    psycopg2. Returns None when the record is not on PostgreSQL.
    """
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql" or not url.database:
        return None
    tracker = url.set(drivername="postgresql", database=url.database + TRACKER_DATABASE_SUFFIX)
    return tracker.render_as_string(hide_password=False)


def _positive_int(name: str, default: int, fallback: str | None = None) -> int:
    """An integer setting of at least 1 from ``name`` (or ``fallback``), else ``default``."""
    raw = os.environ.get(name) or (os.environ.get(fallback) if fallback else None)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def rasa_urls_for(host: str, rasa_port: int, replicas: int) -> tuple[str, ...]:
    """The addresses of ``replicas`` Rasa servers on consecutive ports from ``rasa_port``."""
    return tuple(f"http://{host}:{rasa_port + index}" for index in range(replicas))


def get_settings() -> Settings:
    """Read settings from environment variables (see README, "Configuration")."""
    var_dir = Path(os.environ.get("COACH_VAR_DIR", PROJECT_ROOT / "var")).resolve()
    host = os.environ.get("COACH_HOST", "127.0.0.1")
    rasa_port = int(os.environ.get("COACH_RASA_PORT", "5005"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'coach.db'}"
    tracker_db = Path(os.environ.get("COACH_TRACKER_DB", var_dir / "tracker.db"))
    replicas = _positive_int("COACH_RASA_REPLICAS", 1)
    # Where the front ends find Rasa: a list given outright (Rasa on other machines), else one
    # URL given outright, else the replicas this machine's `coach serve` starts.
    listed = tuple(
        url.strip().rstrip("/")
        for url in os.environ.get("COACH_RASA_URLS", "").split(",")
        if url.strip()
    )
    single = os.environ.get("COACH_RASA_URL")
    rasa_urls = listed or ((single,) if single else rasa_urls_for(host, rasa_port, replicas))
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        secret_file=Path(os.environ.get("COACH_SECRET_FILE", var_dir / "secret.key")),
        rasa_url=single or rasa_urls[0],
        action_port=int(os.environ.get("COACH_ACTION_PORT", "5055")),
        rasa_port=rasa_port,
        host=host,
        tracker_db=tracker_db,
        telegram_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_base_url=os.environ.get("TELEGRAM_API_BASE_URL") or None,
        duty_line=os.environ.get("COACH_DUTY_LINE", "your local council's social work duty line"),
        tracker_url=(
            os.environ.get("COACH_TRACKER_URL")
            or tracker_url_beside(database_url)
            or f"sqlite:///{tracker_db}"
        ),
        rasa_replicas=replicas,
        rasa_urls=rasa_urls,
        lock_store_url=os.environ.get("COACH_LOCK_STORE_URL") or None,
        action_workers=_positive_int(
            "COACH_ACTION_WORKERS", 1, fallback="ACTION_SERVER_SANIC_WORKERS"
        ),
    )


def ensure_private_dir(path: Path) -> Path:
    """Create a directory only the owner can read."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


class SecretFileError(RuntimeError):
    """The secret file is unsafe (others could read or change it) or unusable (empty)."""


def check_secret_file(path: Path) -> None:
    """Refuse a secret file that other users can read or write, or an empty one.

    The pseudonyms of everyone's records hang on this secret: a copy lets whoever has it
    recompute a Telegram chat's pseudonym and find that person's record. A file readable
    only by its owner's group is allowed with a warning (some deployments share secrets
    with a service group); never the secret itself, only the path and the mode are reported.
    """
    import logging
    import stat

    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IWGRP):
        raise SecretFileError(
            f"Refusing the secret file {path}: its mode {mode:04o} lets other users read or "
            f"change it. Run 'chmod 600 {path}' (only its owner may read it)."
        )
    if mode & stat.S_IRGRP:
        logging.getLogger(__name__).warning(
            "The secret file %s is readable by its group (mode %04o); 'chmod 600' keeps it "
            "to its owner.", path, mode
        )  # fmt: skip
    if path.stat().st_size == 0 or not path.read_text().strip():
        raise SecretFileError(f"The secret file {path} is empty: remove it to make a new one.")


def load_secret(settings: Settings) -> bytes:
    """Return the local pseudonymisation secret, creating it (mode 0600) on first use.

    ``COACH_SECRET`` overrides the file, for deployments that keep secrets elsewhere. A file
    other users can read or write is refused (:func:`check_secret_file`). The secret is never
    logged or put in an error message.

    Raises:
        SecretFileError: The file is readable or writable by others, or empty.
    """
    from_env = os.environ.get("COACH_SECRET")
    if from_env:
        return from_env.encode()
    path = settings.secret_file
    if not path.exists():
        ensure_private_dir(path.parent)
        # Written in full under another name, then linked into place: a process starting at
        # the same moment sees either no file or the whole secret, never an empty file.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:  # another process won the race; use its secret
            pass
        finally:
            draft.unlink(missing_ok=True)
    check_secret_file(path)
    return path.read_text().strip().encode()


WEBHOOK_SECRET_PURPOSE = b"telegram-webhook-secret"


def telegram_webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends with every webhook update (``X-Telegram-Bot-Api-Secret-Token``).

    ``TELEGRAM_WEBHOOK_SECRET`` if set (1–256 characters of ``A-Z a-z 0-9 _ -``, Telegram's
    rule), else derived from the pseudonymisation secret, so every bridge of one deployment
    agrees on it without another secret to keep. Never logged.
    """
    configured = os.environ.get("TELEGRAM_WEBHOOK_SECRET")
    if configured:
        if not (1 <= len(configured) <= 256) or not all(
            c.isascii() and (c.isalnum() or c in "_-") for c in configured
        ):
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return configured
    return hmac.new(load_secret(settings), WEBHOOK_SECRET_PURPOSE, hashlib.sha256).hexdigest()
