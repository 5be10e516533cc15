"""Benchmark this bot against Rasa's own starter bot, and rewrite docs/benchmarks.md.

``python -m bench.run`` (``make bench``) measures, for Outcomes Coach and for the bot that
``rasa init`` creates (the baseline):

1. training time (``rasa train`` on an empty Rasa cache, so nothing is reused);
2. cold start: from spawning the Rasa process to its first REST reply with text (the action
   server is started first and answering);
3. REST turn latency (p50/p95/p99) with 1 and with 20 concurrent simulated people, overall and
   for the turns that run a custom action on the action server;
4. peak resident memory (RSS) of the Rasa server and of the action server (each summed over the
   process and its children);
5. load (:mod:`bench.load`): 200 simulated people walking whole journeys at once for 60 s, on
   two Rasa replicas with PostgreSQL and Redis, then on one replica with SQLite, each followed
   by an audit that every answer is in the record once and in order.

Everything runs on loopback, on its own ports (never 5005/5055), with a throw-away var/
directory under bench/work/, so a developer's running servers and records are left alone.
Raw figures go to bench/results/<UTC timestamp>.json and bench/results/latest.json.

Latency is measured at three levels: 1 person, 20 people at once who reply the instant an answer
arrives (a saturating load), and 20 people at once who pause about 2 s between turns (still far
faster than people type). Options: ``--quick`` (fewer turns: a smoke run), ``--skip-baseline``
(this bot only), ``--keep-work`` (keep bench/work/<stamp>/ with logs and models even when
the run succeeds; it is kept anyway when a step fails), ``--skip-load`` (no load benchmark),
``--load-only`` (only the load benchmark; the other figures are taken from
bench/results/latest.json).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench import coaching
from bot.config import PROJECT_ROOT

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
WORK_ROOT = BENCH_DIR / "work"
DOC_PATH = PROJECT_ROOT / "docs" / "benchmarks.md"

HOST = "127.0.0.1"
WEBHOOK = "/webhooks/rest/webhook"
# (rasa, action server). Never the defaults 5005/5055: someone's servers may be running there.
COACH_PORTS = (5105, 5155)
STARTER_PORTS = (5115, 5165)
RESERVED_PORTS = frozenset({5005, 5055})

WAIT_LIMIT_S = 180.0  # any single wait for a server
TRAIN_LIMIT_S = 900.0  # one `rasa train` / `rasa init` (the starter's DIET + TED takes minutes)
REQUEST_TIMEOUT_S = 60.0
LEVEL_LIMIT_S = 180.0  # no new turns are started after this, per concurrency level
STOP_GRACE_S = 20.0
SAMPLE_INTERVAL_S = 0.15

# (label, simulated people at once, average pause between a person's turns in seconds).
# With no pauses 20 people keep one Rasa process saturated, so latency is about
# 20 ÷ throughput; people typing pause for seconds, which the "paced" level models.
PACED_THINK_S = 2.0
LEVELS: tuple[tuple[str, int, float], ...] = (
    ("1", 1, 0.0),
    ("20", 20, 0.0),
    ("20-paced", 20, PACED_THINK_S),
)
TURNS_PER_LEVEL = 200
QUICK_TURNS_PER_LEVEL = 80
WARMUP_CONVERSATIONS = 2

# One simulated person's conversation with this bot: start, consent (action_record_consent,
# then the form asks with action_ask_answer), an answer (validate_topics_form stores it and
# drafts an outcome; action_ask_draft_reply shows it), confirm the draft (validate_topics_form
# stores the decision; action_ask_answer asks the next topic's question).
COACH_CYCLE = (
    "/start",
    "/affirm",
    '/choose{"choice":"self"}',
    "I'd like to get back to my garden",
    "/affirm",
)
# The starter bot after bench's change: every greeting runs action_hello_world.
STARTER_CYCLE = ("hello", "hello", "hello", "hello")
STARTER_CUSTOM_REPLY = "Hello World!"

# The figures of the comparison table: key, label, unit, target (upper bound for this bot).
METRICS: tuple[tuple[str, str, str, float | None], ...] = (
    ("training_s", "Training time", "s", 30.0),
    ("cold_start_s", "Cold start (spawn → first reply)", "s", 12.0),
    ("p50_c1_ms", "Custom-action turn p50, 1 person", "ms", None),
    ("p95_c1_ms", "Custom-action turn p95, 1 person", "ms", None),
    ("p50_c20_ms", "Custom-action turn p50, 20 concurrent, no pauses", "ms", None),
    ("p95_c20_ms", "Custom-action turn p95, 20 concurrent, no pauses", "ms", None),
    (
        "p50_c20p_ms",
        f"Custom-action turn p50, 20 concurrent, ~{PACED_THINK_S:g} s pauses",
        "ms",
        None,
    ),
    (
        "p95_c20p_ms",
        f"Custom-action turn p95, 20 concurrent, ~{PACED_THINK_S:g} s pauses",
        "ms",
        150.0,
    ),
    ("rss_rasa_mb", "Peak RSS, Rasa server", "MB", 800.0),
    ("rss_actions_mb", "Peak RSS, action server", "MB", None),
)

RASA_VENV_PACKAGES = ("rasa", "rasa-sdk", "jsonschema", "tensorflow", "sanic", "SQLAlchemy")

BOT_LABELS = {"coach": "This bot", "starter": "Starter bot"}


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which and where its log is."""


# --- pure parts (unit-tested in tests/test_bench_report.py) -----------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """The ``p``-th percentile (0–100) with linear interpolation between closest ranks
    (numpy's default method). ``None`` for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, not {p}")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(values_ms: Sequence[float]) -> dict[str, float | int | None]:
    """Count, mean, min, p50, p95, p99 and max of latencies in milliseconds."""
    values = list(values_ms)
    return {
        "count": len(values),
        "mean_ms": sum(values) / len(values) if values else None,
        "min_ms": min(values) if values else None,
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values) if values else None,
    }


