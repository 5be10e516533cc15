"""Telegram end to end: PTB bridge ↔ fake Bot API server, through the real Rasa and actions."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.config import PROJECT_ROOT
from bot.store.people import rasa_sender_id
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


class Chat:
    """The person's side of a Telegram chat: what they send, and what came back since."""

    def __init__(self, api: FakeBotApi, chat_id: int = CHAT) -> None:
        self.api = api
        self.chat_id = chat_id
        self.seen = 0

    def replies(self, count: int) -> list[dict]:
        sent = self.api.wait_for_messages(self.chat_id, self.seen + count)
        new, self.seen = sent[self.seen :], len(sent)
        return new

    def until(self, done, limit: int = 10) -> list[dict]:
        """Replies up to and including the first one for which ``done`` is true."""
        new: list[dict] = []
        while not new or not done(new[-1]):
            assert len(new) < limit, "the reply never came"
            new += self.replies(1)
        return new

    def type(self, text: str, count: int) -> list[dict]:
        self.api.push_text(self.chat_id, text)
        return self.replies(count)

    def press(self, message: dict, payload: str, count: int) -> list[dict]:
        self.api.push_callback(self.chat_id, payload, message["message_id"])
        return self.replies(count)


def buttons(message: dict) -> list[str]:
    return [row[0]["callback_data"] for row in message["reply_markup"]["inline_keyboard"]]


def test_whole_journey_over_telegram(bot, telegram: FakeBotApi) -> None:
    chat = Chat(telegram)
    welcome, consent = chat.type("/start", 2)
    assert "Outcomes Coach" in welcome["text"] and "emergency" in welcome["text"]
    assert buttons(consent) == ["/affirm", "/deny"]
    commands = telegram.calls_to("setMyCommands")[0]["commands"]
    assert {c["command"] for c in commands} >= {
        "start", "help", "pause", "resume", "plan", "share", "mydata", "delete", "practice"
    }  # fmt: skip

    _, who = chat.press(consent, "/affirm", 2)
    assert who["text"] == "Who is this for?" and len(buttons(who)) == 4
    removed = telegram.wait_for_calls("editMessageReplyMarkup", 1)
    assert removed[0]["message_id"] == consent["message_id"]
    (first,) = chat.press(who, '/choose{"choice":"self"}', 1)
    assert first["text"] == "What's your best hope from this assessment?"

    telegram.push_sticker(CHAT)
    assert "only read text" in chat.replies(1)[0]["text"]

    reflection, draft = chat.type("I would like to walk to the shop on my own", 2)
    assert reflection["text"] == "Being independent really matters to you."
    assert "walk to the shop" in draft["text"]
    saved, why = chat.press(draft, "/affirm", 2)
    assert saved["text"] == "Lovely, I've saved that."
    assert why["text"] == "Why does that matter to you?" and buttons(why) == ["/skip"]
    chat.type("So I can choose my own messages and not wait for anyone", 2)
    chat.type("My neighbour could walk with me on Tuesdays", 2)

    # Skip the other topics; the last skip ends with the summary and the offers.
    for _ in range(8):
        assert chat.type("/skip", 1)[0]["text"].endswith("?")
    telegram.push_text(CHAT, "/skip")
    ending = chat.until(lambda message: message.get("reply_markup") is not None)
    summary = " ".join(m["text"] for m in ending)
    assert "walk to the shop on my own" in summary
    offers = ending[-1]
    assert buttons(offers) == ["/plan", "/share"]
    assert all(len(m["text"]) <= 600 for m in ending)

    telegram.push_callback(CHAT, "/plan", offers["message_id"])
    plan = chat.until(lambda message: "Review date" in message["text"])
    assert plan[0]["text"].startswith("My support plan")
    shown = "\n".join(message["text"] for message in plan)
    assert "“I would like to walk to the shop on my own”" in shown
    assert "When: on Tuesdays" in shown
    assert all(len(message["text"]) <= 600 for message in plan)

    [pdf] = telegram.wait_for_calls("sendDocument", 1)
    assert pdf["document"]["filename"] == "my-plan.pdf" and pdf["document"]["size"] > 1000

    data_note = chat.type("/mydata", 1)[0]
    assert "everything I keep" in data_note["text"]
    document = telegram.wait_for_calls("sendDocument", 2)[-1]
    assert document["document"]["filename"].endswith(".json")
    assert "walk to the shop on my own" in document["document"]["content"]

    record = bot.export("telegram", str(CHAT))
    assert [(o["statement"], o["status"]) for o in record["outcomes"]] == [
        ("I would like to walk to the shop on my own", "confirmed")
    ]
    assert record["outcomes"][0]["why"].startswith("So I can choose")
    assert record["actions"][0]["when"] == "on Tuesdays"
    sender = rasa_sender_id(bot.settings, "telegram", str(CHAT))
    assert bot.tracker_events(sender)  # Rasa keeps the conversation under the pseudonym
    # Rasa only ever saw a pseudonym, never the Telegram chat id.
    assert bot.tracker_events(str(CHAT)) == []
    assert str(CHAT) not in bot.logs()

    (ask,) = chat.type("/delete", 1)
    assert buttons(ask) == ["/affirm", "/deny"]
    (done,) = chat.press(ask, "/affirm", 1)
    assert "erased" in done["text"]
    assert bot.export("telegram", str(CHAT))["answers"] == []
    assert bot.tracker_events(sender) == []  # Rasa's copy of the conversation is gone too
    # A fresh start afterwards: the bot doesn't remember the person.
    assert "Outcomes Coach" in chat.type("hello", 2)[0]["text"]


def test_group_chats_are_declined_and_nothing_reaches_rasa(bot, telegram: FakeBotApi) -> None:
    group = -100123
    telegram.push_text(group, "I want to talk about my mum", chat_type="group")
    (reply,) = telegram.wait_for_messages(group, 1)
    assert "private chat" in reply["text"]
    assert bot.export("telegram", str(group))["answers"] == []


def test_a_trainee_practises_over_telegram(bot, telegram: FakeBotApi) -> None:
    trainee = 777000222
    chat = Chat(telegram, trainee)
    (offer,) = chat.type("/practice", 1)
    assert offer["text"].startswith("Who would you like to practise with?")
    assert '/choose{"choice":"iris"}' in buttons(offer)
    intro, opening = chat.press(offer, '/choose{"choice":"iris"}', 2)
    assert intro["text"].startswith("You're talking with Iris, 82.")
    assert opening["text"].startswith("Iris: “")
    (reply,) = chat.type("What's been on your mind since you came home?", 1)
    assert reply["text"].startswith("Iris: “")
    telegram.push_text(trainee, "/end")
    card = chat.until(lambda message: "practising" in message["text"])
    assert card[0]["text"].startswith("Your practice with Iris: 1 turn.")
    assert all(len(message["text"]) <= 600 for message in card)
