"""A throwaway Redis server for the tests (Rasa's lock store), started for real.

``start_redis()`` runs ``redis-server`` on a free loopback port with a password, no
persistence (``--save ''``, no append-only file) and its working directory in a fresh
temporary directory; ``RedisServer.stop()`` shuts it down and removes the directory.

The ``redis_server`` fixture gives one server for the whole run. Import it into a test
module (``from tests.redis_server import redis_server  # noqa: F401``) to use it.

The binary is ``COACH_REDIS_SERVER``, else ``redis-server`` on the ``PATH`` or in
``/usr/bin``. When it is missing the tests fail (never skip) with how to install it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

INSTALL_HINT = (
    "run .ci/system-packages (it installs the Debian 'redis-server' package; `make test` runs "
    "it), or point COACH_REDIS_SERVER at a redis-server binary"
)
# URL-unsafe characters on purpose: the lock store URL must carry them quoted, and Rasa must
# get the password back intact.
PASSWORD_PREFIX = "r@d:s/pw%"


class RedisUnavailable(RuntimeError):
    """Redis could not be found or started; the message says what to do."""


def find_binary() -> Path:
    configured = os.environ.get("COACH_REDIS_SERVER")
    candidates = [configured] if configured else [shutil.which("redis-server"),
                                                   "/usr/bin/redis-server"]  # fmt: skip
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise RedisUnavailable("redis-server not found: " + INSTALL_HINT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    """A running server; ``stop()`` ends it and deletes its directory (safe to call twice)."""

    directory: Path
    port: int
    password: str
    process: subprocess.Popen
    log: Path

    host = "127.0.0.1"

    def url(self, db: int = 0) -> str:
        """A ``redis://`` URL with the password quoted, as COACH_LOCK_STORE_URL takes it."""
        return f"redis://:{quote(self.password, safe='')}@{self.host}:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(
            host=self.host, port=self.port, db=db, password=self.password, socket_timeout=5
        )

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def _wait_until_ready(server: RedisServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    client = server.client()
    try:
        while True:
            if server.process.poll() is not None:
                raise RedisUnavailable(
                    f"redis-server exited with code {server.process.returncode}:\n"
                    + server.log.read_text(errors="replace")[-2000:]
                )
            try:
                client.ping()
                return
            except redis.ConnectionError as error:
                if time.monotonic() > deadline:
                    raise RedisUnavailable(
                        f"redis-server did not answer within {timeout:.0f} s: {error}"
                    ) from None
            time.sleep(0.05)  # polling interval while the server starts, not a race guard
    finally:
        client.close()


def start_redis(timeout: float = 30, attempts: int = 3) -> RedisServer:
    """Start ``redis-server`` on a free loopback port in a new temporary directory."""
    binary = find_binary()
    directory = Path(tempfile.mkdtemp(prefix="coach-redis-"))
    password = PASSWORD_PREFIX + secrets.token_hex(8)
    # The password goes in a config file, not on the command line (where `ps` shows it).
    config = directory / "redis.conf"
    config.write_text(f'requirepass "{password}"\n')
    config.chmod(0o600)
    log = directory / "redis.log"
    for _ in range(attempts):
        port = _free_port()
        with open(log, "ab") as handle:
            process = subprocess.Popen(
                [
                    str(binary), str(config),
                    "--port", str(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no",  # throwaway: nothing kept on disk
                    "--dir", str(directory), "--daemonize", "no",
                ],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=directory,
            )  # fmt: skip
        server = RedisServer(directory, port, password, process, log)
        try:
            _wait_until_ready(server, timeout)
            return server
        except RedisUnavailable:
            if server.process.poll() is None:
                server.process.kill()
                server.process.wait()
            # Another process may have taken the free port between our check and Redis.
            if "Address already in use" not in log.read_text(errors="replace"):
                shutil.rmtree(directory, ignore_errors=True)
                raise
    shutil.rmtree(directory, ignore_errors=True)
    raise RedisUnavailable(f"redis-server could not bind a free port in {attempts} attempts")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One throwaway Redis server for the run, started when a test first needs it."""
    try:
        server = start_redis()
    except RedisUnavailable as error:
        pytest.fail(f"Redis is needed for this test: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
