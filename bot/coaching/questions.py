"""The topics of the preparation conversation, and how each question is asked.

Topics follow Talking Points. Each has at least two phrasings, so that someone coming back
is not asked the same words again; a question that didn't land is asked again differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.voice import pronouns


@dataclass(frozen=True)
class Topic:
    key: str
    phrasings: tuple[str, ...]
    # "cared_for" when a carer is asked about the person they care for.
    about: str = "self"


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

# A carer's assessment is about the carer's own life and caring role, and about the person
# they care for.
CARER_TOPICS: tuple[Topic, ...] = (
    Topic("best_hope", (
        "What's your best hope from this carer's assessment?",
        "If this assessment went really well for you as a carer, what would be different?",
    )),
    Topic("cared_for", (
        "Thinking about the person you care for, what matters most to them just now?",
        "What does a good day look like for the person you care for?",
    ), about="cared_for"),
    Topic("caring_role", (
        "What does caring look like for you in a usual week?",
        "How is caring going for you at the moment?",
    )),
    Topic("own_life", (
        "Outside caring, what matters most to you in your own life?",
        "What would you like more time or energy for, just for you?",
    )),
    Topic("well", (
        "How are you keeping, and what helps you stay well?",
        "What do you do to look after your own health?",
    )),
    Topic("people", (
        "Who supports you, and who do you turn to?",
        "Who are the people who matter most to you?",
    )),
    Topic("in_the_way", (
        "What makes caring harder just now?",
        "What gets in the way of having a life of your own alongside caring?",
    )),
    Topic("helped_before", (
        "What has helped you with caring before?",
        "What do you already do that helps you cope?",
    )),
    Topic("future", (
        "Looking ahead, how would you like caring to fit into your life?",
        "How do you feel about carrying on caring in the future?",
    )),
    Topic("support_style", (
        "How do you like to be supported and spoken to?",
        "What should people know about how you like things done?",
    )),
)  # fmt: skip

# A worker filling this in with someone they support: the same topics, asked about the
# person in the third person ({they}, {them}, {their}: see bot/coaching/voice.py).
WORKER_TOPICS: tuple[Topic, ...] = (
    Topic("best_hope", (
        "What's {their} best hope from this assessment?",
        "If this assessment went really well for {them}, what would be different afterwards?",
    )),
    Topic("good_day", (
        "When {they} {has} a good day, what makes it good?",
        "Think of a recent day that went well for {them}. What made it a good day?",
    )),
    Topic("matters_most", (
        "What matters most to {them} just now?",
        "Of everything going on, what's most important to {them} at the moment?",
    )),
    Topic("people", (
        "Who is important to {them}?",
        "Who are the people who matter most in {their} life?",
    )),
    Topic("enjoy", (
        "What {does} {they} enjoy doing, or used to enjoy?",
        "What gives {them} pleasure, now or in the past?",
    )),
    Topic("safe", (
        "What helps {them} feel safe, at home and when {they} {is} out?",
        "How safe {does} {they} feel at home and out and about, and what would help?",
    )),
    Topic("well", (
        "What helps {them} stay as well as possible?",
        "What {does} {they} do to look after {their} health, and what would help with it?",
    )),
    Topic("in_the_way", (
        "What's getting in the way for {them} just now?",
        "What makes things harder for {them} at the moment?",
    )),
    Topic("helped_before", (
        "What {has} {they} tried before, and what helped?",
        "What {does} {they} already do that helps?",
    )),
    Topic("support_style", (
        "How {does} {they} like to be supported and spoken to?",
        "What should people know about how to support {them} well?",
    )),
)  # fmt: skip

ROLE_TOPICS = {"self": TOPICS, "carer": CARER_TOPICS, "worker": WORKER_TOPICS}
FIRST_TOPIC = TOPICS[0].key

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
_WORKER_AFTER = {
    "dont_know": [
        "That's alright, it isn't always easy to say. What's one small thing that would make "
        "everyday life a bit easier or happier for {them}?",
        "No rush. Whatever comes to mind is fine, even a small thing. Or press “Skip this one”.",
    ],
    "short": [
        "Could you tell me a little more about what that would mean for {them}?",
        "Thank you. What would that look like for {them}, on a good day?",
    ],
}
_ARTICLE = re.compile(r"^(?:a|an|the|some|my|our|more|any|her|his|their)\s+", re.IGNORECASE)


def topics_for(role: str | None) -> tuple[Topic, ...]:
    """The topics asked of someone preparing for themselves, a carer, or a worker."""
    return ROLE_TOPICS.get(role or "self", TOPICS)


def topic_about(topic: str | None, role: str | None = None) -> str:
    """Whom answers to ``topic`` are about: ``"self"``, or ``"cared_for"`` for a carer."""
    found = next((t for t in topics_for(role) if t.key == topic), None)
    return found.about if found else "self"


def whom(role: str | None, pronoun: str | None = None) -> str:
    """Who outcomes matter to, as the bot says it: "you", or "her", "him", "them"."""
    if role == "worker":
        chosen = pronouns(pronoun or "they")
        return chosen.them if chosen else "them"
    return "you"


def next_topic(current: str | None, role: str | None = None) -> str | None:
    """The topic after ``current``, or ``None`` when it was the last one."""
    keys = [topic.key for topic in topics_for(role)]
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
    *,
    role: str | None = None,
    pronoun: str | None = None,
) -> str:
    """The question for a topic, phrased for why it's being asked (never the same twice).

    ``visit`` picks the phrasing for someone coming back. After a bare request for a service,
    the question asks what it would make possible, so the outcome behind it is heard too.
    ``role`` picks the carer's or the worker's questions; a worker's are about the person,
    in the third person given by ``pronoun`` (she, he or they).
    """
    return _in_person(_question(topic, probe, attempt, visit, service, role), role, pronoun)


def _in_person(text: str, role: str | None, pronoun: str | None) -> str:
    if role != "worker":
        return text
    chosen = pronouns(pronoun or "they") or pronouns("they")
    return chosen.fill(text)


def _question(
    topic: str | None,
    probe: str | None,
    attempt: int,
    visit: int,
    service: str | None,
    role: str | None,
) -> str:
    by_key = {t.key: t for t in topics_for(role)}
    first = topics_for(role)[0]
    phrasings = by_key.get(topic or FIRST_TOPIC, first).phrasings
    asked = phrasings[visit % len(phrasings)]
    worker = role == "worker"
    if probe == "service" and service:
        name = _ARTICLE.sub("", service.strip())
        if worker:
            return f"If {{they}} had the {name}, what would that make possible for {{them}}?"
        return f"If you had the {name} you mentioned, what would that make possible for you?"
    if probe == "empty":
        return (
            f"I didn't catch any words there. Whenever you're ready: {asked[0].lower()}{asked[1:]}"
        )
    after = _WORKER_AFTER if worker else _AFTER
    if probe in after:
        options = after[probe]
        return options[(max(attempt, 1) - 1) % len(options)]
    if probe == "help":
        return phrasings[(visit + 1) % len(phrasings)]
    return asked
