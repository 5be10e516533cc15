"""The Telegram bridge end to end: real PTB polling a fake Bot API, relaying to a stub Rasa.

Nothing here sleeps for a fixed time: every wait is on a condition (the fake's ``wait_for_*``
helpers), and because PTB handles updates one at a time, in order, a reply to a later update
proves every earlier update has been handled.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fake_bot_api import FakeBotApi, parse_params, polling
from telegram.ext import Application

from bot.config import get_settings
from bot.rasa_client import RasaClient, RasaError, RasaUnavailable
from bot.store.pseudonym import pseudonym
from bot.telegram.app import (
    EDITED_REPLY,
    PRIVATE_ONLY_REPLY,
    TEXT_ONLY_REPLY,
    TROUBLE_REPLY,
    api_root,
    build_application,
)
from tests.stand_in_rasa import StandInRasa, replies_to

TOKEN = "123456:TEST-token-not-real"
SECRET = "test-secret-for-pseudonyms"
CHAT = 424242
LONG_PAYLOAD = '/choose_outcome{"statement": "' + "I want to cook my own dinner again " * 3 + '"}'


def _long_reply() -> str:
    sentences = [f"Here is point {i} of what you told me, in your own words." for i in range(200)]
    return " ".join(sentences)  # about 11,800 characters


class StubRasa(StandInRasa):
    """A tiny threaded stand-in for Rasa's REST channel that records what it receives."""

    REPLIES: dict[str, list[dict[str, Any]]] = {
        "/start": [
            {"text": "Hello! I'm here to help you get ready for your assessment."},
            {"text": "What's your best hope from it?"},
        ],
        "show buttons": [
            {
                "text": "Shall we carry on?",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            }
        ],
        "long payload": [
            {"text": "Is this right?", "buttons": [{"title": "Keep it", "payload": LONG_PAYLOAD}]}
        ],
        "/affirm": [{"text": "Great, let's carry on."}],
        LONG_PAYLOAD: [{"text": "Kept."}],
        "long please": [{"text": _long_reply()}],
        "/mydata": [
            {"text": "Here's everything I keep about you."},
            {"custom": {"document": {"filename": "../../my-data.json", "text": '{"a": 1}'}}},
        ],
        "yes erase it": [
            {"text": "Done. I've erased everything."},
            {"custom": {"erase_conversation": True}},
        ],
    }

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []

    def messages(self) -> list[str]:
        with self._lock:
            return [body["message"] for body in self.received]

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        with self._lock:
            self.received.append(body)
        message = body["message"]
        if message == "/error":
            return 500, {"error": "boom"}
        replies = self.REPLIES.get(message, [{"text": f"You said {len(message)} characters."}])
        return 200, replies_to(body, replies)


@dataclass
class Bridge:
    app: Application
    api: FakeBotApi
    rasa: StubRasa


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def rasa() -> Iterator[StubRasa]:
    with StubRasa() as stub:
        yield stub


