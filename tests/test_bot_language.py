"""Every message the bot can send: short, one question at most, plain British English.

Scans the domain's responses and the texts the actions and coaching functions build.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.coaching.questions import TOPICS, topic_question
from bot.coaching.risk import CATEGORIES, signposting
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


def built_texts() -> list[str]:
    texts = [phrasing for topic in TOPICS for phrasing in topic.phrasings]
    texts += [
        topic_question(t.key, p, a, v)
        for t in TOPICS
        for p in ("dont_know", "short", "empty", "help")
        for a in (1, 2)
        for v in (0, 1)
    ]
    texts.append(topic_question("best_hope", "service", 1, 0, "a walk-in shower"))
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
