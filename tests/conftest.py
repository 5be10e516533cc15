"""Shared fixtures: an isolated var/ directory, a migrated SQLite record, tracker builder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from bot.config import get_settings
from bot.store.migrate import upgrade
from bot.store.session import session_factory


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every process setting at a fresh directory (the real var/ is never touched)."""
    var = tmp_path / "var"
    monkeypatch.setenv("COACH_VAR_DIR", str(var))
    monkeypatch.setenv("COACH_SECRET", "test-secret-not-for-production")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return var


@pytest.fixture
def db(var_dir: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite record in the temporary var/ directory."""
    url = get_settings().database_url
    upgrade(url)
    factory = session_factory(url)
    yield factory
    factory.kw["bind"].dispose()
    session_factory.cache_clear()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    sender_id: str = "test-person",
    *,
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str | None = "tell",
    confidence: float = 0.9,
    active_loop: str | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker as the action server receives it from Rasa."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": confidence} if intent else {},
                "entities": entities or [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": None,
        }
    )


@pytest.fixture
def tracker_for():
    return make_tracker
