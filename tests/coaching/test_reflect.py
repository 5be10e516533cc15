import pytest

from bot.coaching.reflect import simple_reflection, turn_pronouns


@pytest.mark.parametrize(
    ("said", "reflected"),
    [
        ("I miss my garden", "You miss your garden."),
        ("I'm fed up of being stuck in the house", "You're fed up of being stuck in the house."),
        ("I was a cook and I am proud of it", "You were a cook and you are proud of it."),
        ("We love our walks", "You love your walks."),
        ("I do it myself", "You do it yourself."),
        ("The garden is mine", "The garden is yours."),
    ],
)
def test_simple_reflection_turns_pronouns_and_verbs(said: str, reflected: str) -> None:
    assert simple_reflection(said) == reflected


def test_reflection_drops_leading_fillers_and_uses_a_substantial_sentence() -> None:
    assert simple_reflection("Well, honestly. I would like to see my sister more.") == (
        "You would like to see your sister more."
    )


def test_was_is_only_turned_after_i() -> None:
    assert turn_pronouns("it was lovely when I was young") == "it was lovely when you were young"


def test_reflection_without_first_person_names_what_matters() -> None:
    assert simple_reflection("the garden and the dog") == (
        "It sounds like the garden and the dog matters to you."
    )


@pytest.mark.parametrize("said", ["", "   ", "😀😀", "\u200b\u0007", "123 456"])
def test_nothing_to_reflect(said: str) -> None:
    assert simple_reflection(said) is None


def test_long_answer_is_shortened() -> None:
    reflection = simple_reflection("I " + "really " * 80 + "want to go home")
    assert reflection is not None
    assert len(reflection.split()) <= 31
    assert reflection.endswith("…")
