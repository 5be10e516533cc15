"""One plan structure built from a stored record, for every export to render.

``build_plan`` turns an ``outcomes-coach/record@1`` dict into a frozen ``Plan``: a title, a short
intro and the sections UK plans use (PRSB "About Me" and the Personalised Care and Support Plan),
with headings written for whoever the plan belongs to. Renderers (Markdown, chat messages, PDF,
JSON, FHIR) only lay the plan out; every decision about what goes in it is made here:

* only confirmed and achieved outcomes; proposed, changed and dropped ones are left out
  (a changed outcome keeps its place in "Progress", so its reviews are not lost);
* the person's own words are marked ``quoted``; a worker's notes are marked ``worker_note``;
* text is tidied (whitespace, control characters, wrapping quotes) but never reworded;
* reviews give each outcome a progress line (ratings over time, the latest narrative, what
  helped, what got in the way, anything unexpected) and a "Progress so far" section whose items
  carry the ratings, for a chart;
* empty sections are left out, and the review date is three months after the plan is made.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast, get_args

Role = Literal["self", "carer", "worker"]
SectionKey = Literal[
    "what_matters",
    "what_matters_cared_for",
    "strengths",
    "people",
    "support_style",
    "helps",
    "contributions",
    "hinders",
    "services",
    "progress",
    "review",
]
ItemKind = Literal[
    "outcome", "strength", "person", "support_style", "action", "help", "contribution", "hinder",
    "service", "progress", "review",
]  # fmt: skip

# The sections in the order a plan shows them: the order SectionKey lists them in.
SECTION_ORDER: tuple[SectionKey, ...] = get_args(SectionKey)
REVIEW_MONTHS = 3
SHOWN_STATUSES = frozenset({"confirmed", "achieved"})
# Outcomes whose reviews are shown under "Progress": a changed outcome is no longer in the plan
# (its new words are still to be agreed) but how it went stays on record.
PROGRESS_STATUSES = frozenset({"confirmed", "achieved", "changed"})
STILL_TO_TALK_ABOUT = "still to talk about"
RATING_SCALE = 10
OVERALL = "Overall"  # the progress item for reviews not tied to one outcome
DECISIONS: dict[str, str] = {
    "keep": "keep going as planned",
    "change": "change the plan",
    "drop": "stop working on this",
}

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
    worker_note: bool = False  # a worker's words (e.g. a worker's review), marked apart


@dataclass(frozen=True)
class Rating:
    """One "how close" rating from a review: 1 (far off) to 10 (there)."""

    value: int
    at: date | None = None


@dataclass(frozen=True)
class Item:
    """One entry in a section. ``text`` is stored as given (tidied), never escaped."""

    kind: ItemKind
    text: str
    quoted: bool = False  # the person's own words: shown in curly quotes
    worker_note: bool = False  # a worker's words about the person, marked apart
    tag: str | None = None  # a small human label: the outcome group, e.g. "Seeing people"
    domain: str | None = None  # outcomes: the domain code behind ``tag``
    status: str | None = None  # outcomes: "confirmed" or "achieved" (progress: or "changed")
    details: tuple[Detail, ...] = ()
    ratings: tuple[Rating, ...] = ()  # progress: every rating, oldest first (for a chart)

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
    "contributions": "{Poss} own contribution",
    "progress": "Progress so far",
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


def tidy(value: object) -> str:
    """Text from the record as every export shows it: whitespace and control characters tidied,
    wrapping quotes removed, words unchanged ("" for anything that is not text)."""
    return _clean(value)


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


def _outcome_item(outcome: dict, progress: tuple[Detail, ...] = ()) -> Item | None:
    statement = _clean(outcome.get("statement"))
    if not statement or outcome.get("status") not in SHOWN_STATUSES:
        return None
    own = _own(outcome)
    why = _clean(outcome.get("why"))
    code = _clean(outcome.get("domain")) or None
    details = (Detail("Why it matters", why, quoted=own),) if why else ()
    return Item(
        kind="outcome",
        text=statement,
        quoted=own,
        worker_note=not own,
        tag=domain_label(code),
        domain=code,
        status=outcome["status"],
        details=details + progress,
    )


def _own(outcome: dict) -> bool:
    return outcome.get("voice", "own") != "worker"


# --- reviews ---------------------------------------------------------------------------------


def parse_when(value: object) -> date | None:
    """The day of an ISO date or date-time string (``None`` if absent or unreadable)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def _rating(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = int(value)
    return number if 1 <= number <= RATING_SCALE and number == value else None


def rating_line(ratings: Iterable[Rating]) -> str:
    """Ratings over time, oldest first: "4 → 7 out of 10" (long runs keep the first and the
    last four: "2 → … → 5 → 6 → 6 → 8 out of 10")."""
    values = [str(r.value) for r in ratings]
    if not values:
        return ""
    if len(values) > 6:
        values = [values[0], "…", *values[-4:]]
    return " → ".join(values) + f" out of {RATING_SCALE}"


def _reviews_by_outcome(record: dict) -> dict[str | None, list[dict]]:
    """Reviews grouped by the outcome's words (casefolded; ``None``: not about one outcome),
    oldest first. Reviews without a readable date keep their place after dated ones."""
    indexed = list(enumerate(_dicts(record.get("reviews"))))
    indexed.sort(key=lambda pair: (parse_when(pair[1].get("at")) or date.max, pair[0]))
    grouped: dict[str | None, list[dict]] = {}
    for _, review in indexed:
        key = _clean(review.get("outcome")).casefold() or None
        grouped.setdefault(key, []).append(review)
    return grouped


def _ratings(reviews: list[dict]) -> tuple[Rating, ...]:
    return tuple(
        Rating(value, parse_when(r.get("at")))
        for r in reviews
        if (value := _rating(r.get("rating"))) is not None
    )


def _latest_detail(reviews: list[dict], key: str, label: str) -> Detail | None:
    """The latest review's words for ``key``: the person's in quotes, a worker's marked."""
    for review in reversed(reviews):
        text = _clean(review.get(key))
        if text:
            worker = review.get("reviewer") == "worker"
            return Detail(label, text, quoted=not worker, worker_note=worker)
    return None


def _progress_details(reviews: list[dict]) -> tuple[Detail, ...]:
    """The progress line under an outcome: how close (over time) and the latest words."""
    details: list[Detail] = []
    line = rating_line(_ratings(reviews))
    if line:
        details.append(Detail("How close", line))
    for key, label in (
        ("narrative", "How it's going"),
        ("helped", "What helped"),
        ("hindered", "What got in the way"),
        ("unintended", "Anything unexpected"),
    ):
        detail = _latest_detail(reviews, key, label)
        if detail:
            details.append(detail)
    return tuple(details)


def _reviewed(reviews: list[dict]) -> Detail:
    count = len(reviews)
    times = "once" if count == 1 else "twice" if count == 2 else f"{count} times"
    last = next((d for r in reversed(reviews) if (d := parse_when(r.get("at")))), None)
    return Detail("Reviewed", f"{times}, last on {plain_date(last)}" if last else times)


def _progress_summary(reviews: list[dict], status: str | None) -> tuple[Detail, ...]:
    """The "Progress so far" lines for one outcome: ratings, last review, what was decided."""
    details: list[Detail] = []
    line = rating_line(_ratings(reviews))
    if line:
        details.append(Detail("How close", line))
    details.append(_reviewed(reviews))
    decision = next(
        (DECISIONS[d] for r in reversed(reviews) if (d := r.get("decision")) in DECISIONS), None
    )
    if status == "changed":
        decision = DECISIONS["change"]
    elif status == "achieved":
        decision = None  # the item is marked achieved already
    if decision:
        details.append(Detail("Next", decision))
    return tuple(details)


def _progress_items(
    outcomes: list[dict], reviews: dict[str | None, list[dict]]
) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: set[str] = set()
    for outcome in outcomes:
        statement = _clean(outcome.get("statement"))
        key = statement.casefold()
        status = outcome.get("status")
        if not statement or key in seen or status not in PROGRESS_STATUSES:
            continue
        seen.add(key)
        found = reviews.get(key)
        if not found:
            continue
        own = _own(outcome)
        code = _clean(outcome.get("domain")) or None
        items.append(
            Item(
                kind="progress",
                text=statement,
                quoted=own,
                worker_note=not own,
                tag=domain_label(code),
                domain=code,
                status=status,
                details=_progress_summary(found, status),
                ratings=_ratings(found),
            )
        )
    general = reviews.get(None)
    if general:
        details = (*_progress_details(general), _reviewed(general))
        items.append(
            Item(kind="progress", text=OVERALL, details=details, ratings=_ratings(general))
        )
    return tuple(items)


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
    outcomes = _dicts(record.get("outcomes"))
    reviews = _reviews_by_outcome(record)
    for outcome in outcomes:
        found = reviews.get(_clean(outcome.get("statement")).casefold())
        item = _outcome_item(outcome, _progress_details(found) if found else ())
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
        "contributions": _simple("contribution", record.get("contributions")),
        "hinders": _simple("hinder", record.get("hinders")),
        "services": tuple(s for s in services if s),
        "progress": _progress_items(outcomes, reviews),
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
    "OVERALL",
    "PROGRESS_STATUSES",
    "Plan",
    "RATING_SCALE",
    "Rating",
    "Role",
    "Section",
    "SectionKey",
    "add_months",
    "build_plan",
    "domain_label",
    "heading_for",
    "join_names",
    "parse_when",
    "plain_date",
    "rating_line",
    "tidy",
]
