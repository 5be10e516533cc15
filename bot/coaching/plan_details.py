"""Who, when and where, from an answer to "What could help with that, and who could help?".

The record's ``action`` rows (DESIGN §3) hold what, who, when and where; this module finds the
last three as exact words from the answer, or ``None`` when they were not said. ``who`` holds
the people from ``people.important_people`` plus the roles and services that help ("a physio",
"someone from the council", "social work"), in the order said. The person themself counts when
they say they could do it ("I could do it myself", "on my own", "I'll practise"): written as
"me". "Me" as an object ("my son could take me") is not them helping.

Regular expressions are compiled once at import; an answer takes well under a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.coaching.people import KIN, lower_determiner, people_spans

SELF = "me"

_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DAYS = rf"(?:{_DAY}s?(?:\s+(?:morning|afternoon|evening|night)s?)?)"
_NUM = (
    r"(?:once|twice|three\s+times|four\s+times|five\s+times|a\s+couple\s+of\s+times|"
    r"a\s+few\s+times|\d+\s+times|one|two|three|four|five|six|seven|\d+|a\s+couple\s+of|"
    r"a\s+few)"
)
_PERIOD = r"(?:day|week|fortnight|month|year|morning|afternoon|evening|night|weekend)"
_PART = r"(?:morning|afternoon|evening|night|day|week|weekend|fortnight|month|year)"
_MEAL = r"(?:breakfast|lunch|lunchtime|dinner|dinnertime|tea|teatime|supper|bed|bedtime)"
_EVENT = (
    r"(?:operation|op|surgery|treatment|chemo|chemotherapy|radiotherapy|appointment|"
    r"assessment|review|discharge|holiday|move|flit|scan|results|birthday|new\s+hip|"
    r"new\s+knee|hip|knee|cast|stitches|leg|arm|recovery|physio|rehab|the\s+\w+\s+holidays)"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)"
)
_SEASON = r"(?:spring|summer|autumn|winter|new\s+year|holidays|school\s+holidays)"

# Time phrases; adjacent ones join into one ("every morning before breakfast").
_WHEN = re.compile(
    r"\b(?:"
    rf"(?:on|every|each|most|some|alternate)\s+(?:other\s+)?(?:a\s+)?{_DAYS}"
    rf"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+){_DAYS})*|"
    rf"{_DAYS}(?:(?:\s*,\s*|\s+and\s+|\s+or\s+){_DAYS})*|"
    rf"(?:every|each)\s+(?:other\s+|single\s+|couple\s+of\s+|few\s+)?(?:{_PART}s?|{_MEAL}|"
    r"now\s+and\s+then|so\s+often|time)|"
    rf"{_NUM}\s+(?:(?:days?|times?|hours?|mornings?|afternoons?|evenings?|nights?)\s+)?"
    rf"(?:a|an|per|each|every)\s+{_PERIOD}|"
    r"daily|weekly|fortnightly|monthly|nightly|most\s+days|most\s+weeks|some\s+days|"
    r"now\s+and\s+again|now\s+and\s+then|from\s+time\s+to\s+time|once\s+in\s+a\s+while|"
    rf"(?:next|this|last|coming)\s+(?:{_PART}|{_DAY}|{_MONTH}|{_SEASON}|term)|"
    r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?|tonight|today|"
    r"right\s+away|straight\s+away|as\s+soon\s+as\s+possible|asap|soon|"
    rf"in\s+the\s+(?:{_PART}s?|{_SEASON}|new\s+year|near\s+future|long\s+run)|"
    rf"in\s+(?:a|an|one|two|three|four|six|a\s+few|a\s+couple\s+of|\d+)\s+"
    rf"(?:days?|weeks?|months?|years?)(?:['’]?\s*time)?|"
    rf"(?:within|for)\s+(?:a|an|one|two|three|four|six|a\s+few|a\s+couple\s+of|\d+)\s+"
    rf"(?:days?|weeks?|months?)|"
    rf"(?:by|before|after|until|till|from|over|in|during|around)\s+(?:the\s+)?"
    rf"(?:{_SEASON}|christmas|easter|{_MONTH}|the\s+end\s+of\s+the\s+(?:{_PART}|{_MONTH}))|"
    rf"(?:before|after|at|with|over|until)\s+(?:my\s+|our\s+|the\s+)?{_MEAL}|"
    rf"(?:after|before|once|following|until|till)\s+(?:my|the|his|her|our|this)\s+"
    rf"(?:\w+\s+)?{_EVENT}|"
    r"(?:after|once|when|as\s+soon\s+as)\s+(?:i|my\s+\w+|the\s+\w+|we|he|she)\b[^.,;!?]{0,35}?"
    r"\b(?:home|hospital|better|out(?:\s+of\s+(?:the\s+)?hospital)?|back|stronger|healed|"
    r"settled|mended|sorted|over|fixed|"
    r"done|finished|moved|retired)|"
    rf"(?:at|on)\s+(?:the\s+)?weekends?|at\s+night|of\s+an?\s+{_PART}|"
    r"first\s+thing(?:\s+in\s+the\s+morning)?|at\s+lunchtime|at\s+teatime|"
    r"(?:in\s+the\s+)?(?:mornings|afternoons|evenings)|"
    rf"at\s+(?:\d{{1,2}}(?::\d\d)?\s*(?:am|pm|o['’]clock)?|noon|midday)"
    r")\b",
    re.IGNORECASE,
)

_PLACE = (
    r"(?:shops?|supermarket|town|town\s+centre|city\s+centre|pool|swimming\s+pool|baths|gym|"
    r"park|library|church|chapel|kirk|mosque|temple|gurdwara|synagogue|club|pub|caf[eé]|"
    r"(?:day|health|leisure|community|sports|medical|resource|drop[\s-]in|job)\s+centre|"
    r"centre|hospital|surgery|clinic|gp['’]?s?|doctor['’]?s|doctors|dentist['’]?s?|"
    r"chemist['’]?s?|pharmacy|optician['’]?s?|hairdresser['’]?s?|barber['’]?s?|"
    r"allotment|allotments|garden|back\s+garden|front\s+garden|beach|seaside|coast|bingo|"
    r"post\s+office|bank|market|college|school|university|uni|hall|church\s+hall|"
    r"village\s+hall|home|house|flat|kitchen|bathroom|bedroom|living\s+room|lounge|toilet|"
    r"shower|bath|stairs|bus\s+stop|station|bowling\s+(?:club|green|alley)|golf\s+course|"
    r"cinema|theatre|football|match|harbour|seafront|prom|promenade|canal|woods|hills|"
    r"countryside|street|high\s+street|corner\s+shop|office|car|bus|"
    r"train|front\s+door|back\s+door|garage|shed|greenhouse|lunch\s+club|group|class|"
    r"classes|meeting|meetings|community|area|neighbourhood|ward|unit|care\s+home|"
    r"residential|respite|nursing\s+home|hospice|gp\s+practice|practice|health\s+centre)"
)
_WHERE = re.compile(
    r"\b(?:"
    r"(?:to|at|in|into|round|around|down\s+(?:to|at)|up\s+(?:to|at)|over\s+(?:to|at)|"
    r"out\s+to|along\s+to|from|near|outside|inside|by)\s+(?:the\s+|my\s+|our\s+|a\s+|an\s+|"
    rf"his\s+|her\s+|their\s+|your\s+)(?:(?:local|nearest|nearby|own|new|old|little|wee|"
    rf"big|main|[a-z]+['’]s)\s+)?(?:[a-z]+\s+)?{_PLACE}|"
    r"(?:to|at|in|into|from|near)\s+(?:town|church|chapel|kirk|mosque|temple|school|college|"
    r"uni|university|hospital|bingo|mass|bed)|(?:at|from)\s+work|"
    r"(?:at|to|round\s+at|round\s+to|over\s+at|up\s+at|down\s+at)\s+(?:my|our|his|her|"
    r"their)\s+(?:\w+\s+)?\w+['’]s(?:\s+(?:house|flat|place|home))?|"
    r"online|on\s*line|on\s+(?:the\s+)?(?:phone|computer|laptop|tablet|ipad|internet|web)|"
    r"over\s+the\s+(?:phone|internet)|by\s+(?:phone|video(?:\s+call)?|text|email)|"
    r"on\s+(?:zoom|teams|facetime|skype|whatsapp|video(?:\s+calls?)?)|"
    r"at\s+home|from\s+home|indoors|outdoors|outside|downstairs|upstairs|in\s+town|"
    r"in\s+the\s+community|locally|nearby|in\s+the\s+village"
    r")\b",
    re.IGNORECASE,
)
# Roles and services that help, which are not named people ("a physio", "social work").
_ROLES = (
    r"physio|physiotherapist|OT|occupational\s+therapist|befriender|befriending\s+service|"
    r"social\s+worker|worker|key\s+worker|keyworker|link\s+worker|support\s+worker|"
    r"care\s+worker|carer|carers|home\s+help|district\s+nurse|community\s+nurse|nurse|GP|"
    r"doctor|dietitian|podiatrist|chiropodist|counsellor|therapist|psychologist|"
    r"psychiatrist|CPN|advocate|volunteer|volunteers|mentor|"
    r"personal\s+trainer|instructor|tutor|teacher|pharmacist|optician|dentist|"
    r"speech\s+therapist|handyman|handyperson|cleaner|gardener|driver|peer\s+supporter|"
    r"support\s+group|care\s+agency|befriending\s+group|"
    r"personal\s+assistant|PA|housing\s+officer|welfare\s+rights\s+(?:officer|adviser)|"
    r"benefits\s+adviser|adviser|advisor|specialist|consultant|care\s+manager|"
    r"reablement\s+team|rehab\s+team|falls\s+team|wheelchair\s+service"
)
_WHO_ROLE = re.compile(
    rf"\b(?:(?:a|an|the|my|our|some|another|any|their|his|her)\s+)"
    r"(?:(?:new|local|proper|regular|good|qualified|specialist|community|dementia|mental\s+"
    r"health|trained|volunteer|young|nice|friendly)\s+){0,2}"
    rf"(?:{_ROLES})\b(?:\s+(?:from|at)\s+(?:the\s+)?(?-i:[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*)*))?|"
    r"\b(?:someone|somebody|anyone|a\s+person|people|a\s+volunteer|volunteers|a\s+worker|"
    r"a\s+lady|a\s+man|a\s+woman)\s+(?:from|at|in)\s+(?:(?:the|my|our)\s+)?"
    r"(?:[a-z]+\s+){0,2}?(?:council|surgery|practice|centre|church|charity|group|team|club|"
    r"service|services|hospital|library|social\s+work|housing|job\s*centre|(?-i:[A-Z][\w'’]*"
    r"(?:\s+[A-Z][\w'’]*)*))\b|"
    r"\b(?:social\s+work|social\s+services|the\s+council|(?:my|the|our)\s+(?:GP\s+)?"
    r"(?:surgery|practice)|the\s+(?:housing\s+association|housing|church|hospital\s+team)|"
    r"(?-i:Age\s+(?:UK|Scotland|Cymru|NI|Concern)|Citizens\s+Advice|Macmillan|Samaritans|"
    r"Alzheimer['’]?s\s+(?:Society|Scotland)|Carers\s+(?:UK|Trust|Scotland|Centre)|"
    r"RNIB|RVS|British\s+Red\s+Cross|Red\s+Cross))\b",
    re.IGNORECASE,
)
# The person themself: "I could do it myself", "on my own", "I'll practise".
_SELF = re.compile(
    r"\b(?:myself|by\s+myself|on\s+my\s+own|me\s+myself|\w+\s+and\s+I\b|"
    r"(?:^|(?<=[.,;!?])\s*|(?<=\bmaybe\s)|(?<=\bthen\s))me\s+and\s+\w+|"
    r"i\s*(?:could|can|will|['’]ll|would|['’]d|might|may|should|must|am\s+going\s+to|"
    r"['’]m\s+going\s+to|am\s+gonna|['’]m\s+gonna|try\s+to|could\s+try\s+to|"
    r"can\s+try\s+to|will\s+try\s+to)\s+"
    r"(?:(?:just|still|also|maybe|probably|definitely|really|always|try\s+and|start|"
    r"start\s+to|keep|try|try\s+to)\s+)*(?!ask|get|need|have|like|love|want|wish|hope|"
    r"see|think|suppose|guess|be|let|say|tell|phone|ring|call|text|email|contact|"
    r"speak|talk|look\s+into|find\s+out|if|probably|not|n['’]t|rather|prefer|do\s+with|"
    r"appreciate|feel|use)(?P<verb>\w+))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlanDetails:
    """Who could help, when and where: exact words from the answer, ``None`` when not said."""

    who: tuple[str, ...]
    when: str | None
    where: str | None


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other[0] <= span[0] and span[1] <= other[1] and span != other


def _joined(text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first run of time phrases, joined where only spaces, commas or "and" part them."""
    spans = sorted(spans)
    if not spans:
        return None
    start, end = spans[0]
    for s, e in spans[1:]:
        if s < end:
            end = max(end, e)
        elif re.fullmatch(r"\s*,?\s*(?:(?:and|or)\s+)?", text[end:s], re.IGNORECASE):
            end = e
        else:
            break
    return start, end


