import pytest

from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.questions import TOPICS, next_topic, topic_question


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("", AnswerKind.EMPTY),
        ("   \n ", AnswerKind.EMPTY),
        ("🙂🙂🙂", AnswerKind.EMPTY),
        ("\u0000\u200b", AnswerKind.EMPTY),
        ("don't know", AnswerKind.DONT_KNOW),
        ("I dont know really", AnswerKind.DONT_KNOW),
        ("Dunno.", AnswerKind.DONT_KNOW),
        ("not sure tbh", AnswerKind.DONT_KNOW),
        ("Nothing really", AnswerKind.DONT_KNOW),
        ("family", AnswerKind.SHORT),
        ("I miss my garden", AnswerKind.FULL),
        ("I don't know how I'll manage the stairs", AnswerKind.FULL),
    ],
)
def test_assess_answer(answer: str, kind: AnswerKind) -> None:
    assert assess_answer(answer) is kind


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "turn"),
    [
        ("/stop", "stop", 1.0, Turn.STOP),
        ("/pause", "pause", 1.0, Turn.PAUSE),
        ("/help", "help", 1.0, Turn.HELP),
        ("stop", "stop", 0.95, Turn.STOP),
        ("I want to quit this job", "stop", 0.9, Turn.ANSWER),
        ("no, I don't want to talk about my leg", "deny", 0.9, Turn.ANSWER),
        ("stop the home care, it's rubbish", "stop", 0.97, Turn.ANSWER),
        ("stop", "stop", 0.5, Turn.ANSWER),
        ("my family matters most to me", "stop", 0.84, Turn.ANSWER),
    ],
)
def test_commands_are_told_from_answers(text, intent, confidence, turn) -> None:
    assert interpret_turn(text, intent, confidence) is turn


def test_question_is_never_repeated_verbatim_when_probing() -> None:
    first = topic_question("best_hope")
    asked = {
        first,
        topic_question("best_hope", "dont_know", 1),
        topic_question("best_hope", "dont_know", 2),
    }
    assert len(asked) == 3


def test_every_topic_has_two_phrasings_and_returning_people_get_another() -> None:
    for topic in TOPICS:
        assert len(set(topic.phrasings)) >= 2
        assert topic_question(topic.key, visit=0) != topic_question(topic.key, visit=1)


def test_topics_run_in_order_and_end() -> None:
    seen = ["best_hope"]
    while (following := next_topic(seen[-1])) is not None:
        seen.append(following)
    assert seen == [t.key for t in TOPICS]
    assert next_topic(None) == "best_hope"


@pytest.mark.parametrize(
    ("text", "confidence", "turn"),
    [
        ("I want to end this", 0.99, Turn.STOP),  # short enough, and very sure
        ("I want to end this", 0.9, Turn.ANSWER),  # not sure enough for five words
        ("I want to stop going to that day centre", 0.99, Turn.ANSWER),  # too long
    ],
)
def test_longer_messages_need_more_confidence(text, confidence, turn) -> None:
    assert interpret_turn(text, "stop", confidence) is turn


def test_button_intents_count_only_where_offered() -> None:
    from bot.coaching.control import CHOICES

    assert interpret_turn("/affirm", "affirm", 1.0) is Turn.HELP
    assert interpret_turn("/affirm", "affirm", 1.0, choices=CHOICES) is Turn.AFFIRM
    assert interpret_turn("yes", "affirm", 0.96, choices=CHOICES) is Turn.AFFIRM
    assert interpret_turn("yes", "affirm", 0.96) is Turn.ANSWER
    assert interpret_turn('/deny{"x": 1}', "deny", 1.0, choices=CHOICES) is Turn.DENY
