"""The pseudonymisation secret: from the environment or a 0600 file, never logged, and a file
that other users could read or change is refused."""

from __future__ import annotations

import logging
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.config import SecretFileError, get_settings, load_secret

FROM_FILE = "f" * 64


@pytest.fixture
def secret_file(var_dir, monkeypatch):
    """No COACH_SECRET: the secret comes from var/secret.key."""
    monkeypatch.delenv("COACH_SECRET", raising=False)
    return get_settings().secret_file


def test_a_new_secret_file_is_owner_only_and_stable(secret_file, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    first = load_secret(get_settings())
    assert len(first) == 64 and first == load_secret(get_settings())
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret_file.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in secret_file.parent.iterdir()) == ["secret.key"]
    assert first.decode() not in caplog.text


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o620, 0o602, 0o666])
def test_a_file_others_can_read_or_change_is_refused(secret_file, mode, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text(FROM_FILE)
    secret_file.chmod(mode)
    with pytest.raises(SecretFileError) as refused:
        load_secret(get_settings())
    message = str(refused.value)
    assert f"{mode:04o}" in message and f"chmod 600 {secret_file}" in message
    assert FROM_FILE not in message and FROM_FILE not in caplog.text


def test_a_group_readable_file_is_used_with_a_warning(secret_file, caplog) -> None:
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text(FROM_FILE + "\n")
    secret_file.chmod(0o640)
    with caplog.at_level(logging.DEBUG):
        assert load_secret(get_settings()) == FROM_FILE.encode()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "readable by its group" in warning.getMessage()
    assert FROM_FILE not in caplog.text


def test_an_empty_file_is_refused(secret_file) -> None:
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text("\n")
    secret_file.chmod(0o600)
    with pytest.raises(SecretFileError, match="empty"):
        load_secret(get_settings())


def test_the_environment_wins_and_no_file_is_made(var_dir, monkeypatch, caplog) -> None:
    monkeypatch.setenv("COACH_SECRET", "a-secret-from-the-vault-7731")
    with caplog.at_level(logging.DEBUG):
        assert load_secret(get_settings()) == b"a-secret-from-the-vault-7731"
    assert not get_settings().secret_file.exists()
    assert "vault-7731" not in caplog.text


def test_processes_starting_together_all_get_the_same_whole_secret(secret_file) -> None:
    settings = get_settings()
    start = threading.Barrier(8)

    def first_use(_: int) -> bytes:
        start.wait(10)
        return load_secret(settings)

    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(first_use, range(8)))
    assert len(secrets) == 1 and len(secrets.pop()) == 64
    # No half-written drafts are left beside it.
    assert [p.name for p in secret_file.parent.iterdir()] == ["secret.key"]
