"""The plan as a FHIR R4B Bundle, checked by fhir.resources' own R4B models."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from bot.plans.fhir import ACHIEVEMENT_SYSTEM, DOMAIN_SYSTEM, PSEUDONYM_SYSTEM, plan_fhir
from tests.plans.records import (
    LUNCH,
    PSEUDONYM,
    SLEEP,
    SON,
    WALK,
    many_outcomes,
    review,
    rich_record,
)
from tests.plans.test_structure import outcome, record

CREATED = date(2027, 3, 20)


def bundle_for(rec: dict, ref: str = PSEUDONYM) -> dict:
    data = plan_fhir(rec, patient_ref=ref, created=CREATED)
    Bundle.model_validate(data)  # the library accepts it as R4B
    return data


def resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def goal(data: dict, text: str) -> dict:
    return next(g for g in resources(data, "Goal") if g["description"]["text"] == text)


def achievement(goal: dict) -> str | None:
    status = goal.get("achievementStatus")
    return None if status is None else status["coding"][0]["code"]


@pytest.mark.parametrize(
    "rec",
    [rich_record(), record(), many_outcomes(60), {}, rich_record(role="worker", pronoun="he")],
    ids=["rich", "empty", "sixty", "bare", "worker"],
)
def test_bundle_is_valid_r4b(rec: dict) -> None:
    data = bundle_for(rec)
    assert data["resourceType"] == "Bundle" and data["type"] == "collection"
    json.dumps(data)


def test_bundle_is_deterministic_with_uuid_urns() -> None:
    first, second = bundle_for(rich_record()), bundle_for(rich_record())
    assert first == second
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in first["entry"])
    other = bundle_for(rich_record(), ref="someone-else")
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])


def test_patient_is_a_placeholder_with_only_the_pseudonym() -> None:
    (patient,) = resources(bundle_for(rich_record()), "Patient")
    assert patient["identifier"] == [{"system": PSEUDONYM_SYSTEM, "value": PSEUDONYM}]
    assert set(patient) == {"resourceType", "id", "meta", "identifier"}


def test_one_goal_per_confirmed_achieved_or_changed_outcome() -> None:
    goals = resources(bundle_for(rich_record()), "Goal")
    assert [g["description"]["text"] for g in goals] == [WALK, LUNCH, SLEEP, SON]
    assert [g["lifecycleStatus"] for g in goals] == ["active", "completed", "cancelled", "active"]


def test_goal_in_the_persons_words_expressed_by_them_with_category_and_why() -> None:
    data = bundle_for(rich_record())
    (patient,) = resources(data, "Patient")
    walk = goal(data, WALK)
    patient_url = f"urn:uuid:{patient['id']}"
    assert walk["subject"] == {"reference": patient_url}
    assert walk["expressedBy"] == {"reference": patient_url}
    assert walk["category"] == [
        {
            "coding": [{"system": DOMAIN_SYSTEM, "code": "mobility", "display": "Getting about"}],
            "text": "Getting about",
        }
    ]
    assert walk["note"][0]["text"] == "Why it matters: so I feel “free” again 😊"
    assert walk["statusDate"] == "2026-10-02"


def test_a_workers_note_has_no_expressed_by_and_says_so() -> None:
    lunch = goal(bundle_for(rich_record()), LUNCH)
    assert "expressedBy" not in lunch
    assert lunch["note"][0]["text"].startswith("Worker's note:")
    assert lunch["note"][1]["authorString"] == "Worker"


def test_achievement_status_follows_the_ratings() -> None:
    data = bundle_for(rich_record())
    walk = goal(data, WALK)
    assert walk["achievementStatus"] == {
        "coding": [{"system": ACHIEVEMENT_SYSTEM, "code": "improving", "display": "Improving"}],
        "text": "7 out of 10 (was 4)",
    }
    assert achievement(goal(data, LUNCH)) == "achieved"
    assert achievement(goal(data, SLEEP)) == "in-progress"  # one rating: nothing to compare
    assert achievement(goal(data, SON)) is None  # not reviewed yet


@pytest.mark.parametrize(
    ("ratings", "code"),
    [([6, 3], "worsening"), ([5, 5], "no-change"), ([3, 10], "achieved"), ([None], "in-progress")],
)
def test_achievement_codes(ratings: list[int | None], code: str) -> None:
    rec = record(
        outcomes=[outcome("Go swimming")],
        reviews=[review("Go swimming", r, f"2027-0{n + 1}-01") for n, r in enumerate(ratings)],
    )
    assert achievement(goal(bundle_for(rec), "Go swimming")) == code


def test_reviews_are_goal_notes_with_time_and_author() -> None:
    walk = goal(bundle_for(rich_record()), WALK)
    first, latest = walk["note"][1], walk["note"][2]
    assert first["time"] == "2027-01-10T10:00:00+00:00"
    assert latest["text"].splitlines() == [
        "Review",
        "How close: 7 out of 10",
        "How it's going: Made it twice!",
        "What helped: the new stick",
        "Anything unexpected: I met an old friend",
        "Decision: keep going as planned",
    ]
    assert "authorReference" in latest


def test_careplan_links_goals_and_activities_to_the_goal_each_serves() -> None:
    data = bundle_for(rich_record())
    (plan,) = resources(data, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    goal_urls = [f"urn:uuid:{g['id']}" for g in resources(data, "Goal")]
    assert [g["reference"] for g in plan["goal"]] == goal_urls
    walk_url = f"urn:uuid:{goal(data, WALK)['id']}"
    rollator, home_care, practise, ring = (a["detail"] for a in plan["activity"])
    assert rollator == {
        "kind": "ServiceRequest",
        "status": "not-started",
        "description": "a rollator",
        "goal": [{"reference": walk_url}],
    }
    assert "goal" not in home_care
    assert plan["activity"][1]["progress"] == [{"text": "What this is for is still to talk about."}]
    assert practise["kind"] == "Task" and practise["goal"] == [{"reference": walk_url}]
    assert practise["scheduledString"] == "Tuesdays"
    assert practise["location"] == {"display": "the park"}
    assert practise["performer"][0]["display"] == "me"
    assert practise["performer"][0]["reference"] == plan["subject"]["reference"]
    assert practise["performer"][1] == {"display": "Ana the physio"}
    assert ring["status"] == "not-started" and "performer" not in ring
    notes = [n["text"] for n in plan["note"]]
    assert "Own contribution: Sarah does the big shop on Saturdays" in notes
    assert any(n.startswith("Review of the plan as a whole\nHow close: 6 out of 10") for n in notes)


def test_a_workers_plan_is_a_draft_and_their_me_is_not_the_patient() -> None:
    data = bundle_for(rich_record(role="worker", pronoun="she"))
    (plan,) = resources(data, "CarePlan")
    assert plan["status"] == "draft"
    performer = plan["activity"][2]["detail"]["performer"][0]
    assert performer == {"display": "me"}


def test_proposed_outcomes_are_not_goals() -> None:
    data = bundle_for(record(outcomes=[outcome("Maybe", status="proposed")]))
    assert resources(data, "Goal") == []
    (plan,) = resources(data, "CarePlan")
    assert "goal" not in plan


def test_a_naive_review_time_is_given_a_zone() -> None:
    lunch = goal(bundle_for(rich_record()), LUNCH)
    assert lunch["note"][1]["time"] == "2027-03-11T10:00:00+00:00"


def test_a_pseudonym_is_required() -> None:
    with pytest.raises(ValueError, match="pseudonymous id"):
        plan_fhir(rich_record(), patient_ref="  ")
