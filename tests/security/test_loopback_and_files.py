"""Loopback by default, refusal of a public interface, and owner-only files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, get_settings
from bot.runtime import StartupError, running_servers
from bot.store import repositories as repo


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_server_is_on_loopback_unless_told_otherwise(var_dir, monkeypatch) -> None:
    for name in ("COACH_HOST", "COACH_RASA_URL", "COACH_RASA_URLS", "COACH_RASA_REPLICAS"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert settings.host == "127.0.0.1"
    assert settings.rasa_url.startswith("http://127.0.0.1:")
    assert settings.action_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_running_servers_refuses_a_public_interface_before_starting_anything(
    var_dir, monkeypatch, host
) -> None:
    monkeypatch.setenv("COACH_HOST", host)
    started: list[str] = []
    monkeypatch.setattr("bot.runtime._spawn", lambda name, *a, **k: started.append(name))
    servers = running_servers(get_settings())
    with pytest.raises(StartupError, match=f"Refusing to listen on {host}"):
        servers.__enter__()
    assert started == [] and not var_dir.exists()


def test_coach_serve_on_a_public_interface_exits_with_the_reason(var_dir) -> None:
    env = {**os.environ, "COACH_HOST": "0.0.0.0"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Refusing to listen on 0.0.0.0" in done.stderr and "--allow-public" in done.stderr
    assert not var_dir.exists()  # no logs, no database: nothing was started


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_record_and_sqlites_files_beside_it_are_owner_only(db, var_dir) -> None:
    with db.begin() as session:
        repo.record_consent(session, "person-1")
        repo.add_outcome(session, "person-1", "I want to sing in the choir", status="confirmed")
    record = Path(get_settings().database_url.removeprefix("sqlite:///"))
    files = [p for p in var_dir.iterdir() if p.name.startswith(record.name)]
    assert record in files and len(files) >= 2  # the WAL and its index are there too
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert mode(var_dir) == 0o700


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_an_export_to_a_file_is_owner_only(db, var_dir, tmp_path) -> None:
    out = tmp_path / "record.json"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--channel", "rest", "--sender", "abc",
         "--output", str(out)],
        cwd=PROJECT_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600 and out.read_text().startswith("{")
