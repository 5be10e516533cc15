"""How questions are asked, and asked again differently when an answer didn't land."""

from __future__ import annotations

import re

BEST_HOPE = [
    "What's your best hope from this assessment?",
    "If this assessment went really well for you, what would be different afterwards?",
    "Thinking about the weeks ahead, what would you most like to be better?",
]

_AFTER = {
    "dont_know": [
        "That's alright, it isn't always easy to say. Think of a recent day that went well: "
        "what made it a good day?",
        "No rush. What's one small thing that would make everyday life a bit easier or happier?",
    ],
    "short": [
        "Could you tell me a little more about what that would mean for you?",
        "Thank you. What would that look like, on a good day?",
    ],
    "empty": [
        "I didn't catch any words there. Whenever you're ready, tell me in your own words: "
        "what's your best hope from this assessment?",
    ],
}


_ARTICLE = re.compile(r"^(?:a|an|the|some|my|our|more|any)\s+", re.IGNORECASE)


def best_hope_question(probe: str | None, attempt: int, service: str | None = None) -> str:
    """The best-hope question, phrased for why it's being asked (and never the same twice).

    After a bare request for a service, the question asks what it would make possible, so
    the outcome behind the request is heard too.
    """
    if probe == "service" and service:
        name = _ARTICLE.sub("", service.strip())
        return f"If you had the {name} you mentioned, what would that make possible for you?"
    if probe in _AFTER:
        options = _AFTER[probe]
        return options[(max(attempt, 1) - 1) % len(options)]
    return BEST_HOPE[attempt % len(BEST_HOPE)]
