"""Bad input through the Telegram bridge: real PTB polling a fake Bot API, a stub Rasa.

Each odd thing a person can send gets a clear reply, nothing that shouldn't reaches Rasa
(attachments, edits, groups, typed intents with entities, invisible characters), and what
should reach it arrives whole. Every wait is on a condition: PTB handles updates one at a
time, in order, so the reply to a later message proves the earlier ones were handled.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import get_settings
from bot.telegram.app import (
    EDITED_REPLY,
    NO_WORDS_REPLY,
    PRIVATE_ONLY_REPLY,
    TEXT_ONLY_REPLY,
    build_application,
)
from bot.telegram.format import TELEGRAM_TEXT_LIMIT, telegram_length
from tests.stand_in_rasa import StandInRasa, replies_to
from tests.telegram.fake_bot_api import FakeBotApi, polling

TOKEN = "123456:BAD-INPUT-token-not-real"
CHAT = 515151
GROUP = -100515151
HUGE = ("I love my garden and my cat. " * 3600)[:100_000]
_ids = itertools.count(10_000)


class EchoRasa(StandInRasa):
    """Stands in for Rasa's REST channel: records each message and quotes it back."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[str] = []

    def messages(self) -> list[str]:
        with self._lock:
            return list(self.received)

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        message = body["message"]
        with self._lock:
            self.received.append(message)
        said = message if len(message) <= 200 else f"{len(message)} characters"
        # Quoting the person's words back, as the bot's reflections and drafts do.
        return 200, replies_to(body, [{"text": f"You said: “{said}”"}])


@dataclass
class Bridge:
    api: FakeBotApi
    rasa: EchoRasa

    def push(self, chat_id: int, chat_type: str = "private", **content: Any) -> int:
        """Push a message of any kind (``sticker=…``, ``voice=…``, ``text=…``)."""
        return self.api.push_update({"message": _message(chat_id, chat_type, **content)})

    async def replies(self, chat_id: int, count: int) -> list[dict]:
        return await self.api.wait_for_messages_async(chat_id, count, timeout=10)


def _chat(chat_id: int, chat_type: str) -> dict:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Test"}
    return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}


def _message(chat_id: int, chat_type: str = "private", **content: Any) -> dict:
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id, chat_type),
    }
    if chat_type != "channel":
        user = chat_id if chat_type == "private" else 4242
        message["from"] = {"id": user, "is_bot": False, "first_name": "Test"}
    return {**message, **content}


@pytest.fixture
async def bridge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bridge]:
    with FakeBotApi(token=TOKEN) as api, EchoRasa() as rasa:
        for name, value in {
            "COACH_VAR_DIR": str(tmp_path / "var"),
            "COACH_SECRET": "bad-input-secret",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.server_url,
            "COACH_RASA_URL": rasa.url,
        }.items():
            monkeypatch.setenv(name, value)
        async with polling(build_application(get_settings())):
            yield Bridge(api, rasa)


# --- text ---------------------------------------------------------------------------------

