"""Repository functions: each takes a ``Session``; the caller owns the transaction."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import (
    Answer,
    Conversation,
    HelpOrHindrance,
    ImportantPerson,
    Outcome,
    OutcomeEvent,
    Person,
    PlanAction,
    PracticeScore,
    Review,
    ServiceRequest,
    ShareGrant,
    ShareUse,
    Strength,
    utcnow,
)

SCHEMA = "outcomes-coach/record@1"
ROLES = ("self", "carer", "worker")
OUTCOME_STATUSES = ("proposed", "confirmed", "achieved", "changed", "dropped")
DECISIONS = ("keep", "change", "drop")
SHARE_DAYS = 14
SHARE_BYTES = 16  # 128 bits
# The answers to this topic are how the person likes to be supported and spoken to.
SUPPORT_STYLE_TOPICS = ("support_style",)


def get_person(session: Session, pseudonym: str) -> Person | None:
    return session.scalar(select(Person).where(Person.pseudonym == pseudonym))


def get_or_create_person(session: Session, pseudonym: str) -> Person:
    person = get_person(session, pseudonym)
    if person is None:
        person = Person(pseudonym=pseudonym)
        session.add(person)
        session.flush()
    return person


def record_consent(
    session: Session,
    pseudonym: str,
    when: datetime | None = None,
    *,
    conversation_ref: str | None = None,
) -> Person:
    """Mark that the person agreed to their answers being stored; ``conversation_ref`` is the
    id Rasa keeps their conversation under (so it can be erased with the record)."""
    person = get_or_create_person(session, pseudonym)
    person.consented_at = when or utcnow()
    if conversation_ref is not None:
        person.conversation_ref = conversation_ref
    return person


def conversation_ref(session: Session, pseudonym: str) -> str | None:
    """The id Rasa keeps the person's conversation under, if known."""
    person = get_person(session, pseudonym)
    return None if person is None else person.conversation_ref


def set_role(session: Session, pseudonym: str, role: str, pronoun: str | None = None) -> Person:
    """Record who is speaking: the person, a carer, or a worker with someone they support."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    person = get_or_create_person(session, pseudonym)
    person.role = role
    person.pronoun = pronoun if role == "worker" else None
    return person


def past_conversations(session: Session, pseudonym: str) -> int:
    """How many conversations the person has had before (finished, stopped or paused)."""
    person = get_person(session, pseudonym)
    return 0 if person is None else sum(c.status != "open" for c in person.conversations)


def has_consented(session: Session, pseudonym: str) -> bool:
    person = get_person(session, pseudonym)
    return person is not None and person.consented_at is not None


def open_conversation(session: Session, person: Person, kind: str = "prep") -> Conversation:
    """Return the person's open conversation of this kind, starting one if needed."""
    conversation = session.scalar(
        select(Conversation)
        .where(
            Conversation.person_id == person.id,
            Conversation.kind == kind,
            Conversation.status == "open",
        )
        .order_by(Conversation.id.desc())
    )
    if conversation is None:
        conversation = Conversation(person=person, kind=kind)
        session.add(conversation)
        session.flush()
    return conversation


def add_answer(session: Session, pseudonym: str, question_key: str, text: str) -> Answer:
    """Store an answer in the person's open preparation conversation."""
    person = get_or_create_person(session, pseudonym)
    conversation = open_conversation(session, person)
    last_turn = session.scalar(
        select(func.max(Answer.turn)).where(Answer.conversation_id == conversation.id)
    )
    answer = Answer(
        conversation=conversation,
        question_key=question_key,
        text=text,
        turn=(last_turn or 0) + 1,
    )
    session.add(answer)
    session.flush()
    return answer


def add_outcome(
    session: Session,
    pseudonym: str,
    statement: str,
    *,
    domain: str | None = None,
    status: str = "proposed",
    answer_id: int | None = None,
    voice: str = "own",
    about: str = "self",
) -> Outcome:
    person = get_or_create_person(session, pseudonym)
    outcome = Outcome(
        person=person,
        statement=statement,
        domain=domain,
        status=status,
        answer_id=answer_id,
        voice=voice,
        about=about,
    )
    session.add(outcome)
    _note_change(outcome)
    session.flush()
    return outcome


