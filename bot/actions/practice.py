"""Practice for trainee workers: choose a simulated person, talk, get a scorecard.

``practice_form`` asks for ``practice_persona`` and then keeps asking for ``practice_turn``:
each trainee message is coded (OARS) and the persona answers through the practice engine.
The turns so far live in the ``practice_log`` slot as (text, code) pairs; the engine is
deterministic, so replaying them rebuilds the practice exactly. ``/end`` ends it with the
scorecard, kept for ``/progress`` when the trainee agreed to their answers being stored.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import (
    SlotChangesOnlyForm,
    button_choice,
    for_template,
    latest_intent,
    log_event,
    person_key,
    store,
)
from bot.coaching.control import Turn, interpret_turn
from bot.coaching.oars import code_utterance
from bot.coaching.text import clean
from bot.practice import (
    Practice,
    compare_progress,
    get_persona,
    load_personas,
    respond,
    score_practice,
    start,
)
from bot.store import repositories

PRACTICE_SLOTS = ("practice_persona", "practice_turn", "practice_log", "practice_stopped")
END = frozenset({"end", "stop", "finish", "done"})


def _seed(tracker: Tracker) -> int:
    # Stable for the trainee, different between trainees: replies vary, tests can repeat.
    return zlib.crc32(tracker.sender_id.encode()) % 10_000


def replay(persona_key: str, seed: int, log: list, nudges: bool = True) -> Practice:
    """The practice as it stands after the logged (text, code) turns."""
    practice = start(get_persona(persona_key), seed=seed, nudges=nudges)
    for text, code in log:
        practice, _ = respond(practice, text, code)
    return practice


def _persona_key(choice: str | None, text: str) -> str | None:
    personas = load_personas()
    if choice in personas:
        return choice
    words = clean(text).lower()
    return next(
        (key for key, p in personas.items() if key in words or p.name.lower() in words), None
    )


class ActionAskPracticePersona(Action):
    """Offer the simulated people to practise with."""

    def name(self) -> str:
        return "action_ask_practice_persona"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        buttons = [
            {"title": f"{p.name}, {p.age}", "payload": f'/choose{{"choice":"{key}"}}'}
            for key, p in load_personas().items()
        ]
        dispatcher.utter_message(response="utter_ask_practice_persona", buttons=buttons)
        return []


class ActionAskPracticeTurn(Action):
    """Nothing to ask: the persona's last words are the prompt."""

    def name(self) -> str:
        return "action_ask_practice_turn"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return []


class ValidatePracticeForm(SlotChangesOnlyForm):
    def name(self) -> str:
        return "validate_practice_form"

    def validate_practice_persona(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value is None:
            return {"practice_persona": None}
        if value in load_personas() and value == tracker.get_slot("practice_persona"):
            return {"practice_persona": value}  # already chosen, checked again on resume
        text = value if isinstance(value, str) else ""
        choice = button_choice(tracker)
        if choice is None:
            turn = interpret_turn(text, *latest_intent(tracker))
            if turn in (Turn.STOP, Turn.PAUSE) or clean(text).lower().lstrip("/") in END:
                return {"practice_persona": None, "practice_stopped": "stop",
                        "requested_slot": None}  # fmt: skip
        key = _persona_key(choice, text)
        if key is None:
            dispatcher.utter_message(response="utter_practice_persona_unclear")
            return {"practice_persona": None}
        practice = start(get_persona(key), seed=_seed(tracker))
        persona = practice.persona
        log_event("practice_start", tracker, persona=key)
        dispatcher.utter_message(
            response="utter_practice_intro",
            intro=f"You're talking with {persona.name}, {persona.age}. {persona.situation}",
        )
        dispatcher.utter_message(response="utter_persona", name=persona.name,
                                 line=practice.opening)  # fmt: skip
        return {"practice_persona": key, "practice_log": [], "practice_nudges": True}

    def validate_practice_turn(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value is None:
            return {"practice_turn": None}
        text = clean(value if isinstance(value, str) else "")
        # "/end", "/nudges", and '/nudges{"switch":"off"}' as the front ends send it.
        named = re.match(r"/(\w+)", text)
        command = named.group(1).lower() if named else ""
        if command in END or interpret_turn(text, *latest_intent(tracker)) is Turn.STOP:
            return {"practice_turn": None, "practice_stopped": "end", "requested_slot": None}
        nudges = tracker.get_slot("practice_nudges") is not False
        if command == "nudges":
            wanted = _nudges_wanted(text, currently=nudges)
            dispatcher.utter_message(response="utter_nudges_on" if wanted else "utter_nudges_off")
            return {"practice_turn": None, "practice_nudges": wanted}
        if command == "help":
            dispatcher.utter_message(response="utter_help_practice")
            return {"practice_turn": None}
        if not text or command:
            dispatcher.utter_message(response="utter_help_practice")
            return {"practice_turn": None}
        key = tracker.get_slot("practice_persona")
        log = list(tracker.get_slot("practice_log") or [])
        practice = replay(key, _seed(tracker), log, nudges)
        previous = practice.turns[-1].reply if practice.turns else practice.opening
        code = code_utterance(text, previous).code
        practice, reply = respond(practice, text, code)
        log_event("practice_turn", tracker, code=code, revealed=len(reply.revealed))
        dispatcher.utter_message(response="utter_persona", name=practice.persona.name,
                                 line=for_template(reply.text))  # fmt: skip
        if reply.nudge and nudges:
            dispatcher.utter_message(response="utter_nudge", nudge=reply.nudge)
        return {"practice_turn": None, "practice_log": [*log, [text, code]]}


class ActionFinishPractice(Action):
    """The scorecard, kept for progress when the trainee agreed to storing."""

    def name(self) -> str:
        return "action_finish_practice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = tracker.get_slot("practice_persona")
        log = list(tracker.get_slot("practice_log") or [])
        resets = [SlotSet(slot, None) for slot in PRACTICE_SLOTS]
        if not key or not log:
            dispatcher.utter_message(response="utter_practice_ended_early")
            return resets
        card = score_practice(replay(key, _seed(tracker), log))
        for message in card.messages():
            dispatcher.utter_message(response="utter_scorecard", scorecard=for_template(message))
        person = person_key(tracker)
        with store().begin() as session:
            kept = repositories.has_consented(session, person)
            if kept:
                repositories.add_practice_score(session, person, key, card.as_dict())
        log_event("practice_end", tracker, turns=len(log), kept=kept)
        dispatcher.utter_message(
            response="utter_practice_done" if kept else "utter_practice_done_unsaved"
        )
        return resets


class ActionShowProgress(Action):
    """How the trainee's latest practice compares with the one before."""

    def name(self) -> str:
        return "action_show_progress"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        with store().begin() as session:
            scores = repositories.practice_scores(session, person_key(tracker))
        log_event("progress", tracker, practices=len(scores))
        dispatcher.utter_message(
            response="utter_progress", progress=compare_progress(scores).message
        )
        return []


def _nudges_wanted(text: str, currently: bool) -> bool:
    """``/nudges off`` and ``/nudges on`` say what they mean; a bare ``/nudges`` switches.

    The front ends send ``/nudges{"switch":"off"}`` for a typed ``/nudges off``.
    """
    switch = re.search(r"\b(on|off)\b", text.lower().removeprefix("/nudges"))
    if switch:
        return switch.group(1) == "on"
    return not currently
