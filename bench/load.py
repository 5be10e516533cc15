"""Load benchmark: many simulated people walking whole journeys at once, then an audit.

``python -m bench.load`` (and ``make bench``, through :mod:`bench.run`) starts the real servers
on loopback — ``--replicas`` Rasa servers on consecutive free ports, the action server, and
for ``--backend postgresql`` a throw-away PostgreSQL cluster (record and tracker store) plus,
with two or more replicas, a throw-away Redis lock store — in a temporary var/ directory.
Then ``--people`` simulated people talk to it at once for ``--seconds``, each through
:class:`bot.rasa_client.RasaPool` (the router the front ends use: a conversation stays on
the replica its sender id hashes to) over Rasa's REST channel.

Each person walks the real preparation journey as the end-to-end tests do: ``hello`` → agree
(``/affirm``) → ``/choose{"choice":"self"}`` → an answer to each topic's question, pressing
"that's right" (``/affirm``) or "leave it out" (``/deny``) on the drafted statement, answering
"why does that matter?" and "what could help?" after each one kept, and sometimes skipping a
question (``/skip``). The next message depends on the bot's last reply, so a reply that
makes no sense for the journey is caught (counted as an error), not ignored. A person who
reaches the summary starts a new journey under a new sender id. Between a reply and the next
message each person pauses (``--think-seconds``, uniformly, seeded): the default 2–6 s is
*faster* than people type a sentence, so the load offered (people ÷ mean pause, about 50 turns
per second for 200 people) is a pessimistic one. No new turn starts after ``--seconds``;
turns in flight are waited for (up to the request timeout).

Every typed answer carries its person, journey and turn in words ("… (person 17, journey 1,
turn 4)"), so it is unique and identifiable. Afterwards the audit reads back, for every
journey, Rasa's tracker store (every message, buttons included, must be there once and in the
order sent) and the person's record through ``bot.store`` (each topic answer in
``answers``, each "why" in its outcome, each "what could help" in ``actions``: once each, in
order). A message whose turn failed (a timeout, say) may or may not have been acted on; it is
counted as *uncertain* and left out of the lost/duplicated counts, and its journey ends.

The figures: turns per second answered, turn latency p50/p95/p99 (client side: from sending
the POST to having the whole reply, so queueing in Rasa counts), errors by kind, and the
audit. Load averages and each server's CPU use during the window say how busy the 2 cores
were, and by whom.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import socket
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.run import (
    _cpu_ticks,
    descendants,
    format_ratio,
    format_value,
    latency_summary,
    machine_load,
    render_table,
)

HOST = "127.0.0.1"
DEFAULT_PEOPLE = 200
DEFAULT_SECONDS = 60.0
DEFAULT_THINK_S = (2.0, 6.0)
# Warm-up (people start part-way through a journey): at most this many people send at once.
WARMUP_CONCURRENCY = 8
WARMUP_ALLOWANCE_S = 600.0
REQUEST_TIMEOUT_S = 30.0  # a turn not answered by then counts as a timeout
START_TIMEOUT_S = 240.0  # servers (two Rasa replicas load their models at the same time)
P95_TARGET_MS = 300.0  # with two replicas (issue 8)
# How a person behaves, per journey: the chance of skipping a question, and of leaving a
# drafted statement out rather than keeping it.
SKIP_CHANCE = 0.1
LEAVE_OUT_CHANCE = 0.15
SENDER_PREFIX = "load-"

# The two configurations `make bench` compares, in the order they run.
CONFIGURATIONS: tuple[dict[str, Any], ...] = (
    {"key": "replicas2_postgresql", "label": "2 replicas, PostgreSQL + Redis",
     "replicas": 2, "backend": "postgresql"},
    {"key": "replica1_sqlite", "label": "1 replica, SQLite", "replicas": 1, "backend": "sqlite"},
)  # fmt: skip

# Answers people give, per topic of the "my own assessment" journey (team-written, in the
# style of data/nlu/tell.yml: none names a service or a risk, none is a control command).
TOPIC_ANSWERS: dict[str, tuple[str, ...]] = {
    "best_hope": (
        "I would like to get back to my garden and grow tomatoes again",
        "I want to be able to get to the shops on my own",
        "I'd love to go back to my singing group on Wednesdays",
    ),
    "good_day": (
        "A good day is when I get out for a walk by the river",
        "When I see my grandchildren and we bake scones together",
        "Having a cup of tea with my neighbour out in the sun",
    ),
    "matters_most": (
        "Staying in my own home with my cat matters most to me",
        "Keeping in touch with my friends from the old street",
        "Being able to cook my own meals the way I like them",
    ),
    "people": (
        "My daughter Sarah and my old friend Jim from along the road",
        "My son Peter, and Margaret who lives next door",
        "My sister Anne and the folk at the church hall",
    ),
    "enjoy": (
        "I enjoy doing jigsaws and listening to the radio in the evening",
        "I used to love dancing and I would like to dance again",
        "Fishing with my brother on the loch in the summer",
    ),
    "safe": (
        "Knowing my family can reach me on the phone makes me feel safe",
        "Having people I know close by when I go out",
        "Knowing the neighbours look out for me",
    ),
    "well": (
        "Walking every morning and eating well keeps me as well as I can be",
        "Going to my exercise class and sleeping properly",
        "Getting out in the fresh air every day",
    ),
    "in_the_way": (
        "My knees are sore and the bus stop is a long way from my house",
        "I get tired quickly in the afternoons",
        "The steps at my front door are hard for me now",
    ),
    "helped_before": (
        "Writing things down in a diary has helped me remember appointments",
        "Talking things over with my daughter helped a lot",
        "Pacing myself through the day helped me before",
    ),
    "support_style": (
        "I like people to speak to me plainly and give me time to answer",
        "Please talk to me directly and not just to my family",
        "I like a phone call before anyone visits",
    ),
}
WHY_ANSWERS = (
    "Because it keeps me feeling like myself",
    "It gives me a reason to get up in the morning",
    "It means I see people and feel part of things",
)
HELP_ANSWERS = (
    "My neighbour could come with me on Saturday mornings",
    "My son could drive me there on Sundays",
    "My friend could phone me every week to plan it",
)
WHY_QUESTION = "Why does that matter to you?"
HELP_QUESTION = "What could help with that, and who could help?"
ROLE_QUESTION = "Who is this for?"
# What each kind of message is, for the figures: buttons pressed, or words typed.
TYPED_KINDS = frozenset({"answer", "why", "help"})


class LoadError(RuntimeError):
    """The load benchmark could not run (a server did not start, a setting is impossible)."""


# --- the simulated person -------------------------------------------------------------------


def topic_questions() -> dict[str, str]:
    """Every phrasing of every question of the "my own assessment" journey → its topic."""
    from bot.coaching.questions import TOPICS

    return {phrasing: topic.key for topic in TOPICS for phrasing in topic.phrasings}


def sender_id(run_id: str, person: int, journey: int) -> str:
    """A pseudonymous sender id: nothing in it says who (or which number) the person is."""
    digest = hashlib.sha256(f"{run_id}/{person}/{journey}".encode()).hexdigest()[:20]
    return f"{SENDER_PREFIX}{run_id}-{digest}"


def marked(text: str, person: int, journey: int, turn: int) -> str:
    """An answer made unique and identifiable: its person, journey and turn, in words."""
    return f"{text} (person {person}, journey {journey}, turn {turn})"


def payloads(message: dict[str, Any]) -> list[str]:
    return [b.get("payload", "") for b in message.get("buttons") or [] if isinstance(b, dict)]


def next_message(
    replies: list[dict[str, Any]], rng: random.Random, questions: dict[str, str] | None = None
) -> tuple[str, str, str | None]:
    """What the person sends next, from the bot's last reply: ``(kind, text, topic)``.

    ``kind`` is ``done`` at the end of the journey (the summary offers /plan and /share) and
    ``unexpected`` when the reply fits no step of the journey; ``text`` is unmarked.
    """
    if not replies:
        return "unexpected", "", None
    questions = questions if questions is not None else topic_questions()
    last = replies[-1]
    text = (last.get("text") or "").strip()
    buttons = payloads(last)
    if "/plan" in buttons:
        return "done", "", None
    if "/reword" in buttons and "/affirm" in buttons:  # a drafted statement to check
        if rng.random() < LEAVE_OUT_CHANCE:
            return "deny", "/deny", None
        return "confirm", "/affirm", None
    if text == ROLE_QUESTION:
        return "choose", '/choose{"choice":"self"}', None
    if buttons == ["/affirm", "/deny"] and "Is that alright?" in text:  # consent
        return "consent", "/affirm", None
    if text == WHY_QUESTION:
        return "why", rng.choice(WHY_ANSWERS), None
    if text == HELP_QUESTION:
        return "help", rng.choice(HELP_ANSWERS), None
    topic = questions.get(text)
    if topic is not None:
        if rng.random() < SKIP_CHANCE:
            return "skip", "/skip", topic
        return "answer", rng.choice(TOPIC_ANSWERS[topic]), topic
    return "unexpected", "", None


@dataclasses.dataclass
class Sent:
    """One message a person sent, and what became of it."""

    person: int
    journey: int
    turn: int  # 1-based, within the journey
    kind: str
    text: str
    started_s: float  # since the start of the window
    pause_s: float | None  # the pause before it (None: the person's first message)
    ms: float | None = None
    ok: bool = False
    error: str | None = None  # kind of failure, when not ok
    reply: str | None = None  # the bot's last words, when they fit no step of the journey
    warmup: bool = False  # sent before the window, to start people part-way: not measured


@dataclasses.dataclass
class Journey:
    person: int
    number: int
    sender: str
    sent: list[Sent] = dataclasses.field(default_factory=list)
    completed: bool = False
    ended_by_error: bool = False


def _classify_failure(error: BaseException) -> str:
    """A short name for why a turn failed: ``timeout``, ``HTTP 503``, ``unreachable`` …"""
    from bot.rasa_client import RasaUnreachable

    if isinstance(error, RasaUnreachable):
        return "unreachable"
    if isinstance(error.__cause__, httpx.TimeoutException):
        return "timeout"
    message = str(error)
    if message.startswith("Rasa answered "):
        return "HTTP " + message.removeprefix("Rasa answered ")
    return message.removeprefix("Rasa's answer was ").removeprefix("Rasa ") or type(error).__name__


async def simulate(
    urls: Sequence[str],
    people: int,
    seconds: float,
    think_s: tuple[float, float],
    *,
    run_id: str,
    typing_s: tuple[float, float] = (0.0, 0.0),
    seed: int = 8,
    timeout: float = REQUEST_TIMEOUT_S,
    warmup_turns: int = 0,
) -> tuple[list[Journey], float]:
    """Run ``people`` simulated people for ``seconds``; returns their journeys and the time
    from the start until the last turn in flight finished.

    Before each message a person pauses uniformly within ``think_s``, plus within
    ``typing_s`` before a typed answer (not a button). With ``warmup_turns``, each person
    first goes through between 0 and that many turns of a journey without pausing, a few
    people at a time and unmeasured, so that the window sees people at every stage of a
    journey (later turns cost more) rather than only the first few turns."""
    from bot.rasa_client import RasaError, RasaPool

    questions = topic_questions()
    low, high = think_s
    journeys: list[Journey] = []
    # Enough connections for everyone at once; no proxy from the environment (loopback).
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=people + 8, max_keepalive_connections=people + 8)
    )
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + seconds
    warming = asyncio.Semaphore(WARMUP_CONCURRENCY)
    window_open = asyncio.Event()
    still_warming = people

    async def wait(pause: float) -> bool:
        """Sleep ``pause`` seconds, or until the window closes; whether it is still open."""
        left = deadline - loop.time()
        await asyncio.sleep(max(0.0, min(pause, left)))
        return pause < left

    async with RasaPool(list(urls), timeout=timeout, transport=transport) as pool:

        async def person(number: int) -> None:
            # Separate generators: the same person makes the same choices in every
            # configuration, however far they get.
            choices = random.Random(f"{seed}/{number}/choices")
            pauses = random.Random(f"{seed}/{number}/pauses")

            def think(kind: str) -> float:
                typing = pauses.uniform(*typing_s) if kind in TYPED_KINDS else 0.0
                return pauses.uniform(low, high) + typing

            async def send(
                journey: Journey, kind: str, text: str, pause: float | None, warmup: bool = False
            ) -> tuple[str, str]:
                """One message; returns what comes next (kind ``stop``: the journey ended)."""
                turn = len(journey.sent) + 1
                if kind in TYPED_KINDS:
                    text = marked(text, journey.person, journey.number, turn)
                sent = Sent(journey.person, journey.number, turn, kind, text,
                            loop.time() - start, pause, warmup=warmup)  # fmt: skip
                journey.sent.append(sent)
                began = time.perf_counter()
                try:
                    replies: list[dict[str, Any]] | None = await pool.send(journey.sender, text)
                except RasaError as error:
                    replies, sent.error = None, _classify_failure(error)
                sent.ms = (time.perf_counter() - began) * 1000
                if replies is not None:
                    kind, text, _ = next_message(replies, choices, questions)
                    if not replies:
                        sent.error = "empty reply"
                    elif kind == "unexpected":
                        sent.error = "unexpected reply"
                        sent.reply = " | ".join(str(m.get("text")) for m in replies)[:300]
                    else:
                        sent.ok = True
                if not sent.ok:  # where this conversation stands is unknown: a new one
                    journey.ended_by_error = True
                    return "stop", ""
                if kind == "done":
                    journey.completed = True
                    return "stop", ""
                return kind, text

            def new_journey() -> Journey:
                journey = Journey(number, len([j for j in journeys if j.person == number]) + 1,
                                  "")  # fmt: skip
                journey.sender = sender_id(run_id, number, journey.number)
                journeys.append(journey)
                return journey

            nonlocal still_warming, start, deadline
            journey: Journey | None = None
            kind, text = "greet", "hello"
            ahead = random.Random(f"{seed}/{number}/warmup").randint(0, warmup_turns)
            if ahead:
                journey = new_journey()
                for _ in range(ahead):
                    async with warming:
                        kind, text = await send(journey, kind, text, None, warmup=True)
                    if kind == "stop":
                        journey, kind, text = None, "greet", "hello"
                        break
            still_warming -= 1
            if not still_warming:  # the last one in opens the window for everyone
                start = loop.time()
                deadline = start + seconds
                window_open.set()
            await window_open.wait()

            # People arrive over the longest pause, then keep their pace.
            pause: float | None = pauses.uniform(0, high + typing_s[1])
            if not await wait(pause):
                return
            if journey is None:
                pause = None
            while loop.time() < deadline:
                if journey is None:
                    journey = new_journey()
                    kind, text = "greet", "hello"
                while loop.time() < deadline:
                    kind, text = await send(journey, kind, text, pause)
                    if kind == "stop":
                        break
                    pause = think(kind)
                    if not await wait(pause):
                        return
                else:
                    return  # the window closed
                journey = None
                pause = think("greet")  # a new journey, under a new sender id
                if not await wait(pause):
                    return

        await asyncio.gather(*(person(n) for n in range(1, people + 1)))
    return journeys, loop.time() - start


# --- the audit ------------------------------------------------------------------------------


def _tracker_user_texts(settings: Any, prefix: str) -> dict[str, list[str]]:
    """Per sender id starting with ``prefix``: the text of every user event, in order."""
    from sqlalchemy import MetaData, Table, inspect, select

    from bot.store.session import make_engine
    from bot.store.trackers import EVENTS_TABLE, tracker_url

    engine = make_engine(tracker_url(settings))
    try:
        if not inspect(engine).has_table(EVENTS_TABLE):
            return {}
        table = Table(EVENTS_TABLE, MetaData(), autoload_with=engine)
        query = (
            select(table.c.sender_id, table.c.data)
            .where(table.c.type_name == "user", table.c.sender_id.startswith(prefix))
            .order_by(table.c.id)
        )
        found: dict[str, list[str]] = {}
        with engine.connect() as connection:
            for sender, data in connection.execute(query):
                found.setdefault(sender, []).append(json.loads(data).get("text") or "")
        return found
    finally:
        engine.dispose()


def compare(sent: Sequence[str], uncertain: Sequence[str], stored: Sequence[str]) -> dict[str, int]:
    """How ``stored`` (read back, in its order) holds the unique ``sent`` items (in order).

    Returns counts: ``found`` (exactly once), ``lost`` (missing), ``duplicated`` (more than
    once), ``out_of_order`` (found once but not after the item sent before it), ``foreign``
    (stored but never sent, nor uncertain), ``uncertain_found``. ``uncertain`` items (their
    turn failed) may be stored once or not at all; twice counts as duplicated.
    """
    counts = Counter(stored)
    result = dict.fromkeys(
        ("found", "lost", "duplicated", "out_of_order", "foreign", "uncertain_found"), 0
    )
    position = {item: index for index, item in enumerate(stored)}
    last = -1
    for item in sent:
        seen = counts.get(item, 0)
        if seen == 0:
            result["lost"] += 1
            continue
        if seen > 1:
            result["duplicated"] += 1
            continue
        result["found"] += 1
        if position[item] < last:
            result["out_of_order"] += 1
        last = max(last, position[item])
    for item in uncertain:
        seen = counts.get(item, 0)
        result["uncertain_found"] += seen == 1
        result["duplicated"] += seen > 1
    known = set(sent) | set(uncertain)
    result["foreign"] = sum(1 for item in stored if item not in known)
    return result


def audit(settings: Any, journeys: Sequence[Journey], run_id: str) -> dict[str, Any]:
    """Check every journey's messages in Rasa's tracker store and its answers in the record."""
    from bot.store.people import record_key
    from bot.store.repositories import record_as_dict
    from bot.store.session import session_factory

    tracker = _tracker_user_texts(settings, f"{SENDER_PREFIX}{run_id}-")
    totals: Counter[str] = Counter()
    problems: list[str] = []
    parts = ("answer", "why", "help")
    factory = session_factory(settings.database_url)
    with factory.begin() as session:
        for journey in journeys:
            if not journey.sent:
                continue
            record = record_as_dict(session, record_key(settings, journey.sender))
            stored = {
                "answer": [a["text"] for a in record["answers"]],
                "why": [o["why"] for o in record["outcomes"] if o.get("why")],
                "help": [a["what"] for a in record["actions"]],
            }
            for part in parts:
                sent = [s.text for s in journey.sent if s.kind == part and s.ok]
                uncertain = [s.text for s in journey.sent if s.kind == part and not s.ok]
                found = compare(sent, uncertain, stored[part])
                totals["answers_sent"] += len(sent) + len(uncertain)
                totals["answers_checked"] += len(sent)
                totals["uncertain"] += len(uncertain)
                for key, value in found.items():
                    totals[key] += value
                if any(found[k] for k in ("lost", "duplicated", "out_of_order", "foreign")):
                    problems.append(
                        f"person {journey.person} journey {journey.number}, {part}: "
                        + ", ".join(f"{k} {v}" for k, v in found.items() if v)
                    )
            # Every message, buttons included, once and in order in Rasa's tracker store (the
            # last one may be missing or there if its turn failed).
            said = tracker.get(journey.sender, [])
            texts = [s.text for s in journey.sent]
            certain = texts if journey.sent[-1].ok else texts[:-1]
            matches = said == certain or (not journey.sent[-1].ok and said == texts)
            totals["tracker_journeys_exact"] += matches
            totals["tracker_mismatches"] += not matches
            totals["tracker_messages_checked"] += len(certain)
            if not matches:
                problems.append(
                    f"person {journey.person} journey {journey.number}: the tracker store holds "
                    f"{len(said)} messages, {len(certain)} were sent and answered"
                )
    checked = [j for j in journeys if j.sent]
    result: dict[str, Any] = {
        "journeys": len(checked),
        "answers_sent": totals["answers_sent"],
        "answers_checked": totals["answers_checked"],
        "found_once_in_order": totals["found"] - totals["out_of_order"],
        "lost": totals["lost"],
        "duplicated": totals["duplicated"],
        "out_of_order": totals["out_of_order"],
        "foreign": totals["foreign"],
        "uncertain": totals["uncertain"],
        "uncertain_found": totals["uncertain_found"],
        "tracker_messages_checked": totals["tracker_messages_checked"],
        "tracker_journeys_exact": totals["tracker_journeys_exact"],
        "tracker_mismatches": totals["tracker_mismatches"],
        "problems": problems[:20],
    }
    result["ok"] = bool(checked) and not any(
        result[k] for k in ("lost", "duplicated", "out_of_order", "foreign", "tracker_mismatches")
    )
    return result


# --- figures --------------------------------------------------------------------------------


def summarise(journeys: Sequence[Journey], window_s: float, people: int) -> dict[str, Any]:
    """Throughput, latency, errors and journeys from what the people sent."""
    turns = [s for j in journeys for s in j.sent if not s.warmup]
    ok = [s for s in turns if s.ok]
    errors = Counter(s.error for s in turns if not s.ok)
    pauses = [s.pause_s for s in turns if s.pause_s is not None]
    mean_pause = sum(pauses) / len(pauses) if pauses else None
    buckets: dict[int, list[float]] = {}
    by_position: dict[int, list[float]] = {}
    for sent in ok:
        buckets.setdefault(int(sent.started_s // 10), []).append(sent.ms or 0.0)
        by_position.setdefault((sent.turn - 1) // 5, []).append(sent.ms or 0.0)
    return {
        # What the people would send if every reply were instant: people ÷ mean pause.
        "mean_pause_s": mean_pause,
        "offered_turns_per_s": people / mean_pause if mean_pause else None,
        "turns": len(turns),
        "ok_turns": len(ok),
        "throughput_per_s": len(ok) / window_s if window_s > 0 else None,
        "latency": latency_summary([s.ms for s in ok if s.ms is not None]),
        "latency_typed": latency_summary([s.ms for s in ok if s.kind in TYPED_KINDS]),
        "latency_buttons": latency_summary([s.ms for s in ok if s.kind not in TYPED_KINDS]),
        "errors": sum(errors.values()),
        "error_rate": sum(errors.values()) / len(turns) if turns else None,
        "errors_by_kind": dict(errors),
        "unexpected_replies": [
            {"sent": s.text, "kind": s.kind, "reply": s.reply} for s in turns if s.reply
        ][:10],
        "journeys_started": len(journeys),
        "journeys_completed": sum(j.completed for j in journeys),
        "journeys_ended_by_error": sum(j.ended_by_error for j in journeys),
        "people_who_spoke": len({j.person for j in journeys if j.sent}),
        # Latency by position in the journey (turns 1–5, 6–10 …): Rasa reads and replays a
        # conversation's whole history at every turn, so later turns cost more.
        "latency_by_turn": [
            {
                "turns": f"{index * 5 + 1}–{index * 5 + 5}",
                "count": len(values),
                "p50_ms": latency_summary(values)["p50_ms"],
                "p95_ms": latency_summary(values)["p95_ms"],
            }
            for index, values in sorted(by_position.items())
        ],  # fmt: skip
        # Per 10 s of the window: turns started then (and answered), and their p95.
        "timeline": [
            {
                "from_s": index * 10,
                "turns": len(values),
                "p95_ms": latency_summary(values)["p95_ms"],
            }
            for index, values in sorted(buckets.items())
        ],
    }


class CpuMeter:
    """CPU time used by named process trees between :meth:`start` and :meth:`stop`."""

    def __init__(self) -> None:
        self.roots: dict[str, list[int]] = {}
        self._before: dict[int, int] = {}
        self._started = 0.0
        self._own_before = 0.0
        self.elapsed = 0.0

    def add(self, name: str, pid: int) -> None:
        self.roots.setdefault(name, []).append(pid)

    def start(self) -> None:
        self._before = _cpu_ticks()
        self._started = time.perf_counter()
        times = os.times()
        self._own_before = times.user + times.system

    def stop(self) -> dict[str, float]:
        """Per tree, the share of one CPU used on average (1.0 = one core all the time)."""
        after = _cpu_ticks()
        elapsed = time.perf_counter() - self._started
        hertz = os.sysconf("SC_CLK_TCK")
        used: dict[str, float] = {}
        for name, roots in self.roots.items():
            pids: set[int] = set()
            for root in roots:
                pids |= {root} | descendants(root)
            ticks = sum(after.get(p, 0) - self._before.get(p, after.get(p, 0)) for p in pids)
            used[name] = round(ticks / hertz / elapsed, 3) if elapsed > 0 else 0.0
        times = os.times()
        own = times.user + times.system - self._own_before
        used["load generator"] = round(own / elapsed, 3) if elapsed > 0 else 0.0
        used["total"] = round(sum(used.values()), 3)
        self.elapsed = elapsed
        return used


# --- servers --------------------------------------------------------------------------------

ISOLATED_UNSET = (
    "DATABASE_URL", "COACH_TRACKER_URL", "COACH_ACTION_URL", "COACH_TRACKER_DB",
    "COACH_SECRET_FILE", "COACH_RASA_URL", "COACH_RASA_URLS", "COACH_LOCK_STORE_URL",
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ACTION_SERVER_SANIC_WORKERS",
)  # fmt: skip


@contextlib.contextmanager
def environment(updates: dict[str, str], unset: Sequence[str] = ISOLATED_UNSET) -> Iterator[None]:
    """Set (and unset) variables of this process, and so of the servers it starts; restore
    them afterwards."""
    saved = {name: os.environ.get(name) for name in (*updates, *unset)}
    try:
        for name in unset:
            os.environ.pop(name, None)
        os.environ.update(updates)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def consecutive_free_ports(count: int) -> int:
    """A port P such that P … P+count-1 are all free on loopback just now."""
    for _ in range(50):
        base = free_port()
        if base + count > 65535:
            continue
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind((HOST, port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise LoadError(f"no {count} consecutive free ports found on {HOST}")


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[load {stamp}] {message}", file=sys.stderr, flush=True)


def run_load(
    *,
    people: int = DEFAULT_PEOPLE,
    seconds: float = DEFAULT_SECONDS,
    replicas: int = 2,
    backend: str = "postgresql",
    think_s: tuple[float, float] = DEFAULT_THINK_S,
    typing_s: tuple[float, float] = (0.0, 0.0),
    warmup_turns: int = 0,
    action_workers: int = 1,
    lock_store: str | None = None,
    seed: int = 8,
    timeout: float = REQUEST_TIMEOUT_S,
    work_dir: Path | None = None,
    keep: bool = False,
    label: str | None = None,
) -> dict[str, Any]:
    """Start the servers, run the simulated people, audit the record, stop everything.

    Args:
        people: Simulated people talking at once.
        seconds: How long new turns are started (turns in flight then finish).
        replicas: Rasa servers; two or more need ``backend="postgresql"`` and a Redis lock store.
        backend: Where the record and Rasa's tracker store live: ``sqlite`` or ``postgresql``.
        think_s: Each pause between a reply and the next message is uniform in this range.
        typing_s: An extra pause before each typed answer (not a button), uniform in this
            range: the time to type it.
        action_workers: Sanic worker processes of the action server.
        lock_store: ``redis`` or ``memory`` (Rasa's in-memory lock store); by default Redis
            with two or more replicas, else memory.
        seed: Seeds every person's pauses and choices (the same in both configurations).
        timeout: Seconds before a turn counts as timed out.
        work_dir: Where the var/ directory and logs go (default: a new temporary directory,
            removed afterwards unless ``keep`` or the run failed).
        keep: Keep ``work_dir`` even when everything went well.
        label: A name for this configuration in the report.

    Returns:
        The configuration, figures (``throughput_per_s``, ``latency``, ``errors`` …), the
        ``integrity`` audit, CPU use and machine load; ``error`` if the run could not finish.
    """
    if backend not in ("sqlite", "postgresql"):
        raise LoadError(f"backend must be sqlite or postgresql, not {backend!r}")
    if replicas < 1 or people < 1 or seconds <= 0:
        raise LoadError("replicas and people must be at least 1, seconds more than 0")
    low, high = think_s
    if not 0 <= low <= high:
        raise LoadError(f"think time range {think_s} is not low <= high")
    lock_store = lock_store or ("redis" if replicas > 1 else "memory")
    if replicas > 1 and (backend != "postgresql" or lock_store != "redis"):
        raise LoadError(
            f"{replicas} Rasa replicas need --backend postgresql and a Redis lock store "
            "(SQLite and the in-memory lock store cannot be shared between servers)"
        )
    run_id = secrets.token_hex(3)
    label = label or f"{replicas} replica{'s' if replicas > 1 else ''}, {backend}"
    created = work_dir is None
    work = Path(work_dir or tempfile.mkdtemp(prefix="coach-load-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "label": label,
        "config": {
            "people": people, "seconds": seconds, "replicas": replicas, "backend": backend,
            "lock_store": lock_store, "action_workers": action_workers,
            "think_s": [low, high], "typing_s": list(typing_s), "timeout_s": timeout,
            "warmup_turns": warmup_turns,
            "seed": seed,
            "router": "bot.rasa_client.RasaPool (sender id hash → replica)",
        },
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    typing = f" (+{typing_s[0]:g}–{typing_s[1]:g} s to type)" if any(typing_s) else ""
    log(f"{label}: {people} people for {seconds:g} s, pauses {low:g}–{high:g} s{typing} "
        f"(work: {work})")  # fmt: skip
    try:
        with contextlib.ExitStack() as stack:
            _run(stack, result, work, run_id, people, seconds, replicas, backend, (low, high),
                 typing_s, action_workers, lock_store, seed, timeout,
                 warmup_turns=warmup_turns)  # fmt: skip
    except (LoadError, OSError) as error:
        result["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - a failed run is reported, with its logs kept
        result["error"] = f"{type(error).__name__}: {error}"
    result["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    failed = "error" in result or not (result.get("integrity") or {}).get("ok")
    if failed or keep or not created:
        result["work_dir"] = str(work)
        if failed:
            log(f"{label}: kept {work} (logs)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _run(
    stack: contextlib.ExitStack,
    result: dict[str, Any],
    work: Path,
    run_id: str,
    people: int,
    seconds: float,
    replicas: int,
    backend: str,
    think_s: tuple[float, float],
    typing_s: tuple[float, float],
    action_workers: int,
    lock_store: str,
    seed: int,
    timeout: float,
    warmup_turns: int = 0,
) -> None:
    from bot import runtime
    from bot.config import get_settings
    from bot.store.session import session_factory

    var_dir = work / "var"
    meter = CpuMeter()
    began = time.perf_counter()
    updates = {
        "COACH_VAR_DIR": str(var_dir),
        "COACH_HOST": HOST,
        "COACH_RASA_PORT": str(consecutive_free_ports(replicas)),
        "COACH_ACTION_PORT": str(free_port()),
        "COACH_RASA_REPLICAS": str(replicas),
        "COACH_ACTION_WORKERS": str(action_workers),
        "COACH_SECRET": secrets.token_hex(32),
        "SANIC_HOST": HOST,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    if backend == "postgresql":
        from tests.postgres import PostgresUnavailable, start_postgres

        try:
            postgres = start_postgres()
        except PostgresUnavailable as error:
            raise LoadError(str(error)) from None
        stack.callback(postgres.stop)
        meter.add("postgres", postgres.process.pid)
        updates["DATABASE_URL"] = postgres.create_database("load_coach")
    else:
        updates["DATABASE_URL"] = f"sqlite:///{var_dir / 'coach.db'}"
    if lock_store == "redis":
        from tests.redis_server import RedisUnavailable, start_redis

        try:
            redis = start_redis()
        except RedisUnavailable as error:
            raise LoadError(str(error)) from None
        stack.callback(redis.stop)
        meter.add("redis", redis.process.pid)
        updates["COACH_LOCK_STORE_URL"] = redis.url(db=0)
    stack.enter_context(environment(updates))
    settings = get_settings()
    runtime.train(settings)  # a no-op when the model is current (`make bench` trains first)
    result["load_before"] = machine_load(f"load {result['label']}: before starting")
    log(f"{result['label']}: starting the servers")
    started = time.perf_counter()
    try:
        servers = stack.enter_context(runtime.running_servers(settings, timeout=START_TIMEOUT_S))
    except runtime.StartupError as error:
        raise LoadError(str(error)) from None
    # Releases the record's pooled connections before the database goes away.
    stack.callback(lambda: session_factory(settings.database_url).kw["bind"].dispose())
    result["startup_s"] = round(time.perf_counter() - started, 1)
    result["cpus"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    for name, process in servers.processes.items():
        meter.add("rasa" if name.startswith("rasa") else name, process.pid)
    asyncio.run(_first_replies(settings.rasa_urls))
    log(f"{result['label']}: servers answering after {result['startup_s']:g} s; people start")
    result["loadavg_before"] = list(os.getloadavg())
    meter.start()
    journeys, wall = asyncio.run(
        asyncio.wait_for(
            simulate(settings.rasa_urls, people, seconds, think_s, run_id=run_id,
                     typing_s=typing_s, seed=seed, timeout=timeout,
                     warmup_turns=warmup_turns),
            seconds + timeout + 60 + (WARMUP_ALLOWANCE_S if warmup_turns else 0),
        )
    )  # fmt: skip
    result["cpu"] = meter.stop()
    result["loadavg_after"] = list(os.getloadavg())
    result["window_s"] = seconds
    result["wall_s"] = round(wall, 2)
    result.update(summarise(journeys, seconds, people))
    result["warmup_turns_sent"] = sum(s.warmup for j in journeys for s in j.sent)
    answered = sum(s.ok for j in journeys for s in j.sent)  # the warm-up used the CPU too
    if answered:
        # CPU time the whole run (servers, databases, simulated people) spent per turn: with
        # N cores to itself the stack could answer at most about N ÷ this many turns a second.
        result["cpu_ms_per_turn"] = round(
            result["cpu"]["total"] * meter.elapsed / answered * 1000, 1
        )
    lat = result["latency"]
    log(
        f"{result['label']}: {result['ok_turns']} turns ({result['throughput_per_s']:.1f}/s), "
        f"p50 {format_value(lat['p50_ms'], 'ms')}, p95 {format_value(lat['p95_ms'], 'ms')}, "
        f"p99 {format_value(lat['p99_ms'], 'ms')}, errors {result['errors']}; auditing"
    )
    started = time.perf_counter()
    result["integrity"] = audit(settings, journeys, run_id)
    result["integrity"]["seconds"] = round(time.perf_counter() - started, 1)
    integrity = result["integrity"]
    log(
        f"{result['label']}: audit {'passed' if integrity['ok'] else 'FAILED'}: "
        f"{integrity['answers_checked']} answers checked, lost {integrity['lost']}, duplicated "
        f"{integrity['duplicated']}, out of order {integrity['out_of_order']}, tracker "
        f"mismatches {integrity['tracker_mismatches']}"
    )
    alive = servers.alive()
    if not all(alive.values()):
        result["servers_exited"] = [name for name, up in alive.items() if not up]
    result["total_s"] = round(time.perf_counter() - began, 1)


async def _first_replies(urls: Sequence[str]) -> None:
    """One conversation per replica before the clock starts: the first turn after loading a
    model is slow (lazy initialisation), and people should not pay for it."""
    async with httpx.AsyncClient(timeout=120, trust_env=False) as client:
        for url in urls:
            sender = f"warm-{secrets.token_hex(4)}"
            for message in ("hello", "/affirm", '/choose{"choice":"self"}'):
                response = await client.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}
                )
                response.raise_for_status()


# --- the report -----------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}" if value else "0"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}/s"


def _count(value: Any) -> str:
    return "—" if value is None else str(value)


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "—"
    return format_ratio(ours / theirs)


def comparison(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figures issue 8 asks for, and whether each target is met (two replicas)."""
    two = runs.get("replicas2_postgresql") or {}
    one = runs.get("replica1_sqlite") or {}

    def get(run: dict[str, Any], *path: str) -> Any:
        for key in path:
            run = run.get(key) if isinstance(run, dict) else None
        return run

    p95 = get(two, "latency", "p95_ms")
    integrity = two.get("integrity") or {}
    return {
        "throughput_ratio": (
            two["throughput_per_s"] / one["throughput_per_s"]
            if two.get("throughput_per_s") and one.get("throughput_per_s")
            else None
        ),
        "p95_ratio": (
            p95 / get(one, "latency", "p95_ms") if p95 and get(one, "latency", "p95_ms") else None
        ),
        "targets": {
            "p95_within_300_ms": None if p95 is None else p95 <= P95_TARGET_MS,
            "no_errors": None if "errors" not in two else two["errors"] == 0,
            "nothing_lost_or_duplicated": (
                None if not integrity else integrity["lost"] == 0 and integrity["duplicated"] == 0
                and integrity["out_of_order"] == 0 and integrity["tracker_mismatches"] == 0
            ),
        },
    }  # fmt: skip


# Two paces, each on both configurations. People read a question and type their answer: the
# target is judged at that pace. The stress pace (no typing time) finds the capacity.
PROFILES = (
    {
        "key": "typing",
        "title": "people typing",
        "think_s": (2.0, 6.0),
        "typing_s": (10.0, 30.0),
        "warmup_turns": 30,
    },
    {"key": "stress", "title": "stress pace", "think_s": (2.0, 6.0), "typing_s": (0.0, 0.0)},
)


def run_profiles(
    people: int = DEFAULT_PEOPLE,
    seconds: float = DEFAULT_SECONDS,
    work_root: Path | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Every pace of :data:`PROFILES`, each on both configurations."""
    profiles = {}
    for profile in PROFILES:
        work = work_root / profile["key"] if work_root else None
        result = run_configurations(
            people, seconds, think_s=profile["think_s"], typing_s=profile["typing_s"],
            warmup_turns=profile.get("warmup_turns", 0), work_root=work, **options,
        )  # fmt: skip
        profiles[profile["key"]] = {**result, "title": profile["title"]}
    return {"profiles": profiles}


def all_runs(load: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every run in a load result, with or without paces."""
    if not load:
        return []
    groups = list((load.get("profiles") or {}).values()) or [load]
    return [run for group in groups for run in (group.get("runs") or {}).values()]


def render_section(load: dict[str, Any] | None) -> list[str]:
    """The "Load" sections of docs/benchmarks.md (lines), from ``results["load"]``."""
    if load and load.get("profiles"):
        lines = [
            "## Load",
            "",
            *textwrap.wrap(
                "Two paces, each on two replicas with PostgreSQL + Redis and on one replica with"
                " SQLite. *People typing*: a few seconds to read each reply and 10–30 s more to"
                " type each answer (buttons are quicker) — the pace the issue's target is judged"
                " at. *Stress pace*: the same people with no typing time, far faster than anyone"
                " types, to find the capacity of this 2-core machine.",
                96,
                break_on_hyphens=False,
            ),
            "",
        ]
        for profile in load["profiles"].values():
            lines += _render_runs(profile, title=profile.get("title"))
        return lines
    return _render_runs(load)


def _render_runs(load: dict[str, Any] | None, title: str | None = None) -> list[str]:
    if not load or not load.get("runs"):
        return []
    runs: dict[str, dict[str, Any]] = load["runs"]
    order = [c["key"] for c in CONFIGURATIONS if c["key"] in runs] + [
        k for k in runs if k not in {c["key"] for c in CONFIGURATIONS}
    ]
    first = runs[order[0]]
    config = first.get("config", {})
    low, high = config.get("think_s", DEFAULT_THINK_S)
    typing = config.get("typing_s") or [0, 0]
    people, seconds = config.get("people"), config.get("seconds")
    date = (first.get("finished_at") or "")[:10]
    offered = first.get("offered_turns_per_s")
    warmup = config.get("warmup_turns") or 0
    pace = (
        f"{low:g}–{high:g} s (uniformly) before each message"
        + (f", plus {typing[0]:g}–{typing[1]:g} s to type each answer" if any(typing) else "")
        + (
            f". So that the window sees people at every stage of a journey (later turns cost"
            f" more), each person has first gone through 0–{warmup} turns of it, a few people"
            " at a time, before the window opens; those turns are not measured but are audited"
            if warmup
            else ""
        )
    )
    what = (
        f"`python -m bench.load`, run by `make bench`: {people} simulated people talk to the bot"
        f" at once for {seconds:g} s, each walking the whole preparation journey over REST"
        ' (`hello`, consent, "my own assessment", then each topic\'s question: an answer, keep'
        " or leave out the drafted statement, why it matters, what could help; now and then a"
        f" skip), and pausing {pace}."
        + (
            " That is faster than anyone types an answer, so the load offered — about"
            f" {offered:.0f} turns per second (people ÷ mean pause) — is a pessimistic one, and"
            f" in {seconds:g} s nobody gets to the end of a journey (about 35 turns)."
            if offered and not any(typing)
            else f" The load offered is about {offered:.0f} turns per second (people ÷ mean pause)."
            if offered
            else ""
        )
        + " A person whose turn fails starts a new journey. No new turn starts after the"
        " window; turns in flight are waited for."
    )
    how = (
        "Each conversation goes to its replica through `RasaPool` (by a hash of the sender id),"
        " as the front ends' do. Afterwards every journey is read back: every message, buttons"
        " included, once and in order in Rasa's tracker store; every typed answer (each carries"
        " its person, journey and turn in words) once and in order in the person's record"
        " (`answers`, each outcome's `why`, `actions`). Latency is measured by the simulated"
        " people, from sending a message to having the whole reply. Servers, databases and"
        " simulated people all run on this machine, on loopback, and share its CPUs."
    )
    lines = [
        ("### " if title else "## ")
        + (f"{title.capitalize()}: " if title else "Load: ")
        + f"{people} people at once"
        + (", two replicas and one" if len(order) == 2 else f", {first.get('label')}")
        + f" — {date}",
        "",
        *textwrap.wrap(what, 96, break_on_hyphens=False),
        "",
        *textwrap.wrap(how, 96, break_on_hyphens=False),
        "",
    ]
    headers = ["Measure", *(runs[k].get("label", k) for k in order)]
    if len(order) == 2:
        headers.append("Ratio")

    def row(name: str, values: list[str], numbers: list[float | None] | None = None) -> list[str]:
        cells = [name, *values]
        if len(order) == 2:
            cells.append(_ratio(*numbers) if numbers else "—")
        return cells

    def lat(run: dict[str, Any], key: str) -> float | None:
        return (run.get("latency") or {}).get(key)

    def integ(run: dict[str, Any], key: str) -> Any:
        return (run.get("integrity") or {}).get(key)

    rs = [runs[k] for k in order]
    cpus = first.get("cpus") or os.cpu_count()
    rows = [
        row("Load offered (people ÷ mean pause)", [_rate(r.get("offered_turns_per_s"))
                                                   for r in rs]),
        row("Turns answered per second", [_rate(r.get("throughput_per_s")) for r in rs],
            [r.get("throughput_per_s") for r in rs]),
        row("Turns answered (errors)", [f"{_count(r.get('ok_turns'))} ({_count(r.get('errors'))})"
                                        for r in rs]),
        row("Error rate", [_pct(r.get("error_rate")) for r in rs]),
        *(row(f"Turn latency {p}", [format_value(lat(r, key), "ms") for r in rs],
              [lat(r, key) for r in rs])
          for p, key in (("p50", "p50_ms"), ("p95", "p95_ms"), ("p99", "p99_ms"),
                         ("max", "max_ms"))),
        row("Journeys started (finished)", [
            f"{_count(r.get('journeys_started'))} ({_count(r.get('journeys_completed'))})"
            for r in rs]),
        row("Typed answers checked in the record", [_count(integ(r, "answers_checked"))
                                                    for r in rs]),
        row("Lost / duplicated / out of order", [
            "—" if not r.get("integrity") else
            f"{integ(r, 'lost')} / {integ(r, 'duplicated')} / {integ(r, 'out_of_order')}"
            for r in rs]),
        row("Journeys whose tracker store differs", [_count(integ(r, "tracker_mismatches"))
                                                     for r in rs]),
        row("CPU time per turn, all processes", [
            format_value(r.get("cpu_ms_per_turn"), "ms") for r in rs],
            [r.get("cpu_ms_per_turn") for r in rs]),
        row(f"CPU used by the run (cores, of {cpus})", [
            "—" if not r.get("cpu") else f"{r['cpu'].get('total', 0):.2f}" for r in rs]),
        row("Load average (1 min) before → after", [
            "—" if not r.get("loadavg_before") else
            f"{r['loadavg_before'][0]:.1f} → {r['loadavg_after'][0]:.1f}" for r in rs]),
    ]  # fmt: skip
    lines += [render_table(headers, rows), ""]
    summary = load.get("comparison") or comparison(runs)
    targets = summary.get("targets", {})

    def verdict(value: bool | None) -> str:
        return "not measured" if value is None else "met" if value else "**not met**"

    lines += [
        *textwrap.wrap(
            f"Targets, with two replicas{f' ({title})' if title else ''}: p95 turn latency"
            " ≤ 300 ms —"
            f" {verdict(targets.get('p95_within_300_ms'))}; error rate 0 —"
            f" {verdict(targets.get('no_errors'))}; no answer lost, duplicated or out of order"
            f" — {verdict(targets.get('nothing_lost_or_duplicated'))}. Ratio is the first"
            " configuration's figure divided by the second's.",
            96,
            break_on_hyphens=False,
        ),
        "",
    ]
    per_turn, offered = first.get("cpu_ms_per_turn"), first.get("offered_turns_per_s")
    if per_turn and offered and cpus:
        ceiling = cpus * 1000 / per_turn
        lines += [
            *textwrap.wrap(
                f"Capacity: with {first.get('label')}, all the processes together (Rasa, the"
                f" action server, the databases, the simulated people) used {per_turn:.0f} ms"
                f" of CPU per turn, so even with all {cpus} cores to itself the stack could"
                f" answer at most about {ceiling:.0f} turns a second, against {offered:.0f}"
                " offered"
                + (
                    ": beyond that, turns wait in line and latency grows with the queue."
                    if offered > 0.8 * ceiling
                    else "."
                )
                + " A turn also costs more the further into a journey it comes: Rasa reads and"
                " replays the whole conversation at every turn (median latency by position"
                " below).",
                96,
                break_on_hyphens=False,
            ),
            "",
        ]
    for key in order:
        run = runs[key]
        cpu = run.get("cpu") or {}
        parts = [f"{name} {share:.2f}" for name, share in cpu.items() if name != "total"]
        errors = run.get("errors_by_kind") or {}
        details = [f"**{run.get('label', key)}**:"]
        if run.get("error"):
            details.append(f"the run failed: {run['error']}.")
        if parts:
            details.append(f"CPU by process tree (cores): {', '.join(parts)}.")
        if errors:
            details.append(
                "Errors: " + ", ".join(f"{kind} {count}" for kind, count in errors.items()) + "."
            )
        by_turn = [b for b in run.get("latency_by_turn") or [] if b["count"] >= 10]
        if by_turn:
            details.append(
                "Median latency by position in the journey: "
                + ", ".join(
                    f"turns {b['turns']}: {format_value(b['p50_ms'], 'ms')}" for b in by_turn
                )  # fmt: skip
                + "."
            )
        if run.get("startup_s") is not None:
            details.append(f"Servers up in {run['startup_s']:g} s.")
        others = (run.get("load_before") or {}).get("busy_others") or []
        if others:
            details.append(
                "Busy before the run: "
                + ", ".join(f"`{o['command'][:60]}` ({o['cpu']:.0%})" for o in others)
                + " (figures pessimistic)."
            )
        problems = (run.get("integrity") or {}).get("problems") or []
        if problems:
            details.append("Audit: " + "; ".join(problems[:3]) + ".")
        lines += [*textwrap.wrap(" ".join(details), 96, initial_indent="- ",
                                 subsequent_indent="  ", break_on_hyphens=False)]  # fmt: skip
    return [*lines, ""]


def run_configurations(
    people: int = DEFAULT_PEOPLE,
    seconds: float = DEFAULT_SECONDS,
    think_s: tuple[float, float] = DEFAULT_THINK_S,
    work_root: Path | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Both configurations of :data:`CONFIGURATIONS`, one after the other, and the ratio."""
    runs = {}
    for config in CONFIGURATIONS:
        work = work_root / f"load-{config['key']}" if work_root else None
        runs[config["key"]] = run_load(
            people=people, seconds=seconds, think_s=think_s, replicas=config["replicas"],
            backend=config["backend"], label=config["label"], work_dir=work, **options,
        )  # fmt: skip
    return {"runs": runs, "comparison": comparison(runs)}


# --- command line ---------------------------------------------------------------------------


def _think(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    try:
        pair = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LOW-HIGH seconds, e.g. 2-6, not {value!r}"
        ) from None
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError(f"expected 0 <= LOW <= HIGH, not {value!r}")
    return pair


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS,
                        help="how long new turns are started")  # fmt: skip
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument(
        "--think-seconds",
        type=_think,
        default=DEFAULT_THINK_S,
        metavar="LOW-HIGH",
        help="pause before each message (default 2-6)",
    )
    parser.add_argument("--typing-seconds", type=_think, default=(0.0, 0.0), metavar="LOW-HIGH",
                        help="extra pause before each typed answer (default 0)")  # fmt: skip
    parser.add_argument(
        "--warmup-turns",
        type=int,
        default=0,
        help="each person first goes 0–N turns into a journey, unmeasured",
    )
    parser.add_argument("--action-workers", type=int, default=1)
    parser.add_argument("--lock-store", choices=("redis", "memory"), default=None)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=REQUEST_TIMEOUT_S)
    parser.add_argument("--both", action="store_true",
                        help="run both configurations make bench compares (ignores --replicas, "
                             "--backend)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the var/ directory and logs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = {"action_workers": args.action_workers, "seed": args.seed,
               "timeout": args.timeout, "keep": args.keep,
               "typing_s": args.typing_seconds,
               "warmup_turns": args.warmup_turns}  # fmt: skip
    try:
        if args.both:
            load = run_configurations(args.people, args.seconds, args.think_seconds, **options)
        else:
            run = run_load(people=args.people, seconds=args.seconds, replicas=args.replicas,
                           backend=args.backend, think_s=args.think_seconds,
                           lock_store=args.lock_store, **options)  # fmt: skip
            load = {"runs": {f"replicas{args.replicas}_{args.backend}": run}}
    except LoadError as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(load, indent=2, ensure_ascii=False) + "\n")
    print("\n".join(render_section(load)))
    runs = load["runs"].values()
    failed = [r for r in runs if r.get("error") or not (r.get("integrity") or {}).get("ok")]
    for run in failed:
        print(f"FAILED: {run['label']}: {run.get('error') or 'the audit found problems'}",
              file=sys.stderr)  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