@pytest.fixture
def env(api: FakeBotApi, rasa: StubRasa, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    values = {
        "COACH_VAR_DIR": str(tmp_path / "var"),
        "COACH_SECRET": SECRET,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.server_url,
        "COACH_RASA_URL": rasa.url,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
async def bridge(env: dict, api: FakeBotApi, rasa: StubRasa) -> AsyncIterator[Bridge]:
    async with polling(build_application(get_settings())) as app:
        yield Bridge(app, api, rasa)


async def test_text_is_forwarded_under_a_pseudonym_and_replies_arrive_in_order(
    bridge: Bridge,
) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_text(CHAT, "/start")

    messages = await api.wait_for_messages_async(CHAT, 2)

    assert [m["text"] for m in messages] == [
        "Hello! I'm here to help you get ready for your assessment.",
        "What's your best hope from it?",
    ]
    [body] = rasa.received
    assert body["message"] == "/start"
    assert re.fullmatch(r"[0-9a-f]{32}", body["sender"])
    assert str(CHAT) not in body["sender"]
    assert body["sender"] == pseudonym(SECRET.encode(), "telegram", CHAT)
    # "typing…" was shown before the first reply
    assert api.calls.index("sendChatAction") < api.calls.index("sendMessage")
    assert api.calls_to("sendChatAction")[0]["action"] == "typing"


async def test_commands_are_forwarded_by_name(bridge: Bridge) -> None:
    bridge.api.push_text(CHAT, "/pause@CoachTestBot now")
    bridge.api.push_text(CHAT, "/help")

    await bridge.api.wait_for_messages_async(CHAT, 2)

    assert bridge.rasa.messages() == ["/pause", "/help"]


async def test_commands_rasa_reserves_are_renamed(bridge: Bridge) -> None:
    # Rasa's own /restart would wipe the conversation with no "are you sure?".
    bridge.api.push_text(CHAT, "/restart")
    bridge.api.push_text(CHAT, "/back")
    bridge.api.push_text(CHAT, "/session_start")

    await bridge.api.wait_for_messages_async(CHAT, 3)

    assert bridge.rasa.messages() == ["/start_again", "/help", "/help"]


async def test_a_document_from_an_action_is_sent_as_a_file_with_a_safe_name(
    bridge: Bridge,
) -> None:
    bridge.api.push_text(CHAT, "/mydata")

    [note] = await bridge.api.wait_for_messages_async(CHAT, 1)
    [sent] = await bridge.api.wait_for_calls_async("sendDocument", 1)

    assert note["text"] == "Here's everything I keep about you."
    assert sent["document"]["filename"] == "my-data.json"
    assert json.loads(sent["document"]["content"]) == {"a": 1}


async def test_erasure_asked_by_an_action_removes_rasas_copy_of_the_conversation(
    bridge: Bridge,
) -> None:
    settings = get_settings()
    sender = pseudonym(SECRET.encode(), "telegram", CHAT)
    settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(settings.tracker_db) as db:  # the shape of Rasa's SQL tracker store
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        db.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [(sender, "{}"), (sender, "{}"), ("someone-else", "{}")],
        )
    bridge.api.push_text(CHAT, "yes erase it")
    await bridge.api.wait_for_messages_async(CHAT, 1)
    bridge.api.push_text(CHAT, "hello")  # handled only after the erasure finished
    await bridge.api.wait_for_messages_async(CHAT, 2)
    with sqlite3.connect(settings.tracker_db) as db:
        left = db.execute("SELECT sender_id FROM events").fetchall()
    assert left == [("someone-else",)]


async def test_buttons_arrive_as_a_keyboard_and_a_press_forwards_the_payload(
    bridge: Bridge,
) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_text(CHAT, "show buttons")
    [question] = await api.wait_for_messages_async(CHAT, 1)

    assert question["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "/affirm"}],
            [{"text": "No", "callback_data": "/deny"}],
        ]
    }

    api.push_callback(CHAT, "/affirm", question["message_id"])
    messages = await api.wait_for_messages_async(CHAT, 2)

    assert messages[1]["text"] == "Great, let's carry on."
    assert rasa.messages() == ["show buttons", "/affirm"]
    assert len(api.calls_to("answerCallbackQuery")) == 1
    [edit] = api.calls_to("editMessageReplyMarkup")
    assert edit["chat_id"] == CHAT
    assert edit["message_id"] == question["message_id"]
    assert edit.get("reply_markup") is None
    assert api.keyboard_of(CHAT, question["message_id"]) is None


async def test_typing_an_answer_removes_the_questions_buttons(bridge: Bridge) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_text(CHAT, "show buttons")
    [question] = await api.wait_for_messages_async(CHAT, 1)

    api.push_text(CHAT, "I'd rather say it in my own words")
    await api.wait_for_calls_async("editMessageReplyMarkup", 1)
    await api.wait_for_messages_async(CHAT, 2)

    [edit] = api.calls_to("editMessageReplyMarkup")
    assert edit["message_id"] == question["message_id"]
    assert api.keyboard_of(CHAT, question["message_id"]) is None
    assert rasa.messages() == ["show buttons", "I'd rather say it in my own words"]
    # Nothing left to remove: a second typed message edits nothing more.
    api.push_text(CHAT, "and another thing")
    await api.wait_for_messages_async(CHAT, 3)
    assert len(api.calls_to("editMessageReplyMarkup")) == 1


async def test_a_second_press_on_the_same_keyboard_is_not_forwarded(bridge: Bridge) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_text(CHAT, "show buttons")
    [question] = await api.wait_for_messages_async(CHAT, 1)

    api.push_callback(CHAT, "/affirm", question["message_id"])
    api.push_callback(CHAT, "/deny", question["message_id"])
    api.push_text(CHAT, "after")
    await api.wait_for_messages_async(CHAT, 3)

    assert rasa.messages() == ["show buttons", "/affirm", "after"]
    assert len(api.calls_to("answerCallbackQuery")) == 2  # both presses stop spinning


async def test_a_press_on_a_message_too_old_to_see_is_still_forwarded(bridge: Bridge) -> None:
    bridge.api.push_callback(CHAT, "/affirm", 3, inaccessible=True)

    [reply] = await bridge.api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == "Great, let's carry on."
    [edit] = bridge.api.calls_to("editMessageReplyMarkup")
    assert edit["message_id"] == 3


