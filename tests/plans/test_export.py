"""``render_plan``: the one entry point for every format, on records from the real store too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy.orm import Session, sessionmaker

from bot.config import get_settings
from bot.plans.export import FORMATS, MEDIA_TYPES, filename_for, normalise_format, render_plan
from bot.plans.json_export import load_schema
from bot.store import repositories as repo
from bot.store.migrate import upgrade
from bot.store.session import session_factory
from tests.plans.records import PSEUDONYM, WALK, rich_record
from tests.plans.schema_check import errors
from tests.plans.test_structure import record

CREATED = date(2027, 3, 20)
GENERATED = datetime(2027, 3, 20, 9, 30, tzinfo=UTC)


def render(rec: dict, fmt: str) -> tuple[bytes, str, str]:
    return render_plan(rec, fmt, pseudonym=PSEUDONYM, created=CREATED, generated=GENERATED)


def test_formats() -> None:
    assert FORMATS == ("md", "pdf", "json", "fhir")
    assert set(MEDIA_TYPES) == set(FORMATS)


@pytest.mark.parametrize(
    ("fmt", "media", "name"),
    [
        ("md", "text/markdown; charset=utf-8", "my-plan.md"),
        ("pdf", "application/pdf", "my-plan.pdf"),
        ("json", "application/json", "my-plan.json"),
        ("fhir", "application/fhir+json", "my-plan.fhir.json"),
    ],
)
def test_each_format_gives_bytes_media_type_and_a_safe_name(
    fmt: str, media: str, name: str
) -> None:
    content, media_type, filename = render(rich_record(), fmt)
    assert isinstance(content, bytes) and content
    assert (media_type, filename) == (media, name)
    assert re.fullmatch(r"[a-z0-9.-]+", filename)


def test_contents_are_what_each_renderer_makes() -> None:
    md, _, _ = render(rich_record(), "md")
    assert md.decode("utf-8").startswith("# My plan as a carer\n")
    assert f"“{WALK}”".encode() in md
    pdf, _, _ = render(rich_record(), "pdf")
    assert pdf.startswith(b"%PDF-")
    data = json.loads(render(rich_record(), "json")[0])
    assert data["generated"] == "2027-03-20T09:30:00Z" and "plan" in data
    assert errors(data, load_schema()) == []
    bundle = json.loads(render(rich_record(), "fhir")[0])
    Bundle.model_validate(bundle)
    patient = bundle["entry"][0]["resource"]
    assert patient["identifier"][0]["value"] == PSEUDONYM


def test_json_keeps_the_persons_words_readable_not_escaped() -> None:
    content, _, _ = render(rich_record(), "json")
    assert "Siobhán" in content.decode("utf-8")


def test_a_workers_plan_is_named_as_a_draft() -> None:
    assert filename_for(record(role="worker"), "pdf") == "draft-plan.pdf"
    assert render(record(role="worker"), "md")[2] == "draft-plan.md"


@pytest.mark.parametrize(
    ("given", "fmt"), [("PDF", "pdf"), (".md", "md"), ("markdown", "md"), (" fhir ", "fhir")]
)
def test_format_names_are_forgiving(given: str, fmt: str) -> None:
    assert normalise_format(given) == fmt
    assert render(record(), given)[2].endswith(fmt if fmt != "fhir" else "fhir.json")


@pytest.mark.parametrize("fmt", ["docx", "", "html"])
def test_unknown_format_is_refused_naming_the_ones_there_are(fmt: str) -> None:
    with pytest.raises(ValueError, match="md, pdf, json, fhir"):
        render(record(), fmt)


def test_fhir_needs_the_pseudonym() -> None:
    with pytest.raises(ValueError):
        render_plan(record(), "fhir", pseudonym="")


# --- records as the store makes them ----------------------------------------------------------


@pytest.fixture
def store(var_dir: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite record in the test's own var/ (no PostgreSQL needed here)."""
    url = get_settings().database_url
    upgrade(url)
    factory = session_factory(url)
    yield factory
    factory.kw["bind"].dispose()
    session_factory.cache_clear()


def stored_record(store: sessionmaker[Session]) -> dict:
    with store.begin() as s:
        repo.set_role(s, PSEUDONYM, "self")
        walk = repo.add_outcome(s, PSEUDONYM, WALK, domain="mobility", status="confirmed")
        club = repo.add_outcome(s, PSEUDONYM, "Go to the lunch club", status="confirmed")
        gone = repo.add_outcome(s, PSEUDONYM, "Move house", status="confirmed")
        repo.set_outcome_why(s, PSEUDONYM, walk.id, "so I feel “free” again")
        repo.add_service_request(s, PSEUDONYM, "a rollator", outcome_id=walk.id)
        repo.add_strength(s, PSEUDONYM, "I was a nurse")
        repo.add_help_or_hindrance(s, PSEUDONYM, "ours", "My son does the shopping")
        repo.add_plan_action(
            s, PSEUDONYM, "Practise the walk", who=["me", "Ana"], when="Tuesdays",
            outcome_id=walk.id,
        )  # fmt: skip
        repo.add_review(s, PSEUDONYM, walk.id, rating=4, narrative="Still wobbly")
        repo.add_review(s, PSEUDONYM, walk.id, rating=7, helped="the new stick", decision="keep")
        repo.add_review(s, PSEUDONYM, club.id, rating=10)
        repo.add_review(s, PSEUDONYM, gone.id, rating=2, decision="drop")
    with store() as s:
        return repo.record_as_dict(s, PSEUDONYM)


def test_every_format_works_on_a_record_from_the_store(store: sessionmaker[Session]) -> None:
    rec = stored_record(store)
    assert [o["statement"] for o in rec["outcomes"]] == [WALK, "Go to the lunch club"]
    data = json.loads(render(rec, "json")[0])
    assert errors(data, load_schema()) == []
    bundle = json.loads(render(rec, "fhir")[0])
    Bundle.model_validate(bundle)
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert [(g["lifecycleStatus"], g["achievementStatus"]["coding"][0]["code"]) for g in goals] == [
        ("active", "improving"),
        ("completed", "achieved"),  # a rating of 10 marks the outcome achieved
    ]
    md = render(rec, "md")[0].decode("utf-8")
    assert "## My own contribution\n\n- My son does the shopping" in md
    assert "How close: 4 → 7 out of 10" in md
    assert "Move house" not in md  # dropped at review: left out, reviews and all
    assert render(rec, "pdf")[0].startswith(b"%PDF-")
