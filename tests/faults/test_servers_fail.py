"""Servers failing mid-conversation, through the real Telegram bridge, Rasa and actions.

Each test talks as a person would over Telegram (the bridge polling a fake Bot API) while a
server behind it is killed or restarted, and checks what the person sees, where the
conversation picks up, and what the record holds afterwards.

What Rasa 3.6.21 does when the action server is unreachable (read in
``rasa/core/processor.py`` ``_run_action`` and ``rasa/core/actions/action.py``
``RemoteAction.run``, and measured here): the remote call raises ``RasaException``, which
``_run_action`` logs and swallows; the action's events are dropped, the form's question
(``requested_slot``) stays where it was, and the REST channel answers 200 with no messages.
The bridge turns that empty answer into the calm trouble reply.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.app import TROUBLE_REPLY
from tests.faults.conftest import Chat, Stack, running_bridge
from tests.postgres import PostgresServer

pytestmark = pytest.mark.e2e

OUTCOME = "I would like to walk to the shop on my own"
WHY = "So I can choose my own shopping"
HELP = "My neighbour could walk with me on Tuesdays"
WHY_QUESTION = "Why does that matter to you?"
HELP_QUESTION = "What could help with that, and who could help?"
GOOD_DAY_QUESTION = "When you have a good day, what makes it good?"


def bridge_env(stack: Stack) -> dict[str, str]:
    return {**stack.env, "COACH_RASA_URL": stack.settings.rasa_url}


async def to_the_why_question(chat: Chat) -> None:
    """Consent, "my own assessment", an answer kept as an outcome: asked why it matters."""
    _, consent = await chat.type("/start", 2)
    _, who = await chat.press(consent, "/affirm", 2)
    (first,) = await chat.press(who, '/choose{"choice":"self"}', 1)
    assert first["text"] == "What's your best hope from this assessment?"
    _, draft = await chat.type(OUTCOME, 2)
    _, why = await chat.press(draft, "/affirm", 2)
    assert why["text"] == WHY_QUESTION


def kept_outcomes(record: dict) -> list[tuple[str, str | None]]:
    return [(o["statement"], o["why"]) for o in record["outcomes"] if o["status"] == "confirmed"]


async def test_action_server_down_mid_form_then_back_at_the_same_question(
    sqlite_stack: Stack,
) -> None:
    stack, chat_id = sqlite_stack, 880001
    sender = stack.sender_for("telegram", chat_id)
    async with running_bridge(bridge_env(stack)) as bridge:
        chat = Chat(bridge.api, chat_id)
        await to_the_why_question(chat)
        update = bridge.api.push_text(chat_id, WHY)
        _, asked = await chat.replies(2)
        assert asked["text"] == HELP_QUESTION
        bridge.api.push_duplicate(update)  # Telegram delivers the same update once more

        await asyncio.to_thread(stack.kill, "actions")
        (trouble,) = await chat.type(HELP, 1)
        assert trouble["text"] == TROUBLE_REPLY  # "… your answers so far are safe …"
        assert stack.slot(sender, "requested_slot") == "outcome_help"  # still that question

        await asyncio.to_thread(stack.start, "actions")
        noted, asked = await chat.type(HELP, 2)  # the person sends it again
        assert noted["text"] == "Thank you, I've noted that down."
        assert asked["text"] == GOOD_DAY_QUESTION

    assert stack.said(sender).count(WHY) == 1  # the repeated update never reached Rasa
    record = await asyncio.to_thread(stack.export, "telegram", str(chat_id))
    assert kept_outcomes(record) == [(OUTCOME, WHY)]
    [action] = record["actions"]  # what could help: stored once, after the action server came back
    assert action["when"] == "on Tuesdays"
    assert "Failed to run custom action" in stack.logs()  # Rasa did meet the dead server


async def test_rasa_restarted_mid_conversation_resumes_at_the_same_question(stack: Stack) -> None:
    chat_id = 880002 if stack.backend == "sqlite" else 880003
    async with running_bridge(bridge_env(stack)) as bridge:
        chat = Chat(bridge.api, chat_id)
        await to_the_why_question(chat)

        await asyncio.to_thread(stack.kill, "rasa")
        (trouble,) = await chat.type(WHY, 1)
        assert trouble["text"] == TROUBLE_REPLY

        await asyncio.to_thread(stack.start, "rasa")  # a new Rasa reads the tracker store
        thanks, asked = await chat.type(WHY, 2)
        assert thanks["text"] == "Thank you. That helps explain what it means to you."
        assert asked["text"] == HELP_QUESTION

    record = await asyncio.to_thread(stack.export, "telegram", str(chat_id))
    assert kept_outcomes(record) == [(OUTCOME, WHY)]


async def test_postgresql_restarted_mid_conversation_loses_no_answer(
    postgres_stack: Stack, fault_postgres: PostgresServer
) -> None:
    stack, chat_id = postgres_stack, 880004
    async with running_bridge(bridge_env(stack)) as bridge:
        chat = Chat(bridge.api, chat_id)
        await to_the_why_question(chat)

        # Every connection Rasa's tracker store and the action server's record hold is dead.
        await asyncio.to_thread(fault_postgres.restart)
        thanks, asked = await chat.type(WHY, 2)
        assert thanks["text"] == "Thank you. That helps explain what it means to you."
        assert asked["text"] == HELP_QUESTION

        # Down for longer than the stores wait: the person is told, nothing is half-done.
        await asyncio.to_thread(fault_postgres.shut_down)
        (trouble,) = await chat.type(HELP, 1)
        assert trouble["text"] == TROUBLE_REPLY
        await asyncio.to_thread(fault_postgres.start)
        noted, asked = await chat.type(HELP, 2)
        assert noted["text"] == "Thank you, I've noted that down."
        assert asked["text"] == GOOD_DAY_QUESTION

    record = await asyncio.to_thread(stack.export, "telegram", str(chat_id))
    assert kept_outcomes(record) == [(OUTCOME, WHY)]  # before the restarts, and after
    [action] = record["actions"]
    assert action["when"] == "on Tuesdays"
    # Rasa never carried on with an empty conversation in place of the stored one.
    assert "Falling back to use the 'InMemoryTrackerStore'" not in stack.logs()
