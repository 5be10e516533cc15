"""Every message the bot can send: short, one question at most, plain British English.

Scans the domain's responses and the texts the actions and coaching functions build.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.coaching.questions import ROLE_TOPICS, topic_question
from bot.coaching.risk import CATEGORIES, signposting
from bot.coaching.roles import role_intro
from bot.config import PROJECT_ROOT
from bot.telegram import app as telegram_app

MAX_CHARS = 600
JARGON = re.compile(
    r"\b(?:service users?|clients?|care packages?|eligib\w*|assessed needs?|"
    r"outcomes?-focused|person-centred|stakeholders?|cohort|deliverables?|utili[sz]e)\b",
    re.IGNORECASE,
)
AMERICAN = re.compile(
    r"\b(?:color\w*|favorite\w*|centers?\b|organiz\w*|realiz\w*|recogniz\w*|apologiz\w*|"
    r"moms?\b|vacation\w*|neighbor\w*|behavior\w*|gotten\b|zip code|cell phone)",
    re.IGNORECASE,
)


def domain_texts() -> list[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    texts = []
    for variants in domain["responses"].values():
        for variant in variants:
            texts.append(variant.get("text", ""))
            texts += [b["title"] for b in variant.get("buttons", [])]
    return texts


# Who may be speaking, and how a worker refers to the person they support.
SPEAKERS = [("self", None), ("carer", None), ("worker", "she"), ("worker", "he"),
            ("worker", "they")]  # fmt: skip


def built_texts() -> list[str]:
    texts = []
    for role, pronoun in SPEAKERS:
        for topic in ROLE_TOPICS[role]:
            texts += [
                topic_question(topic.key, probe, a, v, role=role, pronoun=pronoun)
                for probe in (None, "dont_know", "short", "empty", "help")
                for a in (1, 2)
                for v in (0, 1)
            ]
        texts.append(
            topic_question("best_hope", "service", 1, 0, "a walk-in shower", role=role,
                           pronoun=pronoun)
        )  # fmt: skip
        texts.append(role_intro(role, pronoun) or "")
    texts += [signposting(c, "the Edinburgh social work duty line") for c in CATEGORIES]
    texts += [
        v for k, v in vars(telegram_app).items() if k.endswith("_REPLY") and isinstance(v, str)
    ]
    return texts


ALL = domain_texts() + built_texts()


@pytest.mark.parametrize("text", ALL)
def test_message_is_short_plain_and_british(text: str) -> None:
    assert len(text) <= MAX_CHARS
    assert text.count("?") <= 1, "at most one question per message"
    assert not JARGON.search(text), JARGON.search(text)
    assert not AMERICAN.search(text), AMERICAN.search(text)


def test_the_scan_covers_the_messages_people_see() -> None:
    assert len(ALL) > 40
    assert any("116 123" in t for t in ALL)
    assert any(t == "What matters most to her just now?" for t in ALL)
    assert any("carer" in t for t in ALL)


@pytest.mark.parametrize(("role", "pronoun"), SPEAKERS)
def test_no_placeholder_is_left_unfilled(role: str, pronoun: str | None) -> None:
    for topic in ROLE_TOPICS[role]:
        for visit in (0, 1):
            question = topic_question(topic.key, visit=visit, role=role, pronoun=pronoun)
            assert "{" not in question and "}" not in question, question
