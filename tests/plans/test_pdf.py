"""The plan as a PDF: read back with pdftotext (poppler-utils)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.plans import pdf as pdf_module
from bot.plans.pdf import plan_pdf
from bot.plans.structure import Plan, build_plan
from tests.plans.records import LUNCH, SON, WALK, many_outcomes, rich_record
from tests.plans.test_structure import outcome, record

CREATED = date(2027, 3, 20)
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
needs_poppler = pytest.mark.skipif(
    not Path(PDFTOTEXT).exists(), reason="pdftotext (poppler-utils) is not installed"
)


def plan_for(rec: dict) -> Plan:
    return build_plan(rec, created=CREATED)


def pdftotext(data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *args, str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


def flat(text: str) -> str:
    """Lines wrapped by the layout joined again, so a statement reads as one run."""
    return " ".join(text.split())


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_is_a_pdf_with_the_title_in_its_metadata() -> None:
    data = plan_pdf(plan_for(rich_record()))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Title" in data
    assert b"/Lang" in data


@needs_poppler
def test_metadata_title_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(plan_pdf(plan_for(rich_record())))
    info = subprocess.run(
        [PDFTOTEXT.replace("pdftotext", "pdfinfo"), str(path)], capture_output=True, text=True
    ).stdout
    if info:  # pdfinfo ships with pdftotext, but don't fail on its absence
        assert re.search(r"^Title:\s+My plan as a carer$", info, re.M)
        assert re.search(r"^Page size:.*\(A4\)", info, re.M)


@needs_poppler
def test_the_persons_words_appear_verbatim_with_curly_quotes_and_accents(tmp_path: Path) -> None:
    text = flat(pdftotext(plan_pdf(plan_for(rich_record())), tmp_path))
    assert "My plan as a carer" in text
    assert f"“{WALK}”" in text  # Siobhán, Zoë and the inner curly quotes, as typed
    assert f"“{SON}”" in text
    assert "Why it matters: “so I feel “free” again 😊”" in text  # DejaVu has this emoji
    for heading in ("My own contribution", "Progress so far", "Review date"):
        assert heading in text
    assert "Sarah does the big shop on Saturdays" in text
    assert "How close: 4 → 7 out of 10" in text


@needs_poppler
def test_worker_notes_are_marked_apart(tmp_path: Path) -> None:
    text = flat(pdftotext(plan_pdf(plan_for(rich_record())), tmp_path))
    assert f"Worker's note: {LUNCH}" in text
    assert f"“{LUNCH}”" not in text
    assert "How it's going: Worker's note: Goes every week" in text


@needs_poppler
def test_progress_chart_is_drawn_when_there_are_ratings(tmp_path: Path) -> None:
    with_reviews = plan_pdf(plan_for(rich_record()))
    without = plan_pdf(plan_for(rich_record(reviews=[])))
    assert "How close, over time" in flat(pdftotext(with_reviews, tmp_path))
    assert "How close, over time" not in flat(pdftotext(without, tmp_path))
    assert "Progress so far" not in flat(pdftotext(without, tmp_path))


@needs_poppler
def test_characters_the_font_lacks_are_named_not_crashed_on(tmp_path: Path) -> None:
    rec = record(outcomes=[outcome("Dance again 👍🏽 💃 with my 👨‍👩‍👧 family\u200b")])
    text = flat(pdftotext(plan_pdf(plan_for(rec)), tmp_path))
    assert "Dance again [thumbs up sign] [dancer] with my [man][woman][girl] family" in text


@needs_poppler
def test_sixty_outcomes_run_over_several_numbered_pages(tmp_path: Path) -> None:
    data = plan_pdf(plan_for(many_outcomes(60)))
    count = pages(data)
    assert count >= 2
    text = pdftotext(data, tmp_path)
    assert f"page {count} of {count}" in text
    assert "page 1 of" in text
    flat_text = flat(text)
    for n in (1, 30, 60):
        assert f"Outcome number {n}: I want to keep doing the things that matter to me" in (
            flat_text
        )


@needs_poppler
def test_an_empty_record_is_a_valid_one_page_pdf(tmp_path: Path) -> None:
    data = plan_pdf(plan_for(record()))
    assert pages(data) == 1
    text = flat(pdftotext(data, tmp_path))
    assert "My support plan" in text
    assert "Nothing has been written down yet" in text
    assert "page 1 of 1" in text


def test_many_reviews_and_long_words_do_not_break_the_layout() -> None:
    long = "A" * 400
    rec = record(
        outcomes=[outcome(long), outcome("Go swimming")],
        reviews=[
            {"outcome": "Go swimming", "rating": n % 10 + 1, "at": f"2027-01-{n:02d}"}
            for n in range(1, 29)
        ],
    )
    assert plan_pdf(plan_for(rec)).startswith(b"%PDF-")


def test_without_the_font_files_a_plainer_pdf_is_still_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf_module, "FONT_DIRS", (tmp_path / "nowhere",))
    pdf_module._font_files.cache_clear()
    try:
        data = plan_pdf(plan_for(rich_record()))
    finally:
        pdf_module._font_files.cache_clear()
    assert data.startswith(b"%PDF-")
    if Path(PDFTOTEXT).exists():
        text = flat(pdftotext(data, tmp_path))
        assert "Siobhán" in text  # Latin-1 still has the accent
        assert '"so I feel "free" again ?"' in text  # no emoji in the built-in font


def test_the_vendored_font_and_its_licence_are_in_the_package() -> None:
    folder = Path(pdf_module.__file__).with_name("fonts")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (folder / name).is_file(), name
    assert "Bitstream Vera" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert pdf_module._font_files() == (folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf")
