"""The people (and pets) who matter that an answer names, in the person's own words.

``important_people`` answers "Who is important to you?" and feeds the record's
``important_person`` table: family, friends, neighbours, groups ("the lads at the bowling
club"), faith communities ("my church"), pets ("my wee dog Bess") and the workers in someone's
life ("my GP", "the district nurse", "my carer"). People matter even when they are a problem or
absent, so "my son can't visit any more" still gives "my son". Nothing is invented: every
phrase is an exact stretch of the answer, except that a leading determiner is written in lower
case ("My daughter Sarah" → "my daughter Sarah") so phrases read the same wherever they stood.

Regular expressions are compiled once at import; an answer takes well under a millisecond.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.coaching.contracts import Span

_APOS = "'’"  # straight or curly apostrophe
_A = f"[{_APOS}]"


def _alt(*groups: str) -> str:
    """A non-capturing alternation, longest first; spaces match any whitespace."""
    ordered = sorted({w for group in groups for w in group.split("|")}, key=len, reverse=True)
    return "(?:" + "|".join(w.replace(" ", r"\s+").replace("'", _A) for w in ordered) + ")"


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- lexicons ---------------------------------------------------------------------------------

_KIN = (
    "daughter|daughters|son|sons|wife|husband|partner|girlfriend|boyfriend|fiance|fiancee|"
    "fiancé|fiancée|mum|mam|mom|mummy|mother|dad|father|daddy|parents|stepmum|stepdad|"
    "stepson|stepdaughter|gran|granny|nan|nana|nanna|grandma|grandmother|grandad|granddad|"
    "grandpa|grandfather|grandparents|grandkids|grandchildren|grandchild|grandson|grandsons|"
    "granddaughter|granddaughters|great-grandchildren|great-grandkids|sister|sisters|brother|"
    "brothers|sibling|siblings|cousin|cousins|aunt|aunts|auntie|aunty|uncle|uncles|niece|"
    "nieces|nephew|nephews|kids|children|child|bairns|bairn|weans|wean|family|in-laws|"
    "son-in-law|daughter-in-law|sons-in-law|daughters-in-law|mother-in-law|father-in-law|"
    "brother-in-law|sister-in-law|son in law|daughter in law|mother in law|father in law|"
    "brother in law|sister in law|twin|twins|godson|goddaughter|godmother|godfather|"
    "other half|better half|hubby|missus|fella|folks|ex"
)
# Words for family, for modules that need to tell family from services.
KIN = _KIN
_FRIENDS = (
    "friend|friends|pal|pals|mate|mates|buddy|buddies|neighbour|neighbours|neighbor|"
    "neighbors|flatmate|housemate|lodger|sponsor|lads|lasses|girls|boys|ladies|gang|crowd|"
    "pen pal|best pal|church family"
)
_WORKERS = (
    "GP|doctor|doctors|consultant|nurse|nurses|district nurse|community nurse|practice nurse|"
    "Macmillan nurse|CPN|carer|carers|care worker|care workers|support worker|key worker|"
    "keyworker|link worker|social worker|worker|OT|occupational therapist|physio|"
    "physiotherapist|befriender|counsellor|therapist|psychiatrist|psychologist|health visitor|"
    "home help|personal assistant|PA|advocate|podiatrist|chiropodist|dietitian|pharmacist|"
    "speech therapist|minister|vicar|priest|imam|rabbi|pastor|housing officer|"
    "care manager|care coordinator|care co-ordinator"
)
_COMMUNITY = (
    "church|chapel|kirk|mosque|temple|gurdwara|synagogue|congregation|parish|choir|"
    "faith group|prayer group|bible study group"
)
_PETS = (
    "dog|dogs|dug|cat|cats|puppy|pup|kitten|kittens|budgie|budgies|parrot|parrots|rabbit|"
    "rabbits|bunny|hamster|horse|horses|pony|guinea pig|guinea pigs|tortoise|pet|pets|moggy"
)
_PLURAL_HEADS = _wordset(
    "daughters sons parents grandparents grandkids grandchildren grandsons granddaughters "
    "sisters brothers siblings cousins aunts uncles nieces nephews kids children bairns weans "
    "twins friends pals mates buddies neighbours neighbors lads lasses girls boys ladies folks "
    "dogs cats birds pets budgies rabbits horses kittens"
)
_MOD = (
    r"(?:wee|little|big|older|younger|elder|eldest|youngest|oldest|middle|baby|best|"
    r"lovely|dear|late|new|old|only|grown[\s-]up|step|two|three|four|five|six|seven|eight|"
    r"nine|ten|twin|beautiful|wonderful|daft|good|close|local|family|lovely\s+old|dear\s+old)"
)
_NUMBER = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+|a\s+few|"
    r"a\s+couple\s+of|several|both\s+(?:my|our|of\s+my))"
)
_DET = r"(?:my|our|the|his|her|their|your)"
_BARE_KIN = "mum|mam|mummy|dad|daddy|nan|nana|nanna|gran|granny|grandma|grandad|granddad|grandpa"
_BARE_GROUP = "family|friends|grandkids|grandchildren|neighbours|pals|mates"

# Capitalised words that are not names, even where a name could stand.
_NAME_STOP = _wordset(
    "The This That These Those It He She They We I You My Our Your His Her Their Its Me "
    "Everyone Everybody Everything Nothing Nobody Someone Somebody Something Anyone Life Work "
    "Things Staff Social Services Council Money Just But And So Then Now Today Tomorrow "
    "Yesterday Some Most All Home Well Oh Yes No Not Maybe Also Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays "
    "Sundays January February March April May June July August September October November "
    "December Christmas Easter God Lord Jesus Sometimes Usually Always Never Only What When "
    "Where Why How Who Which There Here Being Getting Doing Going Having Mostly Mainly "
    "Honestly Really Even Still NHS GP OT Tesco Asda Aldi Lidl Morrisons Sainsburys Boots "
    "Facebook Zoom WhatsApp Skype Teams Age UK Because If Or Once After Before Since Parkinson "
    "Alzheimer Crohn Huntington Down Asperger MS COPD Covid"
)
_NAME = r"(?-i:[A-Z][a-z]+(?:-[A-Z][a-z]+|['’][A-Z][a-z]+)?)"
_TITLED = rf"(?-i:(?:Dr|Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME})"
_SEP = r"(?:\s*,\s*|\s+and\s+|\s*&\s*)"

# --- patterns -------------------------------------------------------------------------------

_PERSON = re.compile(
    rf"\b(?:{_DET}\s+(?:{_NUMBER}\s+)?|{_NUMBER}\s+(?:of\s+my\s+)?|(?:a|an)\s+)"
    rf"(?:{_MOD}[\s-]+){{0,3}}(?P<head>{_alt(_KIN, _FRIENDS)})\b(?:\s+of\s+(?:mine|ours))?"
    # "my son's wife", "my sister's dog": one person reached through another
    rf"(?:{_A}s\s+(?:{_MOD}\s+){{0,2}}(?P<head2>{_alt(_KIN, _FRIENDS, _PETS)})\b)?"
    rf"(?P<names>\s+{_NAME}(?:\s+{_NAME})?(?:{_SEP}{_NAME})*)?",
    re.IGNORECASE,
)
_WORKER = re.compile(
    rf"\b{_DET}\s+(?:(?:own|new|old|usual|regular|local|lovely|main)\s+)?{_alt(_WORKERS)}\b"
    rf"(?:,?\s+{_TITLED}|\s+{_NAME})?",
    re.IGNORECASE,
)
_COMMUNITY_NP = re.compile(
    rf"\b(?:my|our)\s+(?:(?:local|own|old)\s+)?{_alt(_COMMUNITY)}\b", re.IGNORECASE
)
_PET = re.compile(
    rf"\b(?:{_DET}|{_NUMBER}|a|an)\s+(?:{_MOD}\s+){{0,3}}{_alt(_PETS)}\b"
    rf"(?:\s+(?:called|named)\s+{_NAME}|\s+{_NAME})?",
    re.IGNORECASE,
)
_GROUP = re.compile(
    rf"\b(?:(?P<det>{_DET}|some|all\s+the|all\s+my|a\s+few|a\s+couple\s+of)\s+)?"
    rf"(?:(?:good|old|lovely|other)\s+)?"
    rf"(?:{_alt(_FRIENDS)}|folks|folk|people|guys|women|men|members|staff|regulars|"
    r"volunteers|everyone|everybody|team)\s+(?:at|from|in|down\s+at|down|of)\s+"
    r"(?:(?:the|my|our)\s+)?(?:[a-z][\w'’-]*\s+){0,2}?"
    r"(?:church|chapel|kirk|mosque|temple|gurdwara|synagogue|club|group|choir|centre|"
    r"center|allotments?|pub|bowls|bingo|work|congregation|parish|gym|street|road|close|"
    r"estate|village|stair|building|flats|shed|hall|library|caf[eé]|class|meetings?|"
    r"team|unit|ward|surgery|practice|school|college|office)\b|"
    # "the people next door", "the lads over the road"
    rf"\b(?:{_DET}\s+)(?:{_alt(_FRIENDS)}|folks|folk|people|family|couple|woman|man|lady|"
    r"guy|bloke)\s+(?:next\s+door|across\s+the\s+(?:road|street|landing|hall)|"
    r"over\s+the\s+road|upstairs|downstairs|down\s+the\s+(?:road|street|stair|corridor)|"
    r"up\s+the\s+(?:road|street|stair))\b",
    re.IGNORECASE,
)
# "a friend of mine, Margaret, …": the name set off by commas is the same person.
_APPOSITION = re.compile(
    rf"\b{_alt(_KIN, _FRIENDS, _WORKERS)}(?:\s+of\s+(?:mine|ours))?,\s+(?P<name>{_NAME})(?=\s*,)",
    re.IGNORECASE,
)
_TITLED_NP = re.compile(rf"\b{_TITLED}")
_OUR_NAME = re.compile(rf"\b(?i:our)\s+(?P<name>{_NAME})\b")  # "our Jean": a sister, say
_BARE_KIN_NP = re.compile(rf"\b(?:(?-i:(?:{_BARE_KIN.title()}))|{_BARE_KIN})\b(?!-\w)")
_BARE_GROUP_NP = re.compile(rf"\b(?:{_BARE_GROUP})\b", re.IGNORECASE)
# A bare name counts when it plainly stands for a person: something only a person does
# follows it, or it is company ("with Jean", "me and Tam"). At the start of a sentence a
# capitalised word may be anything ("Swimming helps"), so the verb must be a visit or a call.
_VISITS = (
    r"comes?|came|visits?|visited|pops?|popped|phones?|phoned|rings?|rang|calls?|texts?|"
    r"drives?|lives?|stays?|brings?|cooks?\s+for|looks?\s+after|minds?|is\s+my|['’]s\s+my|"
    r"and\s+I\b|and\s+me\b"
)
_DOES = (
    r"helps?|helped|takes?|took|sorts?|checks?|keeps?|walks?\s+(?:me|with)|sits?\s+with|"
    r"does\s+my|gets?\s+my|has\s+been|is\s+(?:always|brilliant|great|lovely|kind|good\s+to\s+me|"
    r"a\s+(?:good|great|real|lovely)\s+(?:friend|help|pal))|won['’]?t|can['’]?t|never"
)
_ADVERB = r"(?:\s+(?:always|still|usually|often|just|sometimes|also|really|regularly))?\s+"
_NAMED = re.compile(
    rf"\b(?P<names>{_NAME}(?:{_SEP}{_NAME})?)(?={_ADVERB}(?:(?P<visits>{_VISITS})|{_DOES})\b)"
)
_NAMED_COMPANY = re.compile(
    rf"\b(?:with|me\s+and|and\s+me|visits?\s+from)\s+(?P<name>{_NAME})\b"
    rf"(?!\s+(?:{_alt(_COMMUNITY)}|club|group|centre|hospital|council|street|road)\b)",
    re.IGNORECASE,
)
_NAME_AND_ME = re.compile(rf"\b(?P<name>{_NAME})\s+and\s+(?:I|me)\b")
# Who comes just after "a"/"an" is often a role the person had, not someone in their life.
_WAS_A = re.compile(
    r"\b(?:was|were|am|are|i['’]m|im|we['’]re|be|been|being|is|as|become|became|like)\s+$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:no|any|without|nor)\s+$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?…;:\n]\s*|[\"“(]\s*)$")
# Common words that open a phrase only by standing first in a sentence; names, and the kin
# words people use as names ("Mum"), keep their capital.
_LEAD_WORD = re.compile(
    r"^(?:my|our|the|his|her|their|your|a|an|some|all|both|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|few|someone|somebody|anyone|everyone|everybody|people|folk|"
    r"folks|friends|family|neighbours|grandkids|grandchildren|pals|mates|staff|volunteers|"
    r"social)\b",
    re.IGNORECASE,
)
_NAME_TAIL = re.compile(rf",?\s+(?:{_TITLED}|{_NAME}(?:\s+{_NAME})?(?:{_SEP}{_NAME})*)")


def _is_name(word: str) -> bool:
    return word not in _NAME_STOP


def _after_role_word(text: str, start: int) -> bool:
    """ "I was a nurse", "as a child": a role or a time of life, not a person."""
    return bool(_WAS_A.search(text[max(0, start - 12) : start]))


def _person_spans(text: str, match: re.Match[str]) -> list[tuple[int, int]]:
    start, end = match.span()
    if re.match(r"(?i)an?\b", match.group()) and _after_role_word(text, start):
        return []
    names = match.group("names")
    if not names:
        return [(start, end)]
    head = (match.group("head2") or match.group("head")).lower()
    found = [(m.start(), m.end()) for m in re.finditer(_NAME, names)]
    offset = match.start("names")
    if not all(_is_name(names[s:e]) for s, e in found):
        return [(start, offset)]
    if head in _PLURAL_HEADS or len(found) == 1:
        return [(start, end)]
    # "my daughter Sarah and Jean": Sarah is the daughter; Jean is someone else
    first = re.match(rf"\s+{_NAME}(?:\s+{_NAME})?", names)
    spans = [(start, offset + first.end())]
    spans += [(offset + s, offset + e) for s, e in found if offset + s >= offset + first.end()]
    return spans


def _candidates(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for match in _PERSON.finditer(text):
        found.extend(_person_spans(text, match))
    for pattern in (_WORKER, _COMMUNITY_NP, _TITLED_NP):
        found.extend(m.span() for m in pattern.finditer(text))
    for match in _GROUP.finditer(text):
        if match.group("det") or not _NEGATED.search(
            text[max(0, match.start() - 10) : match.start()]
        ):
            found.append(match.span())
    for match in _PET.finditer(text):
        tail = re.search(rf"\s+(?:(?:called|named)\s+)?({_NAME})$", match.group())
        end = match.end()
        if tail and not _is_name(tail.group(1)):
            end = match.start() + tail.start()
        if re.match(r"(?i)an?\b", match.group()) and _after_role_word(text, match.start()):
            continue
        found.append((match.start(), end))
    found.extend(m.span() for m in _BARE_KIN_NP.finditer(text))
    for match in _BARE_GROUP_NP.finditer(text):
        if not _NEGATED.search(text[max(0, match.start() - 10) : match.start()]):
            found.append(match.span())
    for match in _NAMED.finditer(text):
        if not match.group("visits") and _SENTENCE_START.search(text[: match.start()]):
            continue
        for name in re.finditer(_NAME, match.group("names")):
            if _is_name(name.group()):
                found.append((match.start() + name.start(), match.start() + name.end()))
    for pattern in (_NAMED_COMPANY, _NAME_AND_ME, _OUR_NAME, _APPOSITION):
        for match in pattern.finditer(text):
            if _is_name(match.group("name")):
                found.append(match.span(0 if pattern is _OUR_NAME else "name"))
    return found


@lru_cache(maxsize=1024)
def _find(text: str) -> tuple[Span, ...]:
    if not text or not re.search(r"[A-Za-z]", text):
        return ()
    candidates = sorted(_candidates(text), key=lambda c: (-(c[1] - c[0]), c[0]))
    kept: list[tuple[int, int]] = []
    for start, end in candidates:
        if end > start and not any(start < k_end and k_start < end for k_start, k_end in kept):
            kept.append((start, end))
    return tuple(Span(text[s:e], s, e) for s, e in sorted(kept))


def _key(phrase: str) -> str:
    return re.sub(r"\W+", " ", phrase.lower().replace("’", "'")).strip()


def lower_determiner(phrase: str) -> str:
    """Write a capitalised leading common word in lower case: "My son" → "my son"."""
    lead = _LEAD_WORD.match(phrase)
    if lead:
        return lead.group().lower() + phrase[lead.end() :]
    return phrase


def _named_version(short: str, full: str) -> bool:
    """``full`` is ``short`` with a name after it: "my daughter" / "my daughter Sarah"."""
    return full.lower().startswith(short.lower()) and bool(_NAME_TAIL.fullmatch(full[len(short) :]))


# --- public API -----------------------------------------------------------------------------


def people_spans(text: str) -> list[Span]:
    """Where the answer names people, groups, faith communities, workers or pets, in order.

    Exact stretches of ``text`` with their offsets, repeats included; ``important_people``
    is the tidied list.
    """
    return list(_find(text or ""))


def important_people(text: str) -> list[str]:
    """The people (and pets) who matter that an answer names, in order, without repeats.

    Phrases keep the person's words and casing, except a leading determiner in lower case.
    Repeats are dropped ignoring case; a later bare "my daughter" after "my daughter Sarah"
    is the same person, and an earlier one is replaced by the fuller phrase.
    """
    out: list[str] = []
    for span in _find(text or ""):
        phrase = lower_determiner(span.text)
        key = _key(phrase)
        if any(_key(p) == key or _named_version(phrase, p) for p in out):
            continue
        shorter = next((i for i, p in enumerate(out) if _named_version(p, phrase)), None)
        if shorter is not None:
            out[shorter] = phrase
        else:
            out.append(phrase)
    return out
