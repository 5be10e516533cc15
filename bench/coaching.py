"""Speed of the coaching functions per answer (part of `make bench`).

Times ``classify_statement`` and ``draft_answer`` on the team's own free answers (the
``tell`` examples of data/nlu/tell.yml, each used once), after loading the pipeline once.
Target (issue 4): p95 per answer ≤ 20 ms.
"""

from __future__ import annotations

import time
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

TARGET_P95_MS = 20.0


def answers() -> list[str]:
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "tell.yml").read_text())
    texts: list[str] = []
    for block in data["nlu"]:
        if block.get("intent") == "tell":
            texts += [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
    return texts


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure() -> dict[str, Any]:
    from bot.coaching.classify import classify_statement
    from bot.coaching.drafting import draft_answer
    from bot.coaching.nlp import get_nlp

    started = time.perf_counter()
    get_nlp()
    load_s = time.perf_counter() - started
    texts = answers()
    results: dict[str, Any] = {"answers": len(texts), "pipeline_load_s": load_s}
    for name, function in (
        ("classify", classify_statement),
        ("draft", lambda text: draft_answer("What matters most to you just now?", text)),
    ):
        function(texts[0])  # first-call costs (lazy tables) are not part of a turn
        timings = []
        for text in texts:
            started = time.perf_counter()
            function(text)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {f"p{p}": _percentile(timings, p) for p in (50, 95, 99)}
    return results


def render(results: dict[str, Any]) -> list[str]:
    """Markdown lines for docs/benchmarks.md."""
    if not results:
        return []
    rows = []
    for name, label in (("classify", "`coach classify`, one statement"),
                        ("draft", "`coach draft`, one answer")):  # fmt: skip
        figures = results[name]
        met = "met" if figures["p95"] <= TARGET_P95_MS else "**not met**"
        rows.append(
            f"| {label} | {figures['p50']:.1f} ms | {figures['p95']:.1f} ms "
            f"| {figures['p99']:.1f} ms "
            f"| ≤ {TARGET_P95_MS:g} ms | {met} |"
        )
    return [
        "## Coaching functions, per answer",
        "",
        f"{results['answers']} of the team's own free answers (the `tell` examples of "
        "`data/nlu/tell.yml`), one at a time in one process, after the pipeline was loaded "
        f"once ({results['pipeline_load_s']:.1f} s).",
        "",
        "| Function | p50 | p95 | p99 | Target (p95) | Met |",
        "|---|--:|--:|--:|--:|--:|",
        *rows,
        "",
    ]


if __name__ == "__main__":
    print("\n".join(render(measure())))