async def test_a_payload_over_64_bytes_round_trips_through_a_short_key(bridge: Bridge) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_text(CHAT, "long payload")
    [question] = await api.wait_for_messages_async(CHAT, 1)
    [[button]] = question["reply_markup"]["inline_keyboard"]
    assert len(button["callback_data"].encode()) <= 64

    api.push_callback(CHAT, button["callback_data"], question["message_id"])
    messages = await api.wait_for_messages_async(CHAT, 2)

    assert messages[1]["text"] == "Kept."
    assert rasa.messages()[-1] == LONG_PAYLOAD


@pytest.mark.parametrize("push", ["sticker", "photo"])
async def test_non_text_gets_the_text_only_reply_and_is_not_forwarded(
    bridge: Bridge, push: str
) -> None:
    if push == "sticker":
        bridge.api.push_sticker(CHAT)
    else:
        bridge.api.push_photo(CHAT, caption="my kitchen")

    [reply] = await bridge.api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == TEXT_ONLY_REPLY
    assert bridge.rasa.received == []


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_group_chats_get_one_private_chat_reply_and_nothing_is_forwarded(
    bridge: Bridge, chat_type: str
) -> None:
    api, rasa = bridge.api, bridge.rasa
    group = -100123
    api.push_text(group, "my husband needs help", chat_type=chat_type)
    api.push_text(group, "hello?", chat_type=chat_type)
    api.push_sticker(group, chat_type=chat_type)
    api.push_text(CHAT, "hi")

    await api.wait_for_messages_async(CHAT, 1)

    assert [m["text"] for m in api.messages_to(group)] == [PRIVATE_ONLY_REPLY]
    assert rasa.messages() == ["hi"]


async def test_a_repeated_update_is_handled_once(bridge: Bridge) -> None:
    api, rasa = bridge.api, bridge.rasa
    first = api.push_text(CHAT, "hello there")
    await api.wait_for_messages_async(CHAT, 1)

    api.push_duplicate(first)
    api.push_text(CHAT, "second message")
    await api.wait_for_messages_async(CHAT, 2)

    assert rasa.messages() == ["hello there", "second message"]
    assert len(api.messages_to(CHAT)) == 2
    assert api.calls_to("getUpdates")  # the duplicate really was delivered by polling


async def test_edits_are_not_forwarded_and_get_one_note(bridge: Bridge) -> None:
    api, rasa = bridge.api, bridge.rasa
    api.push_edited_text(CHAT, 7, "actually, my daughter")
    api.push_edited_text(CHAT, 7, "actually, my son")
    api.push_text(CHAT, "hi")

    messages = await api.wait_for_messages_async(CHAT, 2)

    assert messages[0]["text"] == EDITED_REPLY
    assert len(messages) == 2
    assert rasa.messages() == ["hi"]


async def test_a_long_reply_is_split_into_messages_within_the_limit(bridge: Bridge) -> None:
    bridge.api.push_text(CHAT, "long please")

    messages = await bridge.api.wait_for_messages_async(CHAT, 3)

    assert all(len(m["text"]) <= 4096 for m in messages)
    assert all(m["text"].endswith(".") for m in messages)
    assert " ".join(m["text"] for m in messages).split() == _long_reply().split()


async def test_rasa_down_gives_the_trouble_reply(bridge: Bridge) -> None:
    bridge.rasa.stop()
    bridge.api.push_text(CHAT, "are you there?")

    [reply] = await bridge.api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == TROUBLE_REPLY


async def test_rasa_server_error_gives_the_trouble_reply(bridge: Bridge) -> None:
    bridge.api.push_text(CHAT, "/error")

    [reply] = await bridge.api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == TROUBLE_REPLY
    assert bridge.rasa.messages() == ["/error"]


async def test_commands_menu_is_set_at_start(bridge: Bridge) -> None:
    [call] = bridge.api.calls_to("setMyCommands")

    names = [c["command"] for c in call["commands"]]
    # The menu the preparation journey promises, in the order people are most likely to need.
    assert names[:4] == ["start", "help", "pause", "resume"]
    assert {"plan", "share", "unshare", "mydata", "delete", "restart", "practice", "stop"} <= set(
        names
    )
    assert len(names) == len(set(names))
    assert all(c["description"] for c in call["commands"])


# PTB's own RetryAfter constructor warns about its int-to-timedelta change (PTB 22.2+).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_is_retried_by_the_rate_limiter(bridge: Bridge) -> None:
    bridge.api.fail_next("sendMessage", status=429, retry_after=1)
    bridge.api.push_text(CHAT, "hello")

    [reply] = await bridge.api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == "You said 5 characters."
    assert bridge.api.calls.count("sendMessage") == 2


