"""Whole preparation journeys over REST with realistic, messy answers, checked in the record.

Commands are sent as the front ends send them (``bot.front_ends.typed_to_rasa``), and buttons
as their payloads.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.coaching.questions import topic_question
from bot.config import PROJECT_ROOT
from bot.front_ends import typed_to_rasa

pytestmark = pytest.mark.e2e


def test_a_carer_prepares_for_a_carers_assessment(bot) -> None:
    sender = "e2e-carer"
    intro, first = bot.begin(sender, "carer")
    assert "caring role" in intro
    assert first == "What's your best hope from this carer's assessment?"

    replies = bot.say(
        sender,
        "honestly just a bit of time for myself, maybe one evening a week, "
        "without worrying about Dad",
    )
    assert "time for myself" in replies[-1]["text"]
    assert bot.texts(sender, "/affirm")[-1] == "Why does that matter to you?"
    bot.say(sender, "so I don't burn out and can keep going for him")
    asked = bot.texts(sender, "my sister could sit with Dad on Thursday evenings")
    assert (
        asked[-1] == "Thinking about the person you care for, what matters most to them just now?"
    )

    replies = bot.texts(sender, "Dad wants to stay in his own house with his cat")
    assert replies[0].startswith("So for the person you care for")
    assert "something that matters to them" in replies[-1]
    assert bot.texts(sender, "/affirm")[-1] == "Why does that matter to them?"
    assert bot.texts(sender, "/skip") == ["What does caring look like for you in a usual week?"]

    bot.say(sender, "/skip")  # caring role
    probe = bot.texts(sender, "dunno really")  # own life: a different way in, not a repeat
    assert probe[0] != "Outside caring, what matters most to you in your own life?"
    bot.say(sender, "/skip")
    assert bot.texts(sender, "/skip") == ["Who supports you, and who do you turn to?"]
    people = bot.texts(sender, "my sister Anne, and my pal Moira from the choir")
    assert "sister Anne" in people[0]  # said back, with no outcome to confirm
    assert people[-1] == "What makes caring harder just now?"
    hinders = "the nights, Dad is up three or four times and I'm shattered"
    bot.say(sender, hinders)
    bot.say(sender, typed_to_rasa("/pause"))

    record = bot.export("rest", sender)
    assert record["role"] == "carer"
    by_about = {o["about"]: o for o in record["outcomes"] if o["status"] == "confirmed"}
    assert "time for myself" in by_about["self"]["statement"]
    assert by_about["self"]["why"] == "so I don't burn out and can keep going for him"
    assert by_about["self"]["domain"] == "carer_wellbeing"
    assert by_about["cared_for"]["statement"] == "Dad wants to stay in his own house with his cat"
    [action] = record["actions"]
    assert action["when"] == "on Thursday evenings" and "my sister" in action["who"]
    assert action["for_outcome"] == by_about["self"]["statement"]
    assert "my sister Anne" in record["people"]
    assert any("Moira" in person for person in record["people"])
    assert record["hinders"] == [hinders]


def test_a_worker_fills_this_in_with_someone_keeping_her_words_apart(bot) -> None:
    sender = "e2e-worker"
    bot.say(sender, "hello")
    bot.say(sender, "/affirm")
    asked = bot.say(sender, "I'm a support worker, filling this in with Mrs Brown")
    assert asked[-1]["text"] == "How should I refer to the person you support?"
    intro, first = bot.texts(sender, '/choose{"choice":"she"}')
    assert "quotation marks" in intro
    assert first == "What's her best hope from this assessment?"

    answer = (
        'She said "I just want to get to the shops on my own again". '
        "Daughter visits Sundays but lives in Perth."
    )
    reflection, draft = bot.texts(sender, answer)
    assert reflection == "So, in her own words: “I just want to get to the shops on my own again”."
    assert "something that matters to her" in draft
    assert bot.texts(sender, "/affirm")[-1] == "Why does that matter to her?"
    thanks = bot.texts(sender, 'she told me "I hate asking folk for help"')
    assert thanks[0] == "Thank you. That helps explain what it means to her."
    nxt = bot.texts(sender, "her daughter could come with her the first few times")
    assert nxt[-1] == "When she has a good day, what makes it good?"
    bot.say(sender, "She loves her garden and used to grow prize roses")
    bot.say(sender, "/deny")
    bot.say(sender, typed_to_rasa("/stop"))

    record = bot.export("rest", sender)
    assert (record["role"], record["pronoun"]) == ("worker", "she")
    confirmed = [o for o in record["outcomes"] if o["status"] == "confirmed"]
    assert [(o["statement"], o["voice"]) for o in confirmed] == [
        ("I just want to get to the shops on my own again", "own")
    ]
    assert confirmed[0]["why"] == 'she told me "I hate asking folk for help"'
    assert record["answers"][0]["text"] == answer  # the worker's notes, kept whole
    assert record["actions"][0]["who"] == ["her daughter"]


def test_restart_asks_first_and_keeps_what_was_said(bot) -> None:
    sender = "e2e-restart"
    bot.begin(sender)
    bot.say(sender, "I'd like to get back to swimming at the leisure centre")
    bot.say(sender, "/affirm")
    ask = bot.say(sender, typed_to_rasa("/restart"))
    assert ask[-1]["text"].startswith("Start again from the first question?")
    assert bot.texts(sender, "/deny") == [
        "Alright, we'll carry on where we were.",
        "Why does that matter to you?",
    ]
    bot.say(sender, typed_to_rasa("/restart"))
    again = bot.say(sender, "/affirm")
    assert again[-1]["text"] == "Who is this for?"
    # Asked afresh, in the other phrasing: this person has heard the first one.
    assert bot.texts(sender, '/choose{"choice":"self"}')[-1] == topic_question("best_hope", visit=1)
    outcomes = bot.export("rest", sender)["outcomes"]
    assert [o["status"] for o in outcomes] == ["confirmed"]


def test_a_correction_after_confirming_changes_the_words(bot) -> None:
    sender = "e2e-correction"
    bot.begin(sender)
    bot.say(sender, "I want to get out into the garden more")
    bot.say(sender, "/affirm")
    fixed = bot.texts(sender, "no, I meant I want to get down to my allotment")
    assert fixed == [
        "Thank you, I've changed it to: “I want to get down to my allotment”.",
        "Why does that matter to you?",
    ]
    bot.say(sender, "it's where all my pals are")
    [outcome] = bot.export("rest", sender)["outcomes"]
    assert outcome["statement"] == "I want to get down to my allotment"
    assert outcome["why"] == "it's where all my pals are"


def test_any_message_after_a_pause_carries_on(bot) -> None:
    sender = "e2e-any-message"
    bot.begin(sender)
    bot.say(sender, typed_to_rasa("/pause"))
    assert bot.texts(sender, "hiya") == [
        "Welcome back. Let's carry on where we left off.",
        "What's your best hope from this assessment?",
    ]


def test_a_finished_journey_ends_with_the_summary_and_the_offers(bot) -> None:
    sender = "e2e-finish"
    bot.begin(sender)
    bot.say(sender, "To feel less lonely, I'd love to see my grandchildren more")
    bot.say(sender, "/affirm")
    bot.say(sender, "/skip")
    replies = []
    for _ in range(9):
        replies = bot.say(sender, "/skip")
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/plan", "/share"]
    summary = " ".join(r.get("text", "") for r in replies)
    assert "grandchildren" in summary
    replies = bot.say(sender, "/plan")
    plan = [r["text"] for r in replies if r.get("text")]
    assert plan[0].startswith("My support plan") and "Review date" in plan[-1]
    assert replies[-1]["custom"]["document"]["filename"] == "my-plan.pdf"
    share = bot.texts(sender, "/share")[0]
    assert "Here's a code for your worker" in share
    assert bot.texts(sender, "/unshare")[0].startswith("Done. Your share codes are cancelled")


def test_delete_erases_the_record_and_says_so(bot) -> None:
    sender = "e2e-delete"
    bot.begin(sender)
    bot.say(sender, "I'd like to cook my own tea again")
    bot.say(sender, "/affirm")
    ask = bot.say(sender, "/delete")
    assert [b["payload"] for b in ask[-1]["buttons"]] == ["/affirm", "/deny"]
    done = bot.say(sender, "/affirm")
    assert "erased" in done[0]["text"]
    assert done[1]["custom"] == {"erase_conversation": True}  # for the front end
    record = bot.export("rest", sender)
    assert record["outcomes"] == [] and record["answers"] == [] and record["consented_at"] is None


def test_a_review_looks_again_at_each_kept_outcome(bot) -> None:
    sender = "e2e-review"
    bot.begin(sender)
    bot.say(sender, "I'd like to walk to the post office on my own")
    bot.say(sender, "/affirm")
    bot.say(sender, typed_to_rasa("/stop"))

    started = bot.texts(sender, typed_to_rasa("/review"))
    assert started[0].startswith("Let's look again at what matters to you")  # not "1 things"
    assert started[-1].startswith("“I'd like to walk to the post office on my own”. From 1")
    assert bot.texts(sender, "about a six") == ["What has helped with it?"]
    bot.say(sender, "the physio exercises")
    bot.say(sender, "/skip")
    asked = bot.say(sender, "I met a neighbour I hadn't seen in years")
    assert [b["payload"] for b in asked[-1]["buttons"]] == [
        '/choose{"choice":"keep"}',
        '/choose{"choice":"change"}',
        '/choose{"choice":"drop"}',
    ]
    done = bot.texts(sender, '/choose{"choice":"keep"}')
    assert done[0] == "Thank you, I've kept it and noted how it's going."
    assert "looked at again" in done[-1]

    [review] = bot.export("rest", sender)["reviews"]
    assert (review["rating"], review["helped"], review["hindered"]) == (
        6,
        "the physio exercises",
        None,
    )
    assert review["unintended"] == "I met a neighbour I hadn't seen in years"
    assert review["decision"] == "keep" and review["reviewer"] == "person"


def test_a_worker_erases_everything_on_the_persons_request_with_their_code(bot) -> None:
    sender = "e2e-forget"
    bot.begin(sender)
    bot.say(sender, "I'd like to get my confidence back after the fall")
    bot.say(sender, "/affirm")
    share = bot.texts(sender, typed_to_rasa("/share"))[0]
    code = re.search(r"code for your worker: ([A-Z0-9-]+)\.", share).group(1)
    assert bot.tracker_events(sender)

    done = subprocess.run(
        [sys.executable, "-m", "bot", "forget", "--person", code],
        env=bot.env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Erased the record" in done.stdout
    record = bot.export("rest", sender)
    assert record["outcomes"] == [] and record["answers"] == [] and record["shares"] == []
    assert bot.tracker_events(sender) == []
    again = subprocess.run(
        [sys.executable, "-m", "bot", "forget", "--person", code],
        env=bot.env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert again.returncode == 1  # the code went with the record


def test_a_trainee_practises_with_iris_and_gets_a_scorecard_and_progress(bot) -> None:
    sender = "e2e-practice"
    bot.begin(sender)  # agreed to keeping answers, so scorecards are kept for /progress
    bot.say(sender, typed_to_rasa("/stop"))
    offer = bot.say(sender, typed_to_rasa("/practice"))
    assert offer[-1]["text"].startswith("Who would you like to practise with?")
    assert '/choose{"choice":"iris"}' in [b["payload"] for b in offer[-1]["buttons"]]
    for attempt in range(2):
        intro, opening = bot.texts(sender, '/choose{"choice":"iris"}')
        assert intro.startswith("You're talking with Iris, 82.")
        assert opening.startswith("Iris: “")
        reply = bot.texts(sender, "What's been on your mind since you came home?")
        assert reply[0].startswith("Iris: “")
        if attempt == 0:
            # "/nudges off" says what it means, however often it is typed; it is not a turn.
            for _ in range(2):
                off = bot.texts(sender, typed_to_rasa("/nudges off"))
                assert off == ["Tips are off. Type /nudges to turn them back on."]
            assert bot.texts(sender, typed_to_rasa("/nudges on")) == ["Tips are on again."]
        bot.say(sender, "It sounds like the kitchen has become a worrying place for you.")
        scorecard = bot.texts(sender, typed_to_rasa("/end"))
        assert scorecard[0].startswith("Your practice with Iris: 2 turns.")
        assert "saved" in scorecard[-1]
        assert all(len(message) <= 600 for message in scorecard)
        if attempt == 0:
            bot.say(sender, typed_to_rasa("/practice"))
    progress = bot.texts(sender, typed_to_rasa("/progress"))
    assert progress and progress[0]
    assert len(bot.export("rest", sender)["practice"]) == 2


def test_buttons_reach_the_person_whole_and_rasa_logs_no_placeholder_errors(bot) -> None:
    sender = "buttons-and-placeholders"
    bot.say(sender, "hello")
    asked = bot.say(sender, "/affirm")
    payloads = [button["payload"] for button in asked[-1]["buttons"]]
    assert '/choose{"choice":"self"}' in payloads and '/choose{"choice":"practice"}' in payloads
    offer = bot.say(sender, '/choose{"choice":"practice"}')
    assert '/choose{"choice":"iris"}' in [b["payload"] for b in offer[-1]["buttons"]]
    # Single braces in a payload made Rasa log an interpolation error for every such message.
    assert "interpolator.interpolate.text" not in bot.logs()
