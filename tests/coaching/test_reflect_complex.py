import re

import pytest

from bot.coaching.contracts import Span
from bot.coaching.reflect import (
    NEUTRAL_REFLECTION,
    affirmation,
    complex_reflection,
    reflect,
    simple_reflection,
    turn_pronouns,
)
from bot.coaching.strengths import find_strengths


@pytest.mark.parametrize(
    ("answer", "reflection"),
    [
        # the examples in the brief
        ("I just want to do things for myself again", "Being independent really matters to you."),
        ("I miss my friends from the club", "You miss the company of your friends."),
        ("I'm scared I'll fall again", "Falling again is a real worry for you."),
        (
            "I don't want to be a burden on my daughter",
            "It matters to you not to put too much on your daughter.",
        ),
        # worry, grounded in the person's own verb
        ("I'm frightened I'll lose my flat.", "Losing your flat is a real worry for you."),
        ("I'm terrified of dropping him.", "Dropping him is a real worry for you."),
        (
            "My biggest fear is that I'll end up in a home.",
            "Ending up in a home is a real worry for you.",
        ),
        # company and connection
        (
            "It's so lonely since the lunch club shut.",
            "Having people around you, and some company, really matters to you.",
        ),
        (
            "I'd love to see my grandchildren more.",
            "Time with your grandchildren means a lot to you.",
        ),
        ("Since Ted died I just sit in.", "It sounds like you really miss Ted."),
        ("Nobody really. My mum died last year.", "It sounds like you really miss your mum."),
        ("I lost my wife in March.", "It sounds like you really miss your wife."),
        # being heard, respect, having a say
        ("The doctor never listens to me.", "Being listened to really matters to you."),
        (
            "I want someone to take me seriously.",
            "Being listened to and taken seriously really matters to you.",
        ),
        ("They talk to me like a child.", "Being treated with respect really matters to you."),
        (
            "I want a fresh start where nobody judges me.",
            "Being accepted, without being judged, really matters to you.",
        ),
        (
            "Stop deciding things for me.",
            "Having your say in decisions about you really matters to you.",
        ),
        # safety, home, health
        ("I want to feel safe in my own home.", "Feeling safe at home really matters to you."),
        ("I want Mum to be safe.", "Keeping Mum safe really matters to you."),
        ("I don't want to go into a care home.", "Staying in your own home really matters to you."),
        ("I just want my own wee place.", "Having a place of your own really matters to you."),
        ("I want to stay off the drink.", "Staying in recovery really matters to you."),
        (
            "If the pain eased I could sleep.",
            "Having less pain would make a real difference to you.",
        ),
        # purpose, confidence, a carer's own time, identity
        ("I just want to feel useful again.", "Feeling useful really matters to you."),
        ("I'd like to give something back.", "Giving something back really matters to you."),
        ("My confidence is shot.", "Getting your confidence back really matters to you."),
        ("I want to feel like myself again.", "Feeling like yourself again really matters to you."),
        (
            "I need a break, just a day.",
            "Getting a break, some time for yourself, really matters to you.",
        ),
        (
            "I want to still be his wife, not just do his tablets.",
            "Still being his wife, not just his carer, really matters to you.",
        ),
    ],
)
def test_complex_reflection_names_the_value_behind_the_words(answer: str, reflection: str) -> None:
    assert complex_reflection(answer) == reflection


@pytest.mark.parametrize(
    "answer",
    [
        "I live in Leeds",
        "I have two cats.",
        "My son lives in Leeds.",
        "I'm 82.",
        "I had a fall last year.",
        "I do my own shopping.",
        "I stay at home most days.",
        "I'm going back home on Friday.",
        "I'm not worried about my money.",
        "I'm not scared I'll fall.",
        "I don't want to be that mum.",
        "I want a stairlift.",
        "I miss my garden",
        "don't know",
        "",
        "😀",
    ],
)
def test_complex_reflection_is_none_when_unsure(answer: str) -> None:
    assert complex_reflection(answer) is None


def test_reflect_prefers_the_complex_reflection() -> None:
    assert reflect("I'm scared I'll fall again") == "Falling again is a real worry for you."


