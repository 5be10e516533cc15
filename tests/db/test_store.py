import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.config import get_settings, load_secret
from bot.store import repositories as repo
from bot.store.migrate import current_revision, upgrade
from bot.store.models import ShareGrant
from bot.store.people import rasa_sender_id, record_key, record_key_for
from bot.store.pseudonym import pseudonym
from bot.store.session import make_engine, session_factory


def test_migrations_create_the_schema_in_a_private_file(var_dir: Path) -> None:
    url = get_settings().database_url
    upgrade(url)
    assert current_revision(url) == "0007"
    db_file = var_dir / "coach.db"
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700


def test_migrations_create_the_whole_schema(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url)
    assert current_revision(url) == "0007"
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"person", "conversation", "answer", "outcome", "alembic_version"} <= tables
    assert {"review", "share_grant", "share_use", "outcome_event"} <= tables


def test_upgrade_twice_is_harmless(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url)
    upgrade(url)
    assert current_revision(url) == "0007"


def test_answers_are_numbered_in_order_and_kept_verbatim(db) -> None:
    with db.begin() as session:
        repo.record_consent(session, "p1")
        repo.add_answer(session, "p1", "best_hope", "I miss my garden")
        repo.add_answer(session, "p1", "best_hope", "  and my friends  ")
    with db.begin() as session:
        record = repo.record_as_dict(session, "p1")
    assert [(a["turn"], a["text"]) for a in record["answers"]] == [
        (1, "I miss my garden"),
        (2, "  and my friends  "),
    ]
    assert record["schema"] == "outcomes-coach/record@1"


def test_outcome_status_changes_only_for_its_owner(db) -> None:
    with db.begin() as session:
        outcome = repo.add_outcome(session, "owner", "I want to walk to the park")
        other = repo.set_outcome_status(session, "someone-else", outcome.id, "confirmed")
        mine = repo.set_outcome_status(session, "owner", outcome.id, "confirmed", "My words")
    assert other is None
    assert mine is not None
    with db.begin() as session:
        record = repo.record_as_dict(session, "owner")
    history = record["outcomes"][0].pop("history")
    assert [(e["status"], e["statement"]) for e in history] == [
        ("proposed", "I want to walk to the park"),
        ("confirmed", "My words"),
    ]
    assert record["outcomes"] == [
        {
            "statement": "My words",
            "domain": None,
            "why": None,
            "status": "confirmed",
            "voice": "own",
            "about": "self",
        }
    ]


def test_dropped_outcomes_are_not_exported(db) -> None:
    with db.begin() as session:
        outcome = repo.add_outcome(session, "p2", "Something")
        repo.set_outcome_status(session, "p2", outcome.id, "dropped")
    with db.begin() as session:
        assert repo.record_as_dict(session, "p2")["outcomes"] == []


def test_erase_person_removes_everything(db) -> None:
    with db.begin() as session:
        repo.record_consent(session, "p3")
        answer = repo.add_answer(session, "p3", "best_hope", "text")
        repo.add_outcome(session, "p3", "I want to", answer_id=answer.id)
    with db.begin() as session:
        assert repo.erase_person(session, "p3") is True
    with db.begin() as session:
        assert repo.get_person(session, "p3") is None
        assert repo.count_people(session) == 0
        assert repo.erase_person(session, "p3") is False


def test_consent_is_needed_before_anything_counts_as_consented(db) -> None:
    with db.begin() as session:
        repo.get_or_create_person(session, "p4")
        assert repo.has_consented(session, "p4") is False
        repo.record_consent(session, "p4")
        assert repo.has_consented(session, "p4") is True


def test_pseudonyms_are_stable_keyed_and_reveal_nothing() -> None:
    a = pseudonym(b"secret-a", "telegram", 123456789)
    assert a == pseudonym(b"secret-a", "telegram", "123456789")
    assert a != pseudonym(b"secret-b", "telegram", 123456789)
    assert a != pseudonym(b"secret-a", "terminal", 123456789)
    assert len(a) == 32 and "123456789" not in a


def test_secret_file_is_created_once_with_mode_0600(var_dir: Path, monkeypatch) -> None:
    monkeypatch.delenv("COACH_SECRET")
    settings = get_settings()
    first = load_secret(settings)
    assert load_secret(settings) == first
    assert stat.S_IMODE(settings.secret_file.stat().st_mode) == 0o600


def test_record_keys_never_equal_raw_ids(var_dir: Path) -> None:
    settings = get_settings()
    telegram_sender = rasa_sender_id(settings, "telegram", 42)
    assert telegram_sender != "42"
    assert rasa_sender_id(settings, "rest", "alice") == "alice"
    assert record_key(settings, "alice") != "alice"
    assert record_key_for(settings, "telegram", 42) == record_key(settings, telegram_sender)


