"""Telegram end to end: PTB bridge ↔ fake Bot API server, through the real Rasa and actions."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.config import PROJECT_ROOT
from tests.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e

CHAT = 777000111
TOKEN = "123456:E2E-TEST-TOKEN"


@pytest.fixture
def telegram(bot, tmp_path) -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as api:
        env = dict(bot.env)
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api.server_url,
            COACH_RASA_URL=bot.settings.rasa_url,
        )
        log = tmp_path / "telegram.log"
        with open(log, "wb") as handle:
            bridge = subprocess.Popen(
                [sys.executable, "-m", "bot", "telegram"],
                cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                api.wait_for_calls("getUpdates", 1, timeout=60)
                yield api
            finally:
                bridge.send_signal(signal.SIGTERM)
                assert bridge.wait(timeout=30) == 0
        output = log.read_text()
        assert TOKEN not in output and str(CHAT) not in output


def test_whole_conversation_over_telegram(bot, telegram: FakeBotApi) -> None:
    telegram.push_text(CHAT, "/start")
    welcome, consent = telegram.wait_for_messages(CHAT, 2)
    assert "Outcomes Coach" in welcome["text"]
    buttons = [row[0]["callback_data"] for row in consent["reply_markup"]["inline_keyboard"]]
    assert buttons == ["/affirm", "/deny"]

    telegram.push_callback(CHAT, "/affirm", consent["message_id"])
    sent = telegram.wait_for_messages(CHAT, 4)
    assert sent[3]["text"] == "What's your best hope from this assessment?"
    removed = telegram.wait_for_calls("editMessageReplyMarkup", 1)
    assert removed[0]["message_id"] == consent["message_id"]

    telegram.push_sticker(CHAT)
    sent = telegram.wait_for_messages(CHAT, 5)
    assert "only read text" in sent[4]["text"]

    telegram.push_text(CHAT, "I would like to walk to the shop on my own")
    sent = telegram.wait_for_messages(CHAT, 7)
    assert sent[5]["text"] == "Being independent really matters to you."
    draft = sent[6]
    assert "walk to the shop" in draft["text"]

    telegram.push_callback(CHAT, "/affirm", draft["message_id"])
    sent = telegram.wait_for_messages(CHAT, 9)
    assert sent[7]["text"] == "Lovely, I've saved that."
    next_question = sent[8]
    assert next_question["text"] == "Why does that matter to you?"
    assert next_question["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/skip"

    record = bot.export("telegram", str(CHAT))
    assert [o["statement"] for o in record["outcomes"]] == [
        "I would like to walk to the shop on my own"
    ]
    assert [o["status"] for o in record["outcomes"]] == ["confirmed"]
    # Rasa only ever saw a pseudonym, never the Telegram chat id.
    assert bot.tracker_events(str(CHAT)) == []
    assert str(CHAT) not in bot.logs()


def test_group_chats_are_declined_and_nothing_reaches_rasa(bot, telegram: FakeBotApi) -> None:
    group = -100123
    telegram.push_text(group, "I want to talk about my mum", chat_type="group")
    (reply,) = telegram.wait_for_messages(group, 1)
    assert "private chat" in reply["text"]
    assert bot.export("telegram", str(group))["answers"] == []
