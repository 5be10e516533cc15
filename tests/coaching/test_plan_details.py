"""Plan details (bot.coaching.plan_details): who, when and where, in the person's words."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.coaching.plan_details import SELF, PlanDetails, plan_details


@pytest.mark.parametrize(
    ("answer", "who", "when", "where"),
    [
        (
            "My son could take me to the shops on Saturdays",
            ("my son",), "on Saturdays", "to the shops",
        ),
        (
            "a physio at the health centre, maybe twice a week",
            ("a physio",), "twice a week", "at the health centre",
        ),
        ("I could do it myself with a bit of practice", ("me",), None, None),
        ("Someone from the council could sort the ramp next week",
         ("someone from the council",), "next week", None),
        ("A befriender, maybe once a week, or the OT", ("a befriender", "the OT"),
         "once a week", None),
        ("Social work could help. My worker comes on Tuesdays.", ("social work", "my worker"),
         "on Tuesdays", None),
        ("My daughter could take me to the GP", ("my daughter",), None, "to the GP"),
        ("I could go to the gym with my pal Tam on Mondays and Thursdays",
         ("me", "my pal Tam"), "on Mondays and Thursdays", "to the gym"),
        ("My daughter and I could cook together in the kitchen at teatime",
         ("my daughter", "me"), "at teatime", "in the kitchen"),
        ("a befriender from Age UK on the phone", ("a befriender from Age UK",), None,
         "on the phone"),
        ("When I get out of hospital my neighbour could do the shopping", ("my neighbour",),
         "When I get out of hospital", None),
        ("I'll practise on my own every day", ("me",), "every day", None),
        ("the lads at the bowling club could help me", ("the lads at the bowling club",),
         None, None),
        ("Maybe my sister, round at my sister's place after Christmas", ("my sister",),
         "after Christmas", "round at my sister's place"),
    ],
)  # fmt: skip
def test_who_when_where(
    answer: str, who: tuple[str, ...], when: str | None, where: str | None
) -> None:
    assert plan_details(answer) == PlanDetails(who=who, when=when, where=where)


@pytest.mark.parametrize(
    "answer",
    [
        "every morning before breakfast",
        "next month",
        "after my operation",
        "in the evenings",
        "at the weekend",
        "three times a week",
        "first thing in the morning",
        "in a couple of weeks",
        "by the summer",
        "tomorrow afternoon",
    ],
)
def test_when_is_the_time_phrase_itself(answer: str) -> None:
    details = plan_details(answer)
    assert details.when == answer
    assert details.where is None
    assert details.who == ()


@pytest.mark.parametrize(
    "answer",
    [
        "at home",
        "in the kitchen",
        "at the day centre",
        "online",
        "over the phone",
        "at my daughter's",
        "in town",
        "at the local swimming pool",
    ],
)
def test_where_is_the_place_phrase_itself(answer: str) -> None:
    details = plan_details(answer)
    assert details.where == answer
    assert details.when is None


@pytest.mark.parametrize(
    "answer",
    [
        "Nothing really",
        "I don't know",
        "I want to garden again",  # a wish, not the person offering to do something
        "I'd like my son to help",  # "I'd like" is not the person helping
        "I would love to get back to work",
        "",
    ],
)
def test_nothing_said_is_none(answer: str) -> None:
    details = plan_details(answer)
    assert SELF not in details.who
    assert details.when is None
    assert details.where is None


def test_me_as_the_object_is_not_the_person_helping() -> None:
    assert plan_details("My son could take me out").who == ("my son",)
    assert plan_details("She could ring me on a Friday") == PlanDetails((), "on a Friday", None)


def test_self_is_written_me_once() -> None:
    assert plan_details("I could do it myself, on my own, I'll manage").who == ("me",)


def test_words_are_exact_stretches_of_the_answer() -> None:
    answer = "Perhaps a Volunteer from the Library could visit Every Other Week at the flat"
    details = plan_details(answer)
    assert details.when == "Every Other Week"
    assert details.where == "at the flat"
    for phrase in (details.when, details.where):
        assert phrase in answer


def test_is_frozen() -> None:
    details = plan_details("my son on Saturdays")
    with pytest.raises(dataclasses.FrozenInstanceError):
        details.when = "never"  # type: ignore[misc]


def test_fast() -> None:
    answer = (
        "My son could take me to the shops on Saturdays, and a physio at the health centre "
        "maybe twice a week after my operation; I could practise myself in the evenings."
    )
    started = time.perf_counter()
    for i in range(200):
        plan_details(answer + str(i))
    assert (time.perf_counter() - started) / 200 < 0.001


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        ("My son could drive me on Saturdays", True),
        ("I could do it myself with a bit of practice", True),
        ("my daughter and the GP", True),
        ("a physio at the health centre", False),
        ("someone from the council", False),
    ],
)
def test_the_persons_and_familys_own_contribution_is_recognised(text, ours) -> None:
    from bot.coaching.plan_details import own_contribution

    assert own_contribution(plan_details(text)) is ours
