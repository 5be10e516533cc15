"""Starting, watching and stopping the project's own servers (Rasa, actions, Telegram).

One machine runs one Rasa server; ``COACH_RASA_REPLICAS`` (``coach serve --replicas N``) runs
N of them on consecutive ports, sharing a PostgreSQL tracker store and a Redis lock store
(``COACH_LOCK_STORE_URL``). Rasa reads its endpoints from ``var/endpoints.yml``, written at
every start from the project's ``endpoints.yml`` plus the lock store (see
:func:`write_endpoints`). Stopping is graceful: the front ends first, then Rasa, then the
action server that Rasa's last turns still call; each gets SIGTERM and time to finish the
requests it has in hand before it is killed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import yaml

from bot.config import LOOPBACK_HOSTS, PROJECT_ROOT, Settings, ensure_private_dir

log = logging.getLogger(__name__)

MODEL_NAME = "outcomes-coach"
MODELS_DIR = PROJECT_ROOT / "models"
TRAINING_INPUTS = ("domain.yml", "config.yml", "data", "rasa_components")
ENDPOINTS_SOURCE = PROJECT_ROOT / "endpoints.yml"
GENERATED_ENDPOINTS = "endpoints.yml"  # under var/
LOCK_STORE_PASSWORD_VARIABLE = "COACH_LOCK_STORE_PASSWORD"
DEFAULT_LOCK_KEY_PREFIX = "coach"
# Sanic (Rasa's 21.12 and the action server's 25) lets open requests finish for up to
# GRACEFUL_SHUTDOWN_TIMEOUT = 15 s after SIGTERM; a little longer than that, then kill.
STOP_GRACE_SECONDS = 20.0
# Stopped in this order: nothing new comes in, then Rasa finishes its turns (which still call
# the action server), then the action server.
STOP_ORDER = ("telegram", "rasa", "actions")


class StartupError(RuntimeError):
    """A server did not come up; the message says where its log is."""


def rasa_executable() -> Path:
    """The ``rasa`` command of the Rasa venv (``COACH_RASA_BIN`` overrides)."""
    configured = os.environ.get("COACH_RASA_BIN")
    candidate = Path(configured) if configured else PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
    if not candidate.exists():
        raise StartupError(
            f"Rasa is not installed at {candidate}. Run 'make setup' (it needs Python 3.10: "
            "pyenv install 3.10.13, or set PYTHON310=/path/to/python3.10)."
        )
    return candidate


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Environment for the Rasa process: endpoints.yml reads these variables."""
    env = dict(os.environ)
    env.setdefault("COACH_ACTION_URL", settings.action_url)
    env["COACH_TRACKER_URL"] = settings.tracker_url  # where the front ends erase, too
    if settings.lock_store_url:
        # The generated endpoints file names the variable; the password stays off the disk.
        password = redis_lock_store(settings.lock_store_url).get("password")
        if password:
            env[LOCK_STORE_PASSWORD_VARIABLE] = password
    # No phoning home: Rasa's telemetry would try the network.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    # Rasa logs every user message at DEBUG: an inherited LOG_LEVEL=DEBUG would put people's
    # words in the logs.
    env["LOG_LEVEL"] = "INFO"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


# --- training ---------------------------------------------------------------------------


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything a trained model depends on (domain, config, training data)."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def model_path(models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"{MODEL_NAME}.tar.gz"


def model_is_current(models_dir: Path = MODELS_DIR, root: Path = PROJECT_ROOT) -> bool:
    stamp = models_dir / f"{MODEL_NAME}.sha256"
    return (
        model_path(models_dir).exists()
        and stamp.exists()
        and stamp.read_text().strip() == training_fingerprint(root)
    )


def train(
    settings: Settings,
    force: bool = False,
    models_dir: Path = MODELS_DIR,
    root: Path = PROJECT_ROOT,
) -> bool:
    """Train the Rasa model if its inputs changed. Returns whether training ran."""
    if not force and model_is_current(models_dir, root):
        return False
    models_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = training_fingerprint(root)
    command = [
        str(rasa_executable()), "train",
        "--domain", str(root / "domain.yml"),
        "--config", str(root / "config.yml"),
        "--data", str(root / "data"),
        "--out", str(models_dir),
        "--fixed-model-name", MODEL_NAME,
    ]  # fmt: skip
    subprocess.run(command, cwd=root, env=rasa_environment(settings), check=True)
    (models_dir / f"{MODEL_NAME}.sha256").write_text(fingerprint + "\n")
    return True


