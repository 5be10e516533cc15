"""Terminal chat over Rasa's REST channel: buttons become numbered choices."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import httpx
from rich.console import Console
from rich.markup import escape

from bot.config import Settings, ensure_private_dir
from bot.front_ends import (
    TROUBLE_MESSAGE,
    document_in,
    shows_nothing,
    typed_to_rasa,
    wants_erasure,
)
from bot.store.people import rasa_sender_id
from bot.store.trackers import erase_conversation

OPENING = "/start"


def choose(reply: str, buttons: list[dict]) -> str:
    """Turn "2" into the payload of the second button; other text is sent as typed."""
    stripped = reply.strip()
    if buttons and stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1]["payload"]
    return reply


def render(console: Console, messages: list[dict], downloads: Path | None = None) -> list[dict]:
    """Print the bot's messages; return the buttons of the last message that had any.

    A file the bot sends is saved in ``downloads`` (readable by this user only).
    """
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            console.print(f"[bold green]Coach:[/] {escape(message['text'])}", highlight=False)
        document = document_in(message)
        if document is not None and downloads is not None:
            path = save_document(downloads, *document)
            console.print(f"[bold green]Coach:[/] (file saved: {escape(str(path))})")
        if message.get("buttons"):
            buttons = message["buttons"]
            for number, button in enumerate(buttons, start=1):
                console.print(f"   [cyan]{number}[/]. {escape(button['title'])}", highlight=False)
    return buttons


def save_document(folder: Path, filename: str, content: bytes) -> Path:
    """Write a file the bot sent into ``folder`` with mode 0600; return its path."""
    ensure_private_dir(folder)
    path = folder / filename
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    path.chmod(0o600)
    return path


def handle_replies(
    console: Console, settings: Settings, sender: str, replies: list[dict]
) -> list[dict]:
    """Show Rasa's replies, save any file it sent, and erase Rasa's copy of the conversation
    when an action asked for that; return the buttons now on offer.

    An answer that shows nothing means trouble behind Rasa (see
    :func:`bot.front_ends.shows_nothing`): the person is told their answers are safe.
    """
    buttons = render(console, replies, settings.var_dir / "downloads")
    if any(wants_erasure(reply) for reply in replies):
        # Rasa has saved this turn by now, so its copy of the conversation can go too.
        erase_conversation(settings, sender)
        return []
    if shows_nothing(replies):
        console.print(f"[bold green]Coach:[/] {escape(TROUBLE_MESSAGE)}", highlight=False)
    return buttons


def run_chat(settings: Settings, chat_id: str | None = None) -> None:
    """Hold a conversation in this terminal until /quit, Ctrl-D or Ctrl-C."""
    console = Console(highlight=False)
    local_id = chat_id or os.environ.get("COACH_CHAT_ID") or getpass.getuser()
    sender = rasa_sender_id(settings, "terminal", local_id)
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    console.print("[dim]Type your answers. Numbers choose a button. /quit leaves the chat.[/]")
    buttons: list[dict] = []
    with httpx.Client(timeout=60) as client:
        message = OPENING
        while True:
            try:
                response = client.post(url, json={"sender": sender, "message": message})
                response.raise_for_status()
                buttons = handle_replies(console, settings, sender, response.json())
            except httpx.HTTPError:
                console.print(
                    "[red]I can't reach the bot just now — your answers so far are safe. "
                    "Is `coach serve` running?[/]"
                )
            typed = _read(console)
            if typed is None or typed.strip().lower() in {"/quit", "/exit"}:
                return
            message = choose(typed, buttons)
            if message == typed:
                message = typed_to_rasa(typed) or typed


def _read(console: Console) -> str | None:
    """The next non-empty line the person types, or ``None`` when they leave."""
    while True:
        try:
            typed = console.input("[bold]You:[/] ") if sys.stdin.isatty() else input()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return None
        if typed.strip():
            return typed
        console.print("[dim]Type a message, or /quit to leave.[/]")
