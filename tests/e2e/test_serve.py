"""`coach serve` as a person runs it: starts both servers on loopback, stops both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest

from bot.config import PROJECT_ROOT
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _other_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (from the routing table's local entries)."""
    addresses = set()
    with open("/proc/net/fib_trie") as handle:
        lines = handle.read().splitlines()
    for previous, line in zip(lines, lines[1:], strict=False):
        if "/32 host LOCAL" in line:
            address = previous.split()[-1]
            if not address.startswith("127."):
                addresses.add(address)
    return sorted(addresses)


def test_serve_answers_on_loopback_and_stops_both_servers_on_ctrl_c(tmp_path) -> None:
    rasa_port, action_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        COACH_VAR_DIR=str(tmp_path / "var"),
        COACH_SECRET="serve-test",
        COACH_RASA_PORT=str(rasa_port),
        COACH_ACTION_PORT=str(action_port),
    )
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "COACH_TRACKER_URL", "COACH_RASA_URL"):
        env.pop(key, None)
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert serve.stdout is not None
        for line in serve.stdout:  # blocks until serve says both servers answer
            if "Press Ctrl-C" in line or "Could not start" in line:
                break
        assert "Press Ctrl-C" in line, line
        reply = httpx.post(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            json={"sender": "serve-test", "message": "hello"},
            timeout=30,
        ).json()
        assert "Outcomes Coach" in reply[0]["text"]
        children = _children(serve.pid)
        assert len(children) == 2  # the action server and Rasa
        # Rasa's REST channel has no authentication: nothing may answer on other interfaces.
        for address in _other_addresses():
            for port in (rasa_port, action_port):
                with pytest.raises(httpx.ConnectError):
                    httpx.get(f"http://{address}:{port}/", timeout=2)
    finally:
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) == 0
    assert not any(_alive(pid) for pid in children)
    assert "Stopped." in serve.stdout.read()
