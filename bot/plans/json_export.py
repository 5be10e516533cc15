"""The plan as JSON: the stored record (``outcomes-coach/record@1``) plus the plan as data.

``plan_json`` returns the record in the shape ``coach export --format json`` gives (DESIGN §4),
with every key of the contract present even for older records, and two more keys:

* ``"plan"``: the sections exactly as the other exports show them (headings, items, details,
  ratings), so a reader does not have to repeat the rules about what goes in a plan;
* ``"generated"``: when the export was made (UTC, ISO 8601).

``bot/plans/record.schema.json`` (JSON Schema draft 2020-12) documents this shape; its ``$id``
carries the version, the same as ``"schema"`` in every export.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path

from bot.plans.structure import Detail, Item, Plan, Rating, build_plan

SCHEMA = "outcomes-coach/record@1"
SCHEMA_PATH = Path(__file__).with_name("record.schema.json")

# The contract's keys and what an older record without them is taken to hold.
_LISTS = (
    "outcomes",
    "services",
    "strengths",
    "people",
    "helps",
    "hinders",
    "actions",
    "support_style",
    "contributions",
    "reviews",
    "shares",
    "answers",
)


def load_schema() -> dict:
    """The JSON Schema for exports (draft 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _detail(detail: Detail) -> dict:
    return {
        "label": detail.label,
        "text": detail.text,
        "quoted": detail.quoted,
        "worker_note": detail.worker_note,
    }


def _rating(rating: Rating) -> dict:
    return {"value": rating.value, "at": rating.at.isoformat() if rating.at else None}


def _item(item: Item) -> dict:
    return {
        "kind": item.kind,
        "text": item.text,
        "quoted": item.quoted,
        "worker_note": item.worker_note,
        "tag": item.tag,
        "domain": item.domain,
        "status": item.status,
        "details": [_detail(d) for d in item.details],
        "ratings": [_rating(r) for r in item.ratings],
    }


def plan_as_data(plan: Plan) -> dict:
    """The plan's content as plain JSON-ready data (dates as ISO strings)."""
    return {
        "title": plan.title,
        "intro": plan.intro,
        "role": plan.role,
        "pronoun": plan.pronoun,
        "created": plan.created.isoformat(),
        "review_date": plan.review_date.isoformat() if plan.review_date else None,
        "sections": [
            {"key": s.key, "heading": s.heading, "items": [_item(i) for i in s.items]}
            for s in plan.sections
        ],
    }


def _outcome(value: dict) -> dict:
    return {"statement": None, "domain": None, "why": None, "status": "proposed"} | value


def _service(value: dict) -> dict:
    return {"text": None, "for_outcome": None} | value


def plan_json(
    record: dict,
    *,
    created: date | None = None,
    generated: datetime | None = None,
) -> dict:
    """The JSON export of a record: the record contract, ``"plan"`` and ``"generated"``.

    Args:
        record: a stored record (``record_as_dict``); missing keys are filled in as empty.
        created: the day the plan is made (default today; the review date follows from it).
        generated: when the export is made (default now, UTC).
    """
    out = copy.deepcopy(record)  # never change the caller's record
    out["schema"] = SCHEMA
    if out.get("role") not in ("self", "carer", "worker"):
        out["role"] = "self"
    for key in _LISTS:
        if not isinstance(out.get(key), list):
            out[key] = []
    out["outcomes"] = [_outcome(o) for o in out["outcomes"] if isinstance(o, dict)]
    out["services"] = [_service(s) for s in out["services"] if isinstance(s, dict)]
    out["risk_flag"] = bool(out.get("risk_flag", False))
    out.setdefault("pronoun", None)
    out["plan"] = plan_as_data(build_plan(record, created=created))
    stamp = (generated or datetime.now(UTC)).astimezone(UTC)
    out["generated"] = stamp.isoformat(timespec="seconds").replace("+00:00", "Z")
    return out


__all__ = ["SCHEMA", "SCHEMA_PATH", "load_schema", "plan_as_data", "plan_json"]
