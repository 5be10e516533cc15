"""Starting, watching and stopping the project's own servers (Rasa, actions, Telegram)."""

from __future__ import annotations

import hashlib
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

import httpx

from bot.config import LOOPBACK_HOSTS, PROJECT_ROOT, Settings, ensure_private_dir

log = logging.getLogger(__name__)

MODEL_NAME = "outcomes-coach"
MODELS_DIR = PROJECT_ROOT / "models"
TRAINING_INPUTS = ("domain.yml", "config.yml", "data")


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
    # No phoning home: Rasa's telemetry would try the network.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


# --- training ---------------------------------------------------------------------------


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything a trained model depends on (domain, config, training data)."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
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


@dataclass
class Servers:
    """Running processes, stopped together."""

    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def stop(self, timeout: float = 15) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def alive(self) -> dict[str, bool]:
        return {name: p.poll() is None for name, p in self.processes.items()}


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


def start_action_server(settings: Settings, servers: Servers) -> None:
    env = dict(os.environ)
    env["SANIC_HOST"] = settings.host
    command = [sys.executable, "-m", "bot", "actions", "--port", str(settings.action_port)]
    path = _log_file(settings, "actions")
    servers.logs["actions"] = path
    servers.processes["actions"] = _spawn("actions", command, env, path)


def start_rasa(settings: Settings, servers: Servers, model: Path | None = None) -> None:
    model = model or model_path()
    if not model.exists():
        raise StartupError(f"No trained model at {model}: run 'make train' (or 'coach train').")
    command = [
        str(rasa_executable()), "run",
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
        "--model", str(model),
        "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
    ]  # fmt: skip
    if settings.tracker_url == f"sqlite:///{settings.tracker_db}":
        _private_file(settings.tracker_db)
    prepare_tracker_database(settings)
    path = _log_file(settings, "rasa")
    servers.logs["rasa"] = path
    servers.processes["rasa"] = _spawn("rasa", command, rasa_environment(settings), path)


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
    """Start the action server and Rasa (and the Telegram bridge), wait until they answer,
    and stop them all on exit."""
    check_host(settings.host, allow_public)
    ensure_private_dir(settings.var_dir)
    for name, port, setting in (
        ("action server", settings.action_port, "COACH_ACTION_PORT"),
        ("Rasa", settings.rasa_port, "COACH_RASA_PORT"),
    ):
        # Something else answering there would pass the health check in place of ours.
        if port_in_use(settings.host, port):
            raise StartupError(
                f"port {port} for the {name} is already in use (is Outcomes Coach already "
                f"running?). Stop it, or choose another port with {setting}."
            )
    servers = Servers()
    try:
        start_action_server(settings, servers)
        start_rasa(settings, servers, model)
        for name, url in (
            ("actions", f"http://{settings.host}:{settings.action_port}/health"),
            ("rasa", f"http://{settings.host}:{settings.rasa_port}/"),
        ):
            try:
                wait_until_up(url, timeout, servers.processes[name])
            except StartupError as error:
                raise StartupError(f"{name} server: {error} (log: {servers.logs[name]})") from None
        if telegram:
            start_telegram(settings, servers)
        yield servers
    finally:
        servers.stop()
