"""The practice engine: how personas react to each kind of trainee turn, and the nudges."""

from __future__ import annotations

import itertools

import pytest

from bot.practice.engine import PracticeError, respond, start
from bot.practice.personas import CODES, get_persona, load_personas
from tests.practice.transcripts import REFLECTIVE_IRIS, play

MAX_CHARS = 600


@pytest.fixture
def iris():
    return get_persona("iris")


def test_reflective_trainee_uncovers_all_of_iris_outcomes_within_twelve_turns(iris):
    practice, replies = play(start(iris, seed=3), REFLECTIVE_IRIS)
    assert len(practice.turns) <= 12
    assert set(practice.revealed) == {"kitchen", "steady", "lunch_club"}
    for outcome_id in practice.revealed:
        statement = iris.outcome(outcome_id).statement
        assert any(statement in r.text and outcome_id in r.revealed for r in replies)
    assert all(r.nudge is None for r in replies)


@pytest.mark.parametrize("seed", range(5))
def test_reflective_trainee_succeeds_whatever_the_seed(iris, seed):
    practice, _ = play(start(iris, seed=seed), REFLECTIVE_IRIS)
    assert len(practice.revealed) == 3


def test_all_closed_questions_over_fifteen_turns_uncover_nothing(iris):
    questions = [
        "Do you like cooking?", "Is the kitchen hard now?", "Did you fall in the kitchen?",
        "Are you steady on your feet?", "Do you go to church?", "Do you miss your friends?",
        "Is Bill well?", "Does Carol visit?", "Do you do your exercises?", "Is your wrist sore?",
        "Do you bake?", "Are you lonely?", "Do you want help?", "Is it Thursdays?",
        "Are you worried?",
    ]  # fmt: skip
    practice, replies = play(start(iris, seed=7), [(q, "closed_question") for q in questions])
    assert practice.revealed == ()
    assert all(r.revealed == () for r in replies)
    assert all(len(r.text) < 120 for r in replies), "closed questions get short answers"


@pytest.mark.parametrize("key", sorted(load_personas()))
def test_replies_never_repeat_within_a_practice(key):
    persona = get_persona(key)
    cycle = itertools.cycle(
        [("Is that right?", "closed_question"), ("You could try a rail.", "advice"),
         ("The centre opens at ten.", "giving_information"), ("Right.", "other"),
         ("What's that like?", "open_question"), ("That's hard.", "simple_reflection"),
         ("You're great.", "affirmation"), ("So, in short, it's a lot.", "summary")]
    )  # fmt: skip
    practice, replies = play(start(persona, seed=11), [next(cycle) for _ in range(80)])
    texts = [practice.opening] + [r.text for r in replies]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("key", sorted(load_personas()))
def test_every_text_is_short_with_at_most_one_question(key):
    persona = get_persona(key)
    for seed, code in itertools.product(range(3), CODES):
        practice = start(persona, seed=seed)
        for _ in range(6):
            practice, reply = respond(practice, "What about the kitchen and your family?", code)
            for text in (reply.text, reply.nudge or "", practice.opening):
                assert len(text) <= MAX_CHARS and text.count("?") <= 1, text


def test_same_seed_same_conversation_and_different_seed_differs(iris):
    turns = REFLECTIVE_IRIS + [("Do you drive?", "closed_question")] * 4
    first, a = play(start(iris, seed=5), turns)
    second, b = play(start(iris, seed=5), turns)
    assert first == second and a == b
    _, c = play(start(iris, seed=6), turns)
    assert [r.text for r in a] != [r.text for r in c]


def test_early_advice_meets_resistance_and_lowers_openness(iris):
    practice = start(iris, seed=2)
    after, reply = respond(practice, "You should get a perching stool for the kitchen.", "advice")
    assert reply.text in iris.bank("resist")
    assert after.openness < practice.openness
    assert reply.revealed == ()
    assert reply.nudge and "reflecting what you heard first" in reply.nudge


def test_advice_once_heard_is_considered_not_resisted(iris):
    practice, _ = play(start(iris, seed=2), REFLECTIVE_IRIS[:4])
    assert practice.openness >= iris.temperament.ready_for_ideas
    after, reply = respond(practice, "Some people find a perching stool helps.", "advice")
    assert reply.text in iris.bank("acknowledge")
    assert reply.nudge is None
    assert after.openness == practice.openness


