"""The plan as a Markdown document and as plain chat messages."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from markdown_it import MarkdownIt

from bot.plans.markdown import MIN_LIMIT, escape_markdown, plan_markdown, plan_messages
from bot.plans.structure import Plan, build_plan
from tests.plans.test_structure import full_record, outcome, record

CREATED = date(2026, 11, 28)
# CommonMark plus the GitHub extensions most viewers turn on (tables, ~~strike~~).
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])

NASTY = [
    "I want *really* to go out",
    "__bold__ and _under_ and snake_case_words",
    "# not a heading",
    "## nor this #",
    "[my link](http://example.com) and [ref]",
    "![a picture](x.png)",
    "`code` and ``more``",
    "<b>html</b> <http://example.com>",
    "a | b | c",
    "~~gone~~",
    "- not a list",
    "+ nor this",
    "* nor this",
    "> not a quote",
    "1. not numbered",
    "2) nor this",
    "***",
    "---",
    "___",
    "=== after",
    "back\\slash and \\*",
    "&amp; and &#42; are not entities",
    "Tom & Jerry <3",
    "end with two spaces  ",
]


def plan_for(rec: dict) -> Plan:
    return build_plan(rec, created=CREATED)


def section_items_html(doc: str, heading: str) -> list[str]:
    """The inline HTML of each top-level bullet in the section under the ``##`` heading."""
    tokens = MD.parse(doc)
    items: list[str] = []
    inside, depth, want = False, 0, False
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            inside = token.tag == "h2" and tokens[i + 1].content == heading
        elif not inside:
            continue
        elif token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "list_item_open":
            want = depth == 1
        elif token.type == "inline" and want:
            items.append(MD.renderer.renderInline(token.children or [], MD.options, {}))
            want = False
    assert items, MD.render(doc)
    return items


# --- Markdown document ---------------------------------------------------------------------


def test_document_has_title_intro_and_one_h2_per_section_in_order() -> None:
    plan = plan_for(full_record())
    doc = plan_markdown(plan)
    lines = doc.splitlines()
    assert lines[0] == "# My support plan"
    assert lines[2] == "This plan is in my own words, and I can change it at any time."
    assert [ln[3:] for ln in lines if ln.startswith("## ")] == [s.heading for s in plan.sections]
    assert sum(ln.startswith("# ") for ln in lines) == 1
    assert doc.endswith("\n") and not doc.endswith("\n\n")
    assert "\n\n\n" not in doc


def test_document_renders_as_lists_under_headings() -> None:
    rendered = MD.render(plan_markdown(plan_for(full_record())))
    assert rendered.count("<h1>") == 1
    assert rendered.count("<h2>") == 9
    assert "<h2>Review date</h2>\n<ul>\n<li>28 February 2027</li>" in rendered


def test_outcome_in_curly_quotes_with_tag_and_why_as_a_nested_bullet() -> None:
    doc = plan_markdown(plan_for(full_record()))
    assert (
        "- “I want to wash on my own” _(Living as you want)_\n"
        "  - Why it matters: “so I keep my dignity”\n"
    ) in doc
    rendered = MD.render(doc)
    assert "<li>“I want to wash on my own” <em>(Living as you want)</em>\n<ul>\n" in rendered
    assert "<li>Why it matters: “so I keep my dignity”</li>" in rendered


def test_achieved_outcome_is_marked() -> None:
    doc = plan_markdown(plan_for(record(outcomes=[outcome("I walk to the shop", status="achieved",
                                                          domain="mobility")])))  # fmt: skip
    assert "- “I walk to the shop” _(Getting about · achieved)_" in doc


def test_worker_note_is_marked_and_not_put_in_the_persons_quotes() -> None:
    plan = plan_for(
        record(
            role="worker",
            pronoun="he",
            outcomes=[
                outcome("I want my garden back"),
                outcome("Keen to return to work", voice="worker"),
            ],
        )
    )
    doc = plan_markdown(plan)
    assert "## What matters to him and why" in doc
    assert "- “I want my garden back”\n" in doc
    assert "- _Worker's note:_ Keen to return to work\n" in doc
    assert "“Keen to return to work”" not in doc
    own, note = section_items_html(doc, "What matters to him and why")
    assert own == "“I want my garden back”"
    assert note == "<em>Worker's note:</em> Keen to return to work"


def test_carer_document_has_the_cared_for_section() -> None:
    doc = plan_markdown(
        plan_for(
            record(
                role="carer",
                outcomes=[outcome("I get a break"), outcome("Mum sees her friends",
                                                           about="cared_for")],
            )
        )
    )  # fmt: skip
    assert doc.index("## What matters to me and why") < doc.index(
        "## What matters for the person I care for"
    )
    assert "## What matters for the person I care for\n\n- “Mum sees her friends”" in doc


