"""Statement classifier: the hard cases named in the issue, on the trained pipeline."""

from __future__ import annotations

import pytest

from bot.coaching.classify import classify_statement


@pytest.mark.parametrize(
    ("text", "kind", "domain", "services"),
    [
        (
            "I want to feel confident enough to go to the day centre on my own",
            "outcome",
            "confidence",
            ["day centre"],
        ),
        ("I want a stairlift", "service", None, ["stairlift"]),
        ("can we get a walk-in shower fitted", "service", None, ["walk-in shower"]),
        ("I don't want to end up in a home", "outcome", "living_as_you_want", []),
        # A named group is kept as a resource, but the statement stays an outcome.
        (
            "Mrs K would like to get back to her knitting group",
            "outcome",
            "things_to_do",
            ["knitting group"],
        ),
        ("i wnat to see my pals more", "outcome", "seeing_people", []),
        ("Mrs D is at high risk of falls", "other", None, []),
        ("Has COPD and lives alone", "other", None, []),
    ],
)
def test_hard_cases(text, kind, domain, services) -> None:
    result = classify_statement(text)
    assert result.kind == kind
    assert result.domain == domain
    assert [s.text for s in result.services] == services


@pytest.mark.parametrize(
    "text",
    [
        "As his carer I want to understand his dementia so I can help him better",
        "i want my mum to get better and come to my football",
        "I'd like to stop feeling so anxious when I go out",
    ],
)
def test_carers_and_childrens_voices_are_outcomes(text) -> None:
    assert classify_statement(text).kind == "outcome"


def test_service_spans_are_exact_offsets_without_request_words() -> None:
    text = "Could we have an advocate and more hours of home care please"
    result = classify_statement(text)
    assert result.kind == "service"
    for span in result.services:
        assert text[span.start : span.end] == span.text
    assert [s.text for s in result.services] == ["advocate", "home care"]


@pytest.mark.parametrize("text", ["", "   ", "😀", "\u0000\u200b"])
def test_empty_and_symbols_are_other(text) -> None:
    result = classify_statement(text)
    assert (result.kind, result.domain, result.services) == ("other", None, [])
    assert result.text == text


def test_contract_shape() -> None:
    assert list(classify_statement("I want a stairlift").as_json()) == [
        "text",
        "kind",
        "domain",
        "services",
    ]