@pytest.mark.parametrize(
    ("answer", "reflection"),
    [
        ("I miss my garden", "You miss your garden."),
        ("I live in Leeds", "You live in Leeds."),
        ("I was a cook and I am proud of it", "You were a cook and you are proud of it."),
    ],
)
def test_reflect_falls_back_to_the_simple_reflection(answer: str, reflection: str) -> None:
    assert reflect(answer) == reflection == simple_reflection(answer)


@pytest.mark.parametrize("answer", ["", "   ", "😀😀", "123 456", "dunno", "Not sure really"])
def test_reflect_is_never_empty(answer: str) -> None:
    assert reflect(answer) == NEUTRAL_REFLECTION


def test_i_contractions_are_not_capitalised_mid_sentence() -> None:
    assert turn_pronouns("I can cook and I'm proud, I'd manage") == (
        "you can cook and you're proud, you'd manage"
    )
    assert turn_pronouns("My garden") == "Your garden"


# --- affirmations ---------------------------------------------------------------------------


def affirm(answer: str) -> str | None:
    return affirmation(answer, find_strengths(answer))


@pytest.mark.parametrize(
    "answer",
    ["I live in Leeds.", "No family nearby.", "My daughter can't help any more.", "dunno", ""],
)
def test_no_affirmation_without_a_strength(answer: str) -> None:
    assert find_strengths(answer) == []
    assert affirm(answer) is None


def test_no_affirmation_when_the_strengths_list_is_empty() -> None:
    assert affirmation("I was a nurse for 30 years and I'm stubborn.", []) is None


@pytest.mark.parametrize(
    ("answer", "choices"),
    [
        (
            "I was a nurse for 30 years.",
            {
                "Thirty years as a nurse — you know a lot about looking after people.",
                "Thirty years as a nurse — that's a lot of know-how about looking after people, "
                "and it's still yours.",
            },
        ),
        (
            "My daughter pops in every day.",
            {
                "It sounds like your daughter pops in every day — that's a real support to have.",
                "It sounds like your daughter pops in every day — that kind of support counts "
                "for a lot.",
            },
        ),
        (
            "I still do my own garden.",
            {
                "You still do your own garden — that takes real determination.",
                "You still do your own garden — that's a real strength to build on.",
            },
        ),
        (
            "I'm stubborn.",
            {
                "You're stubborn — that kind of determination counts for a lot.",
                "You're stubborn — that strength will help you now too.",
            },
        ),
    ],
)
def test_affirmation_is_specific_to_the_strength(answer: str, choices: set[str]) -> None:
    assert affirm(answer) in choices


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        ("I was a joiner for 40 years.", "Forty years as a joiner"),
        ("I used to manage a team of twelve.", "team of twelve"),
        ("My neighbour Jean pops in most mornings.", "your neighbour Jean"),
        ("Just me and the cat now.", "cat"),
        ("My faith.", "faith"),
        ("I’m good with my hands.", "You're good with your hands"),  # curly apostrophe
        ("I promised Dad I'd look after her.", "You promised Dad you'd look after her"),
        ("He's really funny once you know him.", "him"),
        ("I've been clean 4 months.", "You've been clean 4 months"),
    ],
)
def test_affirmation_names_what_was_heard(answer: str, named: str) -> None:
    said = affirm(answer)
    assert said is not None
    assert named in said
    assert said.endswith(".")
    assert not re.search(r"\bwell done\b|\bgreat job\b|\bamazing\b", said, re.I)


def test_the_most_telling_strength_is_affirmed() -> None:
    said = affirm("My son pops round. I was a nurse for 30 years.")
    assert said is not None and said.startswith("Thirty years as a nurse")


def test_affirmation_wording_is_deterministic_but_varies() -> None:
    answers = [
        f"My {who} pops in every day."
        for who in ("son", "daughter", "sister", "brother", "neighbour", "nephew", "niece", "pal")
    ]
    first = [affirm(a) for a in answers]
    assert first == [affirm(a) for a in answers]
    tails = {said.split("—")[1] for said in first if said}
    assert len(tails) > 1


def test_affirmation_uses_british_english() -> None:
    said = affirm("I have a lovely neighbour who does my shopping.")
    assert said is not None and "neighbour" in said and "neighbor" not in said


def test_affirmation_accepts_spans_from_elsewhere() -> None:
    span = Span("I'm good at maths", 0, 17)
    said = affirmation("I'm good at maths", [span])
    assert said in {
        "You're good at maths — that's a real strength.",
        "You're good at maths — that's a real strength to build on.",
    }
