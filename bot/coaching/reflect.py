"""Simple reflections: the person's words given back with pronouns and verbs turned."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from functools import lru_cache

from bot.coaching.answers import AnswerKind, assess_answer
from bot.coaching.contracts import Span
from bot.coaching.strengths import person_phrase, strength_kind
from bot.coaching.text import clean, sentences

NEUTRAL_REFLECTION = "Thank you for telling me that."

# First person → second person. Contractions first, so "I'm" isn't split into "I" + "'m".
_TURNS = {
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "im": "you're",
    "ive": "you've",
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "am": "are",
}
# "I was" → "you were"; "was" alone ("it was lovely") stays.
_WAS_AFTER = {"i", "we"}
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[^A-Za-z]+")
_FILLERS = re.compile(
    r"^(?:(?:well|um+|erm+|er|uh+|hmm+|honestly|so|oh|ah|och|aye|yeah|yes|no|ok|okay|"
    r"i suppose|i guess|i think|to be honest|tbh)[,.!]?\s+)+",
    re.IGNORECASE,
)


def turn_pronouns(text: str) -> str:
    """Turn first-person words into second person: "I miss my garden" → "you miss your garden"."""
    out: list[str] = []
    previous_word = ""
    for token in _TOKEN.findall(text):
        lower = token.lower()
        if not token[0].isalpha():
            out.append(token)
            continue
        if out and out[-1].endswith(("<", "</")):
            out.append(token)  # a tag name typed as text ("<i>"), not a pronoun
            continue
        if lower == "was" and previous_word in _WAS_AFTER:
            replacement = "were"
        elif lower == "you":
            # The person speaking to the bot: "you" would become "I", which reads oddly
            # in a reflection, so keep the sentence but leave "you" as it is.
            replacement = token
        else:
            replacement = _TURNS.get(lower, token)
        # "I" is capitalised anywhere; "you" only where the person capitalised a word
        # that isn't "I" ("My garden" → "Your garden", but "and I'm" → "and you're").
        first_person_i = lower == "i" or lower.startswith("i'") or lower in ("im", "ive")
        if replacement is not token and token[0].isupper() and not first_person_i:
            replacement = replacement[0].upper() + replacement[1:]
        out.append(replacement)
        previous_word = lower
    return "".join(out)


def simple_reflection(answer: str, max_words: int = 30) -> str | None:
    """Reflect the first substantial sentence of an answer back, pronouns turned.

    Returns ``None`` when there is nothing to reflect (empty or no letters).
    """
    text = clean(answer)
    if not re.search(r"[A-Za-z]", text):
        return None
    chosen = next((s for s in sentences(text) if len(s.split()) >= 3), sentences(text)[0])
    chosen = _FILLERS.sub("", chosen).strip() or chosen
    words = chosen.split()
    if len(words) > max_words:
        chosen = " ".join(words[:max_words]).rstrip(",;:") + " …"
    turned = turn_pronouns(chosen).rstrip(" .!?,;:")
    if not turned:
        return None
    turned = turned[0].upper() + turned[1:]
    if not re.search(r"\b(?:you|your|yours|you're|you've|you'd|you'll|yourself)\b", turned, re.I):
        # About someone or something else: "It sounds like it matters to you that she …" for a
        # clause, "It sounds like your garden matters to you" for a thing.
        first, _, rest = turned.partition(" ")
        # A name keeps its capital ("Mum", "Sarah"); "She", "My", "Dancing" lose it.
        name = first in _KEEP_CAPITAL or not (
            _COMMON_OPENER.match(first) or first.lower().endswith("ing")
        )
        lowered = turned if name else first.lower() + (" " + rest if rest else "")
        if _CLAUSE_VERB.search(turned):
            return f"It sounds like it matters to you that {lowered}."
        return f"It sounds like {lowered} matters to you."
    return turned if turned.endswith("…") else turned + "."


# Words that make a sentence a clause with its own subject ("she wants", "mum is").
_CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|wants?|would|needs?|has|have|had|can|could|will|likes?|loves?|"
    r"gets?|goes|went|does|did|misses|keeps?|used to|should|must|may|might)\b",
    re.IGNORECASE,
)
_COMMON_OPENER = re.compile(r"^(?:she|he|they|it|we|the|a|an|my|his|her|their|our|this|that)$",
                            re.IGNORECASE)  # fmt: skip
_KEEP_CAPITAL = frozenset({"I", "Mum", "Dad", "Gran", "Granny", "Grandad", "Nan", "Papa"})


# --- complex reflections: the feeling or value behind the words ------------------------------
#
# Each rule looks for words that name a value (independence, company, safety, being heard,
# respect, health, purpose, family, home, confidence, a carer's own time) or a feeling (worry,
# loss) and says it back in a short sentence built from the person's own words. When no rule
# is sure, ``complex_reflection`` gives ``None`` and the simple reflection is used instead.

_AP = "['’]"
_REL_WORDS = (
    r"daughter|son|wife|husband|partner|girlfriend|boyfriend|mum|mam|mother|dad|father|"
    r"gran|granny|nan|nana|grandma|grandad|grandpa|grandkids|grandchildren|grandson|"
    r"granddaughter|sister|brother|cousin|aunt|auntie|uncle|niece|nephew|kids|children|"
    r"bairns|family|friends?|pals?|mates?|neighbours?|carer|parents|twins?|baby|boys|girls"
)
_REL = f"(?:{_REL_WORDS})"
_WISH = re.compile(
    rf"\b(?:want|wants|wanted|wanna|like|love|hope|wish|need|able|again|back|would|rather|"
    rf"keep|stay|staying|could|more)\b|{_AP}d\b",
    re.IGNORECASE,
)
_NEGATED_WISH = re.compile(
    rf"\b(?:don{_AP}?t|do\s+not|never|wouldn{_AP}?t)\s+(?:\w+\s+)?(?:want|wanna|like)\s+to\s+be\b",
    re.IGNORECASE,
)
_STOP_ING = frozenset((
    "something", "nothing", "anything", "everything", "thing", "things", "morning", "evening",
    "ceiling", "building", "king", "ring", "spring", "string", "during", "sibling", "wedding",
    "pudding", "bring", "sing",
))  # fmt: skip
_IRREGULAR_GERUND = {
    "be": "being", "see": "seeing", "die": "dying", "lie": "lying", "have": "having",
    "flee": "fleeing", "agree": "agreeing", "dye": "dyeing",
}  # fmt: skip
_REST_STOP = re.compile(
    r"\s(?:and|but|because|cos|if|when|so|or|then|before|after|while|unless)\b|[,.;:!?…]",
    re.IGNORECASE,
)


def _gerund(verb: str) -> str:
    """Verb to -ing form: "fall" → "falling", "drop" → "dropping", "die" → "dying"."""
    lower = verb.lower()
    if lower in _IRREGULAR_GERUND:
        return _IRREGULAR_GERUND[lower]
    if lower.endswith("ie"):
        return lower[:-2] + "ying"
    if lower.endswith("e") and not lower.endswith(("ee", "ye", "oe")) and len(lower) > 2:
        return lower[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", lower):
        return lower + lower[-1] + "ing"
    return lower + "ing"


def _rest(text: str, max_words: int = 6) -> str:
    """The words up to the end of the clause, at most ``max_words``, pronouns turned."""
    cut = _REST_STOP.search(text)
    words_ = (text[: cut.start()] if cut else text).split()[:max_words]
    return turn_pronouns(" ".join(words_)).strip()


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _plural(noun_phrase: str) -> bool:
    last = noun_phrase.lower().split()[-1] if noun_phrase.split() else ""
    irregular = {"children", "people", "folk", "grandchildren", "men", "women", "stairs"}
    return last in irregular or (last.endswith("s") and not last.endswith(("ss", "us", "is")))


def _turned_np(noun_phrase: str) -> str:
    """ "My daughter" → "your daughter" (names keep their capital: "Mum", "Ted")."""
    turned = turn_pronouns(noun_phrase.strip()).strip()
    return _inline(turned) if turned else turned


_FEAR_WORDS = (
    r"(?:scared|frightened|afraid|terrified|petrified|worried|anxious|nervous|feart|frit|"
    r"worry|worrying|fear|dread|panicking)"
)
_FEAR_WILL = re.compile(
    rf"\b{_FEAR_WORDS}\s+(?:is\s+|that\s+|about\s+)?(?:that\s+)?(?:i|we)\s*"
    rf"(?:{_AP}ll|\s+will|\s+might|\s+may|\s+could|{_AP}m\s+going\s+to|\s+am\s+going\s+to|"
    rf"{_AP}re\s+going\s+to|\s+are\s+going\s+to|{_AP}d|\s+would)\s+"
    r"(?:(?:just|actually|really|eventually)\s+)?(?P<verb>[a-z]+)\b(?P<rest>[^.!?;]*)",
    re.IGNORECASE,
)
_FEAR_OF = re.compile(
    rf"\b{_FEAR_WORDS}\s+(?:of|about)\s+(?:(?:me|myself)\s+)?(?P<verb>[a-z]+ing)\b(?P<rest>[^.!?;]*)",
    re.IGNORECASE,
)
_FEAR_NOUN = re.compile(
    r"\b(?P<how>scared|frightened|afraid|terrified|petrified|worried|anxious|nervous)\s+"
    r"(?:of|about)\s+(?P<np>(?:the|my|our|his|her|their|what)\s+[a-z']+(?:\s+[a-z']+)?)",
    re.IGNORECASE,
)


def _negated(text: str, start: int) -> bool:
    """ "not", "never" or "n't" just before: "I'm not scared I'll fall"."""
    before = text[max(0, start - 16) : start]
    return bool(re.search(r"(?:\bnot|\bnever|n['’]t)\s+(?:\w+\s+)?$", before, re.IGNORECASE))


def _fear(match: re.Match[str], text: str) -> str | None:
    if _negated(text, match.start()):
        return None
    verb = match.group("verb")
    if verb.lower() in _STOP_ING or verb.lower() in {"not", "never", "be"}:
        return None
    gerund = verb.lower() if verb.lower().endswith("ing") else _gerund(verb)
    rest = _rest(match.group("rest"), 5)
    phrase = f"{gerund} {rest}".strip()
    return f"{_capital(phrase)} is a real worry for you."


def _fear_noun(match: re.Match[str], text: str) -> str | None:
    if _negated(text, match.start()):
        return None
    np = _rest(match.group("np"), 4)
    if not np or np.lower().startswith("what"):
        return None
    if match.group("how").lower() in {"worried", "anxious"}:
        return f"It sounds like {np} {'weigh' if _plural(np) else 'weighs'} on your mind."
    return f"It sounds like {np} {'frighten' if _plural(np) else 'frightens'} you."


_BURDEN_ON = re.compile(
    r"\b(?:burden|nuisance|bother|weight|trouble|imposition)\s+(?:on|to|for)\s+"
    rf"(?P<np>(?:my|our|the|his|her)\s+(?:\w+\s+)?{_REL}\b|him|her|them|anyone|anybody|"
    r"everyone|people|others|my\s+family|the\s+family)",
    re.IGNORECASE,
)
_BURDEN = re.compile(r"\b(?:a|be|being|become)\s+(?:a\s+)?burden\b", re.IGNORECASE)


def _burden_on(match: re.Match[str], text: str) -> str | None:
    return f"It matters to you not to put too much on {_turned_np(match.group('np'))}."


_IDENTITY = re.compile(
    r"\b(?P<still>still\s+)?be(?:ing)?\s+(?P<np>(?:his|her|their|a\s+good|a\s+proper|a|the|"
    r"my\s+\w+['’]s)\s+(?:wife|husband|partner|daughter|son|mum|mam|mother|dad|father|"
    r"sister|brother|friend|gran|granny|nan|grandad|grandpa|grandma|grandparent|parent))\b",
    re.IGNORECASE,
)


def _identity(match: re.Match[str], text: str) -> str | None:
    before = text[max(0, match.start() - 40) : match.start()]
    if _NEGATED_WISH.search(before + match.group()) or not _WISH.search(before):
        return None
    np = _turned_np(match.group("np"))
    lead = "Still being" if match.group("still") else "Being"
    if re.search(r"\bcarer\b|\btablets\b|\bwashing\b|\bcaring\b", text, re.I):
        owner = np.split()[0].lower()
        owner = owner if owner in {"his", "her", "their", "your"} else "the"
        return f"{lead} {np}, not just {owner} carer, really matters to you."
    return f"{lead} {np} really matters to you."


_CARER_TIME = re.compile(
    r"\b(?P<sleep>sleep\s+(?:a|the)\s+(?:full|whole)\s+night|(?:a\s+)?(?:full|proper|good)\s+"
    r"night['’]?s\s+sleep)|\b(?P<break>(?:a|some|the\s+odd)\s+(?:proper\s+|wee\s+|little\s+|"
    r"bit\s+of\s+a\s+|short\s+)?break)\b(?!\s+(?:my|a|his|her)\s+\w+)|"
    r"\b(?P<time>time\s+(?:for|to)\s+(?:myself|me)|me\s+time|time\s+off|a\s+bit\s+of\s+peace|"
    r"some\s+peace|peace\s+and\s+quiet|a\s+breather|respite|a\s+life\s+of\s+my\s+own|"
    r"my\s+own\s+life)\b|\b(?P<self>not\s+just\s+['‘\"“]?(?:the|his|her|their|a)\s+carer)",
    re.IGNORECASE,
)


def _carer_time(match: re.Match[str], text: str) -> str | None:
    if match.group("sleep"):
        return "Getting a proper night's sleep really matters to you."
    if match.group("break"):
        return "Getting a break, some time for yourself, really matters to you."
    if match.group("self"):
        return "Being yourself, not just the carer, really matters to you."
    return "Having some time for yourself really matters to you."


_MISS_PEOPLE = re.compile(
    r"\bmiss(?:es|ed|ing)?\s+(?P<np>(?:my|the|our|all\s+my|all\s+the)\s+(?:(?:old|wee|best|"
    r"close|lovely)\s+)?(?:friends|pals|mates|lads|girls|ladies|neighbours|colleagues|"
    r"workmates|folk|gang|crowd|group|people|friend|pal|mate|regulars|team))\b",
    re.IGNORECASE,
)


def _miss_people(match: re.Match[str], text: str) -> str | None:
    return f"You miss the company of {_turned_np(match.group('np'))}."


_LONELY = re.compile(
    r"\b(?:lonely|loneliness|isolated|company|on\s+my\s+own\s+(?:so\s+much|all\s+(?:day|the\s+"
    r"time)|a\s+lot|most\s+days)|(?:nobody|no\s+one|noone)\s+to\s+(?:talk|speak|chat)\s+to|"
    r"(?:never|don['’]?t|hardly)\s+see\s+(?:anyone|anybody|a\s+soul)|the\s+days\s+are\s+"
    r"(?:so\s+)?long|have\s+a\s+(?:laugh|chat|blether|natter)\s+with\s+(?:someone|somebody|"
    r"people))\b",
    re.IGNORECASE,
)


def _lonely(match: re.Match[str], text: str) -> str | None:
    if re.search(r"\b(?:keep|keeps|kept)\s+(?:me|him|her)\s+company\b", text, re.I):
        return None
    return "Having people around you, and some company, really matters to you."


_TIME_WITH = re.compile(
    r"\b(?:see|seeing|visit|visiting|spend\s+(?:more\s+)?time\s+with|spending\s+(?:more\s+)?"
    r"time\s+with|be\s+with|being\s+with|get\s+to\s+see|catch\s+up\s+with|have)\s+"
    rf"(?P<np>(?:my|our)\s+(?:(?:little|wee|twin|older|younger|eldest|youngest|best)\s+)?{_REL})\b",
    re.IGNORECASE,
)


def _time_with(match: re.Match[str], text: str) -> str | None:
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 30]
    if not (_WISH.search(before) or re.match(r"\s+(?:more|again|often)\b", after, re.I)):
        return None
    if re.search(r"\b(?:don['’]?t|never|not)\s+(?:\w+\s+)?(?:want|like)\b", before, re.I):
        return None
    return f"Time with {_turned_np(match.group('np'))} means a lot to you."


_RESPECT = re.compile(
    r"\b(?P<judge>judg(?:e|es|ed|ing)\s+me|(?:nobody|no\s+one)\s+judges|star(?:e|es|ed|ing)\s+"
    r"at\s+me|without\s+(?:being\s+)?judged)|"
    r"\b(?P<say>decid(?:e|es|ed|ing)\s+(?:things\s+)?for\s+me|(?:my|a)\s+say\b|my\s+(?:own\s+)?"
    r"choice|i\s+decide|the\s+one\s+who\s+decides|make\s+my\s+own\s+(?:decisions|choices|mind\s+up)"
    r"|asked\s+what\s+i\s+(?:want|think))|"
    r"\b(?P<respect>treat(?:ed|s|ing)?\s+(?:me\s+)?(?:like|as|with)\b|spoken\s+to\s+(?:like|as)|"
    r"talk(?:s|ed)?\s+(?:down\s+)?to\s+me\s+like|respect(?:ed)?|dignity|not\s+stupid|"
    r"like\s+a\s+(?:child|baby|kid|idiot)\b|instead\s+of\s+me\b|talk(?:s|ed)?\s+over\s+me)",
    re.IGNORECASE,
)


def _respect(match: re.Match[str], text: str) -> str | None:
    if match.group("judge"):
        return "Being accepted, without being judged, really matters to you."
    if match.group("say"):
        return "Having your say in decisions about you really matters to you."
    return "Being treated with respect really matters to you."


_HEARD = re.compile(
    r"\b(?P<listen>listen(?:s|ed|ing)?\s+to\s+me|(?:nobody|no\s+one|noone|doesn['’]?t|don['’]?t"
    r"|never|actually|just|not|really)\s+(?:\w+\s+)?listen(?:s|ed|ing)?|be(?:ing)?\s+heard|"
    r"hear\s+me\s+out)|"
    r"\b(?P<serious>take(?:s|n)?\s+me\s+seriously|taken\s+seriously|believe(?:s|d)?\s+me\b|"
    r"fob(?:bed)?\s+(?:me\s+)?off)|"
    r"\b(?P<reply>(?:nobody|no\s+one|noone|never)\s+(?:ever\s+)?(?:gets?|got|rings?|phones?|"
    r"calls?)\s+(?:me\s+)?back|get\s+back\s+to\s+me)",
    re.IGNORECASE,
)


def _heard(match: re.Match[str], text: str) -> str | None:
    if match.group("reply"):
        return "Getting a proper answer when you ask for something really matters to you."
    if match.group("serious") or re.search(r"\bseriously\b|\bbelieve", text, re.I):
        return "Being listened to and taken seriously really matters to you."
    return "Being listened to really matters to you."


_INDEPENDENT = re.compile(
    r"\b(?:independen(?:t|ce)|stand\s+on\s+my\s+own\s+two\s+feet|"
    r"(?:do|doing|manage|managing|cope|coping|get\s+about|get\s+around|go\s+out|get\s+out|"
    r"get\s+washed|get\s+dressed|wash|dress|cook|cooking|go|get|make|shop|look\s+after)"
    r"\b[^.!?;]{0,40}?\b(?:for\s+myself|by\s+myself|on\s+my\s+own(?!\s+(?:so\s+much|all\s+day|"
    r"all\s+the\s+time|a\s+lot))|myself)\b|"
    r"without\s+(?:anyone|anybody|somebody|someone)?['’]?s?\s*(?:else['’]?s\s+)?help|"
    r"(?:not|without)\s+(?:have\s+to\s+|having\s+to\s+)?(?:rely|relying|depend|depending|ask|"
    r"asking)\s+(?:on|for)\b|my\s+own\s+(?:cooking|shopping|washing|dinner|meals|soup|baking|"
    r"housework|money|bills|personal\s+care))",
    re.IGNORECASE,
)


def _independent(match: re.Match[str], text: str) -> str | None:
    sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("!", 0, match.start()))
    sentence = text[sentence_start + 1 : match.end() + 20]
    word = match.group().lower()
    explicit = word.startswith(("independen", "stand on", "without", "not "))
    fragment = re.match(r"\s*(?:just\s+)?(?:doing|being\s+able|getting|managing|cooking)\b",
                        sentence, re.I)  # fmt: skip
    if not (explicit or fragment or _WISH.search(sentence)):
        return None
    if re.search(r"\b(?:don['’]?t|never)\s+want\s+to\s+(?:\w+\s+){0,3}" + re.escape(word),
                 text, re.I):  # fmt: skip
        return None
    return "Being independent really matters to you."


_CONFIDENCE = re.compile(
    r"\b(?P<conf>confiden(?:ce|t)|believe\s+in\s+myself|self[\s-]?(?:esteem|belief|worth))|"
    r"\b(?P<self>feel(?:ing)?\s+(?:like\s+)?(?:myself|me|my\s+old\s+self)\s+again|my\s+old\s+self"
    r"|back\s+to\s+(?:my\s+old\s+self|me|myself)|to\s+feel\s+like\s+myself)|"
    r"\b(?P<handle>(?:got|get|have|getting)\s+a\s+(?:handle|grip)\s+on\s+(?:things|it|life|"
    r"everything)|on\s+top\s+of\s+things)",
    re.IGNORECASE,
)


def _confidence(match: re.Match[str], text: str) -> str | None:
    if match.group("self"):
        return "Feeling like yourself again really matters to you."
    if match.group("handle"):
        return "Feeling on top of things really matters to you."
    return "Getting your confidence back really matters to you."


_PURPOSE = re.compile(
    r"\b(?P<useful>useful|of\s+use|worth\s+something|worthwhile|purpose|a\s+reason\s+to\s+get\s+"
    r"up|make\s+a\s+difference)|\b(?P<give>give\s+(?:something\s+)?back|help\s+(?:other\s+"
    r"people|others|people\s+like\s+me)|contribut\w*)|\b(?P<work>(?:get|getting|go|going)\s+back"
    r"\s+to\s+(?:work|my\s+job|college|volunteering))|\b(?P<do>something\s+to\s+do|bored|"
    r"nothing\s+to\s+do|things\s+to\s+do|keep\s+(?:myself\s+)?busy)\b",
    re.IGNORECASE,
)


def _purpose(match: re.Match[str], text: str) -> str | None:
    if match.group("give"):
        return "Giving something back really matters to you."
    if match.group("work"):
        place = re.search(r"to\s+(work|my\s+job|college|volunteering)", match.group(), re.I)
        return f"Getting back to {_turned_np(place.group(1))} really matters to you."
    if match.group("do"):
        return "Having something worthwhile to do really matters to you."
    if re.search(r"worth\s+something", match.group(), re.I):
        return "Feeling you're worth something really matters to you."
    return "Feeling useful really matters to you."


_SAFE_OTHER = re.compile(
    r"\b(?:want|need|wants|needs|like)\s+(?P<np>him|her|them|mum|dad|my\s+\w+)\s+to\s+(?:be|"
    r"feel|stay|keep)\s+safe\b",
    re.IGNORECASE,
)
_SAFE = re.compile(
    r"\b(?:feel|feeling|be|being|keep|keeping|stay|staying|felt|am|i['’]m|not)\s+"
    r"(?:\w+\s+)?(?:safe|secure)\b|\bunsafe\b|\bsafety\b",
    re.IGNORECASE,
)


def _safe_other(match: re.Match[str], text: str) -> str | None:
    np = _turned_np(match.group("np"))
    return f"Keeping {np} safe really matters to you."


def _safe(match: re.Match[str], text: str) -> str | None:
    where = " at home" if re.search(r"\b(?:home|house|flat)\b", text, re.I) else ""
    return f"Feeling safe{where} really matters to you."


_HOME = re.compile(
    r"\b(?P<stay>(?:stay|staying|live|living|remain)\s+(?:in\s+|at\s+)?(?:my\s+own\s+home|home|"
    r"my\s+(?:own\s+)?(?:house|flat|home|bungalow|place)|here|in\s+this\s+house|where\s+i\s+am)"
    r"|(?:go|going|move|moving|end\s+up)\s+(?:in|into)\s+(?:a\s+)?(?:care|nursing|residential)\s+"
    r"home|my\s+whole\s+life\s+is\s+here)\b|"
    r"\b(?P<place>(?:get|have|find)\s+(?:a\s+place\s+of\s+my\s+own|my\s+own\s+(?:\w+\s+)?"
    r"(?:place|flat|house|home|tenancy))|my\s+own\s+(?:wee\s+|little\s+)?(?:place|flat|tenancy))|"
    r"\b(?P<back>(?:go|get|going|getting)\s+(?:back\s+)?home)\b|"
    r"\b(?P<named>stay(?:ing)?\s+(?:on|in)\s+(?-i:[A-Z][a-z]+))",
    re.IGNORECASE,
)


def _home(match: re.Match[str], text: str) -> str | None:
    if match.group("place"):
        return "Having a place of your own really matters to you."
    if match.group("named"):
        place = re.search(r"(?:on|in)\s+(\w+)$", match.group("named")).group()
        return f"Staying {place} really matters to you."
    sentence_from = text.rfind(".", 0, match.start()) + 1
    sentence_end = next((i for i in (text.find(c, match.end()) for c in ".!?") if i >= 0),
                        len(text))  # fmt: skip
    # the wish must be said around the words, not be them ("I stay at home most days")
    around = text[sentence_from : match.start()] + " " + text[match.end() : sentence_end]
    care_home = re.search(r"care|nursing|residential", match.group(), re.I)
    fragment = re.match(r"\s*(?:just\s+)?(?:staying|being|living)\b",
                        text[sentence_from:], re.I)  # fmt: skip
    wish = _WISH.search(around) and not re.search(
        r"\b(?:on|at|by|this|next)\s+(?:monday|"
        r"tuesday|wednesday|thursday|friday|saturday|"
        r"sunday|week|weekend)\b",
        around,
        re.I,
    )
    if not (care_home or fragment or wish or "whole life" in match.group()):
        return None
    if match.group("back"):
        return "Being back home really matters to you."
    return "Staying in your own home really matters to you."


_HEALTH = re.compile(
    r"\b(?P<pain>(?:without|less|no\s+more|ease|eased|easing|stop)\s+(?:\w+\s+){0,2}?pain|"
    r"pain\s+(?:to\s+)?(?:ease|eased|stop|go|went|under\s+control)|if\s+the\s+pain)\b|"
    r"\b(?P<recovery>(?:stay|keep|staying|keeping)\s+(?:off\s+the\s+(?:drink|gear|drugs|booze|"
    r"bevvy)|clean|sober|dry|in\s+recovery)|in\s+recovery)\b|"
    r"\b(?P<verb>get|getting|feel|feeling|stay|staying|keep|keeping)\s+(?P<adj>well|better|"
    r"healthy|fit|stronger|fitter|well\s+again)\b|"
    r"\bwithout\s+(?P<symptom>(?:a|the|any|my)\s+(?:panic\s+attacks?|flashbacks?|hangover|"
    r"nightmares?|voices|seizures?|fits?))",
    re.IGNORECASE,
)


def _health(match: re.Match[str], text: str) -> str | None:
    if match.group("pain"):
        return "Having less pain would make a real difference to you."
    if match.group("recovery"):
        return "Staying in recovery really matters to you."
    if match.group("symptom"):
        return f"A day without {_turned_np(match.group('symptom'))} would mean a lot to you."
    verb = match.group("verb").lower()
    verb = verb if verb.endswith("ing") else _gerund(verb)
    sentence_from = text.rfind(".", 0, match.start()) + 1
    if not _WISH.search(text[sentence_from : match.end()]) and not verb.startswith(
        ("staying", "keeping")
    ):
        return None
    return f"{_capital(verb)} {match.group('adj').lower()} really matters to you."


_LOSS = re.compile(
    rf"\b(?:since|after|when)\s+(?P<who>my\s+(?:\w+\s+)?{_REL}|(?-i:[A-Z][a-z]+))\s+"
    r"(?:died|passed(?:\s+away|\s+on)?)\b|"
    rf"\blost\s+(?P<lost>my\s+(?:\w+\s+)?{_REL})\b|"
    rf"\b(?P<died>my\s+(?:\w+\s+)?{_REL})\s+(?:died|passed(?:\s+away|\s+on)?)\b",
    re.IGNORECASE,
)


def _loss(match: re.Match[str], text: str) -> str | None:
    who = match.group("who") or match.group("lost") or match.group("died")
    if who in {"I", "It", "He", "She", "They", "We", "You", "Everything"}:
        return None
    return f"It sounds like you really miss {_turned_np(who)}."


_FAMILY = re.compile(
    r"\b(?P<np>(?:my|our)\s+(?:(?:little|wee|twin|older|younger|eldest|youngest)\s+)?"
    r"(?:family|grandkids|grandchildren|kids|children|bairns|grandson|granddaughter|son|"
    r"daughter|baby|boys|girls))\b",
    re.IGNORECASE,
)


def _family(match: re.Match[str], text: str) -> str | None:
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 20]
    if not (_WISH.search(before) or re.match(r"\s+back\b", after, re.I)):
        return None
    if re.search(r"\b(?:don['’]?t|never|not)\s+(?:\w+\s+)?(?:want|like)\b", before, re.I):
        return None
    return f"Your {_turned_np(match.group('np')).split(' ', 1)[1]} means a great deal to you."


_COMPLEX_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str | None]], ...] = (
    (_BURDEN_ON, _burden_on),
    (_BURDEN, lambda m, t: "It matters to you not to be a burden."),
    (_FEAR_WILL, _fear),
    (_FEAR_OF, _fear),
    (_IDENTITY, _identity),
    (_CARER_TIME, _carer_time),
    (_MISS_PEOPLE, _miss_people),
    (_LONELY, _lonely),
    (_TIME_WITH, _time_with),
    (_RESPECT, _respect),
    (_HEARD, _heard),
    (_INDEPENDENT, _independent),
    (_CONFIDENCE, _confidence),
    (_PURPOSE, _purpose),
    (_SAFE_OTHER, _safe_other),
    (_SAFE, _safe),
    (_HOME, _home),
    (_HEALTH, _health),
    (_FEAR_NOUN, _fear_noun),
    (_LOSS, _loss),
    (_FAMILY, _family),
)


@lru_cache(maxsize=1024)
def complex_reflection(answer: str) -> str | None:
    """Name the value or feeling behind an answer, in words grounded in the answer.

    "I just want to do things for myself again" → "Being independent really matters to you."
    Returns ``None`` when no value or feeling is clearly named: plain facts ("I live in
    Leeds"), "don't know", or words the lexicons don't cover. Never invents.
    """
    text = clean(answer)
    if not re.search(r"[A-Za-z]", text):
        return None
    for pattern, build in _COMPLEX_RULES:
        for match in pattern.finditer(text):
            said = build(match, text)
            if said:
                return said
    return None


def reflect(answer: str) -> str:
    """The reflection to give after an answer: complex if the words allow, else simple.

    Never empty: with nothing to reflect (no words, or "don't know") it thanks the person.
    """
    if assess_answer(answer) in (AnswerKind.EMPTY, AnswerKind.DONT_KNOW):
        return NEUTRAL_REFLECTION
    return complex_reflection(answer) or simple_reflection(answer) or NEUTRAL_REFLECTION


# --- affirmations: only for a strength that was heard -----------------------------------------

_KIND_ORDER = ("role", "practice", "recovery", "past_skill", "still", "coping", "skill",
               "caring", "quality", "people", "faith", "pet")  # fmt: skip
_LOWER_START = frozenset((
    "your", "you", "you're", "you've", "you'd", "the", "our", "his", "her", "their", "he",
    "she", "he's", "she's", "they", "they're", "a", "an", "some", "all", "friends", "folk",
    "people", "good", "lovely", "two", "three",
))  # fmt: skip
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_YEARS = re.compile(
    r"\bfor\s+(?:over\s+|nearly\s+|almost\s+|about\s+)?(?P<n>\d+|[a-z]+(?:[\s-][a-z]+)?)"
    r"(?:\s+odd|\s+plus)?\s+years\b",
    re.IGNORECASE,
)
_ROLE_NAME = re.compile(
    r"\b(?:be|was|been|as|retired)\s+(?P<always>always\s+)?(?:an?\s+)?"
    r"(?P<role>(?:[\w-]+\s+){0,2}?[\w-]+?)(?=\s+(?:for|in|at|on|all|with|when|until|before|"
    r"and)\b|\s*$|[.,;])",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:in|at|on)\s+(?:the\s+)?(?P<place>[\w'-]+(?:\s+(?!for\b|since\b|when\b|and\b)[\w'-]+)?)",
    re.IGNORECASE,
)
_ROLE_KNOWS = (
    (
        r"nurse|midwife|carer|care worker|care assistant|home help|auxiliary|health visitor|"
        r"paramedic|doctor|gp|support worker|social worker|foster carer|childminder|nanny",
        "looking after people",
    ),
    (r"cook|chef|baker|caterer|dinner lady|butcher", "good food"),
    (
        r"teacher|headteacher|lecturer|teaching assistant|classroom|nursery|coach|youth worker",
        "helping people learn",
    ),
    (
        r"joiner|carpenter|plumber|electrician|builder|bricklayer|plasterer|roofer|glazier|"
        r"decorator|welder|fitter|mechanic|engineer|shipbuilder|steelworker",
        "making and fixing things",
    ),
    (
        r"manager|supervisor|foreman|forewoman|team leader|shop steward|union rep",
        "organising people and getting things done",
    ),
    (r"farmer|gardener|landscaper|groundsman|shepherd", "growing things and the land"),
    (
        r"secretary|typist|receptionist|clerk|bookkeeper|accountant|civil servant|banker",
        "keeping things organised",
    ),
    (
        r"hairdresser|barber|shop assistant|sales assistant|shopkeeper|publican|barmaid|waitress|"
        r"waiter|landlady",
        "people",
    ),
)


def _choose(options: tuple[str, ...] | list[str], seed: str) -> str:
    """The same answer always gets the same wording; different answers vary."""
    return options[zlib.crc32(seed.encode("utf-8")) % len(options)]


def _number_words(value: str) -> str:
    value = value.strip().lower()
    if not value.isdigit():
        return value
    number = int(value)
    if number < 20:
        return _NUMBER_WORDS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return _TENS_WORDS[tens - 2] + (f"-{_NUMBER_WORDS[units]}" if units else "")
    return value


def _you(span_text: str) -> str:
    """The person's words turned to "you", tidied: "I still do my garden" → "You still do…"."""
    turned = turn_pronouns(clean(span_text)).rstrip(" .!?,;:")
    return _capital(turned)


def _inline(text: str) -> str:
    """Lower-case the first letter to continue a sentence, unless it starts with a name."""
    first = text.split(" ", 1)[0].lower()
    return text[0].lower() + text[1:] if first in _LOWER_START else text


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _affirm_role(span: str, seed: str) -> str:
    years_match = _YEARS.search(span)
    years = _capital(_number_words(years_match.group("n"))) if years_match else ""
    role_match = _ROLE_NAME.search(span)
    role = role_match.group("role").lower() if role_match else ""
    if role in {"", "in", "a", "an", "the"} or role.startswith(("in ", "at ")):
        role = ""
    knows = next((what for words, what in _ROLE_KNOWS
                  if role and re.search(rf"\b(?:{words})s?\b", role)), "")  # fmt: skip
    if not role:
        place = _PLACE.search(span)
        where = ""
        if place:
            preposition, _, rest = place.group(0).partition(" ")
            where = f"{preposition.lower()} {_turned_np(rest)}"
        if years and where:
            return _choose((f"{years} years {where} — that's a lot of experience to draw on.",
                            f"{years} years {where} — you'll have learned a great deal there."),
                           seed)  # fmt: skip
        return f"{_you(span)} — that's real experience, and it's still yours."
    a_role = f"{_article(role)} {role}"
    if years and knows:
        return _choose((f"{years} years as {a_role} — you know a lot about {knows}.",
                        f"{years} years as {a_role} — that's a lot of know-how about {knows}, "
                        "and it's still yours."), seed)  # fmt: skip
    if years:
        return _choose((f"{years} years as {a_role} — that's a lot of experience to draw on.",
                        f"{years} years as {a_role} — that takes real commitment, and the "
                        "experience is still yours."), seed)  # fmt: skip
    if role_match and role_match.group("always"):
        return f"You've always been {a_role} — that's still part of who you are."
    if knows:
        return _choose((f"You were {a_role} — you know a lot about {knows}.",
                        f"Being {a_role} means you know a lot about {knows}, and that's "
                        "still yours."), seed)  # fmt: skip
    return _choose((f"You were {a_role} — that experience is still part of who you are.",
                    f"Being {a_role} is part of who you are, and that's something to build on."),
                   seed)  # fmt: skip


def _affirm_past_skill(span: str, seed: str) -> str:
    rest = re.sub(r"(?i)^\s*i\s+used\s+to\s+", "", span).rstrip(" .!?,;:")
    verb, _, tail = rest.partition(" ")
    doing = _capital(f"{_gerund(verb)} {turn_pronouns(tail)}".strip())
    return _choose((f"{doing} takes real skill — and that experience is still yours.",
                    f"You used to {turn_pronouns(rest)} — that's real know-how to build on."),
                   seed)  # fmt: skip


def _affirm_people(span: str, kind: str, seed: str) -> str:
    said = _you(span)
    who_raw = person_phrase(span.strip())
    if re.match(r"(?i)you(?:'ve|\s+have)?\s+(?:got\s+)?", said) and not who_raw:
        tail = {"pet": "that's good company to have.",
                "faith": "that sounds like a real source of strength."}.get(
                    kind, "that kind of support counts for a lot.")  # fmt: skip
        return f"{said} — {tail}"
    who = _turned_np(who_raw) if who_raw else said
    if kind == "pet":
        who = re.sub(r"(?i)^the\b", "your", who)
    has_more = who_raw is not None and len(span.strip().rstrip(" .!?,;:")) > len(who_raw)
    if has_more:
        tails = {
            "pet": ("that's good company to have.", "that sounds like lovely company."),
            "faith": ("that's a real source of strength.", "that's something to hold on to."),
        }.get(kind, ("that's a real support to have.", "that kind of support counts for a lot."))
        return f"It sounds like {_inline(said)} — {_choose(tails, seed)}"
    plural = _plural(who) or " and " in who
    s = "" if plural else "s"
    if kind == "pet":
        return _choose((f"{_capital(who)} sound{s} like good company.",
                        f"It's lovely that you've got {_inline(who)} — that's real company."),
                       seed)  # fmt: skip
    if kind == "faith":
        return _choose((f"It sounds like {_inline(who)} mean{s} a great deal to you.",
                        f"{_capital(who)} sound{s} like a real source of strength for you."),
                       seed)  # fmt: skip
    return _choose((f"It sounds like {_inline(who)} mean{s} a lot to you.",
                    f"{_capital(who)} sound{s} really important to you — that's something to "
                    "hold on to.",
                    f"It's good to hear you've got {_inline(who)} in your life."),
                   seed)  # fmt: skip


def _affirm_quality(span: str, seed: str) -> str:
    him = "her" if re.match(r"(?i)\s*she", span) else "him"
    return _choose(
        (
            f"It's lovely to hear how you see the best in {him}.",
            f"You clearly know {him} well, and what's special about {him}.",
        ),
        seed,
    )


_TAILS = {
    "practice": ("that's quite something.", "that's real skill and commitment."),
    "recovery": (
        "that takes real commitment.",
        "that's a real achievement, and it shows what you can do.",
    ),
    "still": ("that takes real determination.", "that's a real strength to build on."),
    "coping": (
        "that kind of determination counts for a lot.",
        "that strength will help you now too.",
    ),
    "skill": ("that's a real strength.", "that's a real strength to build on."),
    "caring": ("that shows how much you care.", "that's a lot of care you're giving."),
}


def _affirm_one(kind: str | None, span: str, seed: str) -> str | None:
    if not re.search(r"[A-Za-z]", span):
        return None
    if kind == "role":
        return _affirm_role(span, seed)
    if kind == "past_skill":
        return _affirm_past_skill(span, seed)
    if kind in ("people", "pet") or kind == "faith" and not re.match(r"(?i)\s*(?:i|we)\b", span):
        return _affirm_people(span, kind, seed)
    if kind == "faith":
        return f"{_you(span)} — that sounds like a real source of strength."
    if kind == "quality":
        return _affirm_quality(span, seed)
    said = _you(span)
    if kind == "practice" and re.search(r"(?i)\b(?:married|together)\b", span):
        return f"{said} — that's a lot of love and commitment."
    if kind == "still" and re.match(r"(?i)you'd\b", said):
        return f"You know {_inline(said)} — that confidence counts for a lot."
    return f"{said} — {_choose(_TAILS.get(kind or '', _TAILS['skill']), seed)}"


def affirmation(answer: str, strengths: list[Span]) -> str | None:
    """A warm, specific affirmation of a strength the person mentioned, or ``None``.

    Only when a strength was heard (``strengths`` from ``find_strengths``): the most telling
    one is named back ("Thirty years as a nurse — you know a lot about looking after
    people."). The wording varies between answers but is the same for the same answer.
    """
    if not strengths:
        return None
    ranked = sorted(
        enumerate(strengths),
        key=lambda item: (
            _KIND_ORDER.index(k) if (k := strength_kind(item[1].text)) in _KIND_ORDER else 99,
            item[0],
        ),
    )
    seed = clean(answer)
    for _, span in ranked:
        said = _affirm_one(strength_kind(span.text), span.text, f"{seed}|{span.text}")
        if said:
            return said
    return None