async def test_errors_are_logged_by_type_without_personal_details(
    bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    api = bridge.api
    api.fail_next("sendMessage", status=400, retry_after=None, description="Bad Request: nope")
    api.push_text(CHAT, "my private words")
    api.push_text(CHAT, "still there?")

    with caplog.at_level(logging.INFO, logger="bot"):
        [reply] = await api.wait_for_messages_async(CHAT, 1)

    assert reply["text"] == "You said 12 characters."
    errors = [r for r in caplog.records if r.name == "bot.telegram.app" and r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == ["Error while handling an update: BadRequest"]
    assert errors[0].exc_info is not None
    logged = caplog.text
    assert "private words" not in logged
    assert str(CHAT) not in logged


def test_fake_parses_json_urlencoded_and_multipart() -> None:
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "/affirm"}]]}
    as_json = parse_params(
        "application/json", json.dumps({"chat_id": 5, "text": "1", "reply_markup": markup}).encode()
    )
    form = {"chat_id": "5", "text": "1", "reply_markup": json.dumps(markup)}
    as_form = parse_params("application/x-www-form-urlencoded", urlencode(form).encode())
    request = httpx.Request(
        "POST",
        "http://x/",
        data=form,
        files={"photo": ("kitchen.jpg", b"\xff\xd8 jpeg bytes")},
    )
    as_multipart = parse_params(request.headers["Content-Type"], request.read())

    for params in (as_json, as_form, as_multipart):
        assert params["chat_id"] == 5
        assert params["text"] == "1"  # text stays a string even when it looks like JSON
        assert params["reply_markup"] == markup
    assert as_multipart["photo"]["filename"] == "kitchen.jpg"
    assert as_multipart["photo"]["size"] == 13


def test_base_url_setting_is_the_server_root() -> None:
    assert api_root("http://127.0.0.1:8081/") == "http://127.0.0.1:8081"
    assert api_root("https://api.telegram.org/bot") == "https://api.telegram.org"


def test_run_polling_serves_and_exits_cleanly_on_sigterm(
    env: dict, api: FakeBotApi, rasa: StubRasa
) -> None:
    script = (
        "import logging\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "from bot.config import get_settings\n"
        "from bot.telegram.app import run_polling\n"
        "run_polling(get_settings())\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.wait_for_calls("setMyCommands", timeout=20)
        api.push_text(CHAT, "my garden matters to me")
        [reply] = api.wait_for_messages(CHAT, 1, timeout=10)
        assert reply["text"] == "You said 23 characters."

        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 0, stderr
    assert "Telegram bridge stopped" in stderr
    assert TOKEN not in stderr
    assert TOKEN.split(":")[1] not in stderr
    assert str(CHAT) not in stderr
    assert "garden" not in stderr


# --- RasaClient on its own (httpx.MockTransport) ------------------------------------------


async def test_rasa_client_posts_sender_and_message() -> None:
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append({"path": request.url.path, **json.loads(request.content)})
        return httpx.Response(200, json=[{"text": "hi"}, {"buttons": []}])

    async with RasaClient("http://rasa/", transport=httpx.MockTransport(answer)) as client:
        replies = await client.send("abc", "hello")

    assert replies == [{"text": "hi"}, {"buttons": []}]
    assert seen == [{"path": "/webhooks/rest/webhook", "sender": "abc", "message": "hello"}]


async def test_rasa_client_retries_a_connect_error_once() -> None:
    attempts = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=[])

    async with RasaClient(
        "http://rasa", transport=httpx.MockTransport(flaky), retry_delay=0
    ) as client:
        assert await client.send("abc", "hello") == []
    assert attempts == 2


async def test_rasa_client_gives_up_after_the_retry() -> None:
    attempts = 0

    def down(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        raise httpx.ConnectError("refused", request=request)

    async with RasaClient("http://rasa", transport=httpx.MockTransport(down), retry_delay=0) as c:
        with pytest.raises(RasaUnavailable):
            await c.send("abc", "hello")
        assert await c.is_up() is False
    assert attempts == 3  # two for send, one for is_up


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(503, text="busy"), RasaUnavailable),
        (httpx.Response(400, json={"error": "bad"}), RasaError),
        (httpx.Response(200, text="not json"), RasaError),
        (httpx.Response(200, json={"text": "not a list"}), RasaError),
    ],
)
async def test_rasa_client_errors(response: httpx.Response, error: type[Exception]) -> None:
    transport = httpx.MockTransport(lambda request: response)
    async with RasaClient("http://rasa", transport=transport) as client:
        with pytest.raises(error) as caught:
            await client.send("abc", "hello")
    if error is RasaError:
        assert not isinstance(caught.value, RasaUnavailable)


async def test_rasa_client_is_up() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="Hello from Rasa"))
    async with RasaClient("http://rasa", transport=transport) as client:
        assert await client.is_up() is True
