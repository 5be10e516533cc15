"""Reviews: each confirmed outcome looked at again, stored when the person decides."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import person_key
from bot.actions.reviews import ActionFinishReview, ActionStartReview, ValidateReviewForm
from bot.store import repositories as repo
from tests.conftest import make_tracker


def responses(dispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def _plan(db, sender: str, statements: list[str]) -> list[int]:
    key = person_key(make_tracker(sender))
    with db.begin() as session:
        repo.record_consent(session, key)
        ids = [repo.add_outcome(session, key, s, status="confirmed").id for s in statements]
        repo.add_outcome(session, key, "never agreed", status="proposed")
    return ids


def validate(slot, text, *, sender="rv", intent="tell", choice=None, **slots):
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "choice", "value": choice}] if choice else None
    tracker = make_tracker(sender, text=text, intent=intent, slots=slots, entities=entities)
    return getattr(ValidateReviewForm(), f"validate_{slot}")(text, dispatcher, tracker, {}), (
        dispatcher
    )


def test_a_review_starts_at_the_first_confirmed_outcome(db, dispatcher) -> None:
    first, _ = _plan(db, "rv", ["I want to walk to the shop", "I want to see my friends"])
    events = ActionStartReview().run(dispatcher, make_tracker("rv"), {})
    assert SlotSet("reviewing", True) in events
    assert SlotSet("review_outcome_id", float(first)) in events
    assert SlotSet("review_outcome", "I want to walk to the shop") in events
    # The proposed one is not in the plan.
    assert dispatcher.messages[0]["intro"].startswith("Let's look again at the 2 things")


def test_nothing_to_review_without_a_plan(db, dispatcher) -> None:
    events = ActionStartReview().run(dispatcher, make_tracker("nobody"), {})
    assert events == [SlotSet("reviewing", False)]
    assert responses(dispatcher) == ["utter_nothing_to_review"]


def test_ratings_are_read_or_asked_again() -> None:
    assert validate("review_rating", "about a six")[0] == {"review_rating": "6"}
    result, dispatcher = validate("review_rating", "quite close I think")
    assert result == {"review_rating": None}
    assert responses(dispatcher) == ["utter_rating_unclear"]
    assert validate("review_rating", "/skip", intent="skip")[0] == {"review_rating": "skipped"}


def test_deciding_stores_the_review_and_moves_to_the_next_outcome(db) -> None:
    first, second = _plan(db, "rv", ["I want to walk to the shop", "I want to see my friends"])
    slots = {
        "review_outcome_id": float(first),
        "review_rating": "6",
        "review_helped": "my daughter driving me",
        "review_hindered": "skipped",
        "review_unexpected": "I made a new friend at the bus stop",
    }
    result, dispatcher = validate(
        "review_decision", '/choose{"choice":"keep"}', choice="keep", **slots
    )
    assert result["review_outcome_id"] == float(second)
    assert result["review_outcome"] == "I want to see my friends"
    assert result["review_rating"] is None  # asked afresh for the next outcome
    assert responses(dispatcher) == ["utter_review_keep"]
    with db.begin() as session:
        [review] = repo.record_as_dict(session, person_key(make_tracker("rv")))["reviews"]
    assert review["rating"] == 6 and review["hindered"] is None
    assert review["unintended"] == "I made a new friend at the bus stop"
    assert review["outcome"] == "I want to walk to the shop"


def test_dropping_the_last_outcome_ends_the_review_and_the_plan_loses_it(db) -> None:
    first, second = _plan(db, "rv", ["I want to walk to the shop", "I want to see my friends"])
    result, _ = validate(
        "review_decision", "drop it", review_outcome_id=float(second), review_rating="skipped"
    )
    assert result == {"review_decision": "drop", "requested_slot": None}
    with db.begin() as session:
        record = repo.record_as_dict(session, person_key(make_tracker("rv")))
    assert [o["statement"] for o in record["outcomes"] if o["status"] != "proposed"] == [
        "I want to walk to the shop"
    ]


def test_stop_ends_the_review_and_says_what_is_kept(dispatcher) -> None:
    result, _ = validate("review_helped", "/stop", intent="stop")
    assert result["review_stopped"] == "stop" and result["requested_slot"] is None
    ActionFinishReview().run(dispatcher, make_tracker(slots={"review_stopped": "stop"}), {})
    assert responses(dispatcher) == ["utter_review_stopped"]


def test_empty_slots_checked_when_the_form_starts_say_nothing() -> None:
    for slot in ("review_rating", "review_helped", "review_decision"):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker("rv", text="/review", intent="review")
        result = getattr(ValidateReviewForm(), f"validate_{slot}")(None, dispatcher, tracker, {})
        assert result == {slot: None} and dispatcher.messages == []
