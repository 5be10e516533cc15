"""The preparation conversation as one form that goes through the topics in turn.

``topics_form`` asks for ``answer`` (a free answer to the current ``topic``) and then
``draft_reply`` (what the person makes of the outcome drafted from it). When a topic is done
the validation action moves ``topic`` on and empties both slots, so the form asks the next
question; after the last topic (or on stop, pause or a risk disclosure) the form ends and
``action_finish_topics`` sums up. The validation action decides, for every message, whether
it is an answer or a command (DESIGN §8). Answers and outcome decisions are stored as they
happen, so nothing is lost if the person stops or the conversation breaks off.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import data
from bot.actions.base import (
    SlotChangesOnlyForm,
    button_choice,
    changed_slots_only,
    for_template,
    latest_intent,
    log_event,
    person_key,
    store,
    typed,
)
from bot.coaching.answers import (
    LONG_ANSWER_REPLY,
    LONG_WORDING_REPLY,
    MAX_STATEMENT_CHARS,
    AnswerKind,
    assess_answer,
    too_long,
)
from bot.coaching.control import CHOICES, ENDING, Turn, interpret_turn
from bot.coaching.corrections import correction
from bot.coaching.plan_details import own_contribution, plan_details
from bot.coaching.questions import FIRST_TOPIC, next_topic, topic_question, whom
from bot.coaching.reflect import NEUTRAL_REFLECTION
from bot.coaching.risk import detect_risk, signposting
from bot.coaching.roles import draft_for_role, read_pronoun, read_role, role_intro
from bot.coaching.summary import empowering_summary, notes_summary, services_summary
from bot.coaching.text import clean
from bot.config import get_settings
from bot.store import repositories

MAX_PROBES = 2
SKIP = frozenset({Turn.SKIP})
# Slots that belong to one topic; emptied when the conversation moves on.
TOPIC_SLOTS = (
    "answer",
    "reflection",
    "affirmation",
    "probe_service",
    "draft_reply",
    "draft_outcome",
    "draft_outcome_id",
    "outcome_why",
    "outcome_help",
    "probe",
)
OUTCOME_STATUS = {"confirmed": "confirmed", "reworded": "confirmed", "dropped": "dropped"}
# What each topic's answer also tells the plan: what gets in the way, and what helps.
HINDERS_TOPICS = frozenset({"in_the_way"})
HELPS_TOPICS = frozenset({"helped_before"})
# Commands answered on the spot inside a question, which is then asked again.
IN_PLACE_COMMANDS = {
    Turn.PLAN: data.show_plan,
    Turn.SHARE: data.share_code,
    Turn.UNSHARE: data.unshare,
    Turn.MYDATA: data.my_data,
}
# Commands that need a yes first: asked inside the form (the ``confirm`` slot).
CONFIRMED_FIRST = frozenset({Turn.RESTART, Turn.DELETE})
CONFIRM_QUESTIONS = {Turn.RESTART.value: "utter_ask_restart", Turn.DELETE.value: "utter_ask_delete"}
# Endings that keep the person's place, so they can carry on from the same question.
KEEPS_PLACE = frozenset({"pause", "risk"})


def _topic(tracker: Tracker) -> str:
    return tracker.get_slot("topic") or FIRST_TOPIC


ROLES = ("self", "carer", "worker")
PRONOUNS = ("she", "he", "they")


def _role(tracker: Tracker) -> str | None:
    role = tracker.get_slot("role")
    return role if role in ROLES else None


def _question(tracker: Tracker) -> str:
    return topic_question(
        _topic(tracker),
        tracker.get_slot("probe"),
        int(tracker.get_slot("probe_count") or 0),
        int(tracker.get_slot("visit") or 0),
        tracker.get_slot("probe_service"),
        role=_role(tracker),
        pronoun=tracker.get_slot("pronoun"),
    )


def _ended(slot: str, how: str) -> dict[str, Any]:
    return {slot: None, "form_stopped": how, "requested_slot": None}


def _command(
    turn: Turn, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, help_response: str
) -> dict[str, Any] | None:
    """Slots for a command typed where an answer was expected, or ``None`` for an answer."""
    if turn in CONFIRMED_FIRST:
        return {slot: None, "confirming": turn.value}
    if turn in ENDING:
        log_event("form_ended", tracker, how=turn.value)
        return _ended(slot, turn.value)
    if turn is Turn.HELP:
        dispatcher.utter_message(response=help_response)
        return {slot: None, "probe": "help"} if slot == "answer" else {slot: None}
    if turn in IN_PLACE_COMMANDS:
        IN_PLACE_COMMANDS[turn](dispatcher, tracker)
        return {slot: None}
    return None


def _pressed_or_typed(
    slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[str | None, str, dict[str, Any] | None]:
    """For a question answered by buttons: the button's choice, the typed text, and the slots
    to return if what was typed was a command instead."""
    text = typed(value)
    choice = button_choice(tracker)
    turn = interpret_turn(text, *latest_intent(tracker)) if choice is None else Turn.ANSWER
    return choice, text, _command(turn, slot, dispatcher, tracker, "utter_help_in_form")


def _move_on(tracker: Tracker, at_the_end: dict[str, Any] | None = None) -> dict[str, Any]:
    """Slots for the next topic (all of this topic's emptied, so the form asks again), or,
    after the last topic, ``at_the_end`` and the end of the form."""
    following = next_topic(_topic(tracker), _role(tracker))
    if following is None:
        return {**(at_the_end or {}), "form_stopped": "done", "requested_slot": None}
    cleared = {slot: None for slot in TOPIC_SLOTS}
    speaking = whom(_role(tracker), tracker.get_slot("pronoun"))
    return {**cleared, "probe_count": 0, "topic": following, "whom": speaking}


class ActionAskAnswer(Action):
    """Ask the current topic's question, differently each time it has to be asked again."""

    def name(self) -> str:
        return "action_ask_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            response="utter_topic_question", question=for_template(_question(tracker))
        )
        return []