def _note_change(outcome: Outcome) -> None:
    outcome.history.append(OutcomeEvent(status=outcome.status, statement=outcome.statement))


def add_service_request(
    session: Session,
    pseudonym: str,
    text: str,
    *,
    answer_id: int | None = None,
    outcome_id: int | None = None,
) -> ServiceRequest:
    """Record a service or resource the person asked for, with the outcome it serves."""
    person = get_or_create_person(session, pseudonym)
    request = ServiceRequest(person=person, text=text, answer_id=answer_id, outcome_id=outcome_id)
    session.add(request)
    session.flush()
    return request


def add_strength(
    session: Session, pseudonym: str, text: str, *, answer_id: int | None = None
) -> Strength:
    """Record a strength, skill or resource, in the person's words (once per wording)."""
    person = get_or_create_person(session, pseudonym)
    existing = next((s for s in person.strengths if s.text.lower() == text.lower()), None)
    if existing is not None:
        return existing
    strength = Strength(person=person, text=text, answer_id=answer_id)
    session.add(strength)
    session.flush()
    return strength


def _resent_answer(session: Session, pseudonym: str, question_key: str, text: str) -> Answer | None:
    """The latest answer of the person's open preparation, if it was this same text to this
    same question (a later preparation starts afresh: the same words are a new answer there)."""
    person = get_person(session, pseudonym)
    if person is None:
        return None
    latest = session.scalar(
        select(Answer)
        .join(Conversation)
        .where(
            Conversation.person_id == person.id,
            Conversation.kind == "prep",
            Conversation.status == "open",
        )
        .order_by(Answer.id.desc())
        .limit(1)
    )
    if latest is not None and latest.question_key == question_key and latest.text == text:
        return latest
    return None


def save_answer(
    session: Session,
    pseudonym: str,
    question_key: str,
    text: str,
    *,
    outcomes: list[tuple[str, str | None]] = (),
    services: list[tuple[str, int | None]] = (),
    strengths: list[str] = (),
    people: list[str] = (),
    hinders: list[str] = (),
    helps: list[str] = (),
    voices: list[str] = (),
    about: str = "self",
) -> list[int]:
    """Store an answer with what was drawn from it: outcomes as (statement, domain), proposed,
    each in the voice given in ``voices`` (default "own"); services as (text, index of the
    outcome it serves); strengths; important people; what helps and hinders.

    Returns the outcome ids.

    The same answer to the same question straight after itself is a resend, not a new answer:
    when a turn fails after its answer was stored (the conversation could not be saved), the
    person is asked again and sends it again. Nothing more is stored, and the outcomes drawn
    from the first are returned."""
    resent = _resent_answer(session, pseudonym, question_key, text)
    if resent is not None:
        return list(
            session.scalars(
                select(Outcome.id).where(Outcome.answer_id == resent.id).order_by(Outcome.id)
            )
        )
    answer = add_answer(session, pseudonym, question_key, text)
    outcome_ids = [
        add_outcome(
            session,
            pseudonym,
            statement,
            domain=domain,
            answer_id=answer.id,
            voice=voices[index] if index < len(voices) else "own",
            about=about,
        ).id
        for index, (statement, domain) in enumerate(outcomes)
    ]
    for service, index in services:
        outcome_id = outcome_ids[index] if index is not None and index < len(outcome_ids) else None
        add_service_request(session, pseudonym, service, answer_id=answer.id, outcome_id=outcome_id)
    for strength in strengths:
        add_strength(session, pseudonym, strength, answer_id=answer.id)
    for name in people:
        add_important_person(session, pseudonym, name, answer_id=answer.id)
    for kind, items in (("hinders", hinders), ("helps", helps)):
        for item in items:
            add_help_or_hindrance(session, pseudonym, kind, item)
    return outcome_ids


def add_important_person(
    session: Session, pseudonym: str, text: str, *, answer_id: int | None = None
) -> ImportantPerson:
    """Record someone who matters to the person, as they named them (once per name)."""
    person = get_or_create_person(session, pseudonym)
    existing = next((p for p in person.important_people if p.text.lower() == text.lower()), None)
    if existing is not None:
        return existing
    item = ImportantPerson(person=person, text=text, answer_id=answer_id)
    session.add(item)
    session.flush()
    return item


