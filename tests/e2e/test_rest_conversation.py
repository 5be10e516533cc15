"""A whole conversation over Rasa's REST channel against the real servers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_whole_conversation_is_reflected_drafted_confirmed_and_stored(bot) -> None:
    sender = "e2e-whole"
    welcome = bot.say(sender, "hello")
    assert "Outcomes Coach" in welcome[0]["text"]
    assert [b["payload"] for b in welcome[-1]["buttons"]] == ["/affirm", "/deny"]

    who = bot.say(sender, "/affirm")
    assert who[-1]["text"] == "Who is this for?"
    assert len(who[-1]["buttons"]) == 4
    asked = bot.texts(sender, "for my own assessment")
    assert asked[-1] == "What's your best hope from this assessment?"

    probe = bot.texts(sender, "don't know")
    assert len(probe) == 1 and probe[0] != asked[-1] and "small thing" in probe[0]

    answer = "Honestly, I'd like to get back out in my garden"
    replies = bot.say(sender, answer)
    assert replies[0]["text"] == "You'd like to get back out in your garden."
    assert "“I'd like to get back out in my garden”" in replies[1]["text"]
    assert [b["payload"] for b in replies[1]["buttons"]] == ["/affirm", "/reword", "/deny"]

    saved = bot.texts(sender, "/affirm")
    assert saved == ["Lovely, I've saved that.", "Why does that matter to you?"]
    why = bot.texts(sender, "It keeps me busy and I love being outdoors")
    assert why == [
        "Thank you. That helps explain what it means to you.",
        "What could help with that, and who could help?",
    ]
    helps = bot.say(sender, "My grandson could help me with the digging")
    assert helps[0]["text"] == "Thank you, I've noted that down."
    assert helps[1]["text"] == "When you have a good day, what makes it good?"
    assert [b["payload"] for b in helps[1]["buttons"]] == ["/skip"]

    skipped = bot.texts(sender, "/skip")
    assert skipped == ["What matters most to you just now?"]

    # A bare request: recorded as a service, and the question turns to what it would enable.
    asked_back = bot.texts(sender, "A walk-in shower")
    assert asked_back == [
        "If you had the walk-in shower you mentioned, what would that make possible for you?"
    ]
    replies = bot.say(sender, "I could wash every morning without waiting for the carers")
    assert "wash every morning" in replies[-1]["text"]
    bot.say(sender, "/affirm")
    assert bot.texts(sender, "/skip") == ["Who is important to you?"]

    goodbye = bot.texts(sender, "/stop")
    assert "stop there" in goodbye[0]

    record = bot.export("rest", sender)
    assert record["schema"] == "outcomes-coach/record@1"
    assert [a["question"] for a in record["answers"]] == [
        "best_hope",
        "matters_most",
        "matters_most",
    ]
    assert record["answers"][0]["text"] == answer
    assert record["outcomes"][0]["why"] == "It keeps me busy and I love being outdoors"
    assert record["actions"][0]["what"] == "My grandson could help me with the digging"
    assert record["actions"][0]["for_outcome"] == "I'd like to get back out in my garden"
    assert [(o["statement"], o["domain"], o["status"]) for o in record["outcomes"]] == [
        ("I'd like to get back out in my garden", "things_to_do", "confirmed"),
        (
            "I want to wash every morning without waiting for people",
            record["outcomes"][1]["domain"],
            "confirmed",
        ),
    ]
    assert record["services"][0]["text"] == "walk-in shower"


@pytest.mark.parametrize(
    "answer",
    ["I want to quit this job", "no, I don't want to talk about my leg"],
)
def test_answers_that_sound_like_commands_are_answers(bot, answer) -> None:
    sender = f"e2e-command-like-{abs(hash(answer))}"
    bot.begin(sender)
    replies = bot.say(sender, answer)
    assert replies[0]["text"].startswith("You ")
    assert any(b["payload"] == "/reword" for b in replies[-1].get("buttons", []))
    assert [a["text"] for a in bot.export("rest", sender)["answers"]] == [answer]


def test_stop_ends_the_question_and_nothing_is_stored(bot) -> None:
    sender = "e2e-stop"
    bot.begin(sender)
    assert "stop there" in bot.texts(sender, "/stop")[0]
    assert bot.export("rest", sender)["answers"] == []
    # After stopping, a greeting starts again rather than being taken as an answer.
    assert "Outcomes Coach" in bot.texts(sender, "hello")[0]


def test_no_consent_stores_nothing(bot) -> None:
    sender = "e2e-no-consent"
    bot.say(sender, "hello")
    assert "haven't stored anything" in bot.texts(sender, "/deny")[0]
    record = bot.export("rest", sender)
    assert record["answers"] == [] and record["consented_at"] is None


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀", "\u200b\u0007"])
def test_empty_and_symbol_answers_get_a_clear_reply(bot, message) -> None:
    sender = f"e2e-empty-{abs(hash(message))}"
    bot.begin(sender)
    replies = bot.texts(sender, message)
    assert replies and "didn't catch any words" in replies[0]


def test_reword_replaces_the_draft(bot) -> None:
    sender = "e2e-reword"
    bot.begin(sender)
    bot.say(sender, "I'd like to see more of my grandchildren")
    assert bot.texts(sender, "/reword") == ["How would you put it, in your own words?"]
    after = bot.texts(sender, "I want to see my grandchildren every week")
    assert after == ["Lovely, I've saved that.", "Why does that matter to you?"]
    outcomes = bot.export("rest", sender)["outcomes"]
    assert [o["statement"] for o in outcomes] == ["I want to see my grandchildren every week"]


def test_logs_hold_no_personal_text(bot) -> None:
    sender = "e2e-private"
    secret_answer = "I want to visit Marjorie in Kirkcaldy on Sundays"
    bot.say(sender, "hello")
    bot.say(sender, "/affirm")
    bot.say(sender, secret_answer)
    logs = bot.logs()
    assert "Marjorie" not in logs and "Kirkcaldy" not in logs
    assert "event=answer" in logs  # the action server does log, without the words


def test_pause_and_resume_carry_on_at_the_same_question(bot) -> None:
    sender = "e2e-pause"
    bot.begin(sender)
    bot.say(sender, "I'd like to walk my dog again")
    assert bot.texts(sender, "/affirm")[-1] == "Why does that matter to you?"
    paused = bot.texts(sender, "/pause")
    assert "take a break" in paused[0]
    resumed = bot.texts(sender, "/resume")
    assert resumed == [
        "Welcome back. Let's carry on where we left off.",
        "When you have a good day, what makes it good?",
    ]
    record = bot.export("rest", sender)
    assert [o["statement"] for o in record["outcomes"]] == ["I'd like to walk my dog again"]


def test_resume_without_consent_asks_for_it_first(bot) -> None:
    replies = bot.texts("e2e-resume-new", "/resume")
    assert "Outcomes Coach" in replies[0] and "Is that alright?" in replies[-1]


def test_a_risk_disclosure_is_signposted_and_flagged(bot) -> None:
    sender = "e2e-risk"
    bot.begin(sender)
    replies = bot.texts(sender, "honestly I don't want to be here any more")
    assert len(replies) == 1
    assert "999" in replies[0] and "116 123" in replies[0] and "111" in replies[0]
    record = bot.export("rest", sender)
    assert record["risk_flag"] is True and record["outcomes"] == []
    # The person can carry on afterwards, at the same question.
    assert bot.texts(sender, "hello") == [
        "Welcome back. Let's carry on where we left off.",
        "What's your best hope from this assessment?",
    ]
