"""Telegram failing: 429, 502 and answers that never come. Every message once, in order.

The sending path (``send_replies`` and ``deliver``) runs against the fake Bot API with a
bot whose read timeout is short, so an answer that comes late is a real client timeout.
Through the whole bridge: a 502, an update delivered twice, two messages at the same instant
with the first reply slow, and Rasa answering with nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.telegram import delivery
from bot.telegram.app import TROUBLE_REPLY, send_replies
from bot.telegram.delivery import deliver, maybe_received, not_received
from tests.faults.conftest import TOKEN, Chat, StubRasa, running_bridge
from tests.telegram.fake_bot_api import FakeBotApi

CHAT = 515151
READ_TIMEOUT = 0.5  # seconds: the test bot's patience for an answer
LATE = 2.0  # seconds: an answer this late is a timeout for the test bot
REPLIES = [
    {"text": "Thank you, I've noted that down."},
    {
        "text": "What matters most to you just now?",
        "buttons": [{"title": "Skip", "payload": "/skip"}],
    },
    {"text": "Take your time."},
]


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[ExtBot]:
    """A bot like the bridge's (rate limiter included) but with a short read timeout."""
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=2)
    async with ExtBot(
        TOKEN,
        base_url=api.base_url,
        request=request,
        rate_limiter=AIORateLimiter(max_retries=3),
    ) as ext_bot:
        yield ext_bot


def texts(api: FakeBotApi) -> list[str]:
    return [m["text"] for m in api.messages_to(CHAT)]


EXPECTED = [reply["text"] for reply in REPLIES]