def add_plan_action(
    session: Session,
    pseudonym: str,
    what: str,
    *,
    who: list[str] | tuple[str, ...] = (),
    when: str | None = None,
    where: str | None = None,
    outcome_id: int | None = None,
) -> PlanAction:
    """Record how to work towards an outcome: what, who, when and where, in the person's words."""
    person = get_or_create_person(session, pseudonym)
    action = PlanAction(
        person=person,
        what=what,
        who="; ".join(who) or None,
        when=when,
        where=where,
        outcome_id=outcome_id if _owns_outcome(session, pseudonym, outcome_id) else None,
    )
    session.add(action)
    session.flush()
    return action


def _owns_outcome(session: Session, pseudonym: str, outcome_id: int | None) -> bool:
    return outcome_id is not None and _own_outcome(session, pseudonym, outcome_id) is not None


def _own_outcome(session: Session, pseudonym: str, outcome_id: int) -> Outcome | None:
    return session.scalar(
        select(Outcome).join(Person).where(Outcome.id == outcome_id, Person.pseudonym == pseudonym)
    )


def flag_risk(session: Session, pseudonym: str) -> None:
    """Mark the person's open conversation for the worker's attention (a risk disclosure)."""
    person = get_or_create_person(session, pseudonym)
    open_conversation(session, person).risk_flag = True


def add_help_or_hindrance(
    session: Session, pseudonym: str, kind: str, text: str, *, outcome_id: int | None = None
) -> HelpOrHindrance:
    """Record what helps (``kind="helps"``) or gets in the way (``"hinders"``)."""
    person = get_or_create_person(session, pseudonym)
    item = HelpOrHindrance(person=person, kind=kind, text=text, outcome_id=outcome_id)
    session.add(item)
    session.flush()
    return item


def set_outcome_why(session: Session, pseudonym: str, outcome_id: int, why: str) -> bool:
    """Record why an outcome matters, in the person's words (if the outcome is theirs)."""
    outcome = _own_outcome(session, pseudonym, outcome_id)
    if outcome is None:
        return False
    outcome.why = why
    return True


def set_outcome_status(
    session: Session, pseudonym: str, outcome_id: int, status: str, statement: str | None = None
) -> Outcome | None:
    """Change an outcome's status (and wording) if it belongs to this person."""
    if status not in OUTCOME_STATUSES:
        raise ValueError(f"unknown outcome status {status!r}")
    outcome = _own_outcome(session, pseudonym, outcome_id)
    if outcome is None:
        return None
    outcome.status = status
    if statement is not None:
        outcome.statement = statement
    _note_change(outcome)
    return outcome


def set_outcome_wording(session: Session, pseudonym: str, outcome_id: int, statement: str) -> bool:
    """Replace an outcome's words with the person's correction (if the outcome is theirs)."""
    outcome = _own_outcome(session, pseudonym, outcome_id)
    if outcome is None:
        return False
    outcome.statement = statement
    _note_change(outcome)
    return True


def finish_conversation(session: Session, pseudonym: str, status: str = "finished") -> None:
    person = get_person(session, pseudonym)
    if person is None:
        return
    for conversation in person.conversations:
        if conversation.status == "open":
            conversation.status = status
            conversation.finished_at = utcnow()


def _hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a time zone; everything stored here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_share_code(
    session: Session, pseudonym: str, *, days: int = SHARE_DAYS, now: datetime | None = None
) -> tuple[str, datetime]:
    """A new random share code (128 bits) for the person's worker, and when it expires.

    Only the code's hash is stored, so the code itself is shown once and never again.
    """
    person = get_or_create_person(session, pseudonym)
    code = base64.b32encode(secrets.token_bytes(SHARE_BYTES)).decode().rstrip("=")
    readable = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
    created = now or utcnow()
    grant = ShareGrant(
        person=person,
        token_hash=_hash_code(readable),
        created_at=created,
        expires_at=created + timedelta(days=days),
    )
    session.add(grant)
    session.flush()
    return readable, grant.expires_at