def test_dropped_and_proposed_outcomes_are_not_in_the_document() -> None:
    doc = plan_markdown(
        plan_for(
            record(
                outcomes=[
                    outcome("kept", status="confirmed"),
                    outcome("PROPOSED-TEXT", status="proposed"),
                    outcome("DROPPED-TEXT", status="dropped"),
                ],
                services=[{"text": "a ramp", "for_outcome": "PROPOSED-TEXT"}],
            )
        )
    )
    assert "PROPOSED-TEXT" not in doc and "DROPPED-TEXT" not in doc
    assert "What it's for: still to talk about" in doc


def test_empty_plan_document_says_nothing_is_written_yet() -> None:
    doc = plan_markdown(plan_for(record()))
    assert doc == "# My support plan\n\nNothing has been written down yet. There's no rush: " \
        "this can be filled in at any time.\n"  # fmt: skip


@pytest.mark.parametrize("text", NASTY)
def test_person_text_renders_exactly_as_typed_unquoted_at_line_start(text: str) -> None:
    doc = plan_markdown(plan_for(record(strengths=[text])))
    (item,) = section_items_html(doc, "My strengths")
    assert "<" not in item.replace("&lt;", ""), item  # no markup from the person's text
    assert html.unescape(item) == text.strip()


@pytest.mark.parametrize("text", NASTY)
def test_person_text_renders_exactly_as_typed_in_quotes_and_details(text: str) -> None:
    doc = plan_markdown(
        plan_for(
            record(
                outcomes=[outcome(text, why=text)],
                actions=[{"what": text, "who": [text], "when": text, "where": None}],
            )
        )
    )
    (statement,) = section_items_html(doc, "What matters to me and why")
    assert html.unescape(statement) == f"“{text.strip()}”"
    rendered = MD.render(doc)
    leaves = [html.unescape(x) for x in re.findall(r"<li>([^\n]*?)</li>", rendered)]
    assert f"Why it matters: “{text.strip()}”" in leaves
    assert f"Who: {text.strip()}" in leaves
    assert f"When: {text.strip()}" in leaves
    (action,) = section_items_html(doc, "What will help, and who")
    assert html.unescape(action) == text.strip()
    # the document keeps its shape: one list per section, nothing the text could add
    assert rendered.count("<h1>") == 1 and rendered.count("<h2>") == 3
    for tag in ("<strong>", "<a ", "<img", "<code>", "<table>", "<blockquote>", "<ol",
                "<hr", "<del>", "<b>", "<em>"):  # fmt: skip
        assert tag not in rendered


def test_newlines_in_the_persons_text_cannot_start_a_heading() -> None:
    doc = plan_markdown(plan_for(record(strengths=["kind\n# shouting\n\n- list"])))
    (item,) = section_items_html(doc, "My strengths")
    assert html.unescape(item) == "kind # shouting - list"
    assert MD.render(doc).count("<h2>") == 2


def test_escape_markdown_examples() -> None:
    assert escape_markdown("*bold* _it_ #1") == r"\*bold\* \_it\_ \#1"
    assert escape_markdown("[link](x)") == r"\[link\](x)"
    assert escape_markdown("1. first") == r"1\. first"
    assert escape_markdown("- dash") == r"\- dash"
    assert escape_markdown("I'm fine, thanks. Really - honestly!") == (
        "I'm fine, thanks. Really - honestly!"
    )


# --- chat messages -------------------------------------------------------------------------


def many_outcomes(n: int = 40) -> dict:
    return full_record(
        outcomes=[
            outcome(
                f"Outcome number {i}: I want to get to the lunch club on a Thursday",
                domain="seeing_people",
                why=f"because number {i} is when I see my friends from church",
            )
            for i in range(n)
        ],
        strengths=[f"strength {i}, being stubborn in a good way" for i in range(25)],
    )


def bullets(messages: list[str]) -> list[str]:
    return [ln for m in messages for ln in m.splitlines() if ln.startswith("• ")]


@pytest.mark.parametrize("limit", [MIN_LIMIT, 300, 600, 4096])
def test_every_message_is_within_the_limit(limit: int) -> None:
    rec = many_outcomes()
    rec["outcomes"].append(outcome("I want " + "very " * 400 + "much to go home", why="x " * 900))
    messages = plan_messages(plan_for(rec), limit=limit)
    assert messages
    assert all(0 < len(m) <= limit for m in messages), [len(m) for m in messages]