def split_quota(total: int, workers: int) -> list[int]:
    """Share ``total`` turns among ``workers`` as evenly as possible (first ones get extra)."""
    if workers < 1:
        raise ValueError("at least one worker is needed")
    base, extra = divmod(total, workers)
    return [base + (1 if index < extra else 0) for index in range(workers)]


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``, or ``None`` when either is missing or the baseline is zero."""
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def evaluate_target(value: float | None, limit: float | None) -> bool | None:
    """Whether ``value`` is within the upper bound ``limit``; ``None`` if nothing to judge."""
    if value is None or limit is None:
        return None
    return value <= limit


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:g} {unit}".strip()


def format_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def format_target(limit: float | None, unit: str) -> str:
    return "—" if limit is None else f"≤ {format_value(limit, unit)}"


def format_verdict(met: bool | None, limit: float | None) -> str:
    if limit is None:
        return "—"
    if met is None:
        return "not measured"
    return "met" if met else "**not met**"


def render_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; ``|`` inside cells is escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    rows = [list(row) for row in rows]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} has {len(row)} cells, not {len(headers)}")
    separator = "|" + "|".join("---" if i == 0 else "--:" for i in range(len(headers))) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in rows)])


def _get(data: dict[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def metric_value(bot: dict[str, Any] | None, key: str) -> float | None:
    """One figure of the comparison table from a bot's results (``None`` if not measured)."""
    paths = {
        "training_s": ("training", "seconds"),
        "cold_start_s": ("cold_start", "first_reply_s"),
        "p50_c1_ms": ("latency", "levels", "1", "custom", "p50_ms"),
        "p95_c1_ms": ("latency", "levels", "1", "custom", "p95_ms"),
        "p50_c20_ms": ("latency", "levels", "20", "custom", "p50_ms"),
        "p95_c20_ms": ("latency", "levels", "20", "custom", "p95_ms"),
        "p50_c20p_ms": ("latency", "levels", "20-paced", "custom", "p50_ms"),
        "p95_c20p_ms": ("latency", "levels", "20-paced", "custom", "p95_ms"),
        "rss_rasa_mb": ("rss", "rasa", "peak_mb"),
        "rss_actions_mb": ("rss", "actions", "peak_mb"),
    }
    value = _get(bot, *paths[key])
    return float(value) if isinstance(value, int | float) else None


def summarise(bots: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparison: per metric, both values, their ratio and the target verdict."""
    summary = []
    for key, label, unit, limit in METRICS:
        ours = metric_value(bots.get("coach"), key)
        theirs = metric_value(bots.get("starter"), key)
        summary.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "coach": ours,
                "starter": theirs,
                "ratio": ratio(ours, theirs),
                "target": limit,
                "met": evaluate_target(ours, limit),
            }
        )
    return summary


def comparison_table(summary: Sequence[dict[str, Any]]) -> str:
    headers = ["Measure", "This bot", "Starter bot", "Ratio (this / starter)", "Target", "Met"]
    rows = [
        [
            item["label"],
            format_value(item["coach"], item["unit"]),
            format_value(item["starter"], item["unit"]),
            format_ratio(item["ratio"]),
            format_target(item["target"], item["unit"]),
            format_verdict(item["met"], item["target"]),
        ]
        for item in summary
    ]
    return render_table(headers, rows)


def all_turns_table(bots: dict[str, dict[str, Any]]) -> str:
    """Every turn and custom-action turns, per bot and concurrency level."""
    headers = ["Bot", "Level", "Turns", "Errors", "All p50", "All p95", "All p99",
               "Custom turns", "Custom p50", "Custom p95", "Custom p99", "Turns/s"]  # fmt: skip
    rows = []
    for key in ("coach", "starter"):
        levels = _get(bots.get(key), "latency", "levels") or {}
        for level in levels:  # in the order they ran
            data = levels[level]
            every, custom = data.get("all", {}), data.get("custom", {})
            rows.append(
                [
                    BOT_LABELS[key],
                    level,
                    str(data.get("turns", 0)),
                    str(data.get("errors", 0)),
                    *(format_value(every.get(f"p{p}_ms"), "ms") for p in (50, 95, 99)),
                    str(custom.get("count", 0)),
                    *(format_value(custom.get(f"p{p}_ms"), "ms") for p in (50, 95, 99)),
                    f"{data['throughput_per_s']:.1f}" if data.get("throughput_per_s") else "—",
                ]
            )
    return render_table(headers, rows)


def custom_action_names(domain: dict[str, Any]) -> set[str]:
    """Actions that run on the action server: the domain's custom actions, plus the forms
    whose slots are validated by a ``validate_<form>`` action."""
    actions = {a for a in domain.get("actions") or [] if isinstance(a, str)}
    custom = {a for a in actions if not a.startswith("utter_")}
    forms = domain.get("forms") or {}
    custom |= {form for form in forms if f"validate_{form}" in actions}
    return custom


def custom_flags(events: Sequence[tuple[str, str | None]], custom: set[str]) -> list[bool]:
    """For each user message in a tracker's events (``(type_name, action_name)`` in order),
    whether the bot's answer to it ran a custom action."""
    flags: list[bool] = []
    for type_name, action_name in events:
        if type_name == "user":
            flags.append(False)
        elif type_name == "action" and flags and action_name in custom:
            flags[-1] = True
    return flags


def uncomment_hello_world(source: str) -> str:
    """The starter's actions.py with its commented-out ``ActionHelloWorld`` enabled."""
    lines = source.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(r"#\s*from typing import", line)), None
    )
    if start is None:
        raise ValueError("no commented example action found")
    body = [re.sub(r"^# ?", "", line) for line in lines[start:]]
    return "\n".join(lines[:start] + body) + "\n"


