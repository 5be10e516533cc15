"""The person's own voice in a worker's notes, and the pronouns to ask about them with.

``split_voice`` reads notes a worker types with someone they support. Whatever the worker put
in quotation marks (“…”, "…", ‘…’ or '…') is the person's own words and is kept exactly, for
the record's "in their own words"; the rest is the worker's notes. An apostrophe inside a
word (don't, Jean's, don’t) is never a quote mark, nor one that opens a clipped word ('cos).
A quote left open runs to the end of its sentence. Quotes are kept as typed, less a
closing comma or full stop.

The tidying rule for the notes: a quote is cut out with the words that only frame it — a
speaker and a saying verb that are all that is left of their clause ("She said:", ", he
told me", "In her words"). Framing that carries anything else stays ("She said she was
tired"). A quote that is part of the worker's own sentence, with words on both sides in its
clause ('Described the carers as "rubbish" and wants a change'), stays in the notes too, since
cutting it would break the sentence. Left-over spaces and punctuation are tidied, a clause
left starting with "and"/"so" loses it, and notes start with a capital if the text did.

``pronouns`` reads the pronouns a worker chose (typed or pressed, "she", "He/him", "they")
so the bot can ask its questions about the person: "What matters most to {them} just now?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DOUBLES = '“”"„'
_SINGLES = "‘’'‚"
_OPENERS_BEFORE = " \t\n([{—–-:/"  # what may come just before an opening single quote
# Clipped words that start with an apostrophe: "'cos", "'em", "rock 'n' roll", "the '80s".
_ELISION = re.compile(r"(?:cos|cause|coz|em|til|till|bout|round|n|s|ere|im|er|\d\ds?)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?…]+(?=[\s\"”’']|$)|\n")

_SUBJECT = (
    r"(?:she|he|they|i|we|mum|dad|the\s+person|(?:his|her|their|the)\s+\w+|"
    r"(?:mr|mrs|ms|miss|dr)\.?\s+\w+|(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?)"
)
_SAYS = (
    r"(?:said|says|say|told\s+(?:me|us|him|her|them|the\s+\w+)|tells\s+(?:me|us)|stated|"
    r"states|replied|replies|explained|explains|added|adds|commented|mentioned|asked|asks|"
    r"shouted|whispered|repeated|reported|reports|answered|agreed|wrote|writes|put\s+it|"
    r"puts\s+it|(?:kept|keeps|was|is)\s+saying|went|goes|joked|laughed|cried|sighed)"
)
_BEFORE_ADVERB = r"(?:(?:also|then|just|always|often|later|again|even|kept|has|had)\s+)*"
_AFTER_ADVERB = (
    r"(?:\s+(?:quietly|clearly|firmly|again|angrily|sadly|softly|tearfully|straight\s+away|"
    r"several\s+times|more\s+than\s+once|today|earlier|later|on\s+the\s+phone|to\s+me|to\s+us|"
    r"at\s+the\s+visit|when\s+(?:i|we)\s+(?:visited|called|asked)))*"
)
_WORDS_NOUN = (
    r"(?:(?:in\s+)?(?:his|her|their|the\s+person['’]s)\s+(?:own\s+)?words(?:\s+were)?|"
    r"in\s+(?:his|her|their)\s+words|quote|quoting|verbatim|direct\s+quote)"
)
_FRAME = rf"(?:(?:{_SUBJECT}\s+)?{_BEFORE_ADVERB}{_SAYS}{_AFTER_ADVERB}(?:\s+that)?|{_WORDS_NOUN})"
# The framing words before a quote, from the start of their clause: "She said: ".
_FRAME_BEFORE = re.compile(
    rf"(?:^|(?<=[.!?…;\n])|,|\s+(?:and|but|so|then)\b)\s*{_FRAME}\s*[:,–—-]?\s*$",
    re.IGNORECASE,
)
# The framing words after a quote, to the end of their clause: ', he said.'
_FRAME_AFTER = re.compile(
    rf"\s*,?\s*(?:{_SUBJECT}\s+{_BEFORE_ADVERB}{_SAYS}|{_SAYS}\s+{_SUBJECT}){_AFTER_ADVERB}"
    r"(?=\s*(?:[.!?…;,\n]|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Voice:
    """A worker's note split into the person's own words and the worker's notes."""

    quotes: tuple[str, ...]
    notes: str