class ActionAskConfirm(Action):
    """Ask "are you sure?" after /restart or /delete inside a question."""

    def name(self) -> str:
        return "action_ask_confirm"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = CONFIRM_QUESTIONS.get(tracker.get_slot("confirming") or "", "utter_ask_restart")
        dispatcher.utter_message(response=question)
        return []


class ActionAskDraftReply(Action):
    """Reflect the answer and show the draft for confirm / change / leave out."""

    def name(self) -> str:
        return "action_ask_draft_reply"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        probe = tracker.get_slot("probe")
        if probe == "reword":
            dispatcher.utter_message(response="utter_ask_outcome_wording")
            return []
        if probe is None:
            reflection = tracker.get_slot("reflection")
            if reflection:
                dispatcher.utter_message(
                    response="utter_reflection", reflection=for_template(reflection)
                )
            affirmation = tracker.get_slot("affirmation")
            if affirmation:
                dispatcher.utter_message(
                    response="utter_affirmation", affirmation=for_template(affirmation)
                )
        dispatcher.utter_message(
            response="utter_show_draft",
            draft=for_template(tracker.get_slot("draft_outcome")),
            whom=tracker.get_slot("whom") or "you",
        )
        return []


class ValidateTopicsForm(SlotChangesOnlyForm):
    def name(self) -> str:
        return "validate_topics_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        # With our own required_slots, rasa_sdk picks the next slot itself and would override
        # a validator's requested_slot=None: an ending is said by asking for nothing more.
        if tracker.get_slot("form_stopped"):
            return []
        # Only a worker is asked how to refer to the person they support, and "are you sure?"
        # only after /restart or /delete.
        skipped = set()
        if tracker.get_slot("role") != "worker":
            skipped.add("pronoun")
        if tracker.get_slot("confirming") not in CONFIRM_QUESTIONS:
            skipped.add("confirm")
        return [slot for slot in domain_slots if slot not in skipped]

    def validate_confirm(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = typed(value)
        turn = interpret_turn(text, *latest_intent(tracker), choices=frozenset({Turn.AFFIRM}))
        confirming = tracker.get_slot("confirming")
        if turn is not Turn.AFFIRM:
            # Anything but a yes keeps things as they are: back to the question.
            dispatcher.utter_message(response="utter_carry_on")
            return {"confirm": None, "confirming": None}
        if confirming == "delete":
            data.erase(dispatcher, tracker)
            return {"confirm": None, "confirming": None, **_ended("answer", "deleted")}
        key = person_key(tracker)
        with store().begin() as session:
            repositories.finish_conversation(session, key, "restarted")
            visit = repositories.past_conversations(session, key)
        log_event("restart", tracker)
        return {
            **{slot: None for slot in TOPIC_SLOTS},
            "confirm": None,
            "confirming": None,
            "role": None,
            "pronoun": None,
            "whom": "you",
            "settled_outcome_id": None,
            "probe_count": 0,
            "visit": float(visit),
            "topic": FIRST_TOPIC,
        }

    def validate_role(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value in ROLES and value == tracker.get_slot("role"):
            return {"role": value}  # known from before a pause: nothing to ask or say
        choice, text, done = _pressed_or_typed("role", value, dispatcher, tracker)
        if done is not None:
            return done
        role = read_role(choice, text)
        if role is None:
            dispatcher.utter_message(response="utter_role_unclear")
            return {"role": None}
        log_event("role", tracker, role=role)
        if role == "practice":
            return _ended("role", "practice")
        if role != "worker":
            self._set_role(tracker, role, None)
            intro = role_intro(role)
            if intro:
                dispatcher.utter_message(response="utter_role_intro", intro=intro)
        return {"role": role, "whom": whom(role), "topic": FIRST_TOPIC}

    def validate_pronoun(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value in PRONOUNS and value == tracker.get_slot("pronoun"):
            return {"pronoun": value}  # known from before a pause
        choice, text, done = _pressed_or_typed("pronoun", value, dispatcher, tracker)
        if done is not None:
            return done
        pronoun = read_pronoun(choice, text)
        if pronoun is None:
            return {"pronoun": None}  # the buttons are shown again
        self._set_role(tracker, "worker", pronoun)
        dispatcher.utter_message(response="utter_role_intro", intro=role_intro("worker", pronoun))
        return {"pronoun": pronoun, "whom": whom("worker", pronoun)}

    @staticmethod
    def _set_role(tracker: Tracker, role: str, pronoun: str | None) -> None:
        key = person_key(tracker)
        with store().begin() as session:
            if repositories.has_consented(session, key):
                repositories.set_role(session, key, role, pronoun)

    def validate_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = typed(value)
        turn = interpret_turn(text, *latest_intent(tracker), choices=SKIP)
        attempts = int(tracker.get_slot("probe_count") or 0)
        done = _command(turn, "answer", dispatcher, tracker, "utter_help_in_form")
        if done is not None:
            return {**done, "probe_count": attempts + 1} if turn is Turn.HELP else done
        if turn is Turn.SKIP:
            log_event("skip", tracker, topic=_topic(tracker))
            return _move_on(tracker, {"answer": None})
        if self._corrected(text, dispatcher, tracker):
            return {"answer": None}  # the same question is asked again
        if too_long(text):
            return self._too_long(dispatcher, tracker, "answer", text)
        role = _role(tracker)
        drafted = draft_for_role(
            _question(tracker), text, role, _topic(tracker), tracker.get_slot("pronoun")
        )
        draft = drafted.draft
        key = person_key(tracker)
        if draft.risk is not None:
            return self._risk(dispatcher, tracker, key, text, draft.risk.category)

        kind = assess_answer(text)
        # After a few gentle probes, take what the person gives rather than press on.
        if kind is not AnswerKind.FULL and (kind is AnswerKind.EMPTY or attempts < MAX_PROBES):
            log_event("probe", tracker, kind=kind.value)
            return {"answer": None, "probe": kind.value, "probe_count": attempts + 1}

        topic = _topic(tracker)
        said = clean(text)
        with store().begin() as session:
            stored = repositories.has_consented(session, key)
            outcome_ids = []
            if stored:
                outcome_ids = repositories.save_answer(
                    session,
                    key,
                    topic,
                    text,
                    outcomes=[(o.statement, o.domain) for o in draft.outcomes],
                    services=[(s.span.text, s.for_outcome) for s in draft.services],
                    strengths=[s.text for s in draft.strengths],
                    people=list(drafted.people),
                    hinders=[said] if topic in HINDERS_TOPICS else [],
                    helps=[said] if topic in HELPS_TOPICS else [],
                    voices=list(drafted.voices),
                    about=drafted.about,
                )
        log_event("answer", tracker, stored=stored, outcomes=len(draft.outcomes),
                  services=len(draft.services), strengths=len(draft.strengths),
                  people=len(drafted.people))  # fmt: skip
        if not draft.outcomes and draft.services and attempts < MAX_PROBES:
            # A bare request: ask what it would make possible, so the outcome is heard too.
            return {
                "answer": None,
                "probe": "service",
                "probe_service": draft.services[0].span.text,
                "probe_count": attempts + 1,
            }
        if not draft.outcomes:
            # Nothing to confirm: say the person's words back and go on to the next topic.
            if draft.reflection and draft.reflection != NEUTRAL_REFLECTION:
                dispatcher.utter_message(
                    response="utter_reflection", reflection=for_template(draft.reflection)
                )
            if draft.affirmation:
                dispatcher.utter_message(
                    response="utter_affirmation", affirmation=for_template(draft.affirmation)
                )
            dispatcher.utter_message(response="utter_no_draft")
            return _move_on(tracker, {"answer": text})
        first = draft.outcomes[0]
        # A carer's answer about the person they care for matters to that person.
        speaking = (
            "them" if drafted.about == "cared_for" else whom(role, tracker.get_slot("pronoun"))
        )
        return {
            "answer": text,
            "whom": speaking,
            "draft_outcome": first.statement,
            "draft_outcome_id": float(outcome_ids[0]) if outcome_ids else None,
            "reflection": draft.reflection,
            "affirmation": draft.affirmation,
            "probe": None,
            "probe_count": 0,
        }

    @staticmethod
    def _corrected(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Change the words of the outcome just settled, if the person says "no, I meant …"."""
        outcome_id = tracker.get_slot("settled_outcome_id")
        # Strict: at a new question, "I mean, …" is more likely an answer than a correction.
        corrected = correction(text, strict=True) if outcome_id is not None else None
        if not corrected or len(corrected) > MAX_STATEMENT_CHARS:
            return False  # too long for one statement: taken as an answer instead
        with store().begin() as session:
            changed = repositories.set_outcome_wording(
                session, person_key(tracker), int(outcome_id), corrected
            )
        log_event("correction", tracker, stored=changed)
        dispatcher.utter_message(response="utter_outcome_corrected", draft=for_template(corrected))
        return True

    def _too_long(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> dict[str, Any]:
        """An answer too long to take as one: say so and ask again (after a check for risk,
        which is never skipped, however long the message)."""
        risk = detect_risk(text)
        if risk is not None:
            return self._risk(dispatcher, tracker, person_key(tracker), text, risk.category)
        log_event("too_long", tracker, slot=slot, chars=len(text))
        dispatcher.utter_message(text=LONG_ANSWER_REPLY)
        return {slot: None}

    @staticmethod
    def _risk(
        dispatcher: CollectingDispatcher, tracker: Tracker, key: str, text: str, category: str
    ) -> dict[str, Any]:
        """Stop drafting, signpost, and flag the conversation for the worker."""
        with store().begin() as session:
            if repositories.has_consented(session, key):
                repositories.add_answer(session, key, _topic(tracker), text)
            repositories.flag_risk(session, key)
        log_event("risk", tracker, category=category)
        dispatcher.utter_message(
            response="utter_risk", signposting=signposting(category, get_settings().duty_line)
        )
        return {"answer": None, "form_stopped": "risk", "requested_slot": None}

    def validate_draft_reply(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        text = typed(value)
        intent, confidence = latest_intent(tracker)
        turn = interpret_turn(text, intent, confidence, choices=CHOICES)
        done = _command(turn, "draft_reply", dispatcher, tracker, "utter_help_draft")
        if done is not None:
            return {**done, "probe": "help"} if turn is Turn.HELP else done
        if turn is Turn.REWORD:
            return {"draft_reply": None, "probe": "reword"}
        statement = tracker.get_slot("draft_outcome")
        if turn is Turn.AFFIRM:
            reply = "confirmed"
        elif turn is Turn.DENY:
            reply = "dropped"
        else:
            # "no, I meant …" or just the words the person would use.
            wording = correction(text) or clean(text)
            if assess_answer(wording) is AnswerKind.EMPTY:
                return {"draft_reply": None, "probe": "reword"}
            if len(wording) > MAX_STATEMENT_CHARS:
                log_event("too_long", tracker, slot="draft_reply", chars=len(wording))
                dispatcher.utter_message(text=LONG_WORDING_REPLY)
                return {"draft_reply": None, "probe": "reword"}
            # Anything else typed here is the person's own wording of the outcome.
            reply, statement = "reworded", wording
        self._settle(tracker, reply, statement)
        if reply == "dropped":
            dispatcher.utter_message(response="utter_outcome_dropped")
            return _move_on(tracker, {"draft_reply": reply, "draft_outcome": statement})
        dispatcher.utter_message(response="utter_outcome_confirmed")
        # The form asks next why it matters (the recording minimum: what matters, and why).
        return {
            "draft_reply": reply,
            "draft_outcome": statement,
            "probe": None,
            "settled_outcome_id": tracker.get_slot("draft_outcome_id"),
        }

    def _follow_up(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[str, dict[str, Any] | None]:
        """What the follow-up questions share: commands, risk, skipping and "don't know".

        Returns the cleaned text, and the slots to return when the answer is not to be kept.
        """
        text = typed(value)
        turn = interpret_turn(text, *latest_intent(tracker), choices=SKIP)
        done = _command(turn, slot, dispatcher, tracker, "utter_help_in_form")
        if done is not None:
            return text, done
        if self._corrected(text, dispatcher, tracker):
            return text, {slot: None, "draft_outcome": correction(text, strict=True)}
        risk = detect_risk(text)
        if risk is not None:
            return text, self._risk(dispatcher, tracker, person_key(tracker), text, risk.category)
        if turn is Turn.SKIP or assess_answer(text) in (AnswerKind.EMPTY, AnswerKind.DONT_KNOW):
            return text, _move_on(tracker, {slot: None})
        if too_long(text):
            return text, self._too_long(dispatcher, tracker, slot, text)
        return clean(text), None

    def validate_outcome_why(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        why, done = self._follow_up("outcome_why", value, dispatcher, tracker)
        if done is not None:
            return done
        outcome_id = tracker.get_slot("draft_outcome_id")
        if outcome_id is not None:
            with store().begin() as session:
                repositories.set_outcome_why(session, person_key(tracker), int(outcome_id), why)
        log_event("why", tracker, stored=outcome_id is not None)
        dispatcher.utter_message(response="utter_why_thanks")
        return {"outcome_why": why}  # the form asks next what could help

    def validate_outcome_help(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        helps, done = self._follow_up("outcome_help", value, dispatcher, tracker)
        if done is not None:
            return done
        key = person_key(tracker)
        outcome_id = tracker.get_slot("draft_outcome_id")
        details = plan_details(helps)
        with store().begin() as session:
            if repositories.has_consented(session, key):
                repositories.add_plan_action(
                    session,
                    key,
                    helps,
                    who=details.who,
                    when=details.when,
                    where=details.where,
                    outcome_id=int(outcome_id) if outcome_id is not None else None,
                )
                if own_contribution(details):
                    # What the person and their family will do themselves.
                    repositories.add_help_or_hindrance(
                        session,
                        key,
                        "ours",
                        helps,
                        outcome_id=int(outcome_id) if outcome_id is not None else None,
                    )
        log_event("plan_action", tracker, who=len(details.who),
                  when=details.when is not None, where=details.where is not None)  # fmt: skip
        dispatcher.utter_message(response="utter_help_thanks")
        return _move_on(tracker, {"outcome_help": helps})

    @staticmethod
    def _settle(tracker: Tracker, reply: str, statement: str | None) -> None:
        """Store what the person decided about the draft, straight away."""
        outcome_id = tracker.get_slot("draft_outcome_id")
        if outcome_id is None:
            return
        with store().begin() as session:
            repositories.set_outcome_status(
                session,
                person_key(tracker),
                int(outcome_id),
                OUTCOME_STATUS[reply],
                statement if reply == "reworded" else None,
            )
        log_event("outcome", tracker, status=OUTCOME_STATUS[reply])


class ActionFinishTopics(Action):
    """End of the form: the empowering summary, or a kind word if the person stopped."""

    def name(self) -> str:
        return "action_finish_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = person_key(tracker)
        stopped = tracker.get_slot("form_stopped")
        if stopped == "done":  # every topic asked: the end of the journey
            stopped = None
        ending = {"pause": "paused", "risk": "paused", "stop": "stopped"}.get(
            stopped or "", "finished" if not stopped else "paused"
        )
        with store().begin() as session:
            repositories.finish_conversation(session, key, ending)
            record = repositories.record_as_dict(session, key)
        log_event("form_finished", tracker, ending=ending)

        if stopped in ("risk", "deleted"):
            pass  # the signposting, or the confirmation of the erasure, was the reply
        elif stopped == "practice":
            pass  # practice mode follows: who to practise with
        elif stopped:
            dispatcher.utter_message(
                response="utter_paused" if stopped == "pause" else "utter_stopped"
            )
        else:
            self._summarise(dispatcher, tracker, record)
        if stopped == "deleted":
            return [AllSlotsReset()]  # nothing of the person is kept, here either
        if stopped == "practice":
            return [SlotSet("form_stopped", None), FollowupAction("practice_form")]
        resets = [SlotSet(slot, None) for slot in (*TOPIC_SLOTS, "form_stopped")]
        # After a pause /resume carries on at the same topic, or at the next one if this
        # topic's outcome was already settled.
        topic = FIRST_TOPIC
        if stopped in KEEPS_PLACE:
            settled = tracker.get_slot("draft_reply") is not None
            following = next_topic(_topic(tracker), _role(tracker))
            topic = (following if settled else _topic(tracker)) or FIRST_TOPIC
        events = [
            *resets,
            SlotSet("probe_count", 0),
            SlotSet("topic", topic),
            SlotSet("interrupted", stopped in KEEPS_PLACE),
        ]
        if stopped not in KEEPS_PLACE:
            events.append(SlotSet("settled_outcome_id", None))
        return changed_slots_only(events, tracker.slots)

    @staticmethod
    def _summarise(dispatcher: CollectingDispatcher, tracker: Tracker, record: dict) -> None:
        """The empowering summary (strengths first), what was asked for, and the offers."""
        kept = [o for o in record["outcomes"] if o["status"] == "confirmed"]
        # A worker's notes are not the person's words: they are summed up apart.
        confirmed = [o["statement"] for o in kept if o.get("voice", "own") == "own"]
        notes = [o["statement"] for o in kept if o.get("voice") == "worker"]
        if not kept and tracker.get_slot("draft_reply") in ("confirmed", "reworded"):
            # Nothing is stored without consent; still give the person's words back.
            confirmed = [tracker.get_slot("draft_outcome")]
        steps = [action["what"] for action in record["actions"]]
        for part in empowering_summary(record["strengths"], confirmed, steps, record["role"]):
            dispatcher.utter_message(response="utter_summary", summary=for_template(part))
        if notes:
            dispatcher.utter_message(
                response="utter_summary", summary=for_template(notes_summary(notes))
            )
        asked_for = services_summary(record["services"])
        if asked_for:
            dispatcher.utter_message(response="utter_summary", summary=for_template(asked_for))
        if record.get("consented_at"):
            dispatcher.utter_message(response="utter_summary_end")
        else:
            dispatcher.utter_message(response="utter_summary_end_unsaved")


class ActionRestartJourney(Action):
    """Start again from the first question, after the person confirmed."""

    def name(self) -> str:
        return "action_restart_journey"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        key = person_key(tracker)
        with store().begin() as session:
            consented = repositories.has_consented(session, key)
            repositories.finish_conversation(session, key, "restarted")
            visit = repositories.past_conversations(session, key)
        log_event("restart", tracker, consented=consented)
        resets = [SlotSet(slot, None) for slot in (*TOPIC_SLOTS, "form_stopped")]
        return [
            *resets,
            SlotSet("role", None),
            SlotSet("pronoun", None),
            SlotSet("whom", "you"),
            SlotSet("settled_outcome_id", None),
            SlotSet("interrupted", False),
            SlotSet("probe_count", 0),
            SlotSet("topic", FIRST_TOPIC),
            SlotSet("visit", float(visit)),
            SlotSet("consented", consented),
        ]