def active_share_codes(
    session: Session, pseudonym: str, now: datetime | None = None
) -> list[ShareGrant]:
    """The person's share codes that are neither revoked nor expired."""
    person = get_person(session, pseudonym)
    moment = now or utcnow()
    if person is None:
        return []
    return [
        grant
        for grant in person.share_grants
        if grant.revoked_at is None and _aware(grant.expires_at) > moment
    ]


def revoke_share_codes(session: Session, pseudonym: str, now: datetime | None = None) -> int:
    """Revoke every active share code the person has; returns how many were revoked."""
    moment = now or utcnow()
    active = active_share_codes(session, pseudonym, moment)
    for grant in active:
        grant.revoked_at = moment
    return len(active)


def person_for_share_code(session: Session, code: str, now: datetime | None = None) -> str | None:
    """The pseudonym a valid (unexpired, unrevoked) share code opens, or ``None``."""
    grant = session.scalar(select(ShareGrant).where(ShareGrant.token_hash == _hash_code(code)))
    moment = now or utcnow()
    if grant is None or grant.revoked_at is not None or _aware(grant.expires_at) <= moment:
        return None
    return grant.person.pseudonym


def add_review(
    session: Session,
    pseudonym: str,
    outcome_id: int,
    *,
    rating: int | None = None,
    narrative: str | None = None,
    helped: str | None = None,
    hindered: str | None = None,
    unintended: str | None = None,
    decision: str | None = None,
    reviewer: str = "person",
) -> Review | None:
    """Record a review of one of the person's outcomes; a "drop" or "change" decision (or a
    rating of 10) changes the outcome's status too. ``None`` if the outcome isn't theirs."""
    if rating is not None and not 1 <= rating <= 10:
        raise ValueError("a rating is from 1 to 10")
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    outcome = _own_outcome(session, pseudonym, outcome_id)
    if outcome is None:
        return None
    review = Review(
        person=outcome.person,
        outcome=outcome,
        rating=rating,
        narrative=narrative,
        helped=helped,
        hindered=hindered,
        unintended=unintended,
        decision=decision,
        reviewer=reviewer,
    )
    session.add(review)
    status = {"drop": "dropped", "change": "changed"}.get(decision or "")
    if status is None and rating == 10:
        status = "achieved"
    if status is not None and status != outcome.status:
        outcome.status = status
        _note_change(outcome)
    session.flush()
    return review


def listed_outcome_ids(session: Session, pseudonym: str) -> list[int]:
    """Ids of the outcomes in the order ``record_as_dict`` lists them (dropped ones left out),
    so "outcome 2" in a plan can be found again."""
    person = get_person(session, pseudonym)
    return [] if person is None else [o.id for o in person.outcomes if o.status != "dropped"]


def open_shared_plan(
    session: Session, code: str, *, via: str, who: str | None = None, now: datetime | None = None
) -> str | None:
    """The pseudonym a valid share code opens, logging the use in the person's record."""
    grant = session.scalar(select(ShareGrant).where(ShareGrant.token_hash == _hash_code(code)))
    moment = now or utcnow()
    if grant is None or grant.revoked_at is not None or _aware(grant.expires_at) <= moment:
        return None
    grant.uses.append(ShareUse(used_at=moment, via=via, who=who))
    return grant.person.pseudonym


def add_practice_score(session: Session, pseudonym: str, persona: str, score: dict) -> None:
    """Keep a finished practice's scorecard (a JSON-able dict) for the trainee's progress."""
    person = get_or_create_person(session, pseudonym)
    person.practice_scores.append(PracticeScore(persona=persona, score=json.dumps(score)))


def practice_scores(session: Session, pseudonym: str) -> list[dict]:
    """The trainee's scorecards, oldest first."""
    person = get_person(session, pseudonym)
    return [] if person is None else [json.loads(s.score) for s in person.practice_scores]


def erase_person(session: Session, pseudonym: str) -> bool:
    """Delete everything held about a person. Returns whether anything was held."""
    person = get_person(session, pseudonym)
    if person is None:
        return False
    session.delete(person)
    return True


def _iso(moment: datetime) -> str:
    return _aware(moment).isoformat()


