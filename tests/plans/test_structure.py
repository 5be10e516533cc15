"""The plan structure: what goes in, in what order, under which headings."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.plans.structure import (
    SECTION_ORDER,
    STILL_TO_TALK_ABOUT,
    Detail,
    Plan,
    add_months,
    build_plan,
    domain_label,
    heading_for,
    join_names,
    plain_date,
)

CREATED = date(2026, 11, 28)


def outcome(statement: str, **fields: object) -> dict:
    base: dict = {
        "statement": statement,
        "domain": None,
        "why": None,
        "status": "confirmed",
        "voice": "own",
        "about": "self",
    }
    return base | fields


def record(**fields: object) -> dict:
    base: dict = {
        "schema": "outcomes-coach/record@1",
        "role": "self",
        "pronoun": None,
        "consented_at": None,
        "outcomes": [],
        "services": [],
        "strengths": [],
        "people": [],
        "helps": [],
        "hinders": [],
        "actions": [],
        "support_style": [],
        "risk_flag": False,
        "answers": [],
    }
    return base | fields


def full_record(**fields: object) -> dict:
    """Something in every part of the record, given in a shuffled key order."""
    defaults = dict(
        hinders=["the stairs at the front door"],
        services=[{"text": "a walk-in shower", "for_outcome": "I want to wash on my own"}],
        support_style=["Write things down for me"],
        people=["my daughter Sarah"],
        helps=["my neighbour pops in"],
        contributions=["My son does the big shop on Saturdays"],
        strengths=["I was a nurse for thirty years"],
        actions=[
            {
                "what": "Ask about a perching stool",
                "who": ["me", "Sarah"],
                "when": "this week",
                "where": None,
                "for_outcome": "I want to wash on my own",
            }
        ],
        outcomes=[
            outcome(
                "I want to wash on my own",
                domain="living_as_you_want",
                why="so I keep my dignity",
            )
        ],
    )
    return record(**(defaults | fields))


def keys(plan: Plan) -> list[str]:
    return [s.key for s in plan.sections]


def texts(plan: Plan, key: str) -> list[str]:
    section = plan.section(key)  # type: ignore[arg-type]
    return [] if section is None else [i.text for i in section.items]


# --- sections: order and omission ----------------------------------------------------------


def test_sections_come_in_plan_order_whatever_the_record_order() -> None:
    plan = build_plan(full_record(), created=CREATED)
    assert keys(plan) == [
        "what_matters",
        "strengths",
        "people",
        "support_style",
        "helps",
        "contributions",
        "hinders",
        "services",
        "review",
    ]
    assert keys(plan) == [k for k in SECTION_ORDER if k in keys(plan)]


def test_self_headings_are_first_person() -> None:
    plan = build_plan(full_record(), created=CREATED)
    assert [s.heading for s in plan.sections] == [
        "What matters to me and why",
        "My strengths",
        "People important to me",
        "How I like to be supported and communicated with",
        "What will help, and who",
        "My own contribution",
        "What gets in the way",
        "Services I asked about, and what each is for",
        "Review date",
    ]
    assert plan.title == "My support plan"
    assert "my own words" in plan.intro


@pytest.mark.parametrize(
    "emptied",
    ["strengths", "people", "support_style", "contributions", "hinders", "services", "outcomes"],
)
def test_an_empty_part_of_the_record_leaves_its_section_out(emptied: str) -> None:
    plan = build_plan(full_record() | {emptied: []}, created=CREATED)
    gone = {"outcomes": "what_matters"}.get(emptied, emptied)
    assert gone not in keys(plan)
    assert len(plan.sections) == 8
    assert all(section.items for section in plan.sections)


def test_help_section_needs_either_actions_or_helps() -> None:
    only_helps = build_plan(full_record(actions=[]), created=CREATED)
    assert texts(only_helps, "helps") == ["my neighbour pops in"]
    only_actions = build_plan(full_record(helps=[]), created=CREATED)
    assert texts(only_actions, "helps") == ["Ask about a perching stool"]
    neither = build_plan(full_record(actions=[], helps=[]), created=CREATED)
    assert "helps" not in keys(neither)


def test_blank_and_repeated_entries_are_left_out() -> None:
    plan = build_plan(
        record(strengths=["", "   ", "Good cook", "good cook ", None, 7], people=["  "]),
        created=CREATED,
    )
    assert texts(plan, "strengths") == ["Good cook"]
    assert plan.section("people") is None


def test_an_empty_record_makes_an_empty_plan_with_no_review() -> None:
    plan = build_plan(record(), created=CREATED)
    assert plan.sections == ()
    assert plan.is_empty
    assert plan.review_date is None
    assert plan.intro.startswith("Nothing has been written down yet")


def test_a_record_with_only_proposed_outcomes_is_empty() -> None:
    plan = build_plan(record(outcomes=[outcome("I might", status="proposed")]), created=CREATED)
    assert plan.is_empty


def test_older_records_missing_the_newer_keys_still_build() -> None:
    old = {
        "schema": "outcomes-coach/record@1",
        "role": "self",
        "outcomes": [{"statement": "I want to garden", "domain": None, "why": None,
                      "status": "confirmed"}],
        "strengths": ["patient"],
    }  # fmt: skip
    plan = build_plan(old, created=CREATED)
    assert keys(plan) == ["what_matters", "strengths", "review"]
    (item,) = plan.sections[0].items
    assert item.quoted and not item.worker_note


# --- outcomes ------------------------------------------------------------------------------


def test_only_confirmed_and_achieved_outcomes_are_shown() -> None:
    plan = build_plan(
        record(
            outcomes=[
                outcome("proposed one", status="proposed"),
                outcome("confirmed one", status="confirmed"),
                outcome("dropped one", status="dropped"),
                outcome("achieved one", status="achieved"),
                outcome("changed one", status="changed"),
                outcome("odd one", status="unknown"),
            ]
        ),
        created=CREATED,
    )
    assert texts(plan, "what_matters") == ["confirmed one", "achieved one"]
    statuses = [i.status for i in plan.sections[0].items]
    assert statuses == ["confirmed", "achieved"]
    assert [i.achieved for i in plan.sections[0].items] == [False, True]


def test_outcome_keeps_the_persons_words_with_why_and_a_domain_tag() -> None:
    plan = build_plan(full_record(), created=CREATED)
    (item,) = plan.sections[0].items
    assert item.text == "I want to wash on my own"
    assert item.quoted is True and item.worker_note is False
    assert item.domain == "living_as_you_want"
    assert item.tag == "Living as you want"
    assert item.details == (Detail("Why it matters", "so I keep my dignity", quoted=True),)


def test_worker_notes_are_marked_apart_from_the_persons_words() -> None:
    plan = build_plan(
        record(
            role="worker",
            pronoun="she",
            outcomes=[
                outcome("I want to see my grandson", why="he makes me laugh"),
                outcome("Would like to get out more", voice="worker", why="isolated since May"),
            ],
        ),
        created=CREATED,
    )
    own, note = plan.sections[0].items
    assert (own.quoted, own.worker_note) == (True, False)
    assert (note.quoted, note.worker_note) == (False, True)
    assert own.details[0].quoted is True
    assert note.details[0].quoted is False  # the worker's why is not the person's words either


def test_statement_text_is_tidied_but_never_reworded() -> None:
    plan = build_plan(
        record(outcomes=[outcome('  "I want to\n  go   back\tto church"  ')]), created=CREATED
    )
    assert texts(plan, "what_matters") == ["I want to go back to church"]


def test_inner_quotes_are_kept() -> None:
    plan = build_plan(record(outcomes=[outcome('"Home" is where "my cat" is')]), created=CREATED)
    assert texts(plan, "what_matters") == ['"Home" is where "my cat" is']


def test_repeated_outcomes_are_shown_once() -> None:
    plan = build_plan(
        record(outcomes=[outcome("I want to swim"), outcome("i want to swim ")]), created=CREATED
    )
    assert texts(plan, "what_matters") == ["I want to swim"]


# --- roles and pronouns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pronoun", "matters", "strengths", "style", "services"),
    [
        (
            "she",
            "What matters to her and why",
            "Her strengths",
            "How she likes to be supported and communicated with",
            "Services she asked about, and what each is for",
        ),
        (
            "he",
            "What matters to him and why",
            "His strengths",
            "How he likes to be supported and communicated with",
            "Services he asked about, and what each is for",
        ),
        (
            "they",
            "What matters to them and why",
            "Their strengths",
            "How they like to be supported and communicated with",
            "Services they asked about, and what each is for",
        ),
        (
            None,
            "What matters to them and why",
            "Their strengths",
            "How they like to be supported and communicated with",
            "Services they asked about, and what each is for",
        ),
    ],
)
def test_worker_headings_use_the_persons_pronoun(
    pronoun: str | None, matters: str, strengths: str, style: str, services: str
) -> None:
    plan = build_plan(full_record(role="worker", pronoun=pronoun), created=CREATED)
    headings = {s.key: s.heading for s in plan.sections}
    assert headings["what_matters"] == matters
    assert headings["strengths"] == strengths
    assert headings["support_style"] == style
    assert headings["services"] == services
    assert headings["people"] == f"People important to {matters.split()[3]}"
    assert plan.pronoun == (pronoun or "they")
    assert plan.title == "Draft support plan"
    assert "own words are in quotes" in plan.intro
    assert not any(" me " in f" {h} " or " my " in f" {h.lower()} " for h in headings.values())


def test_pronoun_is_ignored_outside_worker_mode() -> None:
    plan = build_plan(full_record(role="self", pronoun="she"), created=CREATED)
    assert plan.pronoun is None
    assert plan.sections[0].heading == "What matters to me and why"


def test_unknown_role_is_treated_as_the_persons_own_plan() -> None:
    plan = build_plan(full_record(role="admin"), created=CREATED)
    assert plan.role == "self"
    assert plan.section("strengths").heading == "My strengths"  # type: ignore[union-attr]


def test_carer_gets_a_section_for_the_person_they_care_for() -> None:
    plan = build_plan(
        full_record(
            role="carer",
            outcomes=[
                outcome("I want a night's sleep", domain="carer_wellbeing"),
                outcome("Mum can go to her lunch club", about="cared_for", why="she loves it"),
                outcome("I want time for my allotment", domain="carer_wellbeing"),
            ],
        ),
        created=CREATED,
    )
    assert plan.title == "My plan as a carer"
    assert keys(plan)[:3] == ["what_matters", "what_matters_cared_for", "strengths"]
    assert plan.sections[0].heading == "What matters to me and why"
    assert plan.sections[1].heading == "What matters for the person I care for"
    assert texts(plan, "what_matters") == ["I want a night's sleep", "I want time for my allotment"]
    assert texts(plan, "what_matters_cared_for") == ["Mum can go to her lunch club"]
    assert plan.sections[2].heading == "My strengths"


def test_carer_with_only_cared_for_outcomes_has_no_own_outcome_section() -> None:
    plan = build_plan(
        record(role="carer", outcomes=[outcome("Dad stays at home", about="cared_for")]),
        created=CREATED,
    )
    assert keys(plan) == ["what_matters_cared_for", "review"]


def test_cared_for_section_is_left_out_when_it_would_only_hold_dropped_outcomes() -> None:
    plan = build_plan(
        record(
            role="carer",
            outcomes=[
                outcome("I want a break"),
                outcome("Dad goes out", about="cared_for", status="dropped"),
                outcome("Dad sees friends", about="cared_for", status="proposed"),
            ],
        ),
        created=CREATED,
    )
    assert "what_matters_cared_for" not in keys(plan)


def test_worker_heading_for_the_cared_for_person_agrees_with_the_pronoun() -> None:
    assert heading_for("what_matters_cared_for", "worker", "she") == (
        "What matters for the person she cares for"
    )
    assert heading_for("what_matters_cared_for", "worker", "they") == (
        "What matters for the person they care for"
    )


# --- actions and services ----------------------------------------------------------------


def test_actions_carry_who_when_where_and_the_outcome_and_come_before_helps() -> None:
    plan = build_plan(
        full_record(
            actions=[
                {
                    "what": "Go to the pool",
                    "who": ["me", "my son", "the OT"],
                    "when": "Tuesdays",
                    "where": "Leisure centre",
                    "for_outcome": "I want to wash on my own",
                }
            ]
        ),
        created=CREATED,
    )
    action, helps = plan.section("helps").items  # type: ignore[union-attr]
    assert (action.kind, helps.kind) == ("action", "help")
    assert action.details == (
        Detail("Who", "me, my son and the OT"),
        Detail("When", "Tuesdays"),
        Detail("Where", "Leisure centre"),
        Detail("Towards", "I want to wash on my own", quoted=True),
    )


def test_action_details_are_only_the_ones_given() -> None:
    plan = build_plan(
        record(actions=[{"what": "Call the surgery", "who": [], "when": None, "where": ""}]),
        created=CREATED,
    )
    (action,) = plan.section("helps").items  # type: ignore[union-attr]
    assert action.details == ()


def test_services_show_what_each_is_for_or_that_it_is_still_to_talk_about() -> None:
    plan = build_plan(
        full_record(
            outcomes=[
                outcome("I want to wash on my own"),
                outcome("I want to go out", status="proposed"),
            ],
            services=[
                {"text": "a walk-in shower", "for_outcome": "I want to wash on my own"},
                {"text": "a wheelchair", "for_outcome": "I want to go out"},
                {"text": "home care", "for_outcome": None},
            ],
        ),
        created=CREATED,
    )
    shower, chair, care = plan.section("services").items  # type: ignore[union-attr]
    assert shower.details == (Detail("What it's for", "I want to wash on my own", quoted=True),)
    # linked only to a proposed outcome: the unconfirmed statement is not shown
    assert chair.details == (Detail("What it's for", STILL_TO_TALK_ABOUT),)
    assert care.details == (Detail("What it's for", STILL_TO_TALK_ABOUT),)


def test_a_service_for_a_worker_noted_outcome_is_not_quoted() -> None:
    plan = build_plan(
        record(
            role="worker",
            outcomes=[outcome("Get to the shops", voice="worker")],
            services=[{"text": "a scooter", "for_outcome": "Get to the shops"}],
        ),
        created=CREATED,
    )
    (service,) = plan.section("services").items  # type: ignore[union-attr]
    assert service.details == (Detail("What it's for", "Get to the shops", quoted=False),)


# --- review date ---------------------------------------------------------------------------


def test_review_is_three_months_after_the_plan_is_made() -> None:
    plan = build_plan(full_record(), created=CREATED)
    assert plan.review_date == date(2027, 2, 28)
    assert plan.sections[-1].key == "review"
    assert texts(plan, "review") == ["28 February 2027"]


def test_review_defaults_to_three_months_from_today() -> None:
    plan = build_plan(full_record())
    assert plan.created == date.today()
    assert plan.review_date == add_months(date.today(), 3)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 10, 31), 3, date(2027, 1, 31)),
        (date(2026, 12, 15), 3, date(2027, 3, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2027, 2, 28), "28 February 2027"),
        (date(2027, 3, 1), "1 March 2027"),
        (date(2026, 12, 5), "5 December 2026"),
    ],
)
def test_plain_date_has_no_leading_zero_or_weekday(value: date, text: str) -> None:
    assert plain_date(value) == text


# --- small helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("feeling_safe", "Feeling safe"),
        ("seeing_people", "Seeing people"),
        ("mobility", "Getting about"),
        ("carer_wellbeing", "Carer's wellbeing"),
        ("new_domain_code", "New domain code"),
        (None, None),
        ("", None),
    ],
)
def test_domain_label(code: str | None, label: str | None) -> None:
    assert domain_label(code) == label


def test_every_design_domain_has_a_label_without_underscores() -> None:
    codes = [
        "feeling_safe", "things_to_do", "seeing_people", "staying_well", "living_as_you_want",
        "stigma", "listened_to", "having_a_say", "respect", "responded_to", "reliability",
        "confidence", "skills", "mobility", "symptoms", "carer_wellbeing", "caring_role",
    ]  # fmt: skip
    for code in codes:
        label = domain_label(code)
        assert label and "_" not in label and label[0].isupper()


def test_join_names_is_british_list_style() -> None:
    assert join_names([]) == ""
    assert join_names(["me"]) == "me"
    assert join_names(["me", "Sarah"]) == "me and Sarah"
    assert join_names(["me", "Sarah", "the GP"]) == "me, Sarah and the GP"


def test_plan_is_frozen() -> None:
    plan = build_plan(full_record(), created=CREATED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.title = "Something else"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.sections[0].items[0].text = "changed"  # type: ignore[misc]
