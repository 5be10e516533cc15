"""Own contribution and reviews in the plan structure: progress lines and "Progress so far"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.markdown import plan_markdown, plan_messages
from bot.plans.structure import (
    OVERALL,
    Detail,
    Plan,
    Rating,
    build_plan,
    heading_for,
    parse_when,
    rating_line,
)
from tests.plans.records import LUNCH, SLEEP, SON, WALK, review, rich_record
from tests.plans.test_structure import outcome, record

CREATED = date(2027, 3, 20)


def plan_for(rec: dict) -> Plan:
    return build_plan(rec, created=CREATED)


def item(plan: Plan, key: str, text: str):
    section = plan.section(key)  # type: ignore[arg-type]
    assert section is not None, key
    return next(i for i in section.items if i.text == text)


def test_sections_in_order_with_contribution_after_help_and_progress_before_review() -> None:
    plan = plan_for(rich_record())
    assert [s.key for s in plan.sections] == [
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


@pytest.mark.parametrize(
    ("role", "pronoun", "heading"),
    [
        ("self", None, "My own contribution"),
        ("carer", None, "My own contribution"),
        ("worker", "she", "Her own contribution"),
        ("worker", "they", "Their own contribution"),
    ],
)
def test_contribution_heading_for_each_role(role: str, pronoun: str | None, heading: str) -> None:
    assert heading_for("contributions", role, pronoun) == heading  # type: ignore[arg-type]
    assert heading_for("progress", role, pronoun) == "Progress so far"  # type: ignore[arg-type]


def test_contributions_are_kept_as_written_without_blanks_or_repeats() -> None:
    plan = plan_for(record(contributions=["  I cook  on Sundays ", "", "i cook on sundays", 3]))
    section = plan.section("contributions")
    assert section is not None
    assert [(i.kind, i.text) for i in section.items] == [("contribution", "I cook on Sundays")]


def test_outcome_has_a_progress_line_from_its_reviews() -> None:
    walk = item(plan_for(rich_record()), "what_matters", WALK)
    assert walk.details == (
        Detail("Why it matters", "so I feel “free” again 😊", quoted=True),
        Detail("How close", "4 → 7 out of 10"),
        Detail("How it's going", "Made it twice!", quoted=True),
        Detail("What helped", "the new stick", quoted=True),
        Detail("What got in the way", "the rain", quoted=True),
        Detail("Anything unexpected", "I met an old friend", quoted=True),
    )


def test_a_workers_review_is_marked_and_not_quoted() -> None:
    lunch = item(plan_for(rich_record()), "what_matters", LUNCH)
    assert Detail("How it's going", "Goes every week", worker_note=True) in lunch.details


def test_an_outcome_without_reviews_has_no_progress_line() -> None:
    son = item(plan_for(rich_record()), "what_matters_cared_for", SON)
    assert son.details == ()
    assert all(i.text != SON for i in plan_for(rich_record()).section("progress").items)


def test_progress_section_lists_reviewed_outcomes_with_ratings_and_what_is_next() -> None:
    progress = plan_for(rich_record()).section("progress")
    assert progress is not None and progress.heading == "Progress so far"
    assert [i.text for i in progress.items] == [WALK, LUNCH, SLEEP, OVERALL]
    walk, lunch, sleep, overall = progress.items
    assert walk.ratings == (Rating(4, date(2027, 1, 10)), Rating(7, date(2027, 3, 10)))
    assert walk.details == (
        Detail("How close", "4 → 7 out of 10"),
        Detail("Reviewed", "twice, last on 10 March 2027"),
        Detail("Next", "keep going as planned"),
    )
    assert lunch.achieved and lunch.worker_note and not lunch.quoted
    assert [d.label for d in lunch.details] == ["How close", "Reviewed"]  # achieved: no "Next"
    # A changed outcome leaves the plan but keeps its history under Progress.
    assert sleep.status == "changed"
    assert Detail("Next", "change the plan") in sleep.details
    assert overall.quoted is False
    assert Detail("How it's going", "Better overall", quoted=True) in overall.details
    assert overall.ratings == (Rating(6, date(2027, 3, 12)),)


def test_changed_outcome_is_not_in_what_matters() -> None:
    section = plan_for(rich_record()).section("what_matters")
    assert SLEEP not in [i.text for i in section.items]


def test_reviews_are_put_in_date_order_whatever_the_record_order() -> None:
    rec = record(
        outcomes=[outcome("Go swimming")],
        reviews=[
            review("Go swimming", 8, "2027-05-01"),
            review("Go swimming", 2, "2027-01-01T08:00:00Z"),
            review("Go swimming", 5, "2027-03-01"),
        ],
    )
    swim = item(plan_for(rec), "progress", "Go swimming")
    assert [r.value for r in swim.ratings] == [2, 5, 8]
    assert Detail("Reviewed", "3 times, last on 1 May 2027") in swim.details


def test_bad_ratings_and_dates_are_ignored_not_fatal() -> None:
    rec = record(
        outcomes=[outcome("Go swimming")],
        reviews=[
            review("Go swimming", 11, "not a date"),
            review("Go swimming", True, None),
            review("Go swimming", 4.5, "2027-01-01"),
            review("Go swimming", 5, "2027-02-01", narrative="   "),
        ],
    )
    swim = item(plan_for(rec), "progress", "Go swimming")
    assert swim.ratings == (Rating(5, date(2027, 2, 1)),)
    assert Detail("Reviewed", "4 times, last on 1 February 2027") in swim.details


def test_reviews_of_outcomes_not_in_the_record_are_left_out() -> None:
    rec = record(
        outcomes=[outcome("Go swimming"), outcome("Maybe", status="proposed")],
        reviews=[review("A dropped one", 3, "2027-01-01"), review("Maybe", 3, "2027-01-01")],
    )
    assert plan_for(rec).section("progress") is None


def test_a_review_matches_its_outcome_ignoring_case_and_spacing() -> None:
    rec = record(
        outcomes=[outcome("Go swimming")], reviews=[review("  go  SWIMMING ", 6, "2027-01-01")]
    )
    assert item(plan_for(rec), "what_matters", "Go swimming").details == (
        Detail("How close", "6 out of 10"),
    )


def test_review_date_stays_three_months_after_the_plan() -> None:
    plan = plan_for(rich_record())
    assert plan.review_date == date(2027, 6, 20)
    assert plan.sections[-1].key == "review"


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ([], ""),
        ([6], "6 out of 10"),
        ([4, 7], "4 → 7 out of 10"),
        ([1, 2, 3, 4, 5, 6], "1 → 2 → 3 → 4 → 5 → 6 out of 10"),
        ([1, 2, 3, 4, 5, 6, 7], "1 → … → 4 → 5 → 6 → 7 out of 10"),
    ],
)
def test_rating_line(values: list[int], line: str) -> None:
    assert rating_line(Rating(v) for v in values) == line


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2027-03-10T10:00:00+00:00", date(2027, 3, 10)),
        ("2027-03-10T10:00:00Z", date(2027, 3, 10)),
        ("2027-03-10", date(2027, 3, 10)),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_parse_when(value: object, day: date | None) -> None:
    assert parse_when(value) == day


def test_markdown_and_messages_show_progress_and_mark_a_workers_review() -> None:
    plan = plan_for(rich_record())
    doc = plan_markdown(plan)
    assert "## My own contribution\n\n- Sarah does the big shop on Saturdays" in doc
    assert "## Progress so far" in doc
    assert "  - How close: 4 → 7 out of 10" in doc
    assert "  - How it's going: _Worker's note:_ Goes every week" in doc
    text = "\n".join(plan_messages(plan))
    assert "How it's going: Worker's note: Goes every week" in text
    assert "How close: 4 → 7 out of 10" in text
