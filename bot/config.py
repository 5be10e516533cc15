"""Typed settings, read from the environment when asked for (never at import time)."""

from __future__ import annotations

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


def get_settings() -> Settings:
    """Read settings from environment variables (see README, "Configuration")."""
    var_dir = Path(os.environ.get("COACH_VAR_DIR", PROJECT_ROOT / "var")).resolve()
    host = os.environ.get("COACH_HOST", "127.0.0.1")
    rasa_port = int(os.environ.get("COACH_RASA_PORT", "5005"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'coach.db'}"
    tracker_db = Path(os.environ.get("COACH_TRACKER_DB", var_dir / "tracker.db"))
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        secret_file=Path(os.environ.get("COACH_SECRET_FILE", var_dir / "secret.key")),
        rasa_url=os.environ.get("COACH_RASA_URL", f"http://{host}:{rasa_port}"),
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
    )


def ensure_private_dir(path: Path) -> Path:
    """Create a directory only the owner can read."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def load_secret(settings: Settings) -> bytes:
    """Return the local pseudonymisation secret, creating it (mode 0600) on first use.

    ``COACH_SECRET`` overrides the file, for deployments that keep secrets elsewhere.
    """
    from_env = os.environ.get("COACH_SECRET")
    if from_env:
        return from_env.encode()
    path = settings.secret_file
    if not path.exists():
        ensure_private_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race; use its secret
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
