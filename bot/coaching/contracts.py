"""Typed results of the coaching functions, and their JSON shapes (DESIGN §4 contracts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["outcome", "service", "other"]

DOMAINS: tuple[str, ...] = (
    # quality of life
    "feeling_safe", "things_to_do", "seeing_people", "staying_well", "living_as_you_want",
    "stigma",
    # process: how support is given
    "listened_to", "having_a_say", "respect", "responded_to", "reliability",
    # change
    "confidence", "skills", "mobility", "symptoms",
    # carers
    "carer_wellbeing", "caring_role",
)  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A stretch of the person's text: exact characters ``text[start:end]``."""

    text: str
    start: int
    end: int

    def as_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Classification:
    """``coach classify``: what kind of statement this is, its domain, the services named."""

    text: str
    kind: Kind
    domain: str | None
    services: list[Span] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "domain": self.domain,
            "services": [s.as_json() for s in self.services],
        }


@dataclass(frozen=True)
class DraftedOutcome:
    """An outcome statement in the person's own words."""

    statement: str
    domain: str | None
    why: str | None = None


@dataclass(frozen=True)
class ServiceRequest:
    """A service or resource the person named, and the outcome (index) it serves if stated."""

    span: Span
    for_outcome: int | None = None


@dataclass(frozen=True)
class RiskFinding:
    """A disclosure that needs signposting: immediate danger, self-harm or abuse/neglect."""

    category: Literal["danger", "self_harm", "abuse_neglect"]
    span: Span


@dataclass(frozen=True)
class AnswerDraft:
    """``coach draft``: everything drawn from one answer to one question."""

    outcomes: list[DraftedOutcome]
    services: list[ServiceRequest]
    strengths: list[Span]
    reflection: str
    affirmation: str | None
    risk: RiskFinding | None = None

    def as_json(self) -> dict:
        return {
            "outcomes": [{"statement": o.statement, "domain": o.domain} for o in self.outcomes],
            "services": [{**s.span.as_json(), "for_outcome": s.for_outcome} for s in self.services],
            "strengths": [s.text for s in self.strengths],
            "reflection": self.reflection,
            "affirmation": self.affirmation,
        }