# --- endpoints: tracker store, lock store ---------------------------------------------------


# Rasa's RedisLockStore, with lock updates made atomic across replicas (rasa_components).
ATOMIC_REDIS_LOCK_STORE = "rasa_components.lock_store.AtomicRedisLockStore"


def redis_lock_store(url: str) -> dict[str, object]:
    """Rasa 3.6's ``RedisLockStore`` arguments from a ``redis://`` or ``rediss://`` URL.

    ``redis://[[user]:password@]host[:port][/db][?key_prefix=name]``. Rasa's lock store takes
    a host, not a URL (``rasa/core/lock_store.py``: ``url`` is passed as ``host``, with
    ``port``, ``db``, ``username``, ``password``, ``use_ssl``, ``key_prefix``). The database
    defaults to 0 (Redis's own default; Rasa's would be 1) and the key prefix to ``coach``,
    so several bots can share one Redis.

    Raises:
        StartupError: The URL is not one Rasa's lock store can use.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise StartupError(
            "COACH_LOCK_STORE_URL must look like redis://[:password@]host[:port][/db] "
            "(rediss:// for TLS); Rasa's lock store cannot use a Unix socket."
        )
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise StartupError(f"COACH_LOCK_STORE_URL: the Redis database must be a number, "
                           f"not {database!r}")  # fmt: skip
    prefix = parse_qs(parts.query).get("key_prefix", [DEFAULT_LOCK_KEY_PREFIX])[-1]
    if not prefix.isalnum():  # Rasa ignores any other prefix, with only a warning
        raise StartupError("COACH_LOCK_STORE_URL: key_prefix must be letters and digits only")
    config: dict[str, object] = {
        "type": ATOMIC_REDIS_LOCK_STORE,
        "url": parts.hostname,
        "port": parts.port or 6379,
        "db": int(database),
        "key_prefix": prefix,
        "use_ssl": parts.scheme == "rediss",
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


def _source_lock_store(source: Path) -> dict | None:
    content = yaml.safe_load(source.read_text()) or {}
    section = content.get("lock_store")
    return section if isinstance(section, dict) else None


def endpoints_text(settings: Settings, source: Path = ENDPOINTS_SOURCE) -> str:
    """The endpoints file Rasa runs with: ``source`` plus the lock store, when configured.

    Rasa substitutes ``${VARIABLES}`` in endpoints files but cannot leave a section out when
    a variable is unset, so the lock store section is added here instead: with
    ``COACH_LOCK_STORE_URL`` a Redis lock store, without it none (Rasa's in-memory default,
    right for one Rasa process). The Redis password is not written: the file refers to
    ``${COACH_LOCK_STORE_PASSWORD}``, which only Rasa's environment holds.

    Raises:
        StartupError: ``source`` has a lock store of its own and COACH_LOCK_STORE_URL is set.
    """
    text = source.read_text()
    header = (
        "# Generated by `coach serve` from endpoints.yml at every start: edit that file (or "
        "set\n# COACH_LOCK_STORE_URL), not this one. See docs/deployment.md.\n"
    )
    if not settings.lock_store_url:
        return header + text
    if _source_lock_store(source) is not None:
        raise StartupError(
            f"{source.name} has a lock_store section and COACH_LOCK_STORE_URL is set: "
            "use one or the other."
        )
    config = redis_lock_store(settings.lock_store_url)
    lines = [
        "",
        "# From COACH_LOCK_STORE_URL: Rasa replicas sharing one tracker store must share",
        "# their conversation locks too, or two replicas could run one person's turns at once.",
        "lock_store:",
    ]
    for key, value in config.items():
        if key == "password":
            lines.append(f"  password: ${{{LOCK_STORE_PASSWORD_VARIABLE}}}")
        else:
            lines.append(f"  {key}: {json.dumps(value)}")  # JSON scalars are YAML scalars
    return header + text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def write_endpoints(settings: Settings, source: Path = ENDPOINTS_SOURCE) -> Path:
    """Write ``var/endpoints.yml`` (mode 0600) for Rasa; see :func:`endpoints_text`."""
    path = _private_file(settings.var_dir / GENERATED_ENDPOINTS)
    path.write_text(endpoints_text(settings, source))
    return path


def shares_lock_store(settings: Settings, source: Path = ENDPOINTS_SOURCE) -> bool:
    """Whether Rasa's locks live somewhere every replica sees (not Rasa's in-memory store)."""
    if settings.lock_store_url:
        return True
    section = _source_lock_store(source)
    return section is not None and section.get("type") not in (None, "in_memory")


def check_replicas(settings: Settings, source: Path = ENDPOINTS_SOURCE) -> None:
    """Refuse several Rasa replicas without a shared tracker store and lock store.

    A SQLite file cannot be shared safely between servers, and Rasa's in-memory lock store
    only serialises one person's turns inside one process: two replicas could then run two
    turns of one conversation at the same time and lose events.
    """
    if settings.rasa_replicas < 2:
        return
    missing = []
    if settings.tracker_url.startswith("sqlite"):
        missing.append("a PostgreSQL tracker store (DATABASE_URL or COACH_TRACKER_URL)")
    if not shares_lock_store(settings, source):
        missing.append("a Redis lock store (COACH_LOCK_STORE_URL=redis://host:6379/0)")
    if missing:
        raise StartupError(
            f"{settings.rasa_replicas} Rasa replicas need {' and '.join(missing)}: SQLite and "
            "Rasa's in-memory lock store cannot be shared between servers. "
            "See docs/deployment.md."
        )


# --- processes --------------------------------------------------------------------------


def check_host(host: str, allow_public: bool) -> None:
    """Refuse a public interface unless asked explicitly: Rasa's REST channel has no auth."""
    if host not in LOOPBACK_HOSTS and not allow_public:
        raise StartupError(
            f"Refusing to listen on {host}: Rasa's REST channel has no authentication. "
            "Use 127.0.0.1, or pass --allow-public if a proxy in front adds authentication."
        )