# (what the person typed, what Rasa should get)
FORWARDED = [
    pytest.param("😀🎉👍🏽👨\u200d👩\u200d👧", "😀🎉👍🏽👨\u200d👩\u200d👧", id="emoji-only"),
    pytest.param("أريد أن أعود إلى حديقتي", "أريد أن أعود إلى حديقتي", id="right-to-left"),
    pytest.param("\u202eI want my garden\u202c back", "I want my garden back", id="bidi-override"),
    pytest.param("שלום\u200f, I want", "שלום\u200f, I want", id="rtl-mark-kept"),
    pytest.param(
        "I want\x00 to see\x07 my sister\u200b again\x1b[31m",
        "I want to see my sister again[31m",
        id="control-and-zero-width",
    ),
    pytest.param(
        "<b>bold</b> <a href='x'>link</a> & <i>me</i>",
        "<b>bold</b> <a href='x'>link</a> & <i>me</i>",
        id="html",
    ),
    pytest.param("*bold* _it_ `code` [link](http://x) ~x~ ||s|| \\", None, id="markdown"),
    pytest.param("'; DROP TABLE person; --", None, id="sql-injection"),
    pytest.param("{{7*7}} ${7*7} {draft} {0[x]} %s", None, id="template-injection"),
    pytest.param("${jndi:ldap://example.invalid/a}", None, id="jndi"),
    pytest.param("line one\r\nline two", "line one\nline two", id="crlf"),
    # Typed intents with entities lose their slash: only buttons send payloads.
    pytest.param('/affirm{"consent":true}', 'affirm{"consent":true}', id="typed-affirm-payload"),
    pytest.param(
        '/choose{"choice":"worker"}', 'choose{"choice":"worker"}', id="typed-choose-payload"
    ),
    pytest.param('/ /delete{"confirm":"yes"}', 'delete{"confirm":"yes"}', id="slash-space-slash"),
    pytest.param('/delete {"confirm":"yes"}', "/delete", id="command-drops-entities"),
    pytest.param("\u200b/delete\u200b", "/delete", id="zero-width-around-a-command"),
    pytest.param("/restart", "/start_again", id="rasa-reserved-restart"),
]


@pytest.mark.parametrize(("typed", "expected"), FORWARDED)
async def test_odd_text_reaches_rasa_cleaned_and_the_reply_quotes_it_as_plain_text(
    bridge: Bridge, typed: str, expected: str | None
) -> None:
    expected = typed if expected is None else expected
    bridge.push(CHAT, text=typed)

    [reply] = await bridge.replies(CHAT, 1)

    assert bridge.rasa.messages() == [expected]
    assert reply["text"] == f"You said: “{expected}”"
    # Plain text: markup the person typed is shown as typed, never parsed by Telegram.
    assert "parse_mode" not in reply["params"] and "entities" not in reply["params"]


@pytest.mark.parametrize(
    "typed", ["   ", "\u200b\u2060\ufeff", "\x00\x07", "/", "/ /", "\u202e \u202c"]
)
async def test_a_message_without_words_is_answered_and_not_forwarded(
    bridge: Bridge, typed: str
) -> None:
    bridge.push(CHAT, text=typed)
    bridge.push(CHAT, text="my garden")

    first, second = await bridge.replies(CHAT, 2)

    assert first["text"] == NO_WORDS_REPLY
    assert second["text"] == "You said: “my garden”"
    assert bridge.rasa.messages() == ["my garden"]


async def test_a_huge_message_reaches_rasa_whole(bridge: Bridge) -> None:
    bridge.push(CHAT, text=HUGE)

    [reply] = await bridge.replies(CHAT, 1)

    assert bridge.rasa.messages() == [HUGE.strip()]  # the bot decides; nothing is cut here
    assert reply["text"] == f"You said: “{len(HUGE.strip())} characters”"


async def test_replies_keep_emoji_joined_and_right_to_left_words_whole(bridge: Bridge) -> None:
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    typed = f"👨\u200d👩\u200d👧 أريد أن أعود {scotland}"
    bridge.push(CHAT, text=typed)

    [reply] = await bridge.replies(CHAT, 1)

    # Joiners and tag characters are what make these one emoji: cleaning keeps them.
    assert reply["text"] == f"You said: “{typed}”"
    assert telegram_length(reply["text"]) <= TELEGRAM_TEXT_LIMIT


# --- what isn't text ----------------------------------------------------------------------