def level_summary(records: Sequence[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    ok = [r for r in records if r["ok"]]
    by_step: dict[str, list[float]] = {}
    for record in ok:
        by_step.setdefault(f"{record['step']}: {record['message']}", []).append(record["ms"])
    return {
        "turns": len(records),
        "errors": len(records) - len(ok),
        "wall_s": wall_s,
        "throughput_per_s": len(ok) / wall_s if wall_s > 0 else None,
        "all": latency_summary([r["ms"] for r in ok]),
        "custom": latency_summary([r["ms"] for r in ok if r.get("custom") is True]),
        "no_custom": latency_summary([r["ms"] for r in ok if r.get("custom") is False]),
        "unclassified": sum(1 for r in ok if r.get("custom") is None),
        "by_step": {step: latency_summary(values) for step, values in by_step.items()},
    }


def busy_others(bots: dict[str, dict[str, Any]]) -> list[str]:
    """Processes outside the benchmark that were busy at some phase: ``"cmd (phase, 95% CPU)"``."""
    found = []
    for bot in bots.values():
        for key in ("load_before_training", "load_before_serving", "load_after_serving"):
            load = bot.get(key) or {}
            for other in load.get("busy_others", []):
                found.append(f"`{other['command'][:80]}` ({load['phase']}: {other['cpu']:.0%} CPU)")
    return found


def _wrap(text: str, width: int = 96) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False)


def _bullets(*items: str, width: int = 96) -> list[str]:
    lines = []
    for item in items:
        lines += textwrap.wrap(
            item, width, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False
        )
    return lines


def render_report(results: dict[str, Any]) -> str:
    """docs/benchmarks.md."""
    bots = results.get("bots", {})
    machine = results.get("machine", {})
    code = results.get("code", {})
    summary = results.get("summary") or summarise(bots)
    coach, starter = bots.get("coach") or {}, bots.get("starter") or {}
    date = results.get("finished_at", "")[:10]
    turns = results.get("turns_per_level")
    load = (
        "first with no pause (each sends the next message as soon as the reply arrives: a"
        " saturating load, so at 20 concurrent a turn mostly waits in line and its latency is"
        f" about 20 ÷ turns per second), then pausing about {PACED_THINK_S:g} s on average"
        " between turns (0.5–1.5×, still much faster than anyone types)"
    )
    quick = " (quick run: fewer turns, figures are rough)" if results.get("quick") else ""
    baseline_note = (
        "The starter bot was not measured in this run (`--skip-baseline`)."
        if "starter" not in bots
        else ""
    )
    errors = [
        f"- {BOT_LABELS.get(k, k)}: {e}" for k, b in bots.items() for e in b.get("errors", [])
    ]
    lines = [
        "# Benchmarks",
        "",
        "How heavy and how fast Outcomes Coach is, next to the bot that `rasa init` creates",
        "(Rasa's starter bot, with its default DIET + TED configuration) on the same machine.",
        "This page is generated: `make bench` (`python -m bench.run`) measures everything again",
        "and rewrites it; the raw figures are kept in `bench/results/latest.json` (and a copy per",
        "run, named by its UTC time). The benchmark is not part of `make test`.",
        "",
        "What is measured, and how:",
        "",
        *_bullets(
            "**Training time**: wall time of `rasa train` with an empty Rasa cache (nothing is"
            " reused): for this bot the command `coach train` runs, for the starter bot `rasa"
            " train` in the directory `rasa init` created (`rasa init` itself also trains; its"
            " time is under Other figures).",
            "**Cold start**: from spawning the Rasa server to its first REST reply with text"
            ' (`POST /webhooks/rest/webhook`, "hello"); the action server is started first and'
            " is already answering. Loading the model is most of it.",
            f"**Turn latency**: {turns} REST turns per level, with 1 and with 20 concurrent"
            " simulated people (asyncio + httpx on loopback, every POST timed, after a short"
            f" warm-up), {load}. Each person has a new sender id per conversation. This bot's"
            f" conversation is {' → '.join(f'`{m}`' for m in COACH_CYCLE)}: the last four"
            " turns run custom actions (consent; who the preparation is for and the first"
            " question; the form's validation and the drafted outcome; confirming the draft),"
            " which write to the SQLite record."
            " The starter bot says `hello` four times: `bench` enables its example"
            " `action_hello_world` and adds the rule `greet → action_hello_world`, so every turn"
            " runs a custom action. The first table counts the turns that ran a custom action"
            " (read back from the tracker store; for the starter, from the reply); the second"
            " has every turn.",
            "**Peak RSS**: the highest resident memory (VmHWM, MiB) of each server over the"
            " whole run, summed over the process and its children (this bot's action server,"
            " rasa-sdk 3.21 on a recent Sanic, runs as a manager, a worker and multiprocessing"
            " helpers; the starter's, rasa-sdk 3.6 from Rasa's venv, is one process). The tree"
            " is also sampled every 150 ms (in the JSON).",
        ),
        "",
        *_wrap(
            "This bot keeps conversations in an SQL (SQLite) tracker store and writes a record"
            " per person; the starter bot keeps them in memory and stores nothing. Each bot runs"
            " as one Rasa process and one action server on loopback, one bot at a time."
        ),
        "",
        f"## Results — {date}{quick}",
        "",
        comparison_table(summary),
        "",
        "Ratio is this bot's figure divided by the starter bot's (below 1: this bot is lighter",
        "or faster). The targets are the project's and apply to this bot.",
    ]
    if baseline_note:
        lines += ["", baseline_note]
    others = busy_others(bots)
    if others:
        lines += [
            "",
            "**Caveat:** other processes on the machine were busy during this run, so these",
            "figures are pessimistic (the CPU was shared):",
            "",
            *(f"- {other}" for other in others),
        ]
    if errors:
        lines += ["", "Steps that failed in this run:", "", *errors]
    lines += [
        "",
        "### Every turn",
        "",
        all_turns_table(bots),
        "",
        "### Other figures",
        "",
        f"- Action server ready (spawn → `/health`): this bot "
        f"{format_value(_get(coach, 'cold_start', 'action_server_up_s'), 's')}, starter bot "
        f"{format_value(_get(starter, 'cold_start', 'action_server_up_s'), 's')}.",
        f"- Rasa answering HTTP at all (spawn → first response): this bot "
        f"{format_value(_get(coach, 'cold_start', 'first_http_s'), 's')}, starter bot "
        f"{format_value(_get(starter, 'cold_start', 'first_http_s'), 's')}.",
        f"- `rasa init` (creates the starter project and trains it): "
        f"{format_value(_get(starter, 'init', 'seconds'), 's')}.",
        "",
        *coaching.render(results.get("coaching") or {}),
        *_load_section(results.get("load")),
        "## Machine",
        "",
        f"- CPU: {machine.get('cpu_model', '?')}, {machine.get('logical_cpus', '?')} logical CPUs "
        f"({machine.get('usable_cpus', '?')} usable by the benchmark)",
        f"- RAM: {machine.get('ram_gb', '?')} GB",
        f"- OS: {machine.get('platform', '?')}",
        f"- Rasa {machine.get('rasa', '?')} on Python {machine.get('rasa_python', '?')}; "
        f"this bot's action server: rasa-sdk {machine.get('rasa_sdk', '?')} on Python "
        f"{machine.get('python', '?')}; the starter's action server: rasa-sdk "
        f"{machine.get('rasa_venv_rasa_sdk', '?')} (Rasa's venv); jsonschema "
        f"{(machine.get('rasa_venv') or {}).get('jsonschema', '?')} in Rasa's venv",
        f"- Code: commit {str(code.get('commit', '?'))[:10]}"
        + (f", with changes to {', '.join(code['changed'])}" if code.get("changed") else ""),
        f"- Date: {results.get('finished_at', '?')} (UTC)",
        "",
    ]
    return "\n".join(lines)


def _load_section(load: dict[str, Any] | None) -> list[str]:
    """The "Load" section (bench.load imports this module, so it is imported late)."""
    if not load:
        return []
    from bench.load import render_section

    return render_section(load)


# --- machine ----------------------------------------------------------------------------


def machine_info(rasa_python: Path | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        info["rasa_sdk"] = importlib.metadata.version("rasa-sdk")
    if rasa_python is not None and rasa_python.exists():
        # jsonschema matters: Rasa 3.6 validates every action-server response with it.
        code = (
            "import importlib.metadata as m, platform\n"
            "print(platform.python_version())\n"
            f"for name in {RASA_VENV_PACKAGES!r}:\n"
            "    try: print(name, m.version(name))\n"
            "    except m.PackageNotFoundError: pass\n"
        )
        with contextlib.suppress(subprocess.SubprocessError, OSError, ValueError, IndexError):
            out = subprocess.run(
                [str(rasa_python), "-c", code], capture_output=True, text=True, timeout=60
            ).stdout.splitlines()
            info["rasa_python"] = out[0].strip()
            info["rasa_venv"] = dict(line.split(" ", 1) for line in out[1:] if " " in line)
            info["rasa"] = info["rasa_venv"].get("rasa")
            info["rasa_venv_rasa_sdk"] = info["rasa_venv"].get("rasa-sdk")
    return info


def code_state() -> dict[str, Any]:
    """The commit measured, and the files that differed from it (others may be editing)."""
    state: dict[str, Any] = {}
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        git = ["git", "-C", str(PROJECT_ROOT)]
        run = {"capture_output": True, "text": True, "timeout": 30}
        state["commit"] = subprocess.run([*git, "rev-parse", "HEAD"], **run).stdout.strip()
        status = subprocess.run([*git, "status", "--porcelain"], **run).stdout.splitlines()
        state["changed"] = [line[3:] for line in status if not line.startswith("??")]
    return state


# --- processes --------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, pgid) for every process we can see."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


def descendants(root: int, table: dict[int, tuple[int, int]] | None = None) -> set[int]:
    table = table if table is not None else _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount = line.split(":", 1)
                values[key] = int(amount.split()[0])
    except (OSError, ValueError):
        pass
    return values


def _command(pid: int, limit: int = 160) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:limit]


def _cpu_ticks() -> dict[int, int]:
    """pid -> user + system CPU time in clock ticks."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                fields = stat[stat.rfind(")") + 2 :].split()
                ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                continue
    return ticks


def machine_load(phase: str, probe_s: float = 1.0, threshold: float = 0.2) -> dict[str, Any]:
    """Load average, and the processes not started by the benchmark that used more than
    ``threshold`` of a CPU during a short probe (they skew every figure)."""
    own = descendants(os.getpid()) | {os.getpid()}
    before = _cpu_ticks()
    time.sleep(probe_s)
    after = _cpu_ticks()
    hertz = os.sysconf("SC_CLK_TCK")
    busy = []
    for pid, ticks in after.items():
        used = (ticks - before.get(pid, ticks)) / hertz / probe_s
        if pid not in own and used >= threshold:
            busy.append({"pid": pid, "cpu": round(used, 2), "command": _command(pid)})
    load = {"phase": phase, "loadavg": list(os.getloadavg()), "busy_others": busy}
    if busy:
        names = ", ".join(f"{b['command'][:60]} ({b['cpu']:.0%} CPU)" for b in busy)
        log(f"warning: other processes are busy ({phase}): {names}")
    return load


class RssSampler(threading.Thread):
    """Samples the resident memory of process trees (a root and its descendants)."""

    def __init__(self, interval: float = SAMPLE_INTERVAL_S) -> None:
        super().__init__(daemon=True, name="rss-sampler")
        self.interval = interval
        self.roots: dict[str, int] = {}
        self.peak_tree_kb: dict[str, int] = {}
        self.hwm_kb: dict[str, dict[int, int]] = {}
        self.commands: dict[int, str] = {}
        self.samples = 0
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def add_root(self, name: str, pid: int) -> None:
        with self._lock:
            self.roots[name] = pid
            self.peak_tree_kb.setdefault(name, 0)
            self.hwm_kb.setdefault(name, {})
        self.sample()

    def sample(self) -> None:
        table = _proc_table()
        with self._lock:
            for name, root in self.roots.items():
                if root not in table:
                    continue
                tree_rss = 0
                for pid in {root} | descendants(root, table):
                    status = _status_kb(pid)
                    tree_rss += status.get("VmRSS", 0)
                    if "VmHWM" in status:
                        if pid not in self.commands:
                            self.commands[pid] = _command(pid)
                        seen = self.hwm_kb[name].get(pid, 0)
                        self.hwm_kb[name][pid] = max(seen, status["VmHWM"])
                self.peak_tree_kb[name] = max(self.peak_tree_kb[name], tree_rss)
            self.samples += 1

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(5)

    def result(self) -> dict[str, dict[str, Any]]:
        self.sample()  # the last VmHWM, while the processes are still alive
        with self._lock:
            return {
                name: {
                    "peak_mb": sum(self.hwm_kb[name].values()) / 1024,
                    "sampled_tree_peak_mb": self.peak_tree_kb[name] / 1024,
                    "processes": len(self.hwm_kb[name]),
                    "samples": self.samples,
                    "breakdown": [
                        {"pid": pid, "command": self.commands.get(pid, "?"), "peak_mb": kb / 1024}
                        for pid, kb in sorted(self.hwm_kb[name].items())
                    ],
                }
                for name in self.roots
            }


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def stop_group(process: subprocess.Popen, grace: float = STOP_GRACE_S) -> None:
    """Stop a process started in its own session: SIGINT to its group, then SIGKILL; then
    kill whatever is left of the group."""
    pgid = process.pid
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGINT)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
    # Members that outlived the leader (e.g. a server's worker process) keep its group id.
    for pid, (_, group) in _proc_table().items():
        if group == pgid:
            _kill(pid, signal.SIGKILL)


def kill_leftover_children() -> list[int]:
    """Safety net: SIGKILL every process this benchmark started that is still running."""
    pids = sorted(descendants(os.getpid()))
    for pid in pids:
        _kill(pid, signal.SIGKILL)
    return pids


def spawn(command: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as handle:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole
        )


def run_timed(
    command: Sequence[str], cwd: Path, env: dict[str, str], log: Path, limit: float
) -> float:
    """Run a command to completion (bounded by ``limit``) and return its wall time."""
    started = time.perf_counter()
    process = spawn(command, cwd, env, log)
    try:
        code = process.wait(limit)
    except BaseException:
        stop_group(process, grace=5)
        raise
    elapsed = time.perf_counter() - started
    if code != 0:
        raise BenchError(f"{' '.join(command[:2])} exited with {code} (log: {log})")
    return elapsed


@contextlib.contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout/stderr (file descriptors, so children too) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(path, "ab") as handle:
            os.dup2(handle.fileno(), 1)
            os.dup2(handle.fileno(), 2)
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise ``TimeoutError`` in the main thread after ``seconds`` (``subprocess.run`` then
    kills its child)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what} took longer than {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_http(
    url: str, limit: float, process: subprocess.Popen, what: str, started: float
) -> float:
    """Poll ``url`` until it answers below 500; return seconds since ``started``."""
    with httpx.Client(trust_env=False, timeout=5) as client:
        while time.perf_counter() - started < limit:
            if process.poll() is not None:
                raise BenchError(f"{what} exited with code {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code < 500:
                    return time.perf_counter() - started
            time.sleep(0.1)
    raise BenchError(f"{what} did not answer {url} within {limit:.0f} s")


def wait_first_reply(
    base_url: str, started: float, process: subprocess.Popen, limit: float, what: str
) -> dict[str, Any]:
    """POST "hello" until Rasa replies with text; times are from ``started`` (the spawn)."""
    sender = f"bench-cold-{uuid.uuid4().hex[:8]}"
    first_http = None
    polls = 0
    with httpx.Client(base_url=base_url, trust_env=False, timeout=30) as client:
        while time.perf_counter() - started < limit:
            if process.poll() is not None:
                raise BenchError(f"{what} exited with code {process.returncode}")
            polls += 1
            try:
                response = client.post(WEBHOOK, json={"sender": sender, "message": "hello"})
            except httpx.HTTPError:
                time.sleep(0.1)
                continue
            now = time.perf_counter() - started
            first_http = first_http if first_http is not None else now
            if response.status_code == 200:
                with contextlib.suppress(ValueError):
                    if any(isinstance(m, dict) and m.get("text") for m in response.json()):
                        return {"first_reply_s": now, "first_http_s": first_http, "polls": polls}
            time.sleep(0.1)
    raise BenchError(f"{what} gave no reply with text within {limit:.0f} s")


# --- load -------------------------------------------------------------------------------


async def drive(
    base_url: str,
    cycle: Sequence[str],
    concurrency: int,
    turns: int,
    tag: str,
    limit: float,
    think_s: float = 0.0,
) -> tuple[list[dict[str, Any]], float, bool]:
    """``concurrency`` simulated people send ``turns`` messages in all, each repeating
    ``cycle`` with a new sender id per conversation, and pausing ``think_s`` on average
    (0.5–1.5×, seeded) between turns: 0 is a saturating load. Returns the turns, wall time,
    and whether the time limit cut the run short."""
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + limit
    cut_short = False
    limits = httpx.Limits(
        max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2
    )
    timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=10)
    run_id = uuid.uuid4().hex[:6]

    async with httpx.AsyncClient(
        base_url=base_url, timeout=timeout, limits=limits, trust_env=False
    ) as client:

        async def person(worker: int, quota: int) -> None:
            nonlocal cut_short
            done = conversation = 0
            pauses = random.Random(worker)
            if think_s:  # people do not all start at the same instant
                await asyncio.sleep(pauses.uniform(0, think_s))
            while done < quota:
                sender = f"bench-{tag}-{run_id}-c{concurrency}-w{worker}-n{conversation}"
                for step, message in enumerate(cycle):
                    if done >= quota:
                        return
                    if think_s and done:
                        await asyncio.sleep(think_s * pauses.uniform(0.5, 1.5))
                    if time.monotonic() > deadline:
                        cut_short = True
                        return
                    record: dict[str, Any] = {
                        "sender": sender, "step": step, "message": message, "worker": worker,
                    }  # fmt: skip
                    started = time.perf_counter()
                    try:
                        response = await client.post(
                            WEBHOOK, json={"sender": sender, "message": message}
                        )
                        replies = response.json() if response.status_code == 200 else None
                        record["ms"] = (time.perf_counter() - started) * 1000
                        record["status"] = response.status_code
                        record["ok"] = isinstance(replies, list)
                        record["texts"] = [
                            m.get("text") for m in replies or [] if isinstance(m, dict)
                        ]
                    except (httpx.HTTPError, ValueError) as error:
                        record["ms"] = (time.perf_counter() - started) * 1000
                        record.update(status=None, ok=False, error=type(error).__name__)
                    records.append(record)
                    done += 1
                conversation += 1

        started = time.perf_counter()
        await asyncio.gather(*(person(w, q) for w, q in enumerate(split_quota(turns, concurrency))))
        wall = time.perf_counter() - started
    return records, wall, cut_short


@dataclasses.dataclass
class BotUnderTest:
    key: str
    rasa_url: str
    actions_health_url: str
    start_actions: Callable[[], subprocess.Popen]
    start_rasa: Callable[[], subprocess.Popen]
    cycle: Sequence[str]
    classify: Callable[[list[dict[str, Any]]], None]  # sets record["custom"]


def serve_and_measure(bot: BotUnderTest, turns: int) -> dict[str, Any]:
    """Start the bot's servers, measure cold start, latency and memory, stop them."""
    processes: dict[str, subprocess.Popen] = {}
    out: dict[str, Any] = {"load_before_serving": machine_load(f"{bot.key}: before serving")}
    sampler = RssSampler()
    sampler.start()
    try:
        _serve_and_measure(bot, turns, processes, sampler, out)
    except (BenchError, OSError, sqlite3.Error) as error:
        out["error"] = str(error)  # what was measured before the failure is kept
    finally:
        if "rss" not in out and sampler.roots:
            with contextlib.suppress(Exception):
                out["rss"] = sampler.result()
        sampler.stop()
        for name in ("rasa", "actions"):
            if name in processes:
                stop_group(processes[name])
    return out


def _serve_and_measure(
    bot: BotUnderTest,
    turns: int,
    processes: dict[str, subprocess.Popen],
    sampler: RssSampler,
    out: dict[str, Any],
) -> None:
    log(f"{bot.key}: starting the action server")
    started = time.perf_counter()
    processes["actions"] = bot.start_actions()
    sampler.add_root("actions", processes["actions"].pid)
    actions_up = wait_http(
        bot.actions_health_url, WAIT_LIMIT_S, processes["actions"], "action server", started
    )
    log(f"{bot.key}: action server answered after {actions_up:.1f} s; starting Rasa")
    started = time.perf_counter()
    processes["rasa"] = bot.start_rasa()
    sampler.add_root("rasa", processes["rasa"].pid)
    cold = wait_first_reply(bot.rasa_url, started, processes["rasa"], WAIT_LIMIT_S, "Rasa")
    cold["action_server_up_s"] = actions_up
    out["cold_start"] = cold
    log(f"{bot.key}: first reply {cold['first_reply_s']:.1f} s after spawning Rasa")

    warmup = WARMUP_CONVERSATIONS * len(bot.cycle)
    asyncio.run(drive(bot.rasa_url, bot.cycle, 1, warmup, f"{bot.key}-warm", LEVEL_LIMIT_S))
    levels: dict[str, Any] = {}
    all_records: list[dict[str, Any]] = []
    for label, concurrency, pause in LEVELS:
        log(f"{bot.key}: {turns} turns with {concurrency} concurrent, pauses {pause:g} s")
        records, wall, cut = asyncio.run(
            drive(bot.rasa_url, bot.cycle, concurrency, turns, f"{bot.key}-{label}",
                  LEVEL_LIMIT_S, pause)
        )  # fmt: skip
        levels[label] = {"records": records, "wall_s": wall, "cut_short": cut, "think_s": pause}
        all_records += records
    bot.classify(all_records)
    out["latency"] = {"warmup_turns": warmup, "cycle": list(bot.cycle), "levels": {}}
    for level, data in levels.items():
        summary = level_summary(data["records"], data["wall_s"])
        summary["cut_short"] = data["cut_short"]
        summary["raw"] = [
            {k: r.get(k) for k in ("worker", "step", "ms", "status", "ok", "custom")}
            for r in data["records"]
        ]
        out["latency"]["levels"][level] = summary
        log(
            f"{bot.key}: c={level}: custom p50 "
            f"{format_value(summary['custom']['p50_ms'], 'ms')}, p95 "
            f"{format_value(summary['custom']['p95_ms'], 'ms')}; errors {summary['errors']}"
        )
    out["rss"] = sampler.result()
    out["load_after_serving"] = machine_load(f"{bot.key}: after the latency runs")
    for server in ("rasa", "actions"):
        if processes[server].poll() is not None:
            raise BenchError(f"the {server} server exited during the run")


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[bench {stamp}] {message}", file=sys.stderr, flush=True)


# --- this bot ---------------------------------------------------------------------------

ISOLATED_UNSET = (
    "COACH_TRACKER_URL", "COACH_ACTION_URL", "COACH_TRACKER_DB", "COACH_SECRET_FILE",
    "COACH_RASA_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "RASA_CACHE_DIRECTORY",
)  # fmt: skip


def isolate_environment(var_dir: Path, rasa_port: int, action_port: int) -> None:
    """Point every setting of this process (and so of its children) at a throw-away var/
    directory and the benchmark's ports: the developer's var/ and servers are not touched."""
    for name in ISOLATED_UNSET:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "COACH_VAR_DIR": str(var_dir),
            "COACH_HOST": HOST,
            "COACH_RASA_PORT": str(rasa_port),
            "COACH_ACTION_PORT": str(action_port),
            "DATABASE_URL": f"sqlite:///{var_dir / 'coach.db'}",
            "COACH_SECRET": secrets.token_hex(32),
            "SANIC_HOST": HOST,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
    )


