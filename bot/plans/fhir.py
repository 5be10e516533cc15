"""The plan as FHIR R4B: a ``collection`` Bundle of a Patient placeholder, Goals and a CarePlan.

Mapping (see ``docs/plan-exports.md`` for the table):

* **Patient**: a placeholder with no personal data, only the pseudonymous id as an identifier.
* **Goal**, one per confirmed, achieved or changed outcome: ``description.text`` in the
  person's words; ``lifecycleStatus`` active / completed / cancelled; ``achievementStatus`` from
  the reviews' ratings (improving, worsening, no change, in progress, achieved); ``category``
  the Talking Points outcome group; ``expressedBy`` the Patient when the words are the person's
  own (a worker's note has no ``expressedBy`` and says so in ``note``); ``note`` for why it
  matters and for each review.
* **CarePlan**: active (``draft`` when a worker pre-filled it), intent ``plan``, subject the
  Patient, every Goal, an ``activity`` per service asked about (``ServiceRequest``) and per
  action (``Task``). Each activity's ``detail.goal`` points at the Goal it serves and
  ``detail.description`` is in the person's words; who does it is ``performer`` (display-only
  references), when is ``scheduledString``, where a display-only ``location``. Strengths,
  people, what helps and hinders, own contribution and support style go in ``note``.

Ids are ``uuid5`` of the pseudonym (and the outcome's words), and ``fullUrl``s are
``urn:uuid:`` URIs, so the same record always gives the same Bundle.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from bot.plans.structure import (
    DECISIONS,
    DOMAIN_LABELS,
    PROGRESS_STATUSES,
    build_plan,
    domain_label,
    parse_when,
    tidy,
)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:outcomes-coach:fhir")
PSEUDONYM_SYSTEM = "urn:outcomes-coach:pseudonym"
DOMAIN_SYSTEM = "urn:outcomes-coach:talking-points-domain"
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
WORKER_NOTE = "Worker's note: written by a worker, not in the person's own words."

LIFECYCLE = {"confirmed": "active", "achieved": "completed", "changed": "cancelled"}
ACHIEVEMENT = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
}
_ME = {"me", "i", "myself", "me myself"}


def _id(patient_ref: str, *parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join((patient_ref, *parts))))


def _url(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def _when(value: object) -> str | None:
    """A FHIR ``dateTime``: a date, or a time with a zone (UTC assumed when none is given)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        day = parse_when(value)
        return day.isoformat() if day else None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        day = parse_when(value)
        return day.isoformat() if day else None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _rating(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= 10 else None


def _achievement(status: str, reviews: list[dict]) -> dict | None:
    """Where the outcome has got to, from its status and its reviews' ratings."""
    ratings = [r for review in reviews if (r := _rating(review.get("rating"))) is not None]
    if status == "achieved" or (ratings and ratings[-1] == 10):
        code = "achieved"
    elif len(ratings) >= 2:
        latest, before = ratings[-1], ratings[-2]
        code = "improving" if latest > before else "worsening" if latest < before else "no-change"
    elif reviews:
        code = "in-progress"
    else:
        return None
    concept: dict = {
        "coding": [{"system": ACHIEVEMENT_SYSTEM, "code": code, "display": ACHIEVEMENT[code]}]
    }
    if ratings:
        was = f" (was {ratings[-2]})" if len(ratings) >= 2 else ""
        concept["text"] = f"{ratings[-1]} out of 10{was}"
    return concept


def _review_note(review: dict, patient_url: str, heading: str = "Review") -> dict | None:
    """A review as an Annotation: one line per thing said, the author, and when."""
    parts: list[str] = []
    rating = _rating(review.get("rating"))
    if rating is not None:
        parts.append(f"How close: {rating} out of 10")
    for key, label in (
        ("narrative", "How it's going"),
        ("helped", "What helped"),
        ("hindered", "What got in the way"),
        ("unintended", "Anything unexpected"),
    ):
        text = tidy(review.get(key))
        if text:
            parts.append(f"{label}: {text}")
    decision = DECISIONS.get(review.get("decision") or "")
    if decision:
        parts.append(f"Decision: {decision}")
    if not parts:
        return None
    note: dict = {"text": "\n".join([heading, *parts])}
    if review.get("reviewer") == "worker":
        note["authorString"] = "Worker"
    else:
        note["authorReference"] = {"reference": patient_url}
    when = _when(review.get("at"))
    if when:
        note["time"] = when
    return note


def _status_date(outcome: dict) -> str | None:
    """The day the outcome took its present status, from its history."""
    for event in reversed([e for e in outcome.get("history") or [] if isinstance(e, dict)]):
        if event.get("status") == outcome.get("status"):
            day = parse_when(event.get("at"))
            return day.isoformat() if day else None
    return None


def _goal(outcome: dict, goal_id: str, patient_url: str, reviews: list[dict]) -> dict:
    statement = tidy(outcome.get("statement"))
    status = outcome["status"]
    own = outcome.get("voice", "own") != "worker"
    goal: dict = {
        "resourceType": "Goal",
        "id": goal_id,
        "lifecycleStatus": LIFECYCLE[status],
        "description": {"text": statement},
        "subject": {"reference": patient_url},
    }
    achievement = _achievement(status, reviews)
    if achievement:
        goal["achievementStatus"] = achievement
    code = tidy(outcome.get("domain"))
    if code:
        label = domain_label(code) or code
        coding = {"system": DOMAIN_SYSTEM, "code": code, "display": label}
        if code not in DOMAIN_LABELS:
            coding.pop("display")
        goal["category"] = [{"coding": [coding], "text": label}]
    if own:
        goal["expressedBy"] = {"reference": patient_url}
    day = _status_date(outcome)
    if day:
        goal["statusDate"] = day
    if status == "changed":
        goal["statusReason"] = "At a review, the plan for this was to change."

    notes: list[dict] = []
    if not own:
        notes.append({"text": WORKER_NOTE})
    if outcome.get("about") == "cared_for":
        notes.append({"text": "About the person the carer cares for."})
    why = tidy(outcome.get("why"))
    if why:
        note: dict = {"text": f"Why it matters: {why}"}
        if own:
            note["authorReference"] = {"reference": patient_url}
        notes.append(note)
    notes += [n for r in reviews if (n := _review_note(r, patient_url))]
    if notes:
        goal["note"] = notes
    return goal


def _performers(who: object, patient_url: str, *, worker: bool) -> list[dict]:
    """Who does it, as display-only references; "me" is the Patient unless a worker wrote it
    (then "me" is the worker, who has no resource here)."""
    names = [tidy(w) for w in (who if isinstance(who, list) else [who]) if tidy(w)]
    return [
        {"reference": patient_url, "display": name}
        if name.casefold() in _ME and not worker
        else {"display": name}
        for name in names
    ]


def _activity(kind: str, text: str, goal_url: str | None, **detail: object) -> dict:
    body: dict = {"kind": kind, "status": detail.pop("status"), "description": text}
    if goal_url:
        body["goal"] = [{"reference": goal_url}]
    body |= {k: v for k, v in detail.items() if v}
    activity: dict = {"detail": body}
    if goal_url is None:
        activity["progress"] = [{"text": "What this is for is still to talk about."}]
    return activity


def _list(record: dict, key: str) -> list:
    value = record.get(key)
    return value if isinstance(value, list) else []


def plan_fhir(
    record: dict,
    *,
    patient_ref: str,
    created: date | None = None,
) -> dict:
    """The record as a FHIR R4B ``Bundle`` (type ``collection``), as JSON-ready data.

    Args:
        record: a stored record (``outcomes-coach/record@1``).
        patient_ref: the person's pseudonymous id; the only thing the Patient carries.
        created: the day the plan is made (default today): ``CarePlan.created``.
    """
    patient_ref = patient_ref.strip() if isinstance(patient_ref, str) else ""
    if not patient_ref:
        raise ValueError("patient_ref (the pseudonymous id) is needed")
    plan = build_plan(record, created=created)
    patient_id = _id(patient_ref, "patient")
    patient_url = _url(patient_id)
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "meta": {
            "tag": [
                {
                    "system": "urn:outcomes-coach:tag",
                    "code": "placeholder",
                    "display": "Placeholder: no personal details",
                }
            ]
        },
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": patient_ref}],
    }

    reviews: dict[str, list[dict]] = {}
    dated = [r for r in _list(record, "reviews") if isinstance(r, dict)]
    dated.sort(key=lambda r: parse_when(r.get("at")) or date.max)  # stable: ties keep order
    for review in dated:
        reviews.setdefault(tidy(review.get("outcome")).casefold(), []).append(review)

    goals: dict[str, dict] = {}  # casefolded statement -> Goal
    for outcome in _list(record, "outcomes"):
        if not isinstance(outcome, dict) or outcome.get("status") not in PROGRESS_STATUSES:
            continue
        statement = tidy(outcome.get("statement"))
        key = statement.casefold()
        if not statement or key in goals:
            continue
        goal_id = _id(patient_ref, "goal", statement)
        goals[key] = _goal(outcome, goal_id, patient_url, reviews.get(key, []))

    def goal_url(for_outcome: object) -> str | None:
        goal = goals.get(tidy(for_outcome).casefold())
        return _url(goal["id"]) if goal else None

    activities: list[dict] = []
    for service in _list(record, "services"):
        text = tidy(service.get("text")) if isinstance(service, dict) else ""
        if text:
            target = goal_url(service.get("for_outcome"))
            activities.append(_activity("ServiceRequest", text, target, status="not-started"))
    for action in _list(record, "actions"):
        what = tidy(action.get("what")) if isinstance(action, dict) else ""
        if not what:
            continue
        when, where = tidy(action.get("when")), tidy(action.get("where"))
        activities.append(
            _activity(
                "Task",
                what,
                goal_url(action.get("for_outcome")),
                status="scheduled" if when else "not-started",
                scheduledString=when,
                location={"display": where} if where else None,
                performer=_performers(action.get("who"), patient_url, worker=plan.role == "worker"),
            )
        )

    notes = [
        {"text": f"{label}: {tidy(value)}"}
        for key, label in (
            ("strengths", "Strength"),
            ("people", "Important to them"),
            ("support_style", "How they like to be supported"),
            ("helps", "What helps"),
            ("hinders", "What gets in the way"),
            ("contributions", "Own contribution"),
        )
        for value in _list(record, key)
        if tidy(value)
    ]
    notes += [
        note
        for review in reviews.get("", [])
        if (note := _review_note(review, patient_url, "Review of the plan as a whole"))
    ]
    care_plan: dict = {
        "resourceType": "CarePlan",
        "id": _id(patient_ref, "careplan"),
        # A worker's pre-filled plan is a draft until it is gone through with the person.
        "status": "draft" if plan.role == "worker" else "active",
        "intent": "plan",
        "title": plan.title,
        "description": plan.intro,
        "subject": {"reference": patient_url},
        "created": plan.created.isoformat(),
    }
    if goals:
        care_plan["goal"] = [{"reference": _url(g["id"])} for g in goals.values()]
    if activities:
        care_plan["activity"] = activities
    if notes:
        care_plan["note"] = notes

    resources = [patient, *goals.values(), care_plan]
    return {
        "resourceType": "Bundle",
        "id": _id(patient_ref, "bundle"),
        "type": "collection",
        "entry": [{"fullUrl": _url(r["id"]), "resource": r} for r in resources],
    }


__all__ = ["ACHIEVEMENT_SYSTEM", "DOMAIN_SYSTEM", "PSEUDONYM_SYSTEM", "plan_fhir"]
