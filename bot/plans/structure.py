"""One plan structure built from a stored record, for every export to render.

``build_plan`` turns an ``outcomes-coach/record@1`` dict into a frozen ``Plan``: a title, a short
intro and the sections UK plans use (PRSB "About Me" and the Personalised Care and Support Plan),
with headings written for whoever the plan belongs to. Renderers (Markdown, chat messages, PDF,
JSON, FHIR) only lay the plan out; every decision about what goes in it is made here:

* only confirmed and achieved outcomes; proposed, changed and dropped ones are left out;
* the person's own words are marked ``quoted``; a worker's notes are marked ``worker_note``;
* text is tidied (whitespace, control characters, wrapping quotes) but never reworded;
* empty sections are left out, and the review date is three months after the plan is made.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

Role = Literal["self", "carer", "worker"]
SectionKey = Literal[
    "what_matters",
    "what_matters_cared_for",
    "strengths",
    "people",
    "support_style",
    "helps",
    "hinders",
    "services",
    "review",
]
ItemKind = Literal[
    "outcome", "strength", "person", "support_style", "action", "help", "hinder", "service",
    "review",
]  # fmt: skip

SECTION_ORDER: tuple[SectionKey, ...] = (
    "what_matters",
    "what_matters_cared_for",
    "strengths",
    "people",
    "support_style",
    "helps",
    "hinders",
    "services",
    "review",
)
REVIEW_MONTHS = 3
SHOWN_STATUSES = frozenset({"confirmed", "achieved"})
STILL_TO_TALK_ABOUT = "still to talk about"

DOMAIN_LABELS: dict[str, str] = {
    "feeling_safe": "Feeling safe",
    "things_to_do": "Things to do",
    "seeing_people": "Seeing people",
    "staying_well": "Staying well",
    "living_as_you_want": "Living as you want",
    "stigma": "Dealing with stigma",
    "listened_to": "Being listened to",
    "having_a_say": "Having a say",
    "respect": "Being treated with respect",
    "responded_to": "Being responded to",
    "reliability": "Reliable support",
    "confidence": "Confidence",
    "skills": "Skills",
    "mobility": "Getting about",
    "symptoms": "Managing symptoms",
    "carer_wellbeing": "Carer's wellbeing",
    "caring_role": "The caring role",
}


@dataclass(frozen=True)
class Detail:
    """A labelled line shown under an item, e.g. "Why it matters" or "Who"."""

    label: str
    text: str
    quoted: bool = False  # the person's own words: shown in curly quotes


@dataclass(frozen=True)
class Item:
    """One entry in a section. ``text`` is stored as given (tidied), never escaped."""

    kind: ItemKind
    text: str
    quoted: bool = False  # the person's own words: shown in curly quotes
    worker_note: bool = False  # a worker's words about the person, marked apart
    tag: str | None = None  # a small human label: the outcome group, e.g. "Seeing people"
    domain: str | None = None  # outcomes: the domain code behind ``tag``
    status: str | None = None  # outcomes: "confirmed" or "achieved"
    details: tuple[Detail, ...] = ()

    @property
    def achieved(self) -> bool:
        return self.status == "achieved"


@dataclass(frozen=True)
class Section:
    key: SectionKey
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Plan:
    title: str
    intro: str  # one short paragraph under the title (says so when nothing is written down yet)
    role: Role
    pronoun: str | None  # worker plans: "she" | "he" | "they"; None otherwise
    created: date
    review_date: date | None  # None only when the plan is empty: nothing to review yet
    sections: tuple[Section, ...]

    @property
    def is_empty(self) -> bool:
        return not self.sections

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


# --- small helpers shared by the renderers ---------------------------------------------------


def domain_label(code: str | None) -> str | None:
    """A short human label for a domain code: ``"feeling_safe"`` → ``"Feeling safe"``."""
    if not code:
        return None
    code = code.strip()
    if code in DOMAIN_LABELS:
        return DOMAIN_LABELS[code]
    words = re.sub(r"[_\s]+", " ", code).strip()
    return words[:1].upper() + words[1:] if words else None


def plain_date(value: date) -> str:
    """A date as people write it: ``28 February 2027`` (no leading zero, no weekday)."""
    return f"{value.day} {value:%B %Y}"


def add_months(value: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (30 Nov + 3 → 28 or 29 Feb)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def join_names(parts: Iterable[str]) -> str:
    """British list style: "me, my daughter and the GP"."""
    items = [p for p in parts if p]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- wording for each role -------------------------------------------------------------------

_PRONOUNS: dict[str, dict[str, str]] = {
    # subject, object, possessive, and the verb forms that agree with the subject
    "she": {"subj": "she", "obj": "her", "poss": "her", "likes": "likes", "cares": "cares"},
    "he": {"subj": "he", "obj": "him", "poss": "his", "likes": "likes", "cares": "cares"},
    "they": {"subj": "they", "obj": "them", "poss": "their", "likes": "like", "cares": "care"},
}
_FIRST_PERSON = {"subj": "I", "obj": "me", "poss": "my", "likes": "like", "cares": "care"}

_HEADINGS: dict[SectionKey, str] = {
    "what_matters": "What matters to {obj} and why",
    "what_matters_cared_for": "What matters for the person {subj} {cares} for",
    "strengths": "{Poss} strengths",
    "people": "People important to {obj}",
    "support_style": "How {subj} {likes} to be supported and communicated with",
    "helps": "What will help, and who",
    "hinders": "What gets in the way",
    "services": "Services {subj} asked about, and what each is for",
    "review": "Review date",
}
_TITLES: dict[str, str] = {
    "self": "My support plan",
    "carer": "My plan as a carer",
    "worker": "Draft support plan",
}
_INTROS: dict[str, str] = {
    "self": "This plan is in my own words, and I can change it at any time.",
    "carer": "This plan is in my own words, and I can change it at any time.",
    "worker": "A draft to go through with {obj}. {Poss} own words are in quotes; "
    "worker's notes are marked.",
}
_EMPTY_INTROS: dict[str, str] = {
    "self": "Nothing has been written down yet. There's no rush: this can be filled in at any "
    "time.",
    "carer": "Nothing has been written down yet. There's no rush: this can be filled in at any "
    "time.",
    "worker": "Nothing has been written down yet.",
}


def _role(value: object) -> Role:
    return cast(Role, value) if value in ("self", "carer", "worker") else "self"


def _words(role: Role, pronoun: str | None) -> dict[str, str]:
    forms = _FIRST_PERSON if role != "worker" else _PRONOUNS.get(pronoun or "", _PRONOUNS["they"])
    return {**forms, "Poss": forms["poss"][:1].upper() + forms["poss"][1:]}


def heading_for(key: SectionKey, role: Role, pronoun: str | None = None) -> str:
    """A section heading written for the plan's owner: "My strengths", "Her strengths"."""
    return _HEADINGS[key].format(**_words(role, pronoun))


