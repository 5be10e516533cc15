"""An answer from Rasa that shows nothing is trouble, and the person is told so calmly."""

from __future__ import annotations

import pytest
from rich.console import Console

from bot.chat import handle_replies
from bot.config import get_settings
from bot.front_ends import TROUBLE_MESSAGE, shows_nothing


@pytest.mark.parametrize(
    "replies",
    [
        [],  # Rasa 3.6's answer when an action fails (the action server is down)
        [{"recipient_id": "x"}],
        [{"recipient_id": "x", "custom": {"something": "else"}}],
        [{"custom": {"erase_conversation": True}}],
    ],
)
def test_replies_with_nothing_to_show_are_trouble(replies: list[dict]) -> None:
    assert shows_nothing(replies)


@pytest.mark.parametrize(
    "replies",
    [
        [{"text": "Why does that matter to you?"}],
        [{"buttons": [{"title": "Yes", "payload": "/affirm"}]}],
        [{"image": "https://example.org/a.png"}],
        [{"custom": {"text": "Hello"}}],
        [{"custom": {"document": {"filename": "plan.md", "text": "# My plan"}}}],
        [{"recipient_id": "x"}, {"text": "Thank you."}],
    ],
)
def test_replies_with_something_to_show_are_not(replies: list[dict]) -> None:
    assert not shows_nothing(replies)


def test_the_terminal_chat_says_answers_are_safe_when_rasa_answers_with_nothing(var_dir) -> None:
    console = Console(record=True, width=200)

    buttons = handle_replies(console, get_settings(), "someone", [])

    assert buttons == []
    shown = console.export_text()
    assert TROUBLE_MESSAGE in shown
    assert "your answers so far are safe" in shown


def test_the_terminal_chat_shows_replies_as_before(var_dir) -> None:
    console = Console(record=True, width=200)

    handle_replies(console, get_settings(), "someone", [{"text": "What matters most?"}])

    shown = console.export_text()
    assert "Coach: What matters most?" in shown
    assert TROUBLE_MESSAGE not in shown