def tracker_custom_flags(tracker_db: Path, custom: set[str]) -> dict[str, list[bool]]:
    """Per sender, which user turns ran a custom action, read from Rasa's SQL tracker store."""
    connection = sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True, timeout=30)
    try:
        rows = connection.execute(
            "SELECT sender_id, type_name, action_name FROM events ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    events: dict[str, list[tuple[str, str | None]]] = {}
    for sender, type_name, action_name in rows:
        events.setdefault(sender, []).append((type_name, action_name))
    return {sender: custom_flags(items, custom) for sender, items in events.items()}


def apply_flags(records: list[dict[str, Any]], flags: dict[str, list[bool]]) -> None:
    """Set ``record["custom"]`` from per-sender flags (``None`` if they do not line up)."""
    by_sender: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_sender.setdefault(record["sender"], []).append(record)
    for sender, turns in by_sender.items():
        sender_flags = flags.get(sender, [])
        aligned = len(sender_flags) == len(turns)
        for record in sorted(turns, key=lambda r: r["step"]):
            record["custom"] = sender_flags[record["step"]] if aligned else None


def bench_coach(work: Path, turns: int) -> dict[str, Any]:
    import yaml

    from bot import runtime
    from bot.config import ensure_private_dir, get_settings

    rasa_port, action_port = COACH_PORTS
    var_dir = work / "coach-var"
    isolate_environment(var_dir, rasa_port, action_port)
    settings = get_settings()  # now entirely from the isolated environment
    settings = dataclasses.replace(settings, telegram_token=None, telegram_base_url=None)
    assert settings.var_dir == var_dir.resolve() and settings.rasa_port == rasa_port
    ensure_private_dir(settings.var_dir)
    result: dict[str, Any] = {"name": "Outcomes Coach", "ports": list(COACH_PORTS), "errors": []}
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    custom = custom_action_names(domain)
    result["custom_actions"] = sorted(custom)

    models_dir = work / "coach-models"
    train_log = work / "logs" / "coach-train.log"
    log(f"coach: training (log: {train_log})")
    result["load_before_training"] = machine_load("coach: before training")
    os.environ["RASA_CACHE_DIRECTORY"] = str(work / "rasa-cache-coach")
    try:
        with output_to(train_log), time_limit(TRAIN_LIMIT_S, "rasa train"):
            started = time.perf_counter()
            runtime.train(settings, force=True, models_dir=models_dir)
            seconds = time.perf_counter() - started
    except (subprocess.CalledProcessError, TimeoutError, runtime.StartupError) as error:
        result["errors"].append(f"training: {error} (log: {train_log})")
        return result
    finally:
        os.environ.pop("RASA_CACHE_DIRECTORY", None)
    result["training"] = {
        "seconds": seconds,
        "command": "bot.runtime.train(force=True) → rasa train (empty cache)",
        "config": (PROJECT_ROOT / "config.yml").read_text(),
    }
    log(f"coach: trained in {seconds:.1f} s")
    model = runtime.model_path(models_dir)
    servers = runtime.Servers()

    def start_actions() -> subprocess.Popen:
        runtime.start_action_server(settings, servers)
        return servers.processes["actions"]

    def start_rasa() -> subprocess.Popen:
        runtime.start_rasa(settings, servers, model)
        return servers.processes["rasa"]

    def classify(records: list[dict[str, Any]]) -> None:
        apply_flags(records, tracker_custom_flags(settings.tracker_db, custom))

    bot = BotUnderTest(
        key="coach",
        rasa_url=f"http://{HOST}:{rasa_port}",
        actions_health_url=f"http://{HOST}:{action_port}/health",
        start_actions=start_actions,
        start_rasa=start_rasa,
        cycle=COACH_CYCLE,
        classify=classify,
    )
    result.update(serve_and_measure(bot, turns))
    if "error" in result:
        result["errors"].append(f"{result.pop('error')} (logs: {settings.var_dir / 'logs'})")
    return result


# --- Rasa's starter bot -----------------------------------------------------------------

STARTER_RULE = """
- rule: Greet with the example custom action (added by bench.run)
  steps:
  - intent: greet
  - action: action_hello_world
"""

HELLO_WORLD_FALLBACK = """from typing import Any, Text, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionHelloWorld(Action):

    def name(self) -> Text:
        return "action_hello_world"

    def run(self, dispatcher: CollectingDispatcher,
            tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:

        dispatcher.utter_message(text="Hello World!")

        return []
"""


def enable_hello_world(project: Path, action_port: int) -> None:
    """Make the starter bot run its example custom action on every greeting, and point it
    at its action server on loopback (only the REST channel, as this bot)."""
    actions = project / "actions" / "actions.py"
    try:
        source = uncomment_hello_world(actions.read_text())
        compile(source, str(actions), "exec")
        if "class ActionHelloWorld" not in source:
            raise ValueError("no ActionHelloWorld")
    except (ValueError, SyntaxError):
        source = HELLO_WORLD_FALLBACK
    actions.write_text(source)
    domain = project / "domain.yml"
    if not re.search(r"^actions:", domain.read_text(), re.MULTILINE):
        with domain.open("a") as handle:
            handle.write("\nactions:\n  - action_hello_world\n")
    stories = project / "data" / "stories.yml"
    greet = stories.read_text().replace("action: utter_greet", "action: action_hello_world")
    stories.write_text(greet)
    with (project / "data" / "rules.yml").open("a") as handle:
        handle.write(STARTER_RULE)
    (project / "endpoints.yml").write_text(
        f'action_endpoint:\n  url: "http://{HOST}:{action_port}/webhook"\n'
    )
    (project / "credentials.yml").write_text("rest:\n")


def bench_starter(work: Path, turns: int) -> dict[str, Any]:
    from bot.runtime import StartupError, rasa_executable

    rasa_port, action_port = STARTER_PORTS
    result: dict[str, Any] = {
        "name": "Rasa starter bot (rasa init)", "ports": list(STARTER_PORTS), "errors": [],
    }  # fmt: skip
    project = work / "starter"
    project.mkdir(parents=True)  # `rasa init --init-dir D` needs D to exist
    env = dict(os.environ)
    for name in ISOLATED_UNSET:
        env.pop(name, None)
    env.update(
        RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", SANIC_HOST=HOST,
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )  # fmt: skip
    try:
        rasa = str(rasa_executable())
        log("starter: rasa init (creates the project and trains it)")
        init_env = dict(env, RASA_CACHE_DIRECTORY=str(work / "rasa-cache-init"))
        init_s = run_timed(
            [rasa, "init", "--no-prompt", "--init-dir", str(project)],
            work, init_env, work / "logs" / "starter-init.log", TRAIN_LIMIT_S,
        )  # fmt: skip
        result["init"] = {"seconds": init_s, "note": "rasa init --no-prompt, includes training"}
        log(f"starter: rasa init took {init_s:.1f} s; enabling action_hello_world")
        enable_hello_world(project, action_port)
        import yaml

        result["custom_actions"] = sorted(
            custom_action_names(yaml.safe_load((project / "domain.yml").read_text()))
        )
        log("starter: rasa train")
        result["load_before_training"] = machine_load("starter: before training")
        train_env = dict(env, RASA_CACHE_DIRECTORY=str(work / "rasa-cache-starter"))
        train_s = run_timed(
            [rasa, "train", "--domain", "domain.yml", "--config", "config.yml", "--data", "data",
             "--out", "models", "--fixed-model-name", "starter"],
            project, train_env, work / "logs" / "starter-train.log", TRAIN_LIMIT_S,
        )  # fmt: skip
    except (BenchError, StartupError, OSError, subprocess.TimeoutExpired) as error:
        result["errors"].append(f"training: {error}")
        return result
    result["training"] = {
        "seconds": train_s,
        "command": "rasa train --fixed-model-name starter (empty cache), after rasa init",
    }
    log(f"starter: trained in {train_s:.1f} s")

    def start_actions() -> subprocess.Popen:
        command = [rasa, "run", "actions", "--port", str(action_port)]
        return spawn(command, project, env, work / "logs" / "starter-actions.log")

    def start_rasa() -> subprocess.Popen:
        command = [rasa, "run", "--interface", HOST, "--port", str(rasa_port),
                   "--model", str(project / "models" / "starter.tar.gz"),
                   "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]  # fmt: skip
        return spawn(command, project, env, work / "logs" / "starter-rasa.log")

    def classify(records: list[dict[str, Any]]) -> None:
        for record in records:
            record["custom"] = STARTER_CUSTOM_REPLY in (record.get("texts") or [])

    bot = BotUnderTest(
        key="starter",
        rasa_url=f"http://{HOST}:{rasa_port}",
        actions_health_url=f"http://{HOST}:{action_port}/health",
        start_actions=start_actions,
        start_rasa=start_rasa,
        cycle=STARTER_CYCLE,
        classify=classify,
    )
    result.update(serve_and_measure(bot, turns))
    if "error" in result:
        result["errors"].append(f"{result.pop('error')} (logs: {work / 'logs'})")
    return result


# --- main -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer turns (a smoke run)")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="do not measure the starter bot"
    )
    parser.add_argument("--keep-work", action="store_true", help="keep bench/work/<stamp>/")
    parser.add_argument("--skip-load", action="store_true", help="no load benchmark")
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only the load benchmark (other figures from bench/results/latest.json)",
    )
    return parser.parse_args(argv)


