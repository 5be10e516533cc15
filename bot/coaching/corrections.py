"""Corrections: "no, I meant…" after the bot has written something down.

``correction`` returns the corrected content, in the person's words, or ``None`` when the
message is an ordinary answer. It fires only on the shape of a correction at the start of the
message — a correction marker ("I meant", "what I meant was", "that's not what I said",
"it should say", "not X, Y") with something after it — so that "No, I don't want to talk about
my leg", "I meant to phone my sister but forgot" and "I mean it, I want to go home" are left
alone. "I mean"/"I meant" without "no"/"sorry" before it needs a comma, colon or dash after it
("I mean, to be able to cook for myself"), since "I meant to…" is usually an intention and
"I mean, it's hard" a filler.

Regular expressions are compiled once at import; a message takes a few microseconds.
"""

from __future__ import annotations

import re

_A = "['’]"
# What may open a correction: "no", "sorry", "oops, my mistake", "actually"…
_PREFIX = (
    r"(?:(?:no+|nope|nah|sorry|soz|oops|whoops|oh|ah|er+m?|um+|actually|wait|hang\s+on|"
    rf"hold\s+on|my\s+mistake|my\s+bad|typo|silly\s+me|i\s+got\s+(?:that|it)\s+wrong|"
    rf"(?:that|it){_A}?s\s+wrong|that\s+is\s+wrong|wrong\s+word|"
    rf"i\s+made\s+a\s+mistake|(?:i|i{_A}ve)\s+typed\s+(?:that|it)\s+wrong)\b[\s,.!;:—–-]*)"
)
_SAID_WRONG = (
    rf"(?:(?:that|it){_A}?s|that\s+is|it\s+is|thats)\s+(?:not\s+(?:what\s+i\s+"
    rf"(?:said|meant|mean|wrote|typed|put|was\s+saying)|(?:quite\s+)?right|correct|it)|wrong)|"
    rf"i\s+(?:didn{_A}?t|did\s+not)\s+(?:say|mean)\s+(?:that|it)|"
    rf"you{_A}?ve\s+got\s+(?:that|it|me)\s+wrong|you\s+got\s+(?:that|it|me)\s+wrong|"
    r"you\s+(?:misheard|misunderstood)(?:\s+me)?|not\s+quite"
)
# The words that bring in the corrected content.
_MEANT = (
    r"i\s+meant(?:\s+to\s+(?:say|write|put|type))?|"
    r"what\s+i\s+(?:meant|mean|wanted\s+to\s+say|was\s+trying\s+to\s+say)"
    r"(?:\s+to\s+say)?\s+(?:was|is)|"
    r"i\s+mean(?:\s+to\s+say)?"
)
_SAID = r"i\s+said|what\s+i\s+said\s+was|i\s+was\s+saying"
_SHOULD = (
    r"it\s+should\s+(?:say|read|have\s+said|be)|that\s+should\s+(?:say|read|be)|"
    r"(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:change|correct)\s+(?:it|that|this)\s+to|"
    r"i\s+should\s+have\s+said|i\s+wanted\s+to\s+say"
)
_PUNCT = r"\s*[,:;—–-]+\s*|\s*\.{3}\s*|\s*…\s*"

