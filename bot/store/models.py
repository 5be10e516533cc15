"""Typed SQLAlchemy 2 models of the person's record (DESIGN §3)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations stable across SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Person(Base):
    """Someone using the bot, known only by a pseudonymous id."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="self")
    # Worker mode: how the worker refers to the person (she, he or they).
    pronoun: Mapped[str | None] = mapped_column(String(8))
    # The id Rasa knows the conversation by (itself a pseudonym for Telegram and the terminal),
    # so that erasing on a worker's request can remove Rasa's copy too.
    conversation_ref: Mapped[str | None] = mapped_column(String(128))
    consented_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversations: Mapped[list[Conversation]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Conversation.id"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Outcome.id"
    )
    service_requests: Mapped[list[ServiceRequest]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ServiceRequest.id"
    )
    strengths: Mapped[list[Strength]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Strength.id"
    )
    helps_hinders: Mapped[list[HelpOrHindrance]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="HelpOrHindrance.id"
    )
    important_people: Mapped[list[ImportantPerson]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ImportantPerson.id"
    )
    plan_actions: Mapped[list[PlanAction]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PlanAction.id"
    )
    share_grants: Mapped[list[ShareGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ShareGrant.id"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Review.id"
    )
    practice_scores: Mapped[list[PracticeScore]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PracticeScore.id"
    )


class Conversation(Base):
    """One sitting: a preparation or a practice conversation."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="prep")
    status: Mapped[str] = mapped_column(String(16), default="open")
    risk_flag: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="conversations")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Answer.turn"
    )


class Answer(Base):
    """A free answer, kept in the person's own words."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    turn: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="answers")


class Outcome(Base):
    """What matters to the person, as a statement in their words."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))
    statement: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(32))
    why: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    # "own": the person's own words (in worker mode, what the worker quoted them saying);
    # "worker": a worker's note about them, kept apart.
    voice: Mapped[str] = mapped_column(String(8), default="own", server_default="own")
    # "self", or "cared_for" when a carer speaks about the person they care for.
    about: Mapped[str] = mapped_column(String(16), default="self", server_default="self")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(back_populates="outcomes")
    history: Mapped[list[OutcomeEvent]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeEvent.id"
    )


class OutcomeEvent(Base):
    """A change to an outcome: its status and words from then on (the outcome's history)."""

    __tablename__ = "outcome_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    statement: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="history")


class Review(Base):
    """How close the person is to an outcome, looked at again later (by them or their worker)."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"))
    rating: Mapped[int | None]  # 1 (far from it) to 10 (there)
    narrative: Mapped[str | None] = mapped_column(Text)
    helped: Mapped[str | None] = mapped_column(Text)
    hindered: Mapped[str | None] = mapped_column(Text)
    unintended: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(8))  # keep, change or drop
    reviewer: Mapped[str] = mapped_column(String(16), default="person")  # person or worker
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="reviews")
    outcome: Mapped[Outcome | None] = relationship()


class ServiceRequest(Base):
    """A service or resource the person asked for: an input, linked to the outcome it serves."""

    __tablename__ = "service_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="service_requests")
    outcome: Mapped[Outcome | None] = relationship()


class Strength(Base):
    """A strength, skill or resource the person mentioned, in their words."""

    __tablename__ = "strength"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="strengths")


class HelpOrHindrance(Base):
    """What helps, or gets in the way, in the person's words; linked to an outcome if said."""

    __tablename__ = "helps_hinders"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    # "helps", "hinders", or "ours": what the person and their family already do themselves.
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="helps_hinders")


class ImportantPerson(Base):
    """Someone (or a pet) who matters to the person, as they named them."""

    __tablename__ = "important_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="important_people")


class PlanAction(Base):
    """How to work towards an outcome: what, who, when and where (the recording minimum)."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(Text)  # names joined by "; ", as said
    when: Mapped[str | None] = mapped_column(Text)
    where: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="plan_actions")
    outcome: Mapped[Outcome | None] = relationship()


class ShareGrant(Base):
    """A code the person gave their worker. Only a hash of the code is kept."""

    __tablename__ = "share_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="share_grants")
    uses: Mapped[list[ShareUse]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="ShareUse.id"
    )


class ShareUse(Base):
    """Each time a share code opened the plan: when, how, and who said they were."""

    __tablename__ = "share_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("share_grant.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
    via: Mapped[str] = mapped_column(String(16))  # "web" or "cli"
    who: Mapped[str | None] = mapped_column(Text)

    grant: Mapped[ShareGrant] = relationship(back_populates="uses")


class PracticeScore(Base):
    """The scorecard of one finished practice (for /progress), as JSON."""

    __tablename__ = "practice_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    persona: Mapped[str] = mapped_column(String(32))
    score: Mapped[str] = mapped_column(Text)  # outcomes-coach/practice-score@1
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="practice_scores")