def _can_open_single(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPENERS_BEFORE and not after.isspace() and not _ELISION.match(text, i + 1)


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _closes(text: str, i: int, kind: str) -> bool:
    char = text[i]
    if kind == "double":
        return char in _DOUBLES and char not in "“„"
    return char in _SINGLES and _can_close(text, i)


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Quotes as (cut start, words start, words end, cut end), the cut including the marks."""
    found: list[tuple[int, int, int, int]] = []
    i, opened, kind = 0, -1, ""
    while i < len(text):
        char = text[i]
        if opened < 0:
            if char in _DOUBLES and (char != "”" or i == 0 or text[i - 1].isspace()):
                opened, kind = i, "double"
            elif char in _SINGLES and _can_open_single(text, i):
                opened, kind = i, "single"
        elif _closes(text, i, kind):
            found.append((opened, opened + 1, i, i + 1))
            opened = -1
        i += 1
        if opened >= 0 and i == len(text):
            # left open: the quote runs to the end of its sentence, then look on from there
            end = _SENTENCE_END.search(text, opened + 1)
            stop = end.end() if end else len(text)
            found.append((opened, opened + 1, stop, stop))
            i, opened = stop, -1
    return found


def _tidy(notes: str) -> str:
    notes = re.sub(r"\s+", " ", notes)
    notes = re.sub(r"\(\s*\)|\[\s*\]", "", notes)
    notes = re.sub(r"\s+([.,;:!?…])", r"\1", notes)
    notes = re.sub(r"[,;:–—-]\s*(?=[.!?…])", "", notes)
    notes = re.sub(r"([.!?…])(?:\s*[.,;:])+", r"\1", notes)
    notes = re.sub(r",?\s+(?:and|but|or|so)\s*(?=[.!?…]|$)", "", notes, flags=re.IGNORECASE)
    notes = re.sub(r"^[\s.,;:!?…–—-]+(?:(?:and|so|then)\b\s*)?", "", notes, flags=re.I)
    notes = re.sub(r"\s*[,;:–—-]\s*$", "", notes)
    return re.sub(r" {2,}", " ", notes).strip()


def _embedded(text: str, last: int, cut_start: int, cut_end: int) -> bool:
    """The quote is part of the worker's sentence: words before it and after it in the clause."""
    if re.search(r"[.!?…]\W*$", text[cut_start:cut_end]):
        return False  # the quote ends a sentence
    clause_start = max([text.rfind(c, 0, cut_start) + 1 for c in ".!?;\n"] + [last])
    before = text[clause_start:cut_start]
    after = text[cut_end : cut_end + 3]
    return bool(re.search(r"\w", before)) and bool(re.match(r"\s*\w", after))


@lru_cache(maxsize=512)
def split_voice(text: str) -> Voice:
    """The person's own words (what the worker quoted) and the worker's notes, tidied.

    Quotes lose a closing comma or full stop ("I miss my wife," → "I miss my wife").
    """
    text = text or ""
    quotes: list[str] = []
    pieces: list[str] = []
    last = 0
    for cut_start, start, end, cut_end in _quote_spans(text):
        words = re.sub(r"\s+", " ", text[start:end]).strip().rstrip(",;:").strip()
        if words.endswith(".") and not words.endswith(".."):
            words = words[:-1].rstrip()
        if words:
            quotes.append(words)
        before = text[last:cut_start]
        frame = _FRAME_BEFORE.search(before)
        if frame:
            before = before[: frame.start()]
        elif _embedded(text, last, cut_start, cut_end):
            # "Described the carers as 'rubbish' and…": cutting it would break the sentence
            pieces.append(text[last:cut_end])
            last = cut_end
            continue
        pieces.append(before)
        after = _FRAME_AFTER.match(text, cut_end)
        last = after.end() if after else cut_end
    pieces.append(text[last:])
    notes = _tidy("".join(pieces))
    first = re.search(r"[^\W\d_]", text)
    if notes[:1].islower() and first and first.group().isupper():
        notes = notes[0].upper() + notes[1:]
    return Voice(quotes=tuple(quotes), notes=notes)


# --- pronouns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pronouns:
    """The words for talking about the person: subject, object, possessive and verb forms."""

    they: str
    them: str
    their: str
    is_: str
    has: str
    does: str

    def fill(self, template: str) -> str:
        """Fill ``{they} {them} {their} {is} {has} {does}`` (and ``{They}``…) in a template.

        Other braces are left as they are.
        """
        return _PLACEHOLDER.sub(self._word, template)

    def _word(self, match: re.Match[str]) -> str:
        name = match.group(1)
        word = getattr(self, _FIELDS[name.lower()])
        return word[:1].upper() + word[1:] if name[0].isupper() else word


_FIELDS = {"they": "they", "them": "them", "their": "their", "is": "is_", "has": "has",
           "does": "does"}  # fmt: skip
_PLACEHOLDER = re.compile(r"\{(they|them|their|is|has|does)\}", re.IGNORECASE)

SHE = Pronouns("she", "her", "her", "is", "has", "does")
HE = Pronouns("he", "him", "his", "is", "has", "does")
THEY = Pronouns("they", "them", "their", "are", "have", "do")

_CHOICES = {
    "she": SHE, "her": SHE, "hers": SHE, "herself": SHE,
    "he": HE, "him": HE, "his": HE, "himself": HE,
    "they": THEY, "them": THEY, "their": THEY, "theirs": THEY, "themself": THEY,
    "themselves": THEY,
}  # fmt: skip
# Words a choice may carry besides the pronouns themselves ("use she/her please").
_FILLER = frozenset({"pronouns", "pronoun", "use", "please", "only", "and", "or", "is", "are"})


def pronouns(choice: str) -> Pronouns | None:
    """The pronouns a worker chose ("she", "He/him", "they/them"); ``None`` if not a choice.

    With more than one set ("she/they") the first is used.
    """
    tokens = re.findall(r"[a-z]+", (choice or "").lower())
    if not tokens or any(t not in _CHOICES and t not in _FILLER for t in tokens):
        return None
    return next((_CHOICES[t] for t in tokens if t in _CHOICES), None)
