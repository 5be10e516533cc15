import time

import pytest

from bot.coaching.contracts import Span
from bot.coaching.strengths import (
    MAX_WORDS,
    find_strengths,
    person_phrase,
    strength_kind,
    strengths_with_kinds,
)


def texts(answer: str) -> list[str]:
    return [span.text for span in find_strengths(answer)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # supportive people
        ("My daughter pops in every day.", ["My daughter pops in every day"]),
        ("Well, my neighbour keeps an eye on me.", ["my neighbour keeps an eye on me"]),
        (
            "Peter across the road helps with the bins.",
            ["Peter across the road helps with the bins"],
        ),
        ("I've got good neighbours round here.", ["I've got good neighbours round here"]),
        ("My brother, and my pal Davie.", ["My brother", "my pal Davie"]),
        ("I see friends from church on a Sunday.", ["friends from church"]),
        ("Aisha and Bilal are brilliant with him.", ["Aisha and Bilal are brilliant with him"]),
        # faith, community, pets
        ("My faith keeps me going.", ["My faith keeps me going"]),
        ("I still go to chapel every week.", ["I still go to chapel every week"]),
        ("Just me and the budgie now.", ["the budgie"]),
        ("I've got a dog called Max.", ["I've got a dog"]),
        # skills and past roles
        ("I used to be a cook at the school.", ["I used to be a cook at the school"]),
        ("I was a nurse for 30 years.", ["I was a nurse for 30 years"]),
        ("I'm good with my hands.", ["I'm good with my hands"]),
        ("I worked on the buses for twenty years.", ["I worked on the buses for twenty years"]),
        ("I used to run the tuck shop.", ["I used to run the tuck shop"]),
        ("I know how to fix bikes.", ["I know how to fix bikes"]),
        # what they still do or manage
        ("I still do my own garden.", ["I still do my own garden"]),
        ("I manage my own money.", ["I manage my own money"]),
        ("I keep the flat spotless.", ["I keep the flat spotless"]),
        # coping and determination
        ("I've got through worse.", ["I've got through worse"]),
        ("I'm stubborn, always have been.", ["I'm stubborn"]),
        ("I keep going.", ["I keep going"]),
        ("I won't let it beat me.", ["I won't let it beat me"]),
        ("I've been sober 2 years.", ["I've been sober 2 years"]),
        # a carer's strengths and the strengths of the person cared for
        ("I look after my mum every evening.", ["I look after my mum every evening"]),
        ("She's ever so kind once she knows you.", ["She's ever so kind once she knows you"]),
    ],
)
def test_finds_the_strength_as_a_short_exact_stretch(answer: str, expected: list[str]) -> None:
    assert texts(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "no family nearby",
        "I've got no family nearby.",
        "My daughter can't help any more.",
        "My husband won't accept any help.",
        "My son used to pop in but he moved away.",
        "My mum died last year.",
        "I miss my friends from the club.",
        "I want to see my daughter more.",
        "I'd love to get to church again.",
        "I can't cook any more.",
        "I'm not strong any more.",
        "I was a drinker for years.",
        "I was a bit scared at first.",
        "I still have pain in my knees.",
        "So I can cook my own dinner.",
        "I live in Leeds.",
        "Nobody helps me. My family don't bother.",
        "",
        "   ",
        "😀😀",
    ],
)
def test_problems_wishes_and_plain_facts_are_not_strengths(answer: str) -> None:
    assert find_strengths(answer) == []


@pytest.mark.parametrize(
    "answer",
    [
        "My daughter pops in every day. I was a nurse for 30 years and I still do my own garden.",
        "  I've got through worse.\nI'm stubborn, and my neighbour Jean pops in most mornings.",
        "I’m good with my hands and I’ve got good neighbours.",  # curly apostrophes
        "Sandra and Lyn are brilliant with her. I look after him when mum is at work.",
    ],
)
def test_spans_are_exact_ordered_short_and_separate(answer: str) -> None:
    spans = find_strengths(answer)
    assert len(spans) >= 2
    for span in spans:
        assert isinstance(span, Span)
        assert answer[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert len(span.text.split()) <= MAX_WORDS
    starts = [s.start for s in spans]
    assert starts == sorted(starts)
    for before, after in zip(spans, spans[1:], strict=False):
        assert before.end <= after.start


def test_a_strength_said_twice_is_listed_once() -> None:
    assert texts("My daughter pops in. Honestly, my daughter pops in.") == ["My daughter pops in"]


def test_a_person_and_what_they_do_is_one_strength_not_two() -> None:
    spans = find_strengths("My neighbour Jean pops in most mornings and that's nice.")
    assert [s.text for s in spans] == ["My neighbour Jean pops in most mornings"]


def test_a_long_clause_is_cut_to_a_few_words() -> None:
    answer = "I still do all my own shopping at the big supermarket on the other side of town"
    (span,) = find_strengths(answer)
    assert span.text.startswith("I still do all my own shopping")
    assert len(span.text.split()) == MAX_WORDS


@pytest.mark.parametrize(
    ("span_text", "kind"),
    [
        ("I was a nurse for 30 years", "role"),
        ("I used to manage a team of twelve", "past_skill"),
        ("I've made my own soup every week for sixty years", "practice"),
        ("I've been clean 4 months", "recovery"),
        ("I still do my own garden", "still"),
        ("I'm stubborn", "coping"),
        ("I can cook", "skill"),
        ("I look after him", "caring"),
        ("My daughter pops in every day", "people"),
        ("My faith", "faith"),
        ("my dog Biscuit", "pet"),
        ("the weather", None),
    ],
)
def test_strength_kind(span_text: str, kind: str | None) -> None:
    assert strength_kind(span_text) == kind


def test_kinds_come_with_the_spans() -> None:
    found = strengths_with_kinds("I'm a fighter. My son helps with the shopping.")
    assert [(s.text, k) for s, k in found] == [
        ("I'm a fighter", "coping"),
        ("My son helps with the shopping", "people"),
    ]


@pytest.mark.parametrize(
    ("span_text", "who"),
    [
        ("My neighbour Jean pops in most mornings", "My neighbour Jean"),
        ("friends from church", "friends from church"),
        ("Sandra and Lyn are brilliant with her", "Sandra and Lyn"),
        ("I can cook", None),
    ],
)
def test_person_phrase(span_text: str, who: str | None) -> None:
    assert person_phrase(span_text) == who


def test_fast_enough_for_every_answer() -> None:
    answers = [
        f"My daughter pops in every day number {i}. I was a nurse for {i} years. "
        "I still do my own garden but I'm scared I'll fall again."
        for i in range(200)
    ]
    started = time.perf_counter()
    for answer in answers:
        find_strengths(answer)
    per_answer = (time.perf_counter() - started) / len(answers)
    assert per_answer < 0.005
