"""Persona files load, validate, and read as realistic, jargon-free British English."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from bot.practice.personas import (
    BANKS,
    MIN_VARIANTS,
    PERSONA_DIR,
    PersonaError,
    get_persona,
    load_persona,
    load_personas,
    mentions,
    parse_persona,
    strengths_found,
)

KEYS = ["dan", "graham", "iris", "johanna", "jordan", "kerry"]
JARGON = re.compile(
    r"\b(?:service users?|clients?|care packages?|eligib\w*|assessed needs?|outcomes?|"
    r"person-centred|stakeholders?|intervention|signpost\w*)\b",
    re.IGNORECASE,
)
AMERICAN = re.compile(r"\b(?:color\w*|favorite\w*|moms?\b|neighbor\w*|gotten|vacation)", re.I)


def raw(key: str) -> dict:
    return yaml.safe_load((PERSONA_DIR / f"{key}.yml").read_text("utf-8"))


def test_six_personas_ship_and_load():
    personas = load_personas()
    assert sorted(personas) == KEYS
    iris = personas["iris"]
    assert (iris.name, iris.age) == ("Iris", 82)
    assert [o.id for o in iris.outcomes] == ["kitchen", "steady", "lunch_club"]


@pytest.mark.parametrize("key", KEYS)
def test_each_persona_is_complete(key):
    persona = get_persona(key)
    assert len(persona.outcomes) >= 3
    assert persona.strengths and persona.openings and persona.background
    for bank in BANKS:
        assert len(persona.bank(bank)) >= MIN_VARIANTS


@pytest.mark.parametrize("key", KEYS)
def test_what_personas_say_is_plain_speech(key):
    persona = get_persona(key)
    said = [*persona.openings, *(v for _, vs in persona.replies for v in vs)]
    said += [o.statement for o in persona.outcomes] + [h for o in persona.outcomes for h in o.hints]
    for text in said:
        assert not JARGON.search(text), text
        assert not AMERICAN.search(text), text
        assert text.count("?") <= 1, text


@pytest.mark.parametrize("key", KEYS)
def test_outcome_statements_are_in_the_first_person(key):
    for outcome in get_persona(key).outcomes:
        assert re.match(r"(?:I|I'd|I'm|Once)\b", outcome.statement), outcome.statement


def test_unknown_persona_names_the_ones_that_exist():
    with pytest.raises(KeyError, match="iris"):
        get_persona("nobody")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("name"), r"iris\.yml: name: missing"),
        (lambda d: d["replies"].pop("resist"), r"missing banks \['resist'\]"),
        (lambda d: d["replies"]["closed"].__delitem__(slice(1, None)), r"at least 4"),
        (lambda d: d["outcomes"][0].update(reveal_by=["shouting"]), r"unknown code 'shouting'"),
        (lambda d: d["outcomes"][0].update(domain="happiness"), r"unknown domain"),
        (lambda d: d["outcomes"][0].update(strengths=["wit"]), r"no strength with id"),
        (lambda d: d["outcomes"][0].update(turns=0), r"outcomes\[0\]\.turns"),
        (lambda d: d["temperament"].update(start_openness=9), r"start_openness"),
        (lambda d: d["openings"].append("Is it? Really?"), r"more than one question mark"),
        (lambda d: d["openings"].append("I'm a service user."), r"service user"),
        (lambda d: d["replies"]["filler"].append("Mm."), r"same entry twice"),
        (lambda d: d["replies"].update(extra=["a", "b", "c", "d"]), r"unknown banks"),
    ],
)
def test_schema_errors_name_the_file_and_field(change, message):
    data = copy.deepcopy(raw("iris"))
    change(data)
    with pytest.raises(PersonaError, match=message):
        parse_persona(data, "iris.yml")


def test_invalid_yaml_and_wrong_file_name_are_reported(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("key: [unclosed\n")
    with pytest.raises(PersonaError, match="broken.yml: not valid YAML"):
        load_persona(broken)
    renamed = tmp_path / "someone.yml"
    renamed.write_text((PERSONA_DIR / "iris.yml").read_text())
    with pytest.raises(PersonaError, match="differs from file name"):
        load_persona(renamed)


def test_words_match_at_the_start_of_words_only():
    assert mentions("Do you still enjoy cooking?", ("cook",))
    assert not mentions("It was precooked.", ("cook",))
    assert mentions("You’ve kept at it", ("kept at",))
    iris = get_persona("iris")
    assert strengths_found(iris, "You've worked so hard at your exercises.") == ("determined",)
    assert strengths_found(iris, "You're doing great.") == ()
