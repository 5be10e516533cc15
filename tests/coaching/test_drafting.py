"""Outcome drafter: the person's words kept, services apart, nothing invented."""

from __future__ import annotations

import pytest

from bot.coaching.drafting import draft_answer

Q = "What matters most to you just now?"


def statements(answer: str) -> list[str]:
    return [o.statement for o in draft_answer(Q, answer).outcomes]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("I'd like to get back to my garden.", ["I'd like to get back to my garden"]),
        ("Getting back to work. I was a joiner for years.", ["I want to get back to work"]),
        ("To see my sister in Fife more often", ["I want to see my sister in Fife more often"]),
        (
            "A ramp so I can get to the shops on my own.",
            ["I want to get to the shops on my own"],
        ),
        (
            "Honestly I just want to be able to cook my own tea again",
            ["I just want to be able to cook my own tea again"],
        ),
    ],
)
def test_statements_keep_the_persons_words(answer, expected) -> None:
    assert statements(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "don't know",
        "Nothing really.",
        "Not sure. Maybe a befriender?",
        "A walk-in shower.",
        "More home care hours please",
        "",
        "🙂🙂",
        "A nice hot bath and some peace and quiet.",  # things named, no aim said
        "My dog.",
    ],
)
def test_nothing_is_invented(answer) -> None:
    assert statements(answer) == []


def test_services_are_separate_and_linked_to_their_outcome() -> None:
    result = draft_answer(Q, "Respite, even one weekend a month, so I can sleep a full night.")
    assert [o.statement for o in result.outcomes] == ["I want to sleep a full night"]
    assert [(s.span.text, s.for_outcome) for s in result.services] == [("Respite", 0)]
    for outcome in result.outcomes:
        assert "respite" not in outcome.statement.lower()


def test_every_outcome_has_a_domain_and_strengths_are_exact_substrings() -> None:
    answer = "I was a cook for forty years. I want to make my own soup again."
    result = draft_answer(Q, answer)
    assert all(o.domain for o in result.outcomes)
    assert [answer[s.start : s.end] for s in result.strengths] == [s.text for s in result.strengths]
    assert result.affirmation is not None


def test_risk_stops_drafting() -> None:
    result = draft_answer(Q, "I want to end it all, there's no point going on")
    assert result.risk is not None and result.risk.category == "self_harm"
    assert result.outcomes == [] and result.services == []


def test_contract_json_shape() -> None:
    shaped = draft_answer(Q, "A ramp so I can get out").as_json()
    assert list(shaped) == ["outcomes", "services", "strengths", "reflection", "affirmation"]
    assert isinstance(shaped["reflection"], str) and shaped["reflection"]


def test_an_aim_with_an_object_pronoun_at_the_end_is_kept() -> None:
    assert statements("I want to enjoy her.") == ["I want to enjoy her"]


def test_a_request_with_then_clause_keeps_the_aim() -> None:
    answer = "A ramp for the chair. Then I can get to the bookies myself like I used to."
    assert statements(answer) == ["I can get to the bookies myself like I used to"]