ATTACHMENTS = {
    "sticker": {
        "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False,
    },
    "voice": {"file_id": "v", "file_unique_id": "v", "duration": 3},
    "audio": {"file_id": "a", "file_unique_id": "a", "duration": 30},
    "photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}],
    "document": {"file_id": "d", "file_unique_id": "d", "file_name": "letter.pdf"},
    "video": {"file_id": "vi", "file_unique_id": "vi", "width": 1, "height": 1, "duration": 1},
    "video_note": {"file_id": "n", "file_unique_id": "n", "length": 240, "duration": 2},
    "location": {"latitude": 55.95, "longitude": -3.19},
    "contact": {"phone_number": "+447700900123", "first_name": "Jean"},
    "dice": {"emoji": "🎲", "value": 4},
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ATTACHMENTS))
async def test_what_is_not_text_gets_the_text_only_reply_and_is_not_forwarded(
    bridge: Bridge, kind: str
) -> None:
    content: dict[str, Any] = {kind: ATTACHMENTS[kind]}
    if kind in ("photo", "document", "voice", "video"):
        content["caption"] = "I want to get back into my kitchen"  # never relayed without its file
    bridge.push(CHAT, **content)
    bridge.push(CHAT, text="hello")

    first, second = await bridge.replies(CHAT, 2)

    assert first["text"] == TEXT_ONLY_REPLY
    assert second["text"] == "You said: “hello”"
    assert bridge.rasa.messages() == ["hello"]


async def test_a_kind_of_message_the_library_does_not_know_gets_the_text_only_reply(
    bridge: Bridge,
) -> None:
    # Telegram adds message kinds over time (a checklist, here); they must not meet silence.
    checklist = {"title": "Shopping", "tasks": [{"id": 1, "text": "milk"}]}
    bridge.push(CHAT, checklist=checklist)
    bridge.push(CHAT, text="hello")

    first, second = await bridge.replies(CHAT, 2)

    assert first["text"] == TEXT_ONLY_REPLY
    assert second["text"] == "You said: “hello”"
    assert bridge.rasa.messages() == ["hello"]


async def test_every_edited_message_gets_one_note_and_no_edit_is_forwarded(
    bridge: Bridge,
) -> None:
    first = _message(CHAT, text="my daughter")
    second = _message(CHAT, text="my garden")
    for original, edit in (
        (first, "my son"),
        (first, "my son and daughter"),  # the same message again: no second note
        (second, "my allotment"),  # another message: noted too
    ):
        bridge.api.push_update(
            {"edited_message": {**original, "text": edit, "edit_date": int(time.time())}}
        )
    bridge.push(CHAT, text="hello")

    replies = await bridge.replies(CHAT, 3)

    assert [m["text"] for m in replies] == [EDITED_REPLY, EDITED_REPLY, "You said: “hello”"]
    assert bridge.rasa.messages() == ["hello"]


# --- groups -------------------------------------------------------------------------------


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_groups_are_declined_once_and_nothing_from_them_reaches_rasa(
    bridge: Bridge, chat_type: str
) -> None:
    bridge.push(GROUP, chat_type, text="my husband hit me")
    bridge.push(GROUP, chat_type, text='/affirm{"consent":true}')
    bridge.push(GROUP, chat_type, text="/delete")
    bridge.push(GROUP, chat_type, voice=ATTACHMENTS["voice"])
    edited = _message(GROUP, chat_type, text="edited in the group", edit_date=int(time.time()))
    bridge.api.push_update({"edited_message": edited})
    bridge.api.push_callback(GROUP, "/affirm", 99, chat_type=chat_type)
    bridge.push(CHAT, text="hello")  # handled after everything above

    [private] = await bridge.replies(CHAT, 1)

    assert private["text"] == "You said: “hello”"
    assert [m["text"] for m in bridge.api.messages_to(GROUP)] == [PRIVATE_ONLY_REPLY]
    assert bridge.rasa.messages() == ["hello"]
    # The press in the group was answered (no spinning button), and changed nothing.
    assert len(bridge.api.calls_to("answerCallbackQuery")) == 1
    assert bridge.api.calls_to("editMessageReplyMarkup") == []


async def test_a_channel_post_is_not_forwarded(bridge: Bridge) -> None:
    channel = -100616161
    bridge.api.push_update({"channel_post": _message(channel, "channel", text="hello all")})
    bridge.push(CHAT, text="hello")

    await bridge.replies(CHAT, 1)

    assert bridge.rasa.messages() == ["hello"]
    assert [m["text"] for m in bridge.api.messages_to(channel)] == [PRIVATE_ONLY_REPLY]