def test_services_are_linked_to_the_outcome_they_serve(db) -> None:
    with db.begin() as session:
        answer = repo.add_answer(session, "p5", "best_hope", "A ramp so I can get to the shops")
        outcome = repo.add_outcome(session, "p5", "I want to get to the shops")
        repo.add_service_request(session, "p5", "ramp", answer_id=answer.id, outcome_id=outcome.id)
        repo.add_service_request(session, "p5", "home care", answer_id=answer.id)
        repo.add_strength(session, "p5", "my son")
        repo.add_strength(session, "p5", "My son")  # same words: kept once
        repo.flag_risk(session, "p5")
    with db.begin() as session:
        record = repo.record_as_dict(session, "p5")
    assert record["services"] == [
        {"text": "ramp", "for_outcome": "I want to get to the shops"},
        {"text": "home care", "for_outcome": None},
    ]
    assert record["strengths"] == ["my son"]
    assert record["risk_flag"] is True


def test_migration_0002_keeps_existing_records(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (pseudonym, role, created_at) VALUES ('old', 'self', '2026-01-01')"
        )
    engine.dispose()
    upgrade(url)
    assert current_revision(url) == "0007"

    with session_factory(url).begin() as session:
        assert repo.get_person(session, "old") is not None
        assert repo.record_as_dict(session, "old")["services"] == []


