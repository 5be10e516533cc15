"""The person's voice in worker notes, and pronouns (bot.coaching.voice)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.coaching.voice import HE, SHE, THEY, Pronouns, Voice, pronouns, split_voice


@pytest.mark.parametrize(
    ("note", "quotes", "notes"),
    [
        (
            'She said "I just want to get back to my allotment". Daughter visits Sundays.',
            ("I just want to get back to my allotment",),
            "Daughter visits Sundays.",
        ),
        ("“I miss my wife,” he said quietly. Lives alone.", ("I miss my wife",), "Lives alone."),
        (
            "He said: 'I don't want to go into a home'. Has a cat.",
            ("I don't want to go into a home",),
            "Has a cat.",
        ),
        (
            "She was upset and said ‘nobody listens to me’. GP aware.",
            ("nobody listens to me",),
            "She was upset. GP aware.",
        ),
        (
            "'I'm not giving up,' she said, 'not yet.' Walks with a frame.",
            ("I'm not giving up", "not yet"),
            "Walks with a frame.",
        ),
        (
            'She said she was tired, "I just can\'t be bothered".',
            ("I just can't be bothered",),
            "She said she was tired.",
        ),
        (
            "Keen to get out. “I’m sick of these four walls,” said Jean. Son visits.",
            ("I’m sick of these four walls",),
            "Keen to get out. Son visits.",
        ),
        ("In her words: “I feel like a prisoner”.", ("I feel like a prisoner",), ""),
        (
            "He said 'I want to get out more'. Son says 'he won't use the frame'.",
            ("I want to get out more", "he won't use the frame"),
            "",
        ),
        (
            "She told me ‘I can’t manage the stairs’ and ‘I’m scared of falling’.",
            ("I can’t manage the stairs", "I’m scared of falling"),
            "",
        ),
        ('"Everything."', ("Everything",), ""),
        # a quote that is part of the worker's own sentence stays in it
        (
            'Described the carers as "rubbish" and wants a change.',
            ("rubbish",),
            'Described the carers as "rubbish" and wants a change.',
        ),
    ],
)
def test_quotes_are_the_persons_words(note: str, quotes: tuple[str, ...], notes: str) -> None:
    assert split_voice(note) == Voice(quotes=quotes, notes=notes)


@pytest.mark.parametrize(
    "note",
    [
        "She doesn't like the carers. Jean's daughter helps.",
        "Don’t rush him, he’s had a rough week.",
        "Plays rock 'n' roll records 'cos they cheer him up.",
        "Goes to the Smiths' house on Fridays.",
        "Went to the '60s night at the club.",
        "No quotes here at all.",
    ],
)
def test_apostrophes_are_not_quote_marks(note: str) -> None:
    assert split_voice(note) == Voice(quotes=(), notes=note)


@pytest.mark.parametrize(
    ("note", "quotes", "notes"),
    [
        (
            'Told me "I want to go home. Daughter unsure.',
            ("I want to go home",),
            "Daughter unsure.",
        ),
        ("Said ‘leave me be! Refused the visit.", ("leave me be!",), "Refused the visit."),
        ("He said \"I'm fine", ("I'm fine",), ""),
    ],
)
def test_an_unclosed_quote_runs_to_the_end_of_its_sentence(
    note: str, quotes: tuple[str, ...], notes: str
) -> None:
    assert split_voice(note) == Voice(quotes=quotes, notes=notes)


def test_framing_that_says_more_is_kept() -> None:
    voice = split_voice("Mum says 'I'm fine' but she isn't eating.")
    assert voice.quotes == ("I'm fine",)
    assert "says" not in voice.notes
    assert voice.notes == "But she isn't eating."


def test_notes_have_no_double_spaces_or_dangling_punctuation() -> None:
    voice = split_voice('Lives alone ,  "I manage" .  Needs  a  rail.')
    assert voice.quotes == ("I manage",)
    assert "  " not in voice.notes
    assert not voice.notes.startswith((".", ","))
    assert voice.notes.endswith("rail.")


def test_empty_input() -> None:
    assert split_voice("") == Voice(quotes=(), notes="")


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("she", SHE),
        ("She/her", SHE),
        ("her", SHE),
        (" SHE / HER ", SHE),
        ("he", HE),
        ("him", HE),
        ("He/him", HE),
        ("they", THEY),
        ("them", THEY),
        ("they/them", THEY),
        ("Use they/them please", THEY),
        ("she/they", SHE),  # the first set named
    ],
)
def test_pronoun_choices(choice: str, expected: Pronouns) -> None:
    assert pronouns(choice) == expected


@pytest.mark.parametrize("choice", ["", "it", "xe", "my mum", "no idea", "yes", "she is my mum"])
def test_unknown_choice_is_none(choice: str) -> None:
    assert pronouns(choice) is None


def test_pronoun_forms() -> None:
    assert (SHE.they, SHE.them, SHE.their, SHE.is_, SHE.has, SHE.does) == (
        "she", "her", "her", "is", "has", "does")  # fmt: skip
    assert (HE.they, HE.them, HE.their, HE.is_, HE.has, HE.does) == (
        "he", "him", "his", "is", "has", "does")  # fmt: skip
    assert (THEY.they, THEY.them, THEY.their, THEY.is_, THEY.has, THEY.does) == (
        "they", "them", "their", "are", "have", "do")  # fmt: skip


@pytest.mark.parametrize(
    ("choice", "template", "expected"),
    [
        ("she", "What matters most to {them} just now?", "What matters most to her just now?"),
        (
            "they",
            "When {they} {has} a good day, what makes it good?",
            "When they have a good day, what makes it good?",
        ),
        ("he", "When {they} {has} a good day", "When he has a good day"),
        ("he", "{They} {does} {their} own shopping.", "He does his own shopping."),
        ("they", "{Their} family {is} close? {They} {is}.", "Their family are close? They are."),
        ("she", "What does {they} enjoy? {x} {}", "What does she enjoy? {x} {}"),
    ],
)
def test_fill(choice: str, template: str, expected: str) -> None:
    found = pronouns(choice)
    assert found is not None
    assert found.fill(template) == expected


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SHE.they = "he"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        split_voice("x").notes = "y"  # type: ignore[misc]


def test_fast() -> None:
    note = (
        'She said "I just want to get back to my allotment". Daughter visits Sundays. '
        "“I miss my wife,” he said. Doesn't like Jean's dog. 'Leave me be"
    )
    started = time.perf_counter()
    for i in range(200):
        split_voice(note + str(i))
    assert (time.perf_counter() - started) / 200 < 0.001
