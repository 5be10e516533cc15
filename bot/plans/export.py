"""The one entry point for plan exports: a record in, a file out.

``render_plan(record, fmt, pseudonym=...)`` gives the bytes, the media type and a safe file name
for any of ``FORMATS``. The CLI (``coach export --format …``), Telegram (``/plan`` sends the
PDF) and the web view all call it, so a plan looks the same wherever it is opened.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.plans.fhir import plan_fhir
from bot.plans.json_export import plan_json
from bot.plans.markdown import plan_markdown
from bot.plans.pdf import plan_pdf
from bot.plans.structure import build_plan

FORMATS = ("md", "pdf", "json", "fhir")
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "fhir": "application/fhir+json",
}
EXTENSIONS: dict[str, str] = {
    "md": "md",
    "pdf": "pdf",
    "json": "json",
    "fhir": "fhir.json",
}
_ALIASES = {"markdown": "md", "fhir+json": "fhir", "r4b": "fhir"}


def normalise_format(fmt: str) -> str:
    """``fmt`` as one of ``FORMATS`` (case, a leading dot and "markdown" are forgiven).

    Raises:
        ValueError: for any other format, naming the ones there are.
    """
    key = str(fmt).strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ValueError(f"unknown plan format {fmt!r}: use one of {', '.join(FORMATS)}")
    return key


def filename_for(record: dict, fmt: str) -> str:
    """A plain, safe file name: "my-plan.pdf"; a worker's pre-filled plan is "draft-plan.pdf"."""
    stem = "draft-plan" if record.get("role") == "worker" else "my-plan"
    return f"{stem}.{EXTENSIONS[normalise_format(fmt)]}"


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_plan(
    record: dict,
    fmt: str,
    *,
    pseudonym: str,
    created: date | None = None,
    generated: datetime | None = None,
) -> tuple[bytes, str, str]:
    """The plan for ``record`` in ``fmt``: ``(content, media type, file name)``.

    Args:
        record: a stored record (``record_as_dict``, ``outcomes-coach/record@1``).
        fmt: one of ``FORMATS``: "md", "pdf", "json" or "fhir".
        pseudonym: the person's pseudonymous id (only the FHIR Patient placeholder uses it).
        created: the day the plan is made (default today; the review date follows from it).
        generated: when a JSON export is made (default now).

    Raises:
        ValueError: for an unknown format, or a FHIR export without a pseudonym.
    """
    key = normalise_format(fmt)
    if key == "md":
        content = plan_markdown(build_plan(record, created=created)).encode("utf-8")
    elif key == "pdf":
        content = plan_pdf(build_plan(record, created=created))
    elif key == "json":
        content = _json_bytes(plan_json(record, created=created, generated=generated))
    else:
        content = _json_bytes(plan_fhir(record, patient_ref=pseudonym, created=created))
    return content, MEDIA_TYPES[key], filename_for(record, key)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "filename_for",
    "normalise_format",
    "render_plan",
]