def test_migration_0004_keeps_outcomes_and_marks_them_as_own_words(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    upgrade(url, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (id, pseudonym, role, created_at) "
            "VALUES (1, 'p', 'self', '2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO outcome (id, person_id, statement, status, created_at, updated_at) "
            "VALUES (1, 1, 'I want to see my friends', 'confirmed', '2026-01-01', '2026-01-01')"
        )
    engine.dispose()
    upgrade(url)
    with session_factory(url).begin() as session:
        record = repo.record_as_dict(session, "p")
    assert record["outcomes"][0]["statement"] == "I want to see my friends"
    assert (record["outcomes"][0]["voice"], record["outcomes"][0]["about"]) == ("own", "self")
    assert record["people"] == [] and record["actions"] == [] and record["pronoun"] is None


def test_people_and_plan_actions_are_kept_in_the_persons_words(db) -> None:
    with db.begin() as session:
        [outcome_id] = repo.save_answer(
            session,
            "p",
            "people",
            "My daughter Sarah and my neighbour Jean",
            outcomes=[("I want to see Sarah more", "seeing_people")],
            people=["my daughter Sarah", "my neighbour Jean", "My daughter Sarah"],
            hinders=["the stairs"],
        )
        repo.add_plan_action(
            session, "p", "Sarah could drive me", who=["Sarah"], when="on Sundays",
            outcome_id=outcome_id,
        )  # fmt: skip
        repo.add_plan_action(session, "p", "someone else's outcome", outcome_id=outcome_id + 99)
    with db.begin() as session:
        record = repo.record_as_dict(session, "p")
    assert record["people"] == ["my daughter Sarah", "my neighbour Jean"]
    assert record["hinders"] == ["the stairs"]
    assert record["actions"][0] == {
        "what": "Sarah could drive me",
        "who": ["Sarah"],
        "when": "on Sundays",
        "where": None,
        "for_outcome": "I want to see Sarah more",
    }
    assert record["actions"][1]["for_outcome"] is None


def test_role_and_pronoun_are_recorded_and_checked(db) -> None:
    with db.begin() as session:
        repo.set_role(session, "w", "worker", "she")
        repo.set_role(session, "c", "carer", "she")
        with pytest.raises(ValueError):
            repo.set_role(session, "x", "boss")
    with db.begin() as session:
        assert repo.record_as_dict(session, "w")["pronoun"] == "she"
        assert repo.record_as_dict(session, "c")["role"] == "carer"
        assert repo.record_as_dict(session, "c")["pronoun"] is None


def test_share_codes_are_random_hashed_expiring_and_revocable(db) -> None:
    start = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    with db.begin() as session:
        code, expires = repo.create_share_code(session, "p", now=start)
        other, _ = repo.create_share_code(session, "p", now=start)
    assert code != other
    assert len(code.replace("-", "")) == 26  # 128 bits in base32
    assert expires - start == timedelta(days=14)
    with db.begin() as session:
        stored = session.scalars(select(ShareGrant.token_hash)).all()
        assert code not in stored and code.replace("-", "") not in " ".join(stored)
        assert repo.person_for_share_code(session, code.lower().replace("-", " "), start) == "p"
        assert repo.person_for_share_code(session, "AAAA-BBBB", start) is None
        assert repo.person_for_share_code(session, code, start + timedelta(days=15)) is None
        assert repo.revoke_share_codes(session, "p", start) == 2
    with db.begin() as session:
        assert repo.person_for_share_code(session, code, start) is None
        assert repo.active_share_codes(session, "p", start) == []


def test_reviews_change_status_and_are_kept_with_the_outcomes_history(db) -> None:
    with db.begin() as session:
        outcome = repo.add_outcome(session, "rv", "I want to walk to the park", status="confirmed")
        first = repo.add_review(
            session, "rv", outcome.id, rating=4, narrative="Slowly getting there",
            helped="the physio", hindered="the rain",
        )  # fmt: skip
        assert first is not None
        repo.add_review(session, "rv", outcome.id, rating=10, reviewer="worker")
        assert repo.add_review(session, "someone-else", outcome.id, rating=5) is None
        with pytest.raises(ValueError):
            repo.add_review(session, "rv", outcome.id, rating=11)
    with db.begin() as session:
        record = repo.record_as_dict(session, "rv")
    assert [(r["rating"], r["reviewer"]) for r in record["reviews"]] == [
        (4, "person"),
        (10, "worker"),
    ]
    assert record["reviews"][0]["helped"] == "the physio"
    assert record["outcomes"][0]["status"] == "achieved"
    assert [e["status"] for e in record["outcomes"][0]["history"]] == ["confirmed", "achieved"]


def test_every_use_of_a_share_code_is_logged_for_the_person_to_see(db) -> None:
    with db.begin() as session:
        code, _ = repo.create_share_code(session, "sh")
    with db.begin() as session:
        assert repo.open_shared_plan(session, code, via="cli", who="Jo, social worker") == "sh"
        assert repo.open_shared_plan(session, "WRONG-CODE", via="web") is None
    with db.begin() as session:
        [share] = repo.record_as_dict(session, "sh")["shares"]
    assert share["revoked"] is None
    assert [(u["via"], u["who"]) for u in share["uses"]] == [("cli", "Jo, social worker")]
    assert code not in str(share)


def test_migration_0005_starts_the_history_of_existing_outcomes(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    upgrade(url, "0004")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (id, pseudonym, role, created_at) "
            "VALUES (1, 'p', 'self', '2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO outcome (id, person_id, statement, status, voice, about, created_at, "
            "updated_at) VALUES (1, 1, 'I want to see my friends', 'confirmed', 'own', 'self', "
            "'2026-01-01', '2026-02-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO helps_hinders (person_id, kind, text, created_at) "
            "VALUES (1, 'hinders', 'the stairs', '2026-01-01')"
        )
    engine.dispose()
    upgrade(url)
    with session_factory(url).begin() as session:
        record = repo.record_as_dict(session, "p")
    [event] = record["outcomes"][0]["history"]
    assert (event["status"], event["statement"]) == ("confirmed", "I want to see my friends")
    assert event["at"].startswith("2026-02-01")
    assert record["hinders"] == ["the stairs"]


def test_an_answer_sent_again_after_a_lost_turn_is_stored_once(db) -> None:
    """A turn can fail after its answer was stored; the person then sends the same again."""
    drafted = {"outcomes": [("I want to get back to my garden", "things_to_do")],
               "strengths": ["keen gardener"]}  # fmt: skip
    with db.begin() as session:
        first = repo.save_answer(session, "p", "enjoy", "my garden", **drafted)
    with db.begin() as session:
        again = repo.save_answer(session, "p", "enjoy", "my garden", **drafted)
    assert again == first and len(first) == 1
    with db.begin() as session:
        record = repo.record_as_dict(session, "p")
    assert [a["text"] for a in record["answers"]] == ["my garden"]
    assert len(record["outcomes"]) == 1 and record["strengths"] == ["keen gardener"]


def test_the_same_words_are_a_new_answer_to_another_question_or_after_another_answer(db) -> None:
    with db.begin() as session:
        repo.save_answer(session, "p", "enjoy", "my garden")
        repo.save_answer(session, "p", "home", "my garden")  # another question
        repo.save_answer(session, "p", "home", "the stairs")
        repo.save_answer(session, "p", "home", "my garden")  # not straight after itself
    with db.begin() as session:
        answers = repo.record_as_dict(session, "p")["answers"]
    assert [(a["question"], a["text"]) for a in answers] == [
        ("enjoy", "my garden"), ("home", "my garden"), ("home", "the stairs"),
        ("home", "my garden"),
    ]  # fmt: skip


def test_a_new_preparation_keeps_an_answer_the_last_one_ended_with(db) -> None:
    with db.begin() as session:
        repo.save_answer(session, "p", "enjoy", "my garden")
        repo.finish_conversation(session, "p", "finished")
    with db.begin() as session:
        repo.save_answer(session, "p", "enjoy", "my garden")
    with db.begin() as session:
        assert len(repo.record_as_dict(session, "p")["answers"]) == 2
