"""The terminal chat's pure parts: numbered choices and rendering."""

from __future__ import annotations

from rich.console import Console

from bot.chat import choose, render

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
