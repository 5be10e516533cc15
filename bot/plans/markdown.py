"""The plan as a Markdown document, and as a few plain chat messages.

``plan_markdown`` writes a CommonMark document: ``#`` title, ``##`` per section, ``-`` bullets,
details as nested bullets. Everything that came from the record is escaped, so a ``*``, ``_``,
``#`` or ``[link](x)`` in someone's words shows as typed and cannot change the layout.

``plan_messages`` gives the same content as plain text for Telegram or a terminal: headings on a
line of their own, bullets as "• ", no Markdown syntax. Messages are split at section
boundaries first, then between bullets; a single bullet too long for one message is shortened
with "…".
"""

from __future__ import annotations

import re

from bot.plans.structure import Detail, Item, Plan, Section

MIN_LIMIT = 160  # room for the longest heading and a useful part of a bullet
BULLET = "• "
DETAIL_INDENT = "   "
CONTINUED = " (continued)"
WORKER_NOTE = "Worker's note:"

# Characters with a meaning anywhere in a line (emphasis, code, links, HTML, tables, strike,
# headings); each is shown literally once backslash-escaped.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&amp;" would otherwise show as "&"
# Block markers only count at the start of a line: "- ", "+ ", "> ", "1. ", "2) ", "=".
_LEAD_MARK = re.compile(r"^([-+=>])")
_LEAD_NUMBER = re.compile(r"^(\d{1,9})([.)])")


def escape_markdown(text: str) -> str:
    """``text`` with Markdown syntax escaped, so it renders exactly as typed."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LEAD_MARK.sub(r"\\\1", text)
    return _LEAD_NUMBER.sub(r"\1\\\2", text)


def _quote(text: str, quoted: bool) -> str:
    return f"“{text}”" if quoted else text


def _marks(item: Item) -> list[str]:
    return [m for m in (item.tag, "achieved" if item.achieved else None) if m]


# --- Markdown --------------------------------------------------------------------------------


def _md_item(item: Item) -> list[str]:
    line = _quote(escape_markdown(item.text), item.quoted)
    if item.worker_note:
        line = f"_{WORKER_NOTE}_ {line}"
    marks = _marks(item)
    if marks:
        line += " _(" + " · ".join(escape_markdown(m) for m in marks) + ")_"
    details = [f"  - {d.label}: {_md_detail(d)}" for d in item.details]
    return [f"- {line}", *details]


def _md_detail(detail: Detail) -> str:
    text = _quote(escape_markdown(detail.text), detail.quoted)
    return f"_{WORKER_NOTE}_ {text}" if detail.worker_note else text


def plan_markdown(plan: Plan) -> str:
    """The plan as a Markdown document (ends with a newline)."""
    lines = [f"# {escape_markdown(plan.title)}", "", escape_markdown(plan.intro)]
    for section in plan.sections:
        lines += ["", f"## {escape_markdown(section.heading)}", ""]
        for item in section.items:
            lines += _md_item(item)
    return "\n".join(lines) + "\n"


# --- plain chat messages ---------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where one is near, ending with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    word_cut = cut.rsplit(" ", 1)[0]
    if len(word_cut) >= (limit - 1) * 2 // 3:
        cut = word_cut
    return cut.rstrip(" ,;:.-–—") + "…"


def _plain_lines(item: Item, text: str, details: list[str]) -> str:
    line = _quote(text, item.quoted)
    if item.worker_note:
        line = f"{WORKER_NOTE} {line}"
    marks = _marks(item)
    if marks:
        line += " (" + " · ".join(marks) + ")"
    rows = [BULLET + line]
    rows += [
        f"{DETAIL_INDENT}{d.label}: {WORKER_NOTE + ' ' if d.worker_note else ''}"
        f"{_quote(value, d.quoted)}"
        for d, value in zip(item.details, details, strict=True)
    ]
    return "\n".join(rows)


def _plain_item(item: Item, budget: int) -> str:
    """The bullet with its details in at most ``budget`` characters.

    When it is too long, the longest of its texts is shortened first (so quotes stay closed
    and labels stay whole), then the next longest, until it fits.
    """
    texts = [item.text, *(d.text for d in item.details)]

    def render() -> str:
        return _plain_lines(item, texts[0], texts[1:])

    block = render()
    while len(block) > budget:
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        if len(texts[longest]) <= 1:
            return _shorten(block, budget)  # only labels left to cut: a very small budget
        overflow = len(block) - budget
        texts[longest] = _shorten(texts[longest], max(1, len(texts[longest]) - overflow))
        block = render()
    return block


def _split_section(section: Section, limit: int) -> tuple[str, list[str]]:
    budget = limit - len(section.heading + CONTINUED) - 1
    return section.heading, [_plain_item(item, budget) for item in section.items]


def plan_messages(plan: Plan, limit: int = 600) -> list[str]:
    """The plan as plain chat messages of at most ``limit`` characters each.

    Sections are kept whole in a message where they fit (several to a message); a section too
    long for one message goes on over the next ones, split between bullets, with its heading
    repeated as "… (continued)".
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT} characters, not {limit}")
    messages: list[str] = []
    current = _shorten(f"{plan.title}\n\n{plan.intro}", limit)

    def fits(text: str) -> bool:
        return len(text) <= limit

    for section in plan.sections:
        heading, bullets = _split_section(section, limit)
        block = "\n".join([heading, *bullets])
        joined = f"{current}\n\n{block}" if current else block
        if fits(joined):
            current = joined
            continue
        if fits(block):
            messages.append(current)
            current = block
            continue
        # Too long for one message: carry on from the current message if the heading and the
        # first bullet fit there, then one bullet at a time.
        start = f"{current}\n\n{heading}" if current else heading
        if not fits(f"{start}\n{bullets[0]}"):
            if current:
                messages.append(current)
            start = heading
        current = start
        for bullet in bullets:
            if fits(f"{current}\n{bullet}"):
                current = f"{current}\n{bullet}"
            else:
                messages.append(current)
                current = f"{heading}{CONTINUED}\n{bullet}"
    if current:
        messages.append(current)
    return messages


__all__ = ["MIN_LIMIT", "escape_markdown", "plan_markdown", "plan_messages"]
