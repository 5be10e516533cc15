"""The terminal chat's pure parts: numbered choices and rendering."""

from __future__ import annotations

import sqlite3
import stat

from rich.console import Console

from bot.chat import choose, handle_replies, render
from bot.config import get_settings
from bot.front_ends import typed_to_rasa

BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_a_number_picks_a_button_payload() -> None:
    assert choose("2", BUTTONS) == "/deny"
    assert choose(" 1 ", BUTTONS) == "/affirm"


def test_other_text_is_sent_as_typed() -> None:
    assert choose("3", BUTTONS) == "3"  # no third button: it's an answer
    assert choose("2 sisters and a brother", BUTTONS) == "2 sisters and a brother"
    assert choose("1", []) == "1"


def test_render_prints_text_and_numbered_buttons() -> None:
    console = Console(record=True, width=100)
    buttons = render(console, [{"text": "Is that alright?", "buttons": BUTTONS}])
    output = console.export_text()
    assert "Coach: Is that alright?" in output
    assert "1. Yes" in output and "2. No" in output
    assert buttons == BUTTONS


def test_markup_in_bot_text_is_shown_literally() -> None:
    console = Console(record=True, width=100)
    render(console, [{"text": "[bold]not markup[/bold]"}])
    assert "[bold]not markup[/bold]" in console.export_text()


def test_a_file_from_the_bot_is_saved_privately_under_a_safe_name(var_dir) -> None:
    console = Console(record=True, width=200)
    document = {"document": {"filename": "../../etc/my-data.json", "text": '{"outcomes": []}'}}
    handle_replies(console, get_settings(), "someone", [{"custom": document}])
    saved = var_dir / "downloads" / "etcmy-data.json"
    assert saved.read_text() == '{"outcomes": []}'
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert str(saved) in console.export_text().replace("\n", "")


def test_erasure_removes_only_this_persons_events_from_rasas_store(var_dir) -> None:
    settings = get_settings()
    var_dir.mkdir(parents=True)
    with sqlite3.connect(settings.tracker_db) as db:  # the shape of Rasa's SQL tracker store
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        db.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [("me", "{}"), ("me", "{}"), ("someone-else", "{}")],
        )
    replies = [{"text": "Done.", "buttons": BUTTONS}, {"custom": {"erase_conversation": True}}]
    buttons = handle_replies(Console(record=True), settings, "me", replies)
    assert buttons == []  # nothing left to answer
    with sqlite3.connect(settings.tracker_db) as db:
        assert db.execute("SELECT sender_id FROM events").fetchall() == [("someone-else",)]


def test_commands_typed_in_the_terminal_reach_rasa_under_safe_names() -> None:
    assert typed_to_rasa("/restart") == "/start_again"
    # Typed intents with entities are not commands: the slash goes, the words stay.
    assert typed_to_rasa('/choose{"choice":"carer"}') == 'choose{"choice":"carer"}'
    assert typed_to_rasa("/ not a command") == "not a command"
