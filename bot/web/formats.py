"""The download formats of a shared plan, as the web page and ``coach worker open`` offer them.

Rendering itself is ``bot.plans.export.render_plan``, so a plan looks the same wherever it is
opened; this module only names the formats for people.
"""

from __future__ import annotations

FORMATS: dict[str, str] = {
    "pdf": "PDF, to print or read",
    "md": "Markdown, plain text to edit",
    "json": "JSON, the whole record for other systems",
    "fhir": "FHIR R4B, for health and care record systems",
}
BINARY_FORMATS = frozenset({"pdf"})

__all__ = ["BINARY_FORMATS", "FORMATS"]
