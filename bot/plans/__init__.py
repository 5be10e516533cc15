"""Plan exports: one plan structure (``structure``), rendered four ways.

``markdown`` (a document, and plain chat messages), ``pdf``, ``json_export`` and ``fhir`` (R4B);
``export.render_plan`` is the one entry point that picks among them. The PDF and FHIR modules are
not imported here, so importing ``bot.plans`` stays light.
"""

from bot.plans.markdown import escape_markdown, plan_markdown, plan_messages
from bot.plans.structure import (
    Detail,
    Item,
    Plan,
    Rating,
    Section,
    build_plan,
    domain_label,
    plain_date,
)

__all__ = [
    "Detail",
    "Item",
    "Plan",
    "Rating",
    "Section",
    "build_plan",
    "domain_label",
    "escape_markdown",
    "plain_date",
    "plan_markdown",
    "plan_messages",
]