def test_open_questions_and_reflections_raise_openness(iris):
    practice = start(iris, seed=0)
    opened, _ = respond(practice, "What's been on your mind?", "open_question")
    reflected, _ = respond(practice, "It's been a hard few weeks.", "simple_reflection")
    deeper, _ = respond(practice, "You're worried you've lost something of yourself.",
                        "complex_reflection")  # fmt: skip
    assert practice.openness < opened.openness == reflected.openness < deeper.openness


def test_affirmation_of_a_real_strength_warms_and_an_empty_one_does_not(iris):
    practice = start(iris, seed=0)
    real, warm = respond(practice, "Sixty years of cooking for your family, that's a gift.",
                         "affirmation")  # fmt: skip
    empty, shrug = respond(practice, "You're doing brilliantly.", "affirmation")
    assert real.openness > practice.openness and warm.text in iris.bank("warm")
    assert real.turns[-1].strengths == ("cook",)
    assert empty.openness == practice.openness and shrug.text in iris.bank("filler")
    assert warm.nudge is None
    assert shrug.nudge and "real strength" in shrug.nudge


def test_summary_adds_or_corrects_and_can_reveal_when_open(iris):
    _, reply = respond(start(iris, seed=4), "So, things have been hard.", "summary")
    assert reply.text in iris.bank("summary") and reply.revealed == ()
    opened, replies = play(start(iris, seed=4), [
        ("What's the kitchen like for you now?", "open_question"),
        ("It's been a hard few weeks.", "simple_reflection"),
    ])  # fmt: skip
    assert opened.openness >= 4 and opened.revealed == ()
    _, reply = respond(opened, "So things have been hard, and you miss being useful.", "summary")
    assert reply.revealed == ("kitchen",)


def test_information_gets_a_short_acknowledgement(iris):
    _, reply = respond(start(iris), "The falls clinic runs on Wednesdays.", "giving_information")
    assert reply.text in iris.bank("acknowledge") and reply.nudge is None


def test_closed_question_nudge_only_on_the_second_in_a_row(iris):
    practice = start(iris, seed=1)
    practice, first = respond(practice, "Do you cook?", "closed_question")
    practice, second = respond(practice, "Is the kitchen hard?", "closed_question")
    practice, open_ = respond(practice, "What's the kitchen like now?", "open_question")
    practice, again = respond(practice, "Do you bake?", "closed_question")
    assert first.nudge is None
    assert second.nudge == "That was a closed question — try starting with 'what' or 'how'."
    assert open_.nudge is None and again.nudge is None
    practice, third = respond(practice, "Do you like it?", "closed_question")
    assert third.nudge and third.nudge != second.nudge


def test_good_turns_never_get_a_nudge(iris):
    _, replies = play(start(iris, seed=9), REFLECTIVE_IRIS)
    assert [r.nudge for r in replies] == [None] * len(REFLECTIVE_IRIS)


def test_nudges_can_be_switched_off(iris):
    practice = start(iris, seed=1, nudges=False)
    _, replies = play(
        practice,
        [("Do you cook?", "closed_question")] * 3
        + [("You should get a stool.", "advice"), ("Great.", "affirmation")],
    )
    assert all(r.nudge is None for r in replies)


def test_a_defensive_parent_is_put_off_by_closed_questions():
    kerry = get_persona("kerry")
    practice, _ = play(start(kerry, seed=0), [("Is Tyler late a lot?", "closed_question")] * 3)
    assert practice.openness == 0 and practice.revealed == ()
    warmed, _ = play(start(kerry, seed=0), [
        ("You love those two, and you're holding everything together on your own.",
         "affirmation"),
        ("Mornings sound like the hardest part, with you getting in so late.",
         "complex_reflection"),
    ])  # fmt: skip
    assert warmed.openness >= 4 and "mornings" in warmed.revealed


def test_money_comes_first_for_dan():
    dan = get_persona("dan")
    _, reply = respond(start(dan, seed=0), "What's been on your mind most this week?",
                       "open_question")  # fmt: skip
    assert reply.revealed == ("money",)


def test_bad_input_is_refused(iris):
    with pytest.raises(PracticeError, match="unknown code"):
        respond(start(iris), "Hello", "lecture")
    with pytest.raises(PracticeError, match="empty"):
        respond(start(iris), "  ", "open_question")
