"""The JSON export: the record contract plus the plan as data, valid against its schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.plans.json_export import SCHEMA, load_schema, plan_json
from tests.plans.records import WALK, many_outcomes, rich_record
from tests.plans.schema_check import KEYWORDS, errors, keywords_used
from tests.plans.test_structure import record

CREATED = date(2027, 3, 20)
GENERATED = datetime(2027, 3, 20, 9, 30, tzinfo=UTC)


def export(rec: dict) -> dict:
    return plan_json(rec, created=CREATED, generated=GENERATED)


def test_schema_is_draft_2020_12_with_the_version_in_its_id() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("record@1")
    assert schema["properties"]["schema"] == {"const": SCHEMA}
    assert set(schema["required"]) >= {
        "schema", "role", "outcomes", "services", "strengths", "people", "helps", "hinders",
        "risk_flag",
    }  # fmt: skip


def test_schema_uses_only_keywords_the_checker_knows() -> None:
    assert keywords_used(load_schema()) <= KEYWORDS


@pytest.mark.parametrize(
    "rec",
    [rich_record(), record(), many_outcomes(60), {}, rich_record(role="worker", pronoun="she")],
    ids=["rich", "empty", "sixty", "bare", "worker"],
)
def test_exports_validate_against_the_schema(rec: dict) -> None:
    data = export(rec)
    assert errors(data, load_schema()) == []
    json.dumps(data)  # plain JSON all the way down


def test_the_checker_does_catch_broken_exports() -> None:
    data = export(rich_record())
    data["outcomes"][0]["status"] = "maybe"
    data["plan"]["sections"][0]["items"][0]["ratings"] = [{"value": 11, "at": None}]
    del data["risk_flag"]
    found = errors(data, load_schema())
    assert any("'risk_flag' is required" in e for e in found)
    assert any("'maybe' is not one of" in e for e in found)
    assert any("11 > 10" in e for e in found)


def test_export_keeps_the_record_and_adds_plan_and_generated() -> None:
    rec = rich_record()
    data = export(rec)
    assert data["schema"] == "outcomes-coach/record@1"
    assert data["generated"] == "2027-03-20T09:30:00Z"
    for key in ("role", "outcomes", "services", "strengths", "contributions", "reviews"):
        assert data[key] == rec[key]
    assert rec.get("plan") is None  # the caller's record is not changed


def test_plan_is_the_sections_as_data() -> None:
    plan = export(rich_record())["plan"]
    assert plan["title"] == "My plan as a carer"
    assert plan["created"] == "2027-03-20" and plan["review_date"] == "2027-06-20"
    keys = [s["key"] for s in plan["sections"]]
    assert keys[0] == "what_matters" and keys[-2:] == ["progress", "review"]
    walk = plan["sections"][0]["items"][0]
    assert walk["text"] == WALK and walk["quoted"] is True
    assert {"label": "How close", "text": "4 → 7 out of 10", "quoted": False,
            "worker_note": False} in walk["details"]  # fmt: skip
    progress = next(s for s in plan["sections"] if s["key"] == "progress")
    assert progress["items"][0]["ratings"] == [
        {"value": 4, "at": "2027-01-10"},
        {"value": 7, "at": "2027-03-10"},
    ]


def test_an_older_record_gets_every_contract_key() -> None:
    data = export({"outcomes": [{"statement": "Go out", "status": "confirmed"}]})
    assert data["role"] == "self" and data["risk_flag"] is False
    assert data["outcomes"] == [
        {"statement": "Go out", "domain": None, "why": None, "status": "confirmed"}
    ]
    assert data["contributions"] == [] and data["reviews"] == []
    assert errors(data, load_schema()) == []


def test_generated_defaults_to_now_in_utc() -> None:
    stamp = plan_json(record())["generated"]
    assert stamp.endswith("Z")
    made = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - made).total_seconds()) < 60
