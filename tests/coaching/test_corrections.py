"""Corrections (bot.coaching.corrections): "no, I meant…" after the bot wrote something down."""

from __future__ import annotations

import time

import pytest

from bot.coaching.corrections import correction


@pytest.mark.parametrize(
    ("message", "corrected"),
    [
        ("no, I meant I want to garden again", "I want to garden again"),
        ("sorry I meant my granddaughter", "my granddaughter"),
        ("No — what I meant was being able to cook", "being able to cook"),
        ("I mean, to be able to cook for myself", "to be able to cook for myself"),
        ("That's not what I said. I said I want to see my friends", "I want to see my friends"),
        ("not the garden, the allotment", "the allotment"),
        ("the allotment, not the garden", "the allotment"),
        ("No, not my son, my grandson", "my grandson"),
        ("No, I meant my granddaughter, not my daughter", "my granddaughter"),
        ("Sorry, I meant to say my niece", "my niece"),
        ("Oops, typo - I meant walking not talking", "walking"),
        ("It should say I want to see my grandson", "I want to see my grandson"),
        ("Can you change that to gardening please", "gardening"),
        ("No, I said my granddaughter", "my granddaughter"),
        ("That's wrong, it's my son", "my son"),
        ("I didn't say that. I said I miss the choir", "I miss the choir"),
        ("no i meant that i want to swim again.", "i want to swim again"),
        ("I meant: being able to get upstairs", "being able to get upstairs"),
        ("You've got it wrong - I want to go back to work", "I want to go back to work"),
        ("what I meant was, I'd like to get out more", "I'd like to get out more"),
        ("Nah, what I mean is getting to church on a Sunday", "getting to church on a Sunday"),
        ("sorry, I meant “my pals”", "my pals"),
        ("No, I meant my neighbour Jean!", "my neighbour Jean!"),
    ],
)
def test_corrections_give_the_corrected_content(message: str, corrected: str) -> None:
    assert correction(message) == corrected


@pytest.mark.parametrize(
    "message",
    [
        "No, I don't want to talk about my leg",
        "I meant to phone my sister but forgot",
        "I mean it, I want to go home",
        "No meant no, I said it clearly",
        "what I mean is hard to say",
        "no",
        "No.",
        "Sorry",
        "I meant",
        "no, I meant",
        "That's not what I meant",
        "No, I mean it",
        "I mean, it's hard since my wife died",
        "I mean, who wouldn't?",
        "Not really, I don't go out much",
        "not sure",
        "Not the hospital, I hate it there",
        "No, it should be fine",
        "That should be fine",
        "I want to see my friends",
        "I'd like to go out, I mean properly out",
        "My son means the world to me",
        "",
        "   ",
    ],
)
def test_ordinary_answers_are_not_corrections(message: str) -> None:
    assert correction(message) is None


def test_corrected_content_is_the_persons_words() -> None:
    message = "Sorry, I meant I'd love to get back to the Bowls Club"
    corrected = correction(message)
    assert corrected is not None
    assert corrected in message


def test_fast() -> None:
    messages = [
        "No — what I meant was being able to cook",
        "No, I don't want to talk about my leg",
        "That's not what I said. I said I want to see my friends",
        "not the garden, the allotment",
    ]
    started = time.perf_counter()
    for i in range(250):
        for message in messages:
            correction(message + " " * (i % 3))
    assert (time.perf_counter() - started) / 1000 < 0.001


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no, I meant I want to garden again", "I want to garden again"),
        ("sorry I meant my granddaughter", "my granddaughter"),
        ("That's not what I said. I said I want to see my friends", "I want to see my friends"),
        ("I mean, I want to go home", None),
        ("I mean, to be able to cook for myself", None),
    ],
)
def test_strict_corrections_need_a_plain_signal(text, expected) -> None:
    assert correction(text, strict=True) == expected