def wait_until_up(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll ``url`` until it answers (any HTTP status below 500) or the process dies."""
    deadline = time.monotonic() + timeout
    delay = 0.1
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StartupError(f"process exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(delay)  # polling interval while a server starts, not a race guard
        delay = min(delay * 1.5, 1.0)
    raise StartupError(f"{url} did not answer within {timeout:.0f} s")


def _stop_rank(name: str) -> int:
    tier = name.split("-", 1)[0]
    return STOP_ORDER.index(tier) if tier in STOP_ORDER else 0  # unknown: a front end


@dataclass
class Servers:
    """Running processes, stopped together."""

    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def stop(self, timeout: float = STOP_GRACE_SECONDS) -> None:
        """Stop every process gracefully, in :data:`STOP_ORDER`.

        Each group (the Telegram bridge; every Rasa replica; the action server) gets SIGTERM,
        on which PTB handles the updates it has already fetched and Sanic stops accepting
        connections but lets requests in progress finish (up to its 15 s
        ``GRACEFUL_SHUTDOWN_TIMEOUT``). A group still running after ``timeout`` seconds is
        killed, with its children (each server runs in a process group of its own).
        """
        ranks = sorted({_stop_rank(name) for name in self.processes})
        for rank in ranks:
            group = [p for name, p in self.processes.items() if _stop_rank(name) == rank]
            for process in group:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for process in group:
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    log.warning("server_killed pid=%d after %.0f s", process.pid, timeout)
                    _kill_group(process)

    def alive(self) -> dict[str, bool]:
        return {name: p.poll() is None for name, p in self.processes.items()}


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process and everything in its process group (e.g. Sanic's workers)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()


def _private_file(path: Path) -> Path:
    """Create ``path`` (if missing) readable by the owner only."""
    ensure_private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    path.chmod(0o600)
    return path


def _log_file(settings: Settings, name: str) -> Path:
    return _private_file(settings.var_dir / "logs" / f"{name}.log")


def _spawn(name: str, command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    handle = open(log_path, "ab")  # noqa: SIM115 - owned by the child process
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal chat reaches us, not the servers
    )


def start_action_server(
    settings: Settings, servers: Servers, *, allow_public: bool = False
) -> None:
    """Start ``coach actions`` (with ``settings.action_workers`` Sanic worker processes)."""
    env = dict(os.environ)
    env["SANIC_HOST"] = settings.host
    env["COACH_ACTION_WORKERS"] = str(settings.action_workers)
    command = [sys.executable, "-m", "bot", "actions", "--port", str(settings.action_port)]
    if allow_public:
        command.append("--allow-public")
    path = _log_file(settings, "actions")
    servers.logs["actions"] = path
    servers.processes["actions"] = _spawn("actions", command, env, path)


def replica_name(replica: int) -> str:
    """``rasa`` for the first Rasa server, ``rasa-2``, ``rasa-3``… for the others."""
    return "rasa" if replica == 0 else f"rasa-{replica + 1}"


def start_rasa(
    settings: Settings,
    servers: Servers,
    model: Path | None = None,
    *,
    replica: int = 0,
    endpoints: Path | None = None,
) -> None:
    """Start one Rasa server: replica ``n`` listens on ``settings.rasa_port + n``."""
    model = model or model_path()
    if not model.exists():
        raise StartupError(f"No trained model at {model}: run 'make train' (or 'coach train').")
    if endpoints is None:
        endpoints = write_endpoints(settings)
    command = [
        str(rasa_executable()), "run",
        "--interface", settings.host,
        "--port", str(settings.rasa_port + replica),
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
    ]  # fmt: skip
    if settings.tracker_url == f"sqlite:///{settings.tracker_db}":
        _private_file(settings.tracker_db)
    if replica == 0:
        prepare_tracker_database(settings)
    name = replica_name(replica)
    path = _log_file(settings, name)
    servers.logs[name] = path
    servers.processes[name] = _spawn(name, command, rasa_environment(settings), path)


def prepare_tracker_database(settings: Settings) -> None:
    """Create a missing PostgreSQL tracker database: Rasa would retry it every 5 s forever."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.trackers import ensure_tracker_database, tracker_url  # loads SQLAlchemy

    try:
        if ensure_tracker_database(settings):
            log.info("tracker_database_created")
    except SQLAlchemyError as error:
        from sqlalchemy.engine import make_url

        name = make_url(tracker_url(settings)).database
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StartupError(
            f"Could not prepare Rasa's tracker database {name!r} ({reason}). Create it on the "
            "PostgreSQL server (the login needs CREATEDB to do it here), or set COACH_TRACKER_URL."
        ) from None


def start_telegram(settings: Settings, servers: Servers) -> None:
    command = [sys.executable, "-m", "bot", "telegram"]
    path = _log_file(settings, "telegram")
    servers.logs["telegram"] = path
    servers.processes["telegram"] = _spawn("telegram", command, dict(os.environ), path)


def port_in_use(host: str, port: int) -> bool:
    """Whether something already accepts connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def running_servers(
    settings: Settings,
    *,
    telegram: bool = False,
    allow_public: bool = False,
    model: Path | None = None,
    timeout: float = 120,
) -> Iterator[Servers]:
    """Start the action server and ``settings.rasa_replicas`` Rasa servers (and the Telegram
    bridge), wait until they all answer, and stop them all on exit (gracefully, in order)."""
    check_host(settings.host, allow_public)
    check_replicas(settings)
    ensure_private_dir(settings.var_dir)
    ports = [("action server", settings.action_port, "COACH_ACTION_PORT")]
    ports += [
        (f"Rasa replica {n + 1}" if settings.rasa_replicas > 1 else "Rasa",
         settings.rasa_port + n, "COACH_RASA_PORT")
        for n in range(settings.rasa_replicas)
    ]  # fmt: skip
    for name, port, setting in ports:
        # Something else answering there would pass the health check in place of ours.
        if port_in_use(settings.host, port):
            raise StartupError(
                f"port {port} for the {name} is already in use (is Outcomes Coach already "
                f"running?). Stop it, or choose another port with {setting}."
            )
    servers = Servers()
    try:
        endpoints = write_endpoints(settings)
        start_action_server(settings, servers, allow_public=allow_public)
        for replica in range(settings.rasa_replicas):
            start_rasa(settings, servers, model, replica=replica, endpoints=endpoints)
        health = [("actions", f"http://{settings.host}:{settings.action_port}/health")]
        health += [
            (replica_name(n), f"http://{settings.host}:{settings.rasa_port + n}/")
            for n in range(settings.rasa_replicas)
        ]
        for name, url in health:
            try:
                wait_until_up(url, timeout, servers.processes[name])
            except StartupError as error:
                raise StartupError(f"{name} server: {error} (log: {servers.logs[name]})") from None
        if telegram:
            start_telegram(settings, servers)
        yield servers
    finally:
        servers.stop()
