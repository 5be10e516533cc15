"""Process management helpers: training fingerprint and the loopback guard."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, get_settings
from bot.runtime import (
    StartupError,
    check_host,
    model_is_current,
    port_in_use,
    running_servers,
    training_fingerprint,
)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for name in ("domain.yml", "config.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    return tmp_path


def test_fingerprint_changes_only_when_training_inputs_change(project_copy: Path) -> None:
    before = training_fingerprint(project_copy)
    (project_copy / "README.md").write_text("not a training input")
    assert training_fingerprint(project_copy) == before
    nlu = project_copy / "data" / "nlu" / "control.yml"
    nlu.write_text(nlu.read_text() + "\n")
    assert training_fingerprint(project_copy) != before


def test_model_is_stale_without_a_matching_stamp(project_copy: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "outcomes-coach.tar.gz").write_bytes(b"x")
    assert not model_is_current(models, project_copy)
    (models / "outcomes-coach.sha256").write_text(training_fingerprint(project_copy))
    assert model_is_current(models, project_copy)
    (project_copy / "config.yml").write_text("changed")
    assert not model_is_current(models, project_copy)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_is_allowed(host: str) -> None:
    check_host(host, allow_public=False)


def test_public_interface_is_refused_unless_asked_for() -> None:
    with pytest.raises(StartupError, match="no authentication"):
        check_host("0.0.0.0", allow_public=False)
    check_host("0.0.0.0", allow_public=True)


def test_a_port_already_in_use_is_refused_before_anything_starts(var_dir, monkeypatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("COACH_ACTION_PORT", str(port))
        refused = pytest.raises(StartupError, match=f"port {port}.*COACH_ACTION_PORT")
        with refused, running_servers(get_settings()):
            pass  # pragma: no cover - must not be reached
    assert not port_in_use("127.0.0.1", port)
