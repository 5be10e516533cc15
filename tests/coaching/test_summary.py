import pytest

from bot.coaching.summary import MAX_MESSAGE, empowering_summary

STRENGTHS = ["my daughter pops in every day", "I was a nurse for 30 years"]
OUTCOMES = ["I want to cook my dinner on my own", "I would like to visit my sister more"]
STEPS = ["ask the OT about a perching stool"]


def test_strengths_then_what_matters_then_next_steps() -> None:
    messages = empowering_summary(STRENGTHS, OUTCOMES, STEPS)
    assert len(messages) == 3
    strengths, matters, steps = messages
    assert strengths.startswith("You told me about")
    assert "your daughter pops in every day" in strengths
    assert "you were a nurse for 30 years" in strengths
    assert matters.startswith("What matters most to you")
    assert "“I want to cook my dinner on my own”" in matters
    assert "“I would like to visit my sister more”" in matters
    assert "“ask the OT about a perching stool”" in steps


def test_outcomes_are_quoted_in_the_persons_own_words() -> None:
    outcome = "I want to get back to my garden so that I feel like me again"
    (message,) = empowering_summary([], [outcome], [])
    assert f"“{outcome}”" in message


@pytest.mark.parametrize(
    ("strengths", "outcomes", "steps", "count", "first_words"),
    [
        ([], OUTCOMES, STEPS, 2, "What matters"),
        (STRENGTHS, [], [], 1, "You told me about"),
        ([], [], STEPS, 1, "Your next steps"),
        (["  ", ""], ["", " . "], [], 1, "Thank you"),
    ],
)
def test_empty_parts_are_skipped(
    strengths: list[str], outcomes: list[str], steps: list[str], count: int, first_words: str
) -> None:
    messages = empowering_summary(strengths, outcomes, steps)
    assert len(messages) == count
    assert messages[0].startswith(first_words)


def test_nothing_at_all_gives_one_kind_sentence() -> None:
    messages = empowering_summary([], [], [])
    assert len(messages) == 1
    assert messages[0].startswith("Thank you")
    assert "“" not in messages[0]


def test_one_strength_and_several_are_worded_to_match() -> None:
    (one,) = empowering_summary(["I'm stubborn"], [], [])
    assert one.startswith("You told me about a real strength: you're stubborn.")
    several = empowering_summary(["I'm stubborn", "I keep going"], [], [])[0]
    assert several.startswith("You told me about some real strengths: you're stubborn and you keep")


def test_repeats_are_dropped() -> None:
    messages = empowering_summary([], ["I want to stay at home.", "i want to stay at home"], [])
    assert messages[0].count("stay at home") == 1


@pytest.mark.parametrize(
    ("strengths", "outcomes", "steps"),
    [
        (["x" * 400], ["word " * 120], ["z" * 500]),
        (
            ["my son helps"] * 1 + [f"strength number {i} is quite long indeed" for i in range(9)],
            [f"I want to do thing number {i} again, whatever it takes" for i in range(12)],
            [f"step {i}" for i in range(20)],
        ),
    ],
)
def test_every_message_is_short(
    strengths: list[str], outcomes: list[str], steps: list[str]
) -> None:
    messages = empowering_summary(strengths, outcomes, steps)
    assert 3 <= len(messages) <= 12
    assert all(0 < len(m) <= MAX_MESSAGE for m in messages)


def test_long_outcome_lists_are_all_kept_across_messages() -> None:
    outcomes = [f"I want to do thing number {i} again, whatever it takes" for i in range(12)]
    joined = " ".join(empowering_summary([], outcomes, []))
    assert all(f"thing number {i} again" in joined for i in range(12))


@pytest.mark.parametrize("role", ["self", "carer", "worker"])
def test_plain_respectful_words_for_every_role(role: str) -> None:
    text = " ".join(empowering_summary(STRENGTHS, OUTCOMES, STEPS, role=role)).lower()
    assert "service user" not in text
    assert "client" not in text


def test_worker_role_speaks_about_the_person() -> None:
    messages = empowering_summary(
        ["she still does her own garden"], ["She wants to go out"], [], role="worker"
    )
    assert messages[0] == (
        "You told me about their strengths: she still does her own garden. "
        "That's a lot to build on."
    )
    assert messages[1].startswith("What matters to them, in their words: “She wants to go out”.")


def test_carer_role_recognises_the_caring() -> None:
    (message,) = empowering_summary(["I look after him when mum is at work"], [], [], role="carer")
    assert "you look after him when mum is at work" in message
    assert "caring" in message


def test_names_keep_their_capital() -> None:
    (message,) = empowering_summary(["Jean next door keeps an eye on me"], [], [])
    assert "Jean next door keeps an eye on you" in message


def test_services_are_listed_with_the_outcome_each_is_for() -> None:
    from bot.coaching.summary import services_summary

    text = services_summary(
        [
            {"text": "walk-in shower", "for_outcome": "I want to wash every morning"},
            {"text": "home care", "for_outcome": None},
        ]
    )
    assert text == (
        "You also asked about: walk-in shower (for “I want to wash every morning”) and "
        "home care. I've noted each of these down."
    )
    assert services_summary([]) is None


def test_a_long_list_of_services_stays_one_short_message() -> None:
    from bot.coaching.summary import services_summary

    many = [{"text": "x" * 100, "for_outcome": "y" * 300}] * 6
    text = services_summary(many)
    assert text is not None and len(text) <= MAX_MESSAGE * 2 and "3 more" in text


def test_a_workers_notes_are_summed_up_apart_and_briefly() -> None:
    from bot.coaching.summary import notes_summary

    message = notes_summary(["She wants to walk to the shop", "x" * 400, "a", "b", "c"])
    assert message.startswith("From your own notes")
    assert "“She wants to walk to the shop”" in message and "2 more" in message
    assert len(message) <= 600
