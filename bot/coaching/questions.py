"""The topics of the preparation conversation, and how each question is asked.

Topics follow Talking Points. Each has at least two phrasings, so that someone coming back
is not asked the same words again; a question that didn't land is asked again differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    phrasings: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic("best_hope", (
        "What's your best hope from this assessment?",
        "If this assessment went really well for you, what would be different afterwards?",
    )),
    Topic("good_day", (
        "When you have a good day, what makes it good?",
        "Think of a recent day that went well. What made it a good day?",
    )),
    Topic("matters_most", (
        "What matters most to you just now?",
        "Of everything going on, what's most important to you at the moment?",
    )),
    Topic("people", (
        "Who is important to you?",
        "Who are the people who matter most in your life?",
    )),
    Topic("enjoy", (
        "What do you enjoy doing, or used to enjoy?",
        "What gives you pleasure, now or in the past?",
    )),
    Topic("safe", (
        "What helps you feel safe, at home and when you're out?",
        "How safe do you feel at home and out and about, and what would help?",
    )),
    Topic("well", (
        "What helps you stay as well as you can?",
        "What do you do to look after your health, and what would help with it?",
    )),
    Topic("in_the_way", (
        "What's getting in the way just now?",
        "What makes things harder for you at the moment?",
    )),
    Topic("helped_before", (
        "What have you tried before, and what helped?",
        "What do you already do yourself that helps?",
    )),
    Topic("support_style", (
        "How do you like to be supported and spoken to?",
        "What should people know about how you like things done?",
    )),
)  # fmt: skip
FIRST_TOPIC = TOPICS[0].key
_BY_KEY = {topic.key: topic for topic in TOPICS}

_AFTER = {
    "dont_know": [
        "That's alright, it isn't always easy to say. What's one small thing that would make "
        "everyday life a bit easier or happier?",
        "No rush. Whatever comes to mind is fine, even a small thing. Or press “Skip this one”.",
    ],
    "short": [
        "Could you tell me a little more about what that would mean for you?",
        "Thank you. What would that look like, on a good day?",
    ],
}
_ARTICLE = re.compile(r"^(?:a|an|the|some|my|our|more|any)\s+", re.IGNORECASE)


def next_topic(current: str | None) -> str | None:
    """The topic after ``current``, or ``None`` when it was the last one."""
    keys = [topic.key for topic in TOPICS]
    if current not in keys:
        return FIRST_TOPIC
    index = keys.index(current) + 1
    return keys[index] if index < len(keys) else None


def topic_question(
    topic: str | None,
    probe: str | None = None,
    attempt: int = 0,
    visit: int = 0,
    service: str | None = None,
) -> str:
    """The question for a topic, phrased for why it's being asked (never the same twice).

    ``visit`` picks the phrasing for someone coming back. After a bare request for a service,
    the question asks what it would make possible, so the outcome behind it is heard too.
    """
    phrasings = _BY_KEY.get(topic or FIRST_TOPIC, TOPICS[0]).phrasings
    asked = phrasings[visit % len(phrasings)]
    if probe == "service" and service:
        name = _ARTICLE.sub("", service.strip())
        return f"If you had the {name} you mentioned, what would that make possible for you?"
    if probe == "empty":
        return (
            f"I didn't catch any words there. Whenever you're ready: {asked[0].lower()}{asked[1:]}"
        )
    if probe in _AFTER:
        options = _AFTER[probe]
        return options[(max(attempt, 1) - 1) % len(options)]
    if probe == "help":
        return phrasings[(visit + 1) % len(phrasings)]
    return asked
