"""The command grammars Rasa's RegexFeaturizer uses (scripts/command_grammar.py)."""

from __future__ import annotations

import importlib.util
import re

import pytest
import yaml

from bot.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "command_grammar.py"
ANSWER_INTENT = "tell"


def _load_script():
    spec = importlib.util.spec_from_file_location("command_grammar", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


grammar = _load_script()
COMPILED = grammar.compiled()


def _examples(*paths) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in paths:
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                lines = block["examples"].splitlines()
                examples.setdefault(block["intent"], []).extend(
                    line.strip()[2:] for line in lines if line.strip().startswith("- ")
                )
    return examples


TRAINING = _examples(*sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")))
HELD_APART = _examples(PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml")


def test_the_yaml_rasa_reads_is_generated_from_the_script():
    assert (PROJECT_ROOT / "data" / "nlu" / "grammar.yml").read_text() == grammar.render()


def test_every_grammar_names_an_intent_in_the_training_data():
    assert set(COMPILED) <= set(TRAINING)
    assert ANSWER_INTENT not in COMPILED


@pytest.mark.parametrize("examples", [TRAINING, HELD_APART], ids=["training", "held-apart"])
def test_no_grammar_claims_a_free_answer(examples):
    claimed = [
        (intent, answer)
        for answer in examples[ANSWER_INTENT]
        for intent, pattern in COMPILED.items()
        if pattern.search(answer)
    ]
    assert claimed == []


@pytest.mark.parametrize(
    "intent, message",
    [
        ("stop", "Stop."),
        ("stop", "ok, I want to stop now please"),
        ("pause", "can we pause for now"),
        ("pause", "back in five"),
        ("plan", "show me my plan please"),
        ("start_again", "can we start again from the beginning"),
        ("delete", "please delete everything"),
        ("greet", "hiya coach, how are you"),
        ("goodbye", "thanks, bye"),
        ("nudges", "turn the tips off"),
    ],
)
def test_a_plain_command_matches_its_own_grammar_only(intent, message):
    assert [name for name, pattern in COMPILED.items() if pattern.search(message)] == [intent]


@pytest.mark.parametrize(
    "answer",
    [
        "stop smoking",
        "I plan to go back to college next year",
        "start over in a new town",
        "a break from caring, even for an afternoon",
        "help with the shopping",
        "I want to quit this job",
        "to share a meal with my grandchildren",
        "delete the bad memories",
    ],
)
def test_an_answer_with_a_command_word_matches_no_grammar(answer):
    assert [name for name, pattern in COMPILED.items() if pattern.search(answer)] == []


def test_a_huge_message_matches_nothing():
    # The length guard fails at once; without it nested repeats could backtrack for a long time.
    for text in ("stop " * 20_000, "ok, " * 25_000, "please " * 15_000):
        assert not any(pattern.search(text) for pattern in COMPILED.values())


def test_grammars_are_case_insensitive_in_rasa_too():
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    regex = next(c for c in config["pipeline"] if c["name"] == "RegexFeaturizer")
    assert regex.get("case_sensitive") is False
    assert COMPILED["stop"].flags & re.IGNORECASE