# --- tidying the record's text ---------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029]")
_SPACE = re.compile(r"\s+")
_WRAPPING_QUOTES = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"))


def _clean(value: object) -> str:
    """Whitespace and control characters tidied, wrapping quotes removed; words unchanged."""
    if not isinstance(value, str):
        return ""
    text = _SPACE.sub(" ", _CONTROL.sub(" ", value)).strip()
    for opening, closing in _WRAPPING_QUOTES:
        inner = text[1:-1]
        if (
            len(text) >= 2
            and text[0] == opening
            and text[-1] == closing
            and opening not in inner
            and closing not in inner
        ):
            text = inner.strip()
            break
    return text


def _unique(values: Iterable[object]) -> list[str]:
    """Tidied, non-empty, without repeats (ignoring case), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = _clean(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# --- building --------------------------------------------------------------------------------


def _outcome_item(outcome: dict) -> Item | None:
    statement = _clean(outcome.get("statement"))
    if not statement or outcome.get("status") not in SHOWN_STATUSES:
        return None
    own = outcome.get("voice", "own") != "worker"
    why = _clean(outcome.get("why"))
    code = _clean(outcome.get("domain")) or None
    return Item(
        kind="outcome",
        text=statement,
        quoted=own,
        worker_note=not own,
        tag=domain_label(code),
        domain=code,
        status=outcome["status"],
        details=(Detail("Why it matters", why, quoted=own),) if why else (),
    )


def _towards(for_outcome: object, outcomes: dict[str, Item], label: str) -> Detail | None:
    """The outcome an action or service is for, if it is one the plan shows."""
    target = outcomes.get(_clean(for_outcome).casefold())
    if target is None:
        return None
    return Detail(label, target.text, quoted=target.quoted)


def _action_item(action: dict, outcomes: dict[str, Item]) -> Item | None:
    what = _clean(action.get("what"))
    if not what:
        return None
    details: list[Detail] = []
    who = join_names(_unique(_strings(action.get("who"))))
    if who:
        details.append(Detail("Who", who))
    for key, label in (("when", "When"), ("where", "Where")):
        value = _clean(action.get(key))
        if value:
            details.append(Detail(label, value))
    towards = _towards(action.get("for_outcome"), outcomes, "Towards")
    if towards:
        details.append(towards)
    return Item(kind="action", text=what, details=tuple(details))


def _service_item(service: dict, outcomes: dict[str, Item]) -> Item | None:
    text = _clean(service.get("text"))
    if not text:
        return None
    # A service with no shown outcome behind it is kept, with a prompt to ask what it is for:
    # services are inputs, and the plan is about what they would make possible.
    towards = _towards(service.get("for_outcome"), outcomes, "What it's for")
    return Item(
        kind="service",
        text=text,
        details=(towards or Detail("What it's for", STILL_TO_TALK_ABOUT),),
    )


def _simple(kind: ItemKind, values: object) -> tuple[Item, ...]:
    return tuple(Item(kind=kind, text=text) for text in _unique(_strings(values)))


def build_plan(record: dict, *, created: date | None = None) -> Plan:
    """The plan for a stored record (``outcomes-coach/record@1``).

    Args:
        record: the record dict; missing keys are treated as empty.
        created: the day the plan is made (default today); the review is three months later.
    """
    created = created or date.today()
    role = _role(record.get("role"))
    pronoun = record.get("pronoun") if role == "worker" else None
    if pronoun not in _PRONOUNS:
        pronoun = "they" if role == "worker" else None

    mine: list[Item] = []
    cared_for: list[Item] = []
    shown: dict[str, Item] = {}
    for outcome in _dicts(record.get("outcomes")):
        item = _outcome_item(outcome)
        if item is None or item.text.casefold() in shown:
            continue
        shown[item.text.casefold()] = item
        (cared_for if outcome.get("about") == "cared_for" else mine).append(item)

    actions = [_action_item(a, shown) for a in _dicts(record.get("actions"))]
    services = [_service_item(s, shown) for s in _dicts(record.get("services"))]
    items: dict[SectionKey, tuple[Item, ...]] = {
        "what_matters": tuple(mine),
        "what_matters_cared_for": tuple(cared_for),
        "strengths": _simple("strength", record.get("strengths")),
        "people": _simple("person", record.get("people")),
        "support_style": _simple("support_style", record.get("support_style")),
        "helps": tuple(a for a in actions if a) + _simple("help", record.get("helps")),
        "hinders": _simple("hinder", record.get("hinders")),
        "services": tuple(s for s in services if s),
    }
    sections = [
        Section(key, heading_for(key, role, pronoun), items[key])
        for key in SECTION_ORDER
        if items.get(key)
    ]
    review_date = add_months(created, REVIEW_MONTHS) if sections else None
    if review_date is not None:
        review = (Item(kind="review", text=plain_date(review_date)),)
        sections.append(Section("review", heading_for("review", role, pronoun), review))

    words = _words(role, pronoun)
    intro = (_INTROS if sections else _EMPTY_INTROS)[role].format(**words)
    return Plan(
        title=_TITLES[role],
        intro=intro,
        role=role,
        pronoun=pronoun,
        created=created,
        review_date=review_date,
        sections=tuple(sections),
    )


__all__ = [
    "DOMAIN_LABELS",
    "REVIEW_MONTHS",
    "SECTION_ORDER",
    "STILL_TO_TALK_ABOUT",
    "Detail",
    "Item",
    "ItemKind",
    "Plan",
    "Role",
    "Section",
    "SectionKey",
    "add_months",
    "build_plan",
    "domain_label",
    "heading_for",
    "join_names",
    "plain_date",
]