async def test_a_502_is_sent_again_until_it_goes_through(bot: ExtBot, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=502, retry_after=None, description="Bad Gateway")
    api.fail_next("sendMessage", status=502, retry_after=None, description="Bad Gateway")

    with_buttons = await send_replies(bot, CHAT, REPLIES)

    assert texts(api) == EXPECTED
    assert api.calls.count("sendMessage") == 5  # two refused, then each of the three once
    assert with_buttons == api.messages_to(CHAT)[1]["message_id"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_in_the_middle_is_waited_out_by_the_rate_limiter(
    bot: ExtBot, api: FakeBotApi
) -> None:
    await deliver(bot.send_message, CHAT, "Before.")
    api.fail_next("sendMessage", status=429, retry_after=1)

    await send_replies(bot, CHAT, REPLIES)

    assert texts(api) == ["Before.", *EXPECTED]


async def test_a_message_answered_too_late_is_not_sent_twice(bot: ExtBot, api: FakeBotApi) -> None:
    api.answer_late("sendMessage", LATE)  # Telegram gets the first message; its answer is late

    await send_replies(bot, CHAT, REPLIES)

    assert texts(api) == EXPECTED  # each once, in order: no repeat after the timeout
    assert api.calls.count("sendMessage") == 3


async def test_a_safe_call_answered_too_late_is_made_again(bot: ExtBot, api: FakeBotApi) -> None:
    sent = await deliver(bot.send_message, CHAT, "Shall we?", reply_markup=None)
    assert sent is not None
    api.answer_late("editMessageReplyMarkup", LATE)

    edited = await deliver(
        bot.edit_message_reply_markup,
        chat_id=CHAT,
        message_id=sent.message_id,
        reply_markup=None,
        idempotent=True,
    )

    assert edited is not None
    assert len(api.calls_to("editMessageReplyMarkup")) == 2


async def test_telegram_down_for_good_stops_the_turn_without_skipping_a_message(
    bot: ExtBot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    for _ in range(4):
        api.fail_next("sendMessage", status=502, retry_after=None, description="Bad Gateway")

    with pytest.raises(NetworkError):
        await send_replies(bot, CHAT, REPLIES)

    assert api.calls.count("sendMessage") == 4  # one try and three more, then it gives up
    assert texts(api) == []  # the later replies were not sent without the first


async def test_a_refusal_is_not_sent_again(bot: ExtBot, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=400, retry_after=None, description="Bad Request: no")

    with pytest.raises(BadRequest):
        await deliver(bot.send_message, CHAT, "Hello")

    assert api.calls.count("sendMessage") == 1


# --- telling the failures apart -----------------------------------------------------------


def _caused(error: TelegramError, cause: BaseException | None) -> TelegramError:
    error.__cause__ = cause
    return error


REQUEST = httpx.Request("POST", "https://api.telegram.org/bot1:x/sendMessage")


@pytest.mark.parametrize(
    ("make_error", "not_taken", "unknown"),
    [
        (lambda: NetworkError("Bad Gateway"), True, False),  # a 5xx answer
        (lambda: _caused(NetworkError("x"), httpx.ConnectError("", request=REQUEST)), True, False),
        (lambda: _caused(TimedOut(), httpx.ConnectTimeout("slow", request=REQUEST)), True, False),
        (lambda: _caused(TimedOut(), httpx.PoolTimeout("busy", request=REQUEST)), True, False),
        (lambda: _caused(TimedOut(), httpx.ReadTimeout("late", request=REQUEST)), False, True),
        (lambda: _caused(TimedOut(), httpx.WriteTimeout("late", request=REQUEST)), False, True),
        (
            lambda: _caused(NetworkError("x"), httpx.RemoteProtocolError("gone", request=REQUEST)),
            False,
            True,
        ),
        (lambda: BadRequest("Bad Request: chat not found"), False, False),
        (lambda: RetryAfter(3), False, False),
    ],
    ids=[
        "5xx", "refused", "connect-timeout", "pool-timeout", "read-timeout", "write-timeout",
        "dropped", "bad-request", "retry-after",
    ],
)  # fmt: skip
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_failures_are_told_apart_by_whether_telegram_can_have_acted(
    make_error: Callable[[], TelegramError], not_taken: bool, unknown: bool
) -> None:
    error = make_error()
    assert not_received(error) is not_taken
    assert maybe_received(error) is unknown


async def test_a_connection_refused_is_tried_again_then_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    attempts = 0

    async def refused() -> None:
        nonlocal attempts
        attempts += 1
        raise _caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("x", request=REQUEST))

    with pytest.raises(NetworkError):
        await deliver(refused)
    assert attempts == 4


# --- through the whole bridge -------------------------------------------------------------


@pytest.fixture
def rasa() -> Iterator[StubRasa]:
    replies = {
        "first": [{"text": "Reply to the first."}],
        "second": [{"text": "Reply to the second."}],
        "my answer": REPLIES,
        "nothing": [],
    }
    with StubRasa(replies, slow={"first": 1.0}) as stub:
        yield stub


@pytest.fixture
def bridge_env(rasa: StubRasa, tmp_path) -> dict[str, str]:
    return {
        "COACH_VAR_DIR": str(tmp_path / "var"),
        "COACH_SECRET": "fault-test-secret",
        "COACH_RASA_URL": rasa.url,
    }


async def test_through_the_bridge_a_502_still_delivers_each_reply_once_in_order(
    bridge_env: dict[str, str],
) -> None:
    async with running_bridge(bridge_env) as bridge:
        bridge.api.fail_next("sendMessage", status=502, retry_after=None, description="Bad Gateway")
        replies = await Chat(bridge.api, CHAT).type("my answer", 3)
        assert [m["text"] for m in replies] == EXPECTED
        assert bridge.api.calls.count("sendMessage") == 4


async def test_two_messages_at_the_same_instant_are_handled_in_order(
    bridge_env: dict[str, str], rasa: StubRasa
) -> None:
    async with running_bridge(bridge_env) as bridge:
        with bridge.api.together():  # one getUpdates answer carries both
            bridge.api.push_text(CHAT, "first")
            bridge.api.push_text(CHAT, "second")
        replies = await Chat(bridge.api, CHAT).replies(2)

    assert [m["text"] for m in replies] == ["Reply to the first.", "Reply to the second."]
    # The second reached Rasa only once the slow first one was answered.
    assert rasa.log == [
        ("received", "first"),
        ("answered", "first"),
        ("received", "second"),
        ("answered", "second"),
    ]


async def test_an_update_delivered_twice_reaches_rasa_once(
    bridge_env: dict[str, str], rasa: StubRasa
) -> None:
    async with running_bridge(bridge_env) as bridge:
        chat = Chat(bridge.api, CHAT)
        first = bridge.api.push_text(CHAT, "second")
        await chat.replies(1)
        bridge.api.push_duplicate(first)  # Telegram lost our confirmation and sends it again
        await chat.type("my answer", 3)  # handled after the repeat: updates go in order

    assert [message for event, message in rasa.log if event == "received"] == [
        "second",
        "my answer",
    ]
    assert len(bridge.api.calls_to("getUpdates")) >= 2


async def test_rasa_answering_with_nothing_gets_the_calm_trouble_reply(
    bridge_env: dict[str, str],
) -> None:
    async with running_bridge(bridge_env) as bridge:
        [reply] = await Chat(bridge.api, CHAT).type("nothing", 1)

    assert reply["text"] == TROUBLE_REPLY
    assert "your answers so far are safe" in reply["text"]