def _people_and_self(text: str, places: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for span in people_spans(text):
        found.append((span.start, span.end, lower_determiner(span.text)))
    for match in _WHO_ROLE.finditer(text):
        found.append((match.start(), match.end(), lower_determiner(match.group())))
    # A place that holds a person or role is a place: "to the GP", "at my daughter's".
    found = [f for f in found if not any(p[0] <= f[0] and f[1] <= p[1] for p in places)]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, str]] = []
    for item in found:
        if not any(item[0] < k[1] and k[0] < item[1] for k in kept):
            kept.append(item)
    for match in _SELF.finditer(text):
        # every branch of _SELF is the person taking part, so each match counts
        kept.append((match.start(), match.end(), SELF))
    return sorted(kept)


@lru_cache(maxsize=1024)
def plan_details(text: str) -> PlanDetails:
    """Who could help, when and where, drawn from the answer in its own words.

    ``who`` lists people, roles and services in the order said, without repeats ("me" for the
    person themself); ``when`` and ``where`` are the first time and place phrases, or ``None``.
    """
    text = text or ""
    times = [m.span() for m in _WHEN.finditer(text)]
    places = [m.span() for m in _WHERE.finditer(text)]
    # a place phrase within a time phrase is part of the time: "after the school holidays"
    places = [p for p in places if not any(t[0] <= p[0] and p[1] <= t[1] for t in times)]
    who_found = _people_and_self(text, places)
    # a place inside a person phrase belongs to them: "the lads at the bowling club"
    places = [p for p in places if not any(_inside(p, (w[0], w[1])) for w in who_found)]
    when = _joined(text, times)
    who: list[str] = []
    for _, _, phrase in who_found:
        if phrase.lower() not in (w.lower() for w in who):
            who.append(phrase)
    return PlanDetails(
        who=tuple(who),
        when=text[when[0] : when[1]] if when else None,
        where=text[places[0][0] : places[0][1]] if places else None,
    )


_FAMILY = re.compile(r"\b(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:" + KIN + r")\b|^(?:mum|dad)$",
                     re.IGNORECASE)  # fmt: skip


def own_contribution(details: PlanDetails) -> bool:
    """Whether the person or their family will do it themselves (the recording minimum's "the
    person's and family's own contribution"), rather than a service or a professional."""
    return any(who == SELF or _FAMILY.search(who) for who in details.who)