_AFTER_PREFIX = re.compile(
    rf"^\W*{_PREFIX}+(?:{_SAID_WRONG})?[\s,.!;:—–-]*(?:(?P<meant>{_MEANT})|(?P<said>{_SAID})|"
    rf"(?P<should>{_SHOULD}))(?P<sep>{_PUNCT}|\s+)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_AFTER_SAID_WRONG = re.compile(
    rf"^\W*{_PREFIX}*(?:{_SAID_WRONG})\b[\s,.!;:—–-]*(?:(?:{_MEANT}|{_SAID}|{_SHOULD}|"
    rf"it{_A}?s|it\s+is|it\s+was)(?:{_PUNCT}|\s+))?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BARE = re.compile(
    rf"^\W*(?:(?P<meant>{_MEANT})(?P<sep>{_PUNCT}|\s+)|(?P<should>{_SHOULD})\s+)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DET = r"(?:the|my|a|an|his|her|our|their|this|that|(?-i:[A-Z][a-z]+))"
# "not the garden, the allotment" and "the allotment, not the garden"
_NOT_X_Y = re.compile(
    rf"^\W*(?:no+[\s,.!]+)?not\s+{_DET}\b[^,;.!?]{{0,40}}?\s*[,;—–-]+\s*(?:but\s+|i\s+meant\s+|"
    rf"it{_A}?s\s+|it\s+was\s+)?(?P<rest>{_DET}\b[^,;.!?]{{1,60}})[.!]*$",
    re.IGNORECASE,
)
_Y_NOT_X = re.compile(
    rf"^\W*(?:no+[\s,.!]+)?(?P<rest>{_DET}\b[^,;.!?]{{1,60}}?)\s*,?\s+not\s+{_DET}\b"
    r"[^,;.!?]{0,40}[.!]*$",
    re.IGNORECASE,
)
# "I meant my granddaughter, not my daughter": the wrong part goes.
_TRAILING_NOT = re.compile(
    r"\s*,?\s+(?:and\s+)?not\s+(?:the|my|a|an|his|her|our|their|(?-i:[A-Z][a-z]+))\b[^.!?]*$",
    re.IGNORECASE,
)
# "walking not talking": one word for another
_WORD_NOT_WORD = re.compile(
    r"^(?P<right>(?!(?:i|can|could|do|does|did|will|would|am|is|are|was|were|have|has|had|"
    r"should|must|may|might)\b)[^\W\d_][\w'’-]*)\s*,?\s+not\s+[^\W\d_][\w'’-]*$",
    re.IGNORECASE,
)
# "It should be fine": "should" about how things are, not what to write.
_VAGUE = re.compile(
    r"^(?:fine|ok|okay|alright|all\s+right|good|great|right|better|possible|done|easy|ready|"
    r"enough|sorted)\b",
    re.IGNORECASE,
)
_THANKS = re.compile(r"[\s,]+(?:please|thanks|thank\s+you|ta|cheers)\W*$", re.IGNORECASE)
# After a bare "I meant …" these are intentions or emphasis, not corrections.
_NOT_CONTENT = re.compile(
    rf"^(?:it|that|this|so|no|yes|yeah|nothing|well|what|who|how|why|like|you\s+know|"
    rf"honestly|obviously|seriously|really|come\s+on|of\s+course|sure|it{_A}?s|that{_A}?s|"
    rf"you{_A}?re|there{_A}?s|i\s+(?:know|don{_A}?t|do|think|guess|suppose))\b",
    re.IGNORECASE,
)
# "what I mean is hard to say": "is" here links to a description of the meaning.
_DESCRIBES_MEANING = re.compile(
    r"^(?:hard|difficult|tricky|complicated|simple|obvious|clear|unclear|easy|different|"
    r"important|personal|private|not|more|less|quite|really|very|a\s+bit)\b",
    re.IGNORECASE,
)
_THAT = re.compile(r"^\s*that\s+(?=(?:i|i['’]\w+|my|we|me)\b)", re.IGNORECASE)


def _describes_meaning(meant: str | None, rest: str) -> bool:
    """ "What I mean is hard to say": the words describe the meaning rather than give it."""
    return bool(meant) and meant.lower().startswith("what") and bool(_DESCRIBES_MEANING.match(rest))


def _tidy(rest: str) -> str | None:
    rest = _THANKS.sub("", rest.strip())
    rest = _TRAILING_NOT.sub("", rest)
    one_for_another = _WORD_NOT_WORD.match(rest)
    if one_for_another:
        rest = one_for_another.group("right")
    rest = rest.strip().strip("\"“”‘’'").strip()
    rest = re.sub(r"(?<!\.)\.$", "", rest).strip()
    if not re.search(r"[^\W\d_]", rest):
        return None
    if re.fullmatch(r"(?:it|that|this|so|no|yes|nothing)\W*", rest, re.IGNORECASE):
        return None
    return rest


def correction(text: str, *, strict: bool = False) -> str | None:
    """The corrected content when ``text`` corrects what the bot just wrote down, else ``None``.

    "no, I meant I want to garden again" → "I want to garden again";
    "not the garden, the allotment" → "the allotment". ``strict`` accepts only corrections
    that say so plainly ("no, …", "sorry, I meant …", "that's not what I said …"), for where
    the message could as well be an answer to a new question.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _AFTER_PREFIX.match(text)
    if match:
        rest = _THAT.sub("", match.group("rest"))
        if (match.group("said") or match.group("meant")) and _NOT_CONTENT.match(rest):
            return None  # "No, I said it clearly", "No, I mean it"
        if _describes_meaning(match.group("meant"), rest):
            return None
        if match.group("should") and _VAGUE.match(rest):
            return None
        return _tidy(rest)
    match = _AFTER_SAID_WRONG.match(text)
    if match:
        return _tidy(match.group("rest"))
    if strict:
        return None
    match = _BARE.match(text)
    if match:
        rest = _THAT.sub("", match.group("rest"))
        meant = (match.group("meant") or "").lower()
        if _describes_meaning(meant, rest) or (match.group("should") and _VAGUE.match(rest)):
            return None
        # "I meant to phone my sister", "I mean it": an intention or emphasis
        plain = meant.startswith("i") and not re.search(r"to\s+(?:say|write|put|type)$", meant)
        if plain and (not match.group("sep").strip() or _NOT_CONTENT.match(rest)):
            return None
        return _tidy(rest)
    for pattern in (_NOT_X_Y, _Y_NOT_X):
        match = pattern.match(text)
        if match:
            return _tidy(match.group("rest"))
    return None