def record_as_dict(session: Session, pseudonym: str) -> dict:
    """The person's record in the ``outcomes-coach/record@1`` JSON shape (DESIGN §4)."""
    person = get_person(session, pseudonym)
    record: dict = {
        "schema": SCHEMA,
        "role": "self",
        "pronoun": None,
        "consented_at": None,
        "outcomes": [],
        "services": [],
        "strengths": [],
        "people": [],
        "helps": [],
        "hinders": [],
        "actions": [],
        "support_style": [],
        "contributions": [],
        "reviews": [],
        "shares": [],
        "practice": [],
        "risk_flag": False,
        "answers": [],
    }
    if person is None:
        return record
    record["role"] = person.role
    record["pronoun"] = person.pronoun
    record["consented_at"] = person.consented_at.isoformat() if person.consented_at else None
    record["outcomes"] = [
        {
            "statement": o.statement,
            "domain": o.domain,
            "why": o.why,
            "status": o.status,
            "voice": o.voice,
            "about": o.about,
            "history": [
                {"status": e.status, "statement": e.statement, "at": _iso(e.at)} for e in o.history
            ],
        }
        for o in person.outcomes
        if o.status != "dropped"
    ]
    record["services"] = [
        {
            "text": r.text,
            "for_outcome": r.outcome.statement
            if r.outcome is not None and r.outcome.status != "dropped"
            else None,
        }
        for r in person.service_requests
    ]
    record["strengths"] = [s.text for s in person.strengths]
    record["people"] = [p.text for p in person.important_people]
    record["actions"] = [
        {
            "what": a.what,
            "who": a.who.split("; ") if a.who else [],
            "when": a.when,
            "where": a.where,
            "for_outcome": a.outcome.statement
            if a.outcome is not None and a.outcome.status != "dropped"
            else None,
        }
        for a in person.plan_actions
    ]
    record["helps"] = [h.text for h in person.helps_hinders if h.kind == "helps"]
    record["hinders"] = [h.text for h in person.helps_hinders if h.kind == "hinders"]
    record["contributions"] = [h.text for h in person.helps_hinders if h.kind == "ours"]
    record["reviews"] = [
        {
            "outcome": r.outcome.statement if r.outcome is not None else None,
            "rating": r.rating,
            "narrative": r.narrative,
            "helped": r.helped,
            "hindered": r.hindered,
            "unintended": r.unintended,
            "decision": r.decision,
            "reviewer": r.reviewer,
            "at": _iso(r.created_at),
        }
        for r in person.reviews
    ]
    # Codes themselves are never kept: when each was made, until when, and every use.
    record["practice"] = [json.loads(s.score) for s in person.practice_scores]
    record["shares"] = [
        {
            "created": _iso(g.created_at),
            "expires": _iso(g.expires_at),
            "revoked": _iso(g.revoked_at) if g.revoked_at else None,
            "uses": [{"at": _iso(u.used_at), "via": u.via, "who": u.who} for u in g.uses],
        }
        for g in person.share_grants
    ]
    record["risk_flag"] = any(c.risk_flag for c in person.conversations)
    record["answers"] = [
        {"question": a.question_key, "text": a.text, "turn": a.turn}
        for c in person.conversations
        for a in c.answers
    ]
    record["support_style"] = [
        a["text"] for a in record["answers"] if a["question"] in SUPPORT_STYLE_TOPICS
    ]
    return record


def count_people(session: Session) -> int:
    return session.scalar(select(func.count(Person.id))) or 0


__all__ = [
    "SCHEMA",
    "active_share_codes",
    "add_important_person",
    "add_plan_action",
    "add_practice_score",
    "add_review",
    "practice_scores",
    "conversation_ref",
    "listed_outcome_ids",
    "open_shared_plan",
    "create_share_code",
    "person_for_share_code",
    "revoke_share_codes",
    "set_role",
    "add_answer",
    "add_help_or_hindrance",
    "add_outcome",
    "add_service_request",
    "add_strength",
    "flag_risk",
    "save_answer",
    "count_people",
    "erase_person",
    "finish_conversation",
    "get_or_create_person",
    "get_person",
    "has_consented",
    "open_conversation",
    "record_as_dict",
    "record_consent",
    "set_outcome_status",
    "set_outcome_wording",
    "set_outcome_why",
]
