"""Important people (bot.coaching.people): who an answer names, in the person's words."""

from __future__ import annotations

import time

import pytest

from bot.coaching.people import important_people, lower_determiner, people_spans


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "My daughter Sarah comes every Sunday and my neighbour Jean pops in",
            ["my daughter Sarah", "my neighbour Jean"],
        ),
        ("the lads at the bowling club", ["the lads at the bowling club"]),
        ("my wee dog Bess", ["my wee dog Bess"]),
        ("Mum and Dad", ["Mum", "Dad"]),
        ("my husband, my two grandsons", ["my husband", "my two grandsons"]),
        ("My GP is very good", ["my GP"]),
        ("The district nurse comes on a Tuesday", ["the district nurse"]),
        ("I couldn't manage without my carer", ["my carer"]),
        ("My church means the world to me", ["my church"]),
        (
            "Friends from church and the ladies at the lunch club",
            ["friends from church", "the ladies at the lunch club"],
        ),
        ("I've got two daughters and a few good friends", ["two daughters", "a few good friends"]),
        ("my daughters Amy and Beth", ["my daughters Amy and Beth"]),
        ("my daughter Sarah and Jean from next door", ["my daughter Sarah", "Jean"]),
        ("We got a dog called Max last year", ["a dog called Max"]),
        ("my late husband John", ["my late husband John"]),
        ("Our Jean rings every night", ["our Jean"]),
        ("Tam comes round most days", ["Tam"]),
        ("I play dominoes with Harry", ["Harry"]),
        ("my son's wife is lovely to me", ["my son's wife"]),
        ("my GP Dr Okafor and the OT", ["my GP Dr Okafor", "the OT"]),
        ("Mum's been great. I miss dad.", ["Mum", "dad"]),
        ("The kids and the grandkids", ["the kids", "the grandkids"]),
        ("my cat Smudge and my budgie", ["my cat Smudge", "my budgie"]),
        ("A friend of mine, Margaret, takes me out", ["a friend of mine", "Margaret"]),
        ("The lady next door pops in", ["the lady next door"]),
        ("My son in law is good to me", ["my son in law"]),
    ],
)
def test_names_the_people_who_matter(answer: str, expected: list[str]) -> None:
    assert important_people(answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # people matter even when they are a problem or absent
        ("my son can't visit any more", ["my son"]),
        ("I miss my wife terribly since she died", ["my wife"]),
        ("My brother moved to Australia and we lost touch", ["my brother"]),
        ("I worry about my granddaughter", ["my granddaughter"]),
    ],
)
def test_problems_and_absences_still_count(answer: str, expected: list[str]) -> None:
    assert important_people(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "I want to walk to the shops",
        "my own life, my health, myself",
        "I want to look after myself better",
        "I have no friends",
        "I don't have any family",
        "Swimming helps me. Gardening keeps me going.",
        "I go to Tesco on Mondays",
        "Living with Parkinson's is hard",
        "I was a nurse for thirty years",
        "When I was a child we lived by the sea",
        "Sunday is the worst day",
        "",
        "   ",
        "?!",
    ],
)
def test_no_people_named(answer: str) -> None:
    assert important_people(answer) == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("my daughter helps. My daughter is brilliant", ["my daughter"]),
        ("MY SON and my son", ["MY SON"]),
        # the fuller phrase stands for the same person, wherever it comes
        ("My daughter Sarah. My daughter helps a lot.", ["my daughter Sarah"]),
        ("my daughter, well my daughter Sarah", ["my daughter Sarah"]),
        # a different person reached through the first is kept
        ("my son and my son's wife", ["my son", "my son's wife"]),
    ],
)
def test_repeats_dropped_ignoring_case(answer: str, expected: list[str]) -> None:
    assert [p.lower() for p in important_people(answer)] == [e.lower() for e in expected]


def test_a_leading_determiner_is_lower_case_and_names_keep_their_capitals() -> None:
    assert important_people("My Mum and our Dad") == ["my Mum", "our Dad"]
    assert important_people("Mum helps") == ["Mum"]
    assert lower_determiner("The lads at the Bowling Club") == "the lads at the Bowling Club"
    assert lower_determiner("Jean") == "Jean"


def test_a_role_the_person_had_is_not_a_person() -> None:
    assert important_people("I'm a carer for my mum") == ["my mum"]


def test_spans_are_exact_stretches_with_offsets() -> None:
    answer = "Well, My neighbour Jean pops in and Mum rings."
    spans = people_spans(answer)
    assert [s.text for s in spans] == ["My neighbour Jean", "Mum"]
    assert all(answer[s.start : s.end] == s.text for s in spans)


def test_fast() -> None:
    answer = (
        "My daughter Sarah comes every Sunday, my neighbour Jean pops in, and the lads at the "
        "bowling club keep me going. I miss my late husband John and my wee dog Bess."
    )
    important_people(answer)  # warm up
    started = time.perf_counter()
    for i in range(200):
        important_people(answer + " " * (i % 7) + str(i))
    assert (time.perf_counter() - started) / 200 < 0.001