# (people, seconds) of the load benchmark; --quick makes it a smoke run.
LOAD_SIZE = (200, 60.0)
QUICK_LOAD_SIZE = (50, 20.0)


def bench_load(work: Path, quick: bool) -> dict[str, Any]:
    """Both load configurations (bench.load), one after the other."""
    from bench import load

    people, seconds = QUICK_LOAD_SIZE if quick else LOAD_SIZE
    log(f"load: {people} people for {seconds:g} s, two paces, on two replicas then on one")
    return load.run_profiles(people, seconds, work_root=work)


def load_failures(load: dict[str, Any] | None) -> list[str]:
    """A load run that could not finish, or whose audit found an answer lost or repeated."""
    from bench.load import all_runs

    failed = []
    for run in all_runs(load):
        if run.get("error"):
            failed.append(f"load, {run.get('label')}: {run['error']}")
        elif not (run.get("integrity") or {}).get("ok"):
            failed.append(f"load, {run.get('label')}: the audit found problems")
    return failed


def write_outputs(results: dict[str, Any], stamp: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    path = RESULTS_DIR / f"{stamp}.json"
    path.write_text(text)
    (RESULTS_DIR / "latest.json").write_text(text)
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(render_report(results))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load_only:
        return main_load_only(args)
    ports = list(COACH_PORTS) + ([] if args.skip_baseline else list(STARTER_PORTS))
    assert not RESERVED_PORTS & set(ports)
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        print(f"Ports {busy} are in use on {HOST}: stop what listens there first.", file=sys.stderr)
        return 2
    from bot.runtime import rasa_executable

    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    work = WORK_ROOT / stamp
    work.mkdir(parents=True)
    turns = QUICK_TURNS_PER_LEVEL if args.quick else TURNS_PER_LEVEL
    results: dict[str, Any] = {
        "schema": 1,
        "started_at": now.isoformat(timespec="seconds"),
        "quick": args.quick,
        "turns_per_level": turns,
        "levels": [
            {"label": label, "concurrent": people, "think_s": pause}
            for label, people, pause in LEVELS
        ],
        "warmup_conversations": WARMUP_CONVERSATIONS,
        "bots": {},
    }
    log(f"work directory {work}")
    try:
        results["machine"] = machine_info(rasa_executable().parent / "python")
        results["code"] = code_state()
        log("coaching functions: timing classify and draft per answer")
        results["coaching"] = coaching.measure()
        results["bots"]["coach"] = bench_coach(work, turns)
        if not args.skip_baseline:
            results["bots"]["starter"] = bench_starter(work, turns)
        if not args.skip_load:
            results["load"] = bench_load(work, args.quick)
    finally:
        leftovers = kill_leftover_children()
        if leftovers:
            log(f"killed leftover processes {leftovers}")
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["summary"] = summarise(results["bots"])
    path = write_outputs(results, stamp)
    print(comparison_table(results["summary"]))
    print()
    print(all_turns_table(results["bots"]))
    failed = [e for bot in results["bots"].values() for e in bot.get("errors", [])]
    failed += load_failures(results.get("load"))
    for error in failed:
        print(f"FAILED: {error}", file=sys.stderr)
    log(f"results: {path}; report: {DOC_PATH}")
    if failed or args.keep_work:
        log(f"kept {work} (logs, models)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def main_load_only(args: argparse.Namespace) -> int:
    """Run the load benchmark alone and put it in the report beside the last full run's
    figures (bench/results/latest.json)."""
    latest = RESULTS_DIR / "latest.json"
    results: dict[str, Any] = json.loads(latest.read_text()) if latest.exists() else {"bots": {}}
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    work = WORK_ROOT / stamp
    work.mkdir(parents=True)
    try:
        results["load"] = bench_load(work, args.quick)
    finally:
        leftovers = kill_leftover_children()
        if leftovers:
            log(f"killed leftover processes {leftovers}")
    results.setdefault("finished_at", now.isoformat(timespec="seconds"))
    path = write_outputs(results, stamp)
    failed = load_failures(results["load"])
    for error in failed:
        print(f"FAILED: {error}", file=sys.stderr)
    log(f"results: {path}; report: {DOC_PATH}")
    if failed or args.keep_work:
        log(f"kept {work} (logs)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
