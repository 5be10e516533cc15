"""Plan exports: one plan structure (``structure``), rendered as Markdown and chat messages."""

from bot.plans.markdown import escape_markdown, plan_markdown, plan_messages
from bot.plans.structure import (
    Detail,
    Item,
    Plan,
    Section,
    build_plan,
    domain_label,
    plain_date,
)

__all__ = [
    "Detail",
    "Item",
    "Plan",
    "Section",
    "build_plan",
    "domain_label",
    "escape_markdown",
    "plain_date",
    "plan_markdown",
    "plan_messages",
]