def test_small_plan_fits_one_message_with_title_first() -> None:
    plan = plan_for(full_record())
    (message,) = plan_messages(plan, limit=4096)
    assert message.startswith("My support plan\n\nThis plan is in my own words")
    for section in plan.sections:
        assert f"\n\n{section.heading}\n• " in message
    assert message.endswith("Review date\n• 28 February 2027")


def test_same_content_as_the_document() -> None:
    plan = plan_for(full_record())
    (message,) = plan_messages(plan, limit=4096)
    assert "• “I want to wash on my own” (Living as you want)\n" in message
    assert "   Why it matters: “so I keep my dignity”\n" in message
    assert "• Ask about a perching stool\n   Who: me and Sarah\n   When: this week\n" in message
    assert "   Towards: “I want to wash on my own”\n• my neighbour pops in" in message
    assert "• a walk-in shower\n   What it's for: “I want to wash on my own”" in message


def test_messages_have_no_markdown_syntax() -> None:
    messages = plan_messages(plan_for(many_outcomes()), limit=300)
    text = "\n".join(messages)
    for mark in ("#", "*", "_", "`", "[", "]", "\\", "**", "<", ">", "|"):
        assert mark not in text
    assert not any(ln.startswith(("- ", "  - ")) for ln in text.splitlines())


def test_persons_own_symbols_are_kept_verbatim_and_not_escaped() -> None:
    (message,) = plan_messages(plan_for(record(strengths=["*stubborn* [in a good way] #1"])))
    assert "• *stubborn* [in a good way] #1" in message
    assert "\\" not in message


def test_worker_note_marked_in_messages() -> None:
    plan = plan_for(record(role="worker", pronoun="they",
                           outcomes=[outcome("Keen to cook", voice="worker")]))  # fmt: skip
    (message,) = plan_messages(plan)
    assert "What matters to them and why\n• Worker's note: Keen to cook\n" in message
    assert "“Keen to cook”" not in message


def test_sections_that_fit_are_never_split() -> None:
    plan = plan_for(many_outcomes(2) | {"strengths": [f"strength {i}" for i in range(6)]})
    messages = plan_messages(plan, limit=400)
    assert len(messages) > 1
    for section in plan.sections:
        holding = [m for m in messages if section.heading in m]
        assert len(holding) == 1, section.heading
        assert not any("(continued)" in m for m in messages)
        for item in section.items:
            assert item.text in holding[0]


def test_long_section_is_split_between_bullets_with_heading_repeated() -> None:
    plan = plan_for(many_outcomes(40))
    messages = plan_messages(plan, limit=600)
    heading = "What matters to me and why"
    continued = [m for m in messages if m.startswith(f"{heading} (continued)\n• ")]
    assert len(continued) >= 5
    # every outcome is whole, with its why, in exactly one message
    for item in plan.sections[0].items:
        block = f"• “{item.text}” (Seeing people)\n   Why it matters: “{item.details[0].text}”"
        assert sum(block in m for m in messages) == 1, item.text
    # headings still come in plan order
    order = [h.removesuffix(" (continued)") for m in messages for h in m.splitlines()
             if h.removesuffix(" (continued)") in {s.heading for s in plan.sections}]  # fmt: skip
    assert list(dict.fromkeys(order)) == [s.heading for s in plan.sections]


def test_a_single_overlong_statement_is_shortened_with_an_ellipsis() -> None:
    statement = "I want to " + " ".join(f"word{i}" for i in range(330))
    assert len(statement) >= 2000
    plan = plan_for(record(outcomes=[outcome(statement, why="so I feel like me again")]))
    messages = plan_messages(plan, limit=600)
    assert all(len(m) <= 600 for m in messages)
    (line,) = [ln for m in messages for ln in m.splitlines() if ln.startswith("• “I want to")]
    assert line.endswith("…”")  # shortened inside the quotes, which stay closed
    assert len(line) > 300  # a useful part is kept, not a stub
    kept = line.removeprefix("• “").removesuffix("…”")
    assert statement.startswith(kept) and statement[len(kept)] == " "  # cut between words
    assert any("   Why it matters: “so I feel like me again”" in m for m in messages)


def test_an_overlong_bullet_does_not_push_other_sections_apart() -> None:
    rec = full_record(strengths=["stubborn " * 300])
    messages = plan_messages(plan_for(rec), limit=600)
    assert all(len(m) <= 600 for m in messages)
    assert sum("…" in b for b in bullets(messages)) == 1


def test_empty_plan_is_one_short_message() -> None:
    assert plan_messages(plan_for(record())) == [
        "My support plan\n\nNothing has been written down yet. There's no rush: this can be "
        "filled in at any time."
    ]


def test_limit_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        plan_messages(plan_for(full_record()), limit=MIN_LIMIT - 1)
